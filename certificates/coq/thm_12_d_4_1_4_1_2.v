(* thm_12_d_4_1_4_1_2: exported by exactopen from thm-12-d-4-1-4-1-2.json (kind landscape_point, verdict higher_order_saddle).
   The checker's statement: the point W of the linear network with widths (4,1,4,1,2), for L(W) = 1/2 |W_h..W_1 X - Y|_F^2, is a higher-order saddle (not a local minimum, not a strict saddle): the Hessian is positive semidefinite, and along a polynomial curve L - L(W) = (-1/2) t^4 + ..., with a rational point of loss 249/512 < L(W) = 1/2
   The theorem below is stated with the definitions of coq/Statements.v only. *)
From Coq Require Import QArith List.
From ExactOpen Require Import Statements Theory.Poly Theory.Lift Theory.Check Theory.Jet Theory.Hessian.
Import ListNotations.
Open Scope Q_scope.

Definition dims : list nat := [4; 1; 4; 1; 2]%nat.
Definition n : nat := 4%nat.
Definition X : mat :=
  [[1; 0; 0; 0];
   [0; 1; 0; 0];
   [0; 0; 1; 0];
   [0; 0; 0; 1]].
Definition Y : mat :=
  [[0; 0; 0; 0];
   [0; 0; 0; 1]].
Definition W : list mat := [
  [[1; 0; 0; 0]];
  [[0];
   [0];
   [0];
   [0]];
  [[0; 0; 0; 0]];
  [[1];
   [0]]
].
(* The descent curve W(t) = W + sum_j t^j C_j of the certificate, entry by entry:
   [w; c_1; c_2; ...] is w + c_1 t + c_2 t^2 + ... *)
Definition curve : list pmat := [
  [[[1]; [0]; [0]; [0; 1]]];
  [[[0; 1]];
   [[0]];
   [[0]];
   [[0]]];
  [[[0; 1]; [0]; [0]; [0]]];
  [[[1]];
   [[0; 1]]]
].

Theorem refutation : network dims n X Y W /\ critical (loss X Y) W /\ not_local_min (loss X Y) W.
Proof. apply (saddle_sound dims n X Y W curve). vm_compute. reflexivity. Qed.

(* Hessian / 2 = sum_i d_i l_i l_i^T, d_i >= 0 (an L D L^T decomposition, written by the exporter
   and checked here): the second-order test of every straight line through W passes. *)
Definition sos : list (Q * list Q) := [

].

Theorem second_order : hessian_psd (loss X Y) W.
Proof. apply (psd_sound X Y W sos). vm_compute. reflexivity. Qed.
