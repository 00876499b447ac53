(* lem_19_3_3_2_3_nonglobal_5: exported by exactopen from lem-19-3-3-2-3-nonglobal-5.json (kind landscape_point, verdict higher_order_saddle).
   The checker's statement: the point W of the linear network with widths (3,3,2,3), for L(W) = 1/2 |W_h..W_1 X - Y|_F^2, is a higher-order saddle (not a local minimum, not a strict saddle): the Hessian is positive semidefinite, and along a polynomial curve L - L(W) = (-363013/1054) t^3 + ..., with a rational point of loss 714006757317/7034581504 < L(W) = 924449/6728
   The theorem below is stated with the definitions of coq/Statements.v only. *)
From Coq Require Import QArith List.
From ExactOpen Require Import Statements Theory.Poly Theory.Lift Theory.Check Theory.Jet Theory.Hessian.
Import ListNotations.
Open Scope Q_scope.

Definition dims : list nat := [3; 3; 2; 3]%nat.
Definition n : nat := 4%nat.
Definition X : mat :=
  [[(22 # 145); (207 # 145); (-427 # 290); (-21 # 145)];
   [(344 # 145); (-6 # 145); (-99 # 290); (-447 # 145)];
   [(-81 # 145); (154 # 145); (-107 # 145); (18 # 145)]].
Definition Y : mat :=
  [[(-69602344 # 10028925); (32067236 # 10028925); (-38470798 # 10028925); (26636389 # 3342975)];
   [(-39182149 # 4011570); (-8441717 # 2005785); (35877301 # 2005785); (-1432768 # 668595)];
   [(-32022842 # 10028925); (97392298 # 10028925); (-75670364 # 10028925); (-16079773 # 3342975)]].
Definition W : list mat := [
  [[(-1); (1 # 9); (8 # 9)];
   [0; 0; 0];
   [0; 0; 0]];
  [[1; 0; 0];
   [0; 0; 0]];
  [[(-682 # 265); 0];
   [(1056 # 53); 0];
   [(-2376 # 265); 0]]
].
(* The descent curve W(t) = W + sum_j t^j C_j of the certificate, entry by entry:
   [w; c_1; c_2; ...] is w + c_1 t + c_2 t^2 + ... *)
Definition curve : list pmat := [
  [[[(-1)]; [(1 # 9)]; [(8 # 9)]];
   [[0; (-8 # 17)]; [0; 1]; [0]];
   [[0]; [0]; [0]]];
  [[[1]; [0]; [0]];
   [[0]; [0; 1]; [0]]];
  [[[(-682 # 265)]; [0; (-240 # 31)]];
   [[(1056 # 53)]; [0; (-1)]];
   [[(-2376 # 265)]; [0]]]
].

Theorem refutation : network dims n X Y W /\ critical (loss X Y) W /\ not_local_min (loss X Y) W.
Proof. apply (saddle_sound dims n X Y W curve). vm_compute. reflexivity. Qed.

(* Hessian / 2 = sum_i d_i l_i l_i^T, d_i >= 0 (an L D L^T decomposition, written by the exporter
   and checked here): the second-order test of every straight line through W passes. *)
Definition sos : list (Q * list Q) := [
  ((2057 # 2), [1; (5 # 17); (10 # 17); 0; 0; 0; 0; 0; 0; (-4 # 9); 0; 0; 0; 0; 0; (4094 # 4905945); 0; (-39833 # 1962378); 0; (20717 # 4905945)]);
  ((61226 # 17), [0; 1; (-38 # 253); 0; 0; 0; 0; 0; 0; (-17 # 759); 0; 0; 0; 0; 0; (296797 # 48674670); 0; (-79 # 884994); 0; (13373 # 24337335)]);
  ((1078 # 23), [0; 0; 1; 0; 0; 0; 0; 0; 0; (8 # 9); 0; 0; 0; 0; 0; (-2864 # 288585); 0; (4771 # 293832); 0; (-243253 # 4040190)]);
  ((3065472 # 8497225), [0; 0; 0; 0; 0; 0; 0; 0; 0; 0; 0; 0; 0; 0; 0; 1; 0; (12715 # 170304); 0; (-1719 # 14192)]);
  ((106191 # 1717232), [0; 0; 0; 0; 0; 0; 0; 0; 0; 0; 0; 0; 0; 0; 0; 0; 0; 1; 0; (20 # 9)])
].

Theorem second_order : hessian_psd (loss X Y) W.
Proof. apply (psd_sound X Y W sos). vm_compute. reflexivity. Qed.
