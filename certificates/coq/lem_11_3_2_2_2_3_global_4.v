(* lem_11_3_2_2_2_3_global_4: exported by exactopen from lem-11-3-2-2-2-3-global-4.json (kind landscape_point, verdict global_minimum).
   The checker's statement: the point W of the linear network with widths (3,2,2,2,3), for L(W) = 1/2 |W_h..W_1 X - Y|_F^2, is a global minimum, min L = 258774/1681: L(W) equals a Ky Fan lower bound on min L
   The theorem below is stated with the definitions of coq/Statements.v only.
   Lower bound (Ky Fan): 2 L(W') >= |Y|^2 - r mu - tr Q for every W' (kf_sound, coq/Theory/Global.v),
   and 2 L(W) is at most this bound, checked by Coq on the data below. *)
From Coq Require Import QArith List.
From ExactOpen Require Import Statements Theory.Check Theory.Global.
Import ListNotations.
Open Scope Q_scope.

Definition dims : list nat := [3; 2; 2; 2; 3]%nat.
Definition n : nat := 4%nat.
Definition X : mat :=
  [[(-57 # 41); (-102 # 41); (-24 # 41); (-30 # 41)];
   [(-83 # 41); (-73 # 41); (-63 # 41); (-48 # 41)];
   [(5 # 41); (-4 # 41); (-95 # 41); (-88 # 41)]].
Definition Y : mat :=
  [[(-1919699 # 438741); (-5042330 # 438741); (-1068110 # 146247); (-4978609 # 438741)];
   [(-2547338 # 438741); (4888174 # 438741); (-2349386 # 146247); (-1868221 # 438741)];
   [(-273946 # 15129); (-41062 # 15129); (623 # 5043); (107245 # 15129)]].
Definition W : list mat := [
  [[(148 # 261); (-21 # 29); (5 # 87)];
   [(-13 # 87); (12 # 29); (-12 # 29)]];
  [[1; 0];
   [0; 1]];
  [[1; 0];
   [0; 1]];
  [[(-88 # 9); (-19 # 9)];
   [(-154 # 9); (-76 # 9)];
   [(-88 # 9); (152 # 9)]]
].

Definition C : mat :=
  [[1; 0; 0];
   [0; 1; 0];
   [0; 0; 1]].
Definition B : mat :=
  [[(-57 # 41); (-102 # 41); (-24 # 41); (-30 # 41)];
   [(-83 # 41); (-73 # 41); (-63 # 41); (-48 # 41)];
   [(5 # 41); (-4 # 41); (-95 # 41); (-88 # 41)]].
(* Sm = Y B^T (B B^T)^-1, computed by the exporter; Coq checks (Sm B - Y) B^T = 0. *)
Definition Sm : mat :=
  [[(14509 # 2349); (-556 # 261); (2828 # 783)];
   [(-33224 # 2349); (3410 # 261); (674 # 783)];
   [(-769 # 81); (136 # 9); (-215 # 27)]].
Definition r : nat := 2%nat.
Definition mu : Q := 289.
Definition Qm : mat :=
  [[(1064 # 27); (1916 # 27); (848 # 27)];
   [(1916 # 27); (3569 # 27); (1052 # 27)];
   [(848 # 27); (1052 # 27); (2576 # 27)]].
(* Qm = sum_k d_k l_k l_k^T and Qm + mu I - (Sm B)(Sm B)^T = sum_k e_k m_k m_k^T (exact L D L^T,
   computed by the exporter, checked by Coq with d_k, e_k >= 0). *)
Definition sos1 : list (Q * list Q) := [
  ((1064 # 27), [1; (479 # 266); (106 # 133)]);
  ((585 # 133), [0; 1; (-4)])
].
Definition sos2 : list (Q * list Q) := [].

Theorem global_minimum : network dims n X Y W /\ critical (loss X Y) W /\ global_min (loss X Y) W.
Proof. apply (kf_sound dims n X Y W C B Sm r mu Qm sos1 sos2). vm_compute. reflexivity. Qed.
