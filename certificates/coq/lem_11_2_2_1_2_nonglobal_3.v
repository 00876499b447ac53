(* lem_11_2_2_1_2_nonglobal_3: exported by exactopen from lem-11-2-2-1-2-nonglobal-3.json (kind landscape_point, verdict strict_saddle).
   The checker's statement: the point W of the linear network with widths (2,2,1,2), for L(W) = 1/2 |W_h..W_1 X - Y|_F^2, is a strict saddle: along a straight line W + tD, L - L(W) = (-1299/20480) t^2 + ..., with a rational point of loss 10615781/16384 < L(W) = 648
   The theorem below is stated with the definitions of coq/Statements.v only. *)
From Coq Require Import QArith List.
From ExactOpen Require Import Statements Theory.Poly Theory.Lift Theory.Check Theory.Jet Theory.Hessian.
Import ListNotations.
Open Scope Q_scope.

Definition dims : list nat := [2; 2; 1; 2]%nat.
Definition n : nat := 2%nat.
Definition X : mat :=
  [[1; 0];
   [0; 1]].
Definition Y : mat :=
  [[(-144 # 5); (-108 # 5)];
   [(87 # 5); (-116 # 5)]].
Definition W : list mat := [
  [[(3 # 10); (-2 # 5)];
   [(3 # 10); (-2 # 5)]];
  [[0; 1]];
  [[0];
   [58]]
].
(* The descent curve W(t) = W + sum_j t^j C_j of the certificate, entry by entry:
   [w; c_1; c_2; ...] is w + c_1 t + c_2 t^2 + ... *)
Definition curve : list pmat := [
  [[[(3 # 10)]; [(-2 # 5)]];
   [[(3 # 10); (1 # 128)]; [(-2 # 5); (1 # 128)]]];
  [[[0]; [1]]];
  [[[0; (-1)]];
   [[58]]]
].

Theorem refutation : network dims n X Y W /\ critical (loss X Y) W /\ not_local_min (loss X Y) W.
Proof. apply (saddle_sound dims n X Y W curve). vm_compute. reflexivity. Qed.
