(* lem_11_3_2_2_3_nonglobal_2: exported by exactopen from lem-11-3-2-2-3-nonglobal-2.json (kind landscape_point, verdict strict_saddle).
   The checker's statement: the point W of the linear network with widths (3,2,2,3), for L(W) = 1/2 |W_h..W_1 X - Y|_F^2, is a strict saddle: along a straight line W + tD, L - L(W) = (-24415759/37431296) t^2 + ..., with a rational point of loss 67421072320389/306637176832 < L(W) = 441/2
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
  [[(-293 # 373); (-204 # 373); (108 # 373)];
   [(36 # 373); (132 # 373); (347 # 373)]];
  [[1; 0];
   [0; 1]];
  [[(-552 # 49); (384 # 49)];
   [(864 # 49); (-192 # 49)];
   [(-576 # 49); (-656 # 49)]]
].
(* The descent curve W(t) = W + sum_j t^j C_j of the certificate, entry by entry:
   [w; c_1; c_2; ...] is w + c_1 t + c_2 t^2 + ... *)
Definition curve : list pmat := [
  [[[(-293 # 373)]; [(-204 # 373)]; [(108 # 373)]];
   [[(36 # 373); (1 # 16)]; [(132 # 373); (-5 # 64)]; [(347 # 373); (1 # 32)]]];
  [[[1]; [0]];
   [[0]; [1]]];
  [[[(-552 # 49)]; [(384 # 49); 1]];
   [[(864 # 49)]; [(-192 # 49); (55 # 64)]];
   [[(-576 # 49)]; [(-656 # 49); (21 # 64)]]]
].

Theorem refutation : network dims n X Y W /\ critical (loss X Y) W /\ not_local_min (loss X Y) W.
Proof. apply (saddle_sound dims n X Y W curve). vm_compute. reflexivity. Qed.
