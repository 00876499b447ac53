(* lem_19_3_2_2_3_nonglobal_2: exported by exactopen from lem-19-3-2-2-3-nonglobal-2.json (kind landscape_point, verdict strict_saddle).
   The checker's statement: the point W of the linear network with widths (3,2,2,3), for L(W) = 1/2 |W_h..W_1 X - Y|_F^2, is a strict saddle: along a straight line W + tD, L - L(W) = (-9899075/37431296) t^2 + ..., with a rational point of loss 63740693169989/153318588416 < L(W) = 416
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
  [[(49704 # 2611); (-7236 # 2611); (137136 # 18277)];
   [(-15948 # 2611); (-55119 # 2611); (81372 # 18277)];
   [(28944 # 2611); (-5772 # 2611); (-268672 # 18277)]].
Definition W : list mat := [
  [[(228 # 373); (-283 # 373); (84 # 373)];
   [0; 0; 0]];
  [[1; 0];
   [0; 0]];
  [[(108 # 7); 0];
   [(93 # 7); 0];
   [(36 # 7); 0]]
].
(* The descent curve W(t) = W + sum_j t^j C_j of the certificate, entry by entry:
   [w; c_1; c_2; ...] is w + c_1 t + c_2 t^2 + ... *)
Definition curve : list pmat := [
  [[[(228 # 373); (1 # 16)]; [(-283 # 373); (3 # 64)]; [(84 # 373); (-1 # 64)]];
   [[0]; [0]; [0]]];
  [[[1]; [0]];
   [[0]; [0]]];
  [[[(108 # 7); (41 # 64)]; [0]];
   [[(93 # 7); (-1)]; [0]];
   [[(36 # 7); (43 # 64)]; [0]]]
].

Theorem refutation : network dims n X Y W /\ critical (loss X Y) W /\ not_local_min (loss X Y) W.
Proof. apply (saddle_sound dims n X Y W curve). vm_compute. reflexivity. Qed.
