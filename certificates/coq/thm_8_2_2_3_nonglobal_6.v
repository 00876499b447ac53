(* thm_8_2_2_3_nonglobal_6: exported by exactopen from thm-8-2-2-3-nonglobal-6.json (kind landscape_point, verdict strict_saddle).
   The checker's statement: the point W of the linear network with widths (2,2,3), for L(W) = 1/2 |W_h..W_1 X - Y|_F^2, is a strict saddle: along a straight line W + tD, L - L(W) = (-40239/1184) t^2 + ..., with a rational point of loss 301441169/303104 < L(W) = 1028
   The theorem below is stated with the definitions of coq/Statements.v only. *)
From Coq Require Import QArith List.
From ExactOpen Require Import Statements Theory.Poly Theory.Lift Theory.Check Theory.Jet Theory.Hessian.
Import ListNotations.
Open Scope Q_scope.

Definition dims : list nat := [2; 2; 3]%nat.
Definition n : nat := 2%nat.
Definition X : mat :=
  [[1; 0];
   [0; 1]].
Definition Y : mat :=
  [[(102 # 37); (240 # 37)];
   [(-816 # 37); (-810 # 37)];
   [(952 # 37); (-720 # 37)]].
Definition W : list mat := [
  [[0; 0];
   [0; 0]];
  [[0; 0];
   [0; 0];
   [0; 0]]
].
(* The descent curve W(t) = W + sum_j t^j C_j of the certificate, entry by entry:
   [w; c_1; c_2; ...] is w + c_1 t + c_2 t^2 + ... *)
Definition curve : list pmat := [
  [[[0; 1]; [0]];
   [[0]; [0]]];
  [[[0; (5 # 64)]; [0]];
   [[0; (-21 # 32)]; [0]];
   [[0; (3 # 4)]; [0]]]
].

Theorem refutation : network dims n X Y W /\ critical (loss X Y) W /\ not_local_min (loss X Y) W.
Proof. apply (saddle_sound dims n X Y W curve). vm_compute. reflexivity. Qed.
