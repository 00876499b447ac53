(* thm_8_4_2_3_nonglobal_7: exported by exactopen from thm-8-4-2-3-nonglobal-7.json (kind landscape_point, verdict strict_saddle).
   The checker's statement: the point W of the linear network with widths (4,2,3), for L(W) = 1/2 |W_h..W_1 X - Y|_F^2, is a strict saddle: along a straight line W + tD, L - L(W) = (-4488322527/22607872) t^2 + ..., with a rational point of loss 1362807690173709/1852036874240 < L(W) = 1172793/1280
   The theorem below is stated with the definitions of coq/Statements.v only. *)
From Coq Require Import QArith List.
From ExactOpen Require Import Statements Theory.Poly Theory.Lift Theory.Check Theory.Jet Theory.Hessian.
Import ListNotations.
Open Scope Q_scope.

Definition dims : list nat := [4; 2; 3]%nat.
Definition n : nat := 5%nat.
Definition X : mat :=
  [[(111 # 200); (-137 # 40); (-177 # 200); (-11 # 40); (-21 # 20)];
   [(-611 # 160); (-51 # 32); (-123 # 160); (-17 # 32); (33 # 16)];
   [(321 # 400); (-47 # 80); (1353 # 400); (-101 # 80); (69 # 40)];
   [(-371 # 200); (57 # 40); (-3 # 200); (11 # 40); (-9 # 20)]].
Definition Y : mat :=
  [[(-649847 # 21248); (127370853 # 14129920); (-10970427 # 2825984); (2054151 # 14129920); (29023369 # 7064960)];
   [(-4278171 # 531200); (283770489 # 14129920); (1155316401 # 70649600); (20577699 # 14129920); (-17598711 # 1412992)];
   [(-636303 # 66400); (-30384811 # 1766240); (103402893 # 8831200); (-6582249 # 1766240); (-4696231 # 883120)]].
Definition W : list mat := [
  [[(209 # 3486); (2353 # 11620); (-2699 # 69720); (-671 # 5810)];
   [0; 0; 0; 0]];
  [[(260 # 19); 0];
   [(-1794 # 95); 0];
   [(1092 # 95); 0]]
].
(* The descent curve W(t) = W + sum_j t^j C_j of the certificate, entry by entry:
   [w; c_1; c_2; ...] is w + c_1 t + c_2 t^2 + ... *)
Definition curve : list pmat := [
  [[[(209 # 3486)]; [(2353 # 11620)]; [(-2699 # 69720)]; [(-671 # 5810)]];
   [[0; (47 # 64)]; [0; (-9 # 16)]; [0; (17 # 64)]; [0; (-11 # 16)]]];
  [[[(260 # 19)]; [0; (-1)]];
   [[(-1794 # 95)]; [0; (-37 # 64)]];
   [[(1092 # 95)]; [0; (1 # 4)]]]
].

Theorem refutation : network dims n X Y W /\ critical (loss X Y) W /\ not_local_min (loss X Y) W.
Proof. apply (saddle_sound dims n X Y W curve). vm_compute. reflexivity. Qed.
