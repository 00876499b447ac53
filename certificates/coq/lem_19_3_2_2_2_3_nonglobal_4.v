(* lem_19_3_2_2_2_3_nonglobal_4: exported by exactopen from lem-19-3-2-2-2-3-nonglobal-4.json (kind landscape_point, verdict strict_saddle).
   The checker's statement: the point W of the linear network with widths (3,2,2,2,3), for L(W) = 1/2 |W_h..W_1 X - Y|_F^2, is a strict saddle: along a straight line W + tD, L - L(W) = (-7542379/2969600) t^2 + ..., with a rational point of loss 58431762053/152043520 < L(W) = 773/2
   The theorem below is stated with the definitions of coq/Statements.v only. *)
From Coq Require Import QArith List.
From ExactOpen Require Import Statements Theory.Poly Theory.Lift Theory.Check Theory.Jet Theory.Hessian.
Import ListNotations.
Open Scope Q_scope.

Definition dims : list nat := [3; 2; 2; 2; 3]%nat.
Definition n : nat := 3%nat.
Definition X : mat :=
  [[1; 0; 0];
   [0; 1; 0];
   [0; 0; 1]].
Definition Y : mat :=
  [[(-556 # 261); (4111 # 261); (2272 # 261)];
   [(3410 # 261); (-620 # 261); (4084 # 261)];
   [(136 # 9); (80 # 9); (-79 # 9)]].
Definition W : list mat := [
  [[(-36 # 29); (-33 # 29); (72 # 29)];
   [(-6 # 29); (-11 # 58); (12 # 29)]];
  [[(-6 # 5); (6 # 5)];
   [0; 0]];
  [[1; (-1)];
   [0; 0]];
  [[(-19 # 27); (19 # 54)];
   [(-76 # 27); (38 # 27)];
   [(152 # 27); (-76 # 27)]]
].
(* The descent curve W(t) = W + sum_j t^j C_j of the certificate, entry by entry:
   [w; c_1; c_2; ...] is w + c_1 t + c_2 t^2 + ... *)
Definition curve : list pmat := [
  [[[(-36 # 29); (13 # 64)]; [(-33 # 29); (1 # 8)]; [(72 # 29); (5 # 32)]];
   [[(-6 # 29); (-13 # 64)]; [(-11 # 58); (-1 # 8)]; [(12 # 29); (-5 # 32)]]];
  [[[(-6 # 5)]; [(6 # 5)]];
   [[0]; [0]]];
  [[[1]; [(-1)]];
   [[0]; [0]]];
  [[[(-19 # 27); (-37 # 64)]; [(19 # 54)]];
   [[(-76 # 27); (-1)]; [(38 # 27)]];
   [[(152 # 27); (-37 # 64)]; [(-76 # 27)]]]
].

Theorem refutation : network dims n X Y W /\ critical (loss X Y) W /\ not_local_min (loss X Y) W.
Proof. apply (saddle_sound dims n X Y W curve). vm_compute. reflexivity. Qed.
