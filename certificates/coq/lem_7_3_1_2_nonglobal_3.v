(* lem_7_3_1_2_nonglobal_3: exported by exactopen from lem-7-3-1-2-nonglobal-3.json (kind landscape_point, verdict strict_saddle).
   The checker's statement: the point W of the linear network with widths (3,1,2), for L(W) = 1/2 |W_h..W_1 X - Y|_F^2, is a strict saddle: along a straight line W + tD, L - L(W) = (-76389/360448) t^2 + ..., with a rational point of loss 5522681678271/8486567936 < L(W) = 61306569/94178
   The theorem below is stated with the definitions of coq/Statements.v only. *)
From Coq Require Import QArith List.
From ExactOpen Require Import Statements Theory.Poly Theory.Lift Theory.Check Theory.Jet Theory.Hessian.
Import ListNotations.
Open Scope Q_scope.

Definition dims : list nat := [3; 1; 2]%nat.
Definition n : nat := 4%nat.
Definition X : mat :=
  [[(-321 # 434); (59 # 62); (-138 # 217); (-174 # 217)];
   [(-135 # 434); (-17 # 31); (-200 # 217); (12 # 217)];
   [(339 # 434); (42 # 31); (-414 # 217); (-88 # 217)]].
Definition Y : mat :=
  [[(9813756 # 517979); (-1726344 # 73997); (1726344 # 517979); (10120140 # 517979)];
   [(23706 # 10571); (-5383 # 10571); (-305790 # 10571); (23109 # 10571)]].
Definition W : list mat := [
  [[(-8 # 77); (45 # 77); (3 # 11)]];
  [[0];
   [29]]
].
(* The descent curve W(t) = W + sum_j t^j C_j of the certificate, entry by entry:
   [w; c_1; c_2; ...] is w + c_1 t + c_2 t^2 + ... *)
Definition curve : list pmat := [
  [[[(-8 # 77); (1 # 32)]; [(45 # 77); (-1 # 64)]; [(3 # 11)]]];
  [[[0; (-1)]];
   [[29]]]
].

Theorem refutation : network dims n X Y W /\ critical (loss X Y) W /\ not_local_min (loss X Y) W.
Proof. apply (saddle_sound dims n X Y W curve). vm_compute. reflexivity. Qed.
