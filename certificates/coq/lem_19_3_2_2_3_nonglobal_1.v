(* lem_19_3_2_2_3_nonglobal_1: exported by exactopen from lem-19-3-2-2-3-nonglobal-1.json (kind landscape_point, verdict higher_order_saddle).
   The checker's statement: the point W of the linear network with widths (3,2,2,3), for L(W) = 1/2 |W_h..W_1 X - Y|_F^2, is a higher-order saddle (not a local minimum, not a strict saddle): the Hessian is positive semidefinite, and along a polynomial curve L - L(W) = (-246) t^3 + ..., with a rational point of loss 5539/9 < L(W) = 1629/2
   The theorem below is stated with the definitions of coq/Statements.v only. *)
From Coq Require Import QArith List.
From ExactOpen Require Import Statements Theory.Poly Theory.Lift Theory.Check Theory.Jet Theory.Hessian.
Import ListNotations.
Open Scope Q_scope.

Definition dims : list nat := [3; 2; 2; 3]%nat.
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
   [0; 0; 0]];
  [[1; 0];
   [0; 0]];
  [[(31 # 9); 0];
   [(-248 # 9); 0];
   [(124 # 9); 0]]
].
(* The descent curve W(t) = W + sum_j t^j C_j of the certificate, entry by entry:
   [w; c_1; c_2; ...] is w + c_1 t + c_2 t^2 + ... *)
Definition curve : list pmat := [
  [[[(3 # 7)]; [(2 # 7)]; [(6 # 7)]];
   [[0; (-2 # 3)]; [0; 1]; [0]]];
  [[[1]; [0]];
   [[0]; [0; 1]]];
  [[[(31 # 9)]; [0; 8]];
   [[(-248 # 9)]; [0; 1]];
   [[(124 # 9)]; [0]]]
].

Theorem refutation : network dims n X Y W /\ critical (loss X Y) W /\ not_local_min (loss X Y) W.
Proof. apply (saddle_sound dims n X Y W curve). vm_compute. reflexivity. Qed.

(* Hessian / 2 = sum_i d_i l_i l_i^T, d_i >= 0 (an L D L^T decomposition, written by the exporter
   and checked here): the second-order test of every straight line through W passes. *)
Definition sos : list (Q * list Q) := [
  ((961 # 2), [1; 0; 0; 0; 0; 0; (3 # 7); 0; 0; 0; (127 # 20181); 0; (10 # 20181); 0; (88 # 2883)]);
  ((961 # 2), [0; 1; 0; 0; 0; 0; (2 # 7); 0; 0; 0; (-1594 # 60543); 0; (-694 # 60543); 0; (38 # 8649)]);
  ((961 # 2), [0; 0; 1; 0; 0; 0; (6 # 7); 0; 0; 0; (66 # 6727); 0; (-201 # 6727)]);
  ((7912 # 77841), [0; 0; 0; 0; 0; 0; 0; 0; 0; 0; 1; 0; (-55 # 989); 0; (-1429 # 3956)]);
  ((7076 # 950429), [0; 0; 0; 0; 0; 0; 0; 0; 0; 0; 0; 0; 1; 0; 2])
].

Theorem second_order : hessian_psd (loss X Y) W.
Proof. apply (psd_sound X Y W sos). vm_compute. reflexivity. Qed.
