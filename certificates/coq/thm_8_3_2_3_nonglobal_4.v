(* thm_8_3_2_3_nonglobal_4: exported by exactopen from thm-8-3-2-3-nonglobal-4.json (kind landscape_point, verdict strict_saddle).
   The checker's statement: the point W of the linear network with widths (3,2,3), for L(W) = 1/2 |W_h..W_1 X - Y|_F^2, is a strict saddle: along a straight line W + tD, L - L(W) = (-6514597/178176) t^2 + ..., with a rational point of loss 565336787395/1459617792 < L(W) = 845/2
   The theorem below is stated with the definitions of coq/Statements.v only. *)
From Coq Require Import QArith List.
From ExactOpen Require Import Statements Theory.Poly Theory.Lift Theory.Check Theory.Jet Theory.Hessian.
Import ListNotations.
Open Scope Q_scope.

Definition dims : list nat := [3; 2; 3]%nat.
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
  [[(16 # 29); (-24 # 29); (-3 # 29)];
   [0; 0; 0]];
  [[(-136 # 9); 0];
   [(68 # 9); 0];
   [(17 # 9); 0]]
].
(* The descent curve W(t) = W + sum_j t^j C_j of the certificate, entry by entry:
   [w; c_1; c_2; ...] is w + c_1 t + c_2 t^2 + ... *)
Definition curve : list pmat := [
  [[[(16 # 29)]; [(-24 # 29)]; [(-3 # 29)]];
   [[0; (15 # 16)]; [0; (17 # 32)]; [0; (45 # 64)]]];
  [[[(-136 # 9)]; [0; (37 # 64)]];
   [[(68 # 9)]; [0; 1]];
   [[(17 # 9)]; [0; (37 # 64)]]]
].

Theorem refutation : network dims n X Y W /\ critical (loss X Y) W /\ not_local_min (loss X Y) W.
Proof. apply (saddle_sound dims n X Y W curve). vm_compute. reflexivity. Qed.
