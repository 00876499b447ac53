(* cor_9_weighted_zero_point_4: exported by exactopen from cor-9-weighted-zero-point-4.json (kind landscape_point, verdict strict_saddle).
   The checker's statement: the point W of the linear network with widths (3,1,3), for L(W) = 1/2 sum w_ij (W_h..W_1 X - Y)_ij^2, is a strict saddle: along a straight line W + tD, L - L(W) = (-46035/1024) t^2 + ..., with a rational point of loss 7951954241/33554432 < L(W) = 280
   The theorem below is stated with the definitions of coq/Statements.v only. *)
From Coq Require Import QArith List.
From ExactOpen Require Import Statements Theory.Poly Theory.Lift Theory.Check Theory.Jet Theory.Hessian.
Import ListNotations.
Open Scope Q_scope.

Definition dims : list nat := [3; 1; 3]%nat.
Definition n : nat := 3%nat.
Definition X : mat :=
  [[1; 0; 0];
   [0; 1; 0];
   [0; 0; 1]].
Definition Y : mat :=
  [[8; (-4); 4];
   [8; (-4); 4];
   [8; (-4); 4]].
Definition Wt : mat :=
  [[2; 1; 1];
   [3; 1; 2];
   [1; 3; 3]].
Definition W : list mat := [
  [[0; 0; 0]];
  [[0];
   [0];
   [0]]
].
(* The descent curve W(t) = W + sum_j t^j C_j of the certificate, entry by entry:
   [w; c_1; c_2; ...] is w + c_1 t + c_2 t^2 + ... *)
Definition curve : list pmat := [
  [[[0; 1]; [0; (-23 # 64)]; [0; (29 # 64)]]];
  [[[0; (9 # 16)]];
   [[0; (55 # 64)]];
   [[0; (33 # 64)]]]
].

Theorem refutation : network dims n X Y W /\ is_shape Wt (last dims 0%nat) n /\
  critical (wloss Wt X Y) W /\ not_local_min (wloss Wt X Y) W.
Proof. apply (wsaddle_sound dims n Wt X Y W curve). vm_compute. reflexivity. Qed.
