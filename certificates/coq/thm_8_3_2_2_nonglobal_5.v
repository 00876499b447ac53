(* thm_8_3_2_2_nonglobal_5: exported by exactopen from thm-8-3-2-2-nonglobal-5.json (kind landscape_point, verdict strict_saddle).
   The checker's statement: the point W of the linear network with widths (3,2,2), for L(W) = 1/2 |W_h..W_1 X - Y|_F^2, is a strict saddle: along a straight line W + tD, L - L(W) = (-2991973/325632) t^2 + ..., with a rational point of loss 1108477948801/26675773440 < L(W) = 50
   The theorem below is stated with the definitions of coq/Statements.v only. *)
From Coq Require Import QArith List.
From ExactOpen Require Import Statements Theory.Poly Theory.Lift Theory.Check Theory.Jet Theory.Hessian.
Import ListNotations.
Open Scope Q_scope.

Definition dims : list nat := [3; 2; 2]%nat.
Definition n : nat := 3%nat.
Definition X : mat :=
  [[1; 0; 0];
   [0; 1; 0];
   [0; 0; 1]].
Definition Y : mat :=
  [[(190 # 53); (-480 # 53); (-120 # 53)];
   [(-1536 # 265); (-248 # 265); (-288 # 53)]].
Definition W : list mat := [
  [[(-192 # 265); (-31 # 265); (-36 # 53)];
   [(-576 # 265); (-93 # 265); (-108 # 53)]];
  [[0; 0];
   [(-8); (16 # 3)]]
].
(* The descent curve W(t) = W + sum_j t^j C_j of the certificate, entry by entry:
   [w; c_1; c_2; ...] is w + c_1 t + c_2 t^2 + ... *)
Definition curve : list pmat := [
  [[[(-192 # 265); (9 # 32)]; [(-31 # 265); (-45 # 64)]; [(-36 # 53); (-11 # 64)]];
   [[(-576 # 265); (25 # 64)]; [(-93 # 265); (-1)]; [(-108 # 53); (-1 # 4)]]];
  [[[0; (51 # 64)]; [0; (35 # 64)]];
   [[(-8)]; [(16 # 3)]]]
].

Theorem refutation : network dims n X Y W /\ critical (loss X Y) W /\ not_local_min (loss X Y) W.
Proof. apply (saddle_sound dims n X Y W curve). vm_compute. reflexivity. Qed.
