(* ex_3_minimum_at_w1_1: exported by exactopen from ex-3-minimum-at-w1-1.json (kind landscape_point, verdict global_minimum).
   The checker's statement: the point W of the linear network with widths (1,1,1), for L(W) = 1/2 |W_h..W_1 X - Y|_F^2, is a global minimum, min L = 0: the convex loss is stationary in Z = W_h..W_1, so Z minimises it over all matrices
   The theorem below is stated with the definitions of coq/Statements.v only.
   Lower bound (stationary): (W_h ... W_1 X - Y) X^T = 0, checked by Coq on the data below;
   stat_sound (coq/Theory/Global.v) proves that this makes L(W) <= L(W') for every W'. *)
From Coq Require Import QArith List.
From ExactOpen Require Import Statements Theory.Check Theory.Global.
Import ListNotations.
Open Scope Q_scope.

Definition dims : list nat := [1; 1; 1]%nat.
Definition n : nat := 1%nat.
Definition X : mat :=
  [[1]].
Definition Y : mat :=
  [[1]].
Definition W : list mat := [
  [[1]];
  [[1]]
].

Theorem global_minimum : network dims n X Y W /\ critical (loss X Y) W /\ global_min (loss X Y) W.
Proof. apply (stat_sound dims n X Y W). vm_compute. reflexivity. Qed.
