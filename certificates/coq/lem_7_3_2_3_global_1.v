(* lem_7_3_2_3_global_1: exported by exactopen from lem-7-3-2-3-global-1.json (kind landscape_point, verdict global_minimum).
   The checker's statement: the point W of the linear network with widths (3,2,3), for L(W) = 1/2 |W_h..W_1 X - Y|_F^2, is a global minimum, min L = 729/2: L(W) equals a Ky Fan lower bound on min L
   The theorem below is stated with the definitions of coq/Statements.v only.
   Lower bound (Ky Fan): 2 L(W') >= |Y|^2 - r mu - tr Q for every W' (kf_sound, coq/Theory/Global.v),
   and 2 L(W) is at most this bound, checked by Coq on the data below. *)
From Coq Require Import QArith List.
From ExactOpen Require Import Statements Theory.Check Theory.Global.
Import ListNotations.
Open Scope Q_scope.

Definition dims : list nat := [3; 2; 3]%nat.
Definition n : nat := 3%nat.
Definition X : mat :=
  [[1; 0; 0];
   [0; 1; 0];
   [0; 0; 1]].
Definition Y : mat :=
  [[(-65 # 21); (1718 # 63); (-74 # 21)];
   [(-506 # 21); (-298 # 63); (-389 # 21)];
   [(-368 # 21); (230 # 63); (496 # 21)]].
Definition W : list mat := [
  [[(3 # 7); (2 # 7); (6 # 7)];
   [(6 # 7); (-3 # 7); (-2 # 7)]];
  [[(31 # 9); (-40 # 3)];
   [(-248 # 9); (-40 # 3)];
   [(124 # 9); (-70 # 3)]]
].

Definition C : mat :=
  [[1; 0; 0];
   [0; 1; 0];
   [0; 0; 1]].
Definition B : mat :=
  [[1; 0; 0];
   [0; 1; 0];
   [0; 0; 1]].
(* Sm = Y B^T (B B^T)^-1, computed by the exporter; Coq checks (Sm B - Y) B^T = 0. *)
Definition Sm : mat :=
  [[(-65 # 21); (1718 # 63); (-74 # 21)];
   [(-506 # 21); (-298 # 63); (-389 # 21)];
   [(-368 # 21); (230 # 63); (496 # 21)]].
Definition r : nat := 2%nat.
Definition mu : Q := 729.
Definition Qm : mat :=
  [[(2968 # 81); (880 # 81); (5716 # 81)];
   [(880 # 81); (17584 # 81); (-2636 # 81)];
   [(5716 # 81); (-2636 # 81); (12091 # 81)]].
(* Qm = sum_k d_k l_k l_k^T and Qm + mu I - (Sm B)(Sm B)^T = sum_k e_k m_k m_k^T (exact L D L^T,
   computed by the exporter, checked by Coq with d_k, e_k >= 0). *)
Definition sos1 : list (Q * list Q) := [
  ((2968 # 81), [1; (110 # 371); (1429 # 742)]);
  ((79344 # 371), [0; 1; (-1 # 4)])
].
Definition sos2 : list (Q * list Q) := [].

Theorem global_minimum : network dims n X Y W /\ critical (loss X Y) W /\ global_min (loss X Y) W.
Proof. apply (kf_sound dims n X Y W C B Sm r mu Qm sos1 sos2). vm_compute. reflexivity. Qed.
