(* lem_7_2_1_3_global_4: exported by exactopen from lem-7-2-1-3-global-4.json (kind landscape_point, verdict global_minimum).
   The checker's statement: the point W of the linear network with widths (2,1,3), for L(W) = 1/2 |W_h..W_1 X - Y|_F^2, is a global minimum, min L = 289/2: L(W) equals a Ky Fan lower bound on min L
   The theorem below is stated with the definitions of coq/Statements.v only.
   Lower bound (Ky Fan): 2 L(W') >= |Y|^2 - r mu - tr Q for every W' (kf_sound, coq/Theory/Global.v),
   and 2 L(W) is at most this bound, checked by Coq on the data below. *)
From Coq Require Import QArith List.
From ExactOpen Require Import Statements Theory.Check Theory.Global.
Import ListNotations.
Open Scope Q_scope.

Definition dims : list nat := [2; 1; 3]%nat.
Definition n : nat := 2%nat.
Definition X : mat :=
  [[1; 0];
   [0; 1]].
Definition Y : mat :=
  [[(22 # 3); (34 # 3)];
   [(44 # 3); (17 # 3)];
   [(44 # 3); (-34 # 3)]].
Definition W : list mat := [
  [[1; 0]];
  [[(22 # 3)];
   [(44 # 3)];
   [(44 # 3)]]
].

Definition C : mat :=
  [[1; 0];
   [0; 1]].
Definition B : mat :=
  [[1; 0];
   [0; 1]].
(* Sm = Y B^T (B B^T)^-1, computed by the exporter; Coq checks (Sm B - Y) B^T = 0. *)
Definition Sm : mat :=
  [[(22 # 3); (34 # 3)];
   [(44 # 3); (17 # 3)];
   [(44 # 3); (-34 # 3)]].
Definition r : nat := 1%nat.
Definition mu : Q := 289.
Definition Qm : mat :=
  [[(65 # 3); (130 # 3); (130 # 3)];
   [(130 # 3); (260 # 3); (260 # 3)];
   [(130 # 3); (260 # 3); (260 # 3)]].
(* Qm = sum_k d_k l_k l_k^T and Qm + mu I - (Sm B)(Sm B)^T = sum_k e_k m_k m_k^T (exact L D L^T,
   computed by the exporter, checked by Coq with d_k, e_k >= 0). *)
Definition sos1 : list (Q * list Q) := [
  ((65 # 3), [1; 2; 2])
].
Definition sos2 : list (Q * list Q) := [
  ((1156 # 9), [1; (-1); (1 # 2)])
].

Theorem global_minimum : network dims n X Y W /\ critical (loss X Y) W /\ global_min (loss X Y) W.
Proof. apply (kf_sound dims n X Y W C B Sm r mu Qm sos1 sos2). vm_compute. reflexivity. Qed.
