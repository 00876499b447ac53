(* thm_8_3_2_3_nonglobal_3: exported by exactopen from thm-8-3-2-3-nonglobal-3.json (kind landscape_point, verdict strict_saddle).
   The checker's statement: the point W of the linear network with widths (3,2,3), for L(W) = 1/2 |W_h..W_1 X - Y|_F^2, is a strict saddle: along a straight line W + tD, L - L(W) = (-119711535/3039232) t^2 + ..., with a rational point of loss 3225199694469/6224347136 < L(W) = 4453/8
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
  [[(4608 # 371); (5841 # 371); (2829 # 371)];
   [(10674 # 371); (-3204 # 371); (9631 # 742)];
   [(2664 # 371); (4542 # 371); (-9651 # 371)]].
Definition W : list mat := [
  [[(37 # 53); (-12 # 53); (36 # 53)];
   [0; 0; 0]];
  [[(72 # 7); 0];
   [(216 # 7); 0];
   [(-108 # 7); 0]]
].
(* The descent curve W(t) = W + sum_j t^j C_j of the certificate, entry by entry:
   [w; c_1; c_2; ...] is w + c_1 t + c_2 t^2 + ... *)
Definition curve : list pmat := [
  [[[(37 # 53)]; [(-12 # 53)]; [(36 # 53)]];
   [[0; (51 # 64)]; [0; (19 # 32)]; [0; (-39 # 64)]]];
  [[[(72 # 7)]; [0; (1 # 2)]];
   [[(216 # 7)]; [0; (21 # 64)]];
   [[(-108 # 7)]; [0; 1]]]
].

Theorem refutation : network dims n X Y W /\ critical (loss X Y) W /\ not_local_min (loss X Y) W.
Proof. apply (saddle_sound dims n X Y W curve). vm_compute. reflexivity. Qed.
