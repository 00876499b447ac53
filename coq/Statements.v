(** * What the exported theorems say (the file a reader must trust)

    Everything below is a plain definition over the rationals [Q] of Coq's standard
    library; nothing here is proved or computed cleverly.  The paper studied is
    "Learning Deep Models: Critical Points and Local Openness" (Nouiehed and Razaviyayn).

    - A matrix is the list of its rows; a network [W] is the list of its layers
      [W_1; ...; W_h], input layer first, [W_k] of size [d_k x d_(k-1)].
    - [loss X Y W] is L(W) = 1/2 |W_h ... W_1 X - Y|_F^2; [wloss Wt X Y W] is the weighted
      square loss 1/2 sum_ij Wt_ij (W_h ... W_1 X - Y)_ij^2 ([Wt] of the shape of [Y]).
    - [network dims n X Y W] pins every shape: [X] is [d_0 x n], [Y] is [d_h x n],
      [W_k] is [d_k x d_(k-1)], all sizes positive.  The list functions below are only
      meant on such data (they truncate on mismatched lengths), which is why every exported
      theorem proves [network] as well.
    - The three properties below are stated for any loss function [L : list mat -> Q]; the
      exported theorems apply them to [loss X Y] (or [wloss Wt X Y]).
    - [critical L W]: every partial derivative of L at W is zero, each stated as a limit
      (no gradient formula is trusted: for each entry w of W, |L(W + t e_w) - L(W)| <= eps |t|
      for all small t).
    - [not_local_min L W]: for every eps > 0 there is W' of the same shapes with
      |W' - W|_F^2 < eps^2 and L(W') < L(W).
    - [hessian_psd L W]: for every direction V and eps > 0, L(W + t V) - L(W) >= - eps t^2
      for all small t; at a critical point this says V^T H V >= 0 for every V, H the Hessian.
    - [global_min L W]: L W <= L W' for every W' of W's shapes (a global minimum over all
      networks of these widths).
    - [not_locally_open_at m k n W1 W2] (Theorem 5, at the end of this file): the product map
      (A, B) |-> A B on m x k and k x n matrices is not locally open at (W1, W2) relative to its
      range: some gamma > 0 such that points Z = A B of the range arbitrarily close to W1 W2
      have every preimage at squared distance >= gamma from (W1, W2).

    Points, directions and t range over Q.  That is enough for the real statements: a rational
    W' of smaller loss is a real one; L is a polynomial, so its partial derivatives are the limits
    along rational t, and a quadratic form that is >= 0 on Q^N is >= 0 on R^N by continuity. *)

From Coq Require Import QArith Qabs List.
Import ListNotations.
Open Scope Q_scope.

Definition vec := list Q.
Definition mat := list vec.

(** Inner product, columns, matrix product. *)
Fixpoint dot (u v : vec) : Q :=
  match u, v with
  | x :: u', y :: v' => x * y + dot u' v'
  | _, _ => 0
  end.

Definition ncols (A : mat) : nat := length (hd [] A).
Definition col (j : nat) (B : mat) : vec := map (fun row => nth j row 0) B.
Definition mmul (A B : mat) : mat :=
  map (fun row => map (fun j => dot row (col j B)) (seq 0 (ncols B))) A.

(** Entrywise difference, Frobenius norm squared. *)
Fixpoint vsub (u v : vec) : vec :=
  match u, v with
  | x :: u', y :: v' => (x - y) :: vsub u' v'
  | _, _ => []
  end.
Fixpoint msub (A B : mat) : mat :=
  match A, B with
  | r :: A', s :: B' => vsub r s :: msub A' B'
  | _, _ => []
  end.
Definition frob2 (A : mat) : Q := fold_right Qplus 0 (map (fun r => dot r r) A).

(** The network map and the square loss L(W) = 1/2 |W_h ... W_1 X - Y|_F^2. *)
Definition chain (W : list mat) (X : mat) : mat := fold_left (fun acc A => mmul A acc) W X.
Definition loss (X Y : mat) (W : list mat) : Q := (1 # 2) * frob2 (msub (chain W X) Y).

(** The weighted square loss 1/2 sum_ij Wt_ij (W_h ... W_1 X - Y)_ij^2. *)
Fixpoint wdot (w u : vec) : Q :=
  match w, u with
  | a :: w', x :: u' => a * (x * x) + wdot w' u'
  | _, _ => 0
  end.
Fixpoint wfrob2 (Wt A : mat) : Q :=
  match Wt, A with
  | w :: Wt', r :: A' => wdot w r + wfrob2 Wt' A'
  | _, _ => 0
  end.
Definition wloss (Wt X Y : mat) (W : list mat) : Q := (1 # 2) * wfrob2 Wt (msub (chain W X) Y).

(** Shapes. *)
Definition is_shape (A : mat) (r c : nat) : Prop :=
  length A = r /\ Forall (fun row => length row = c) A.
Fixpoint layers_shaped (d0 : nat) (ds : list nat) (W : list mat) : Prop :=
  match ds, W with
  | [], [] => True
  | d1 :: ds', A :: W' => is_shape A d1 d0 /\ layers_shaped d1 ds' W'
  | _, _ => False
  end.
Definition network (dims : list nat) (n : nat) (X Y : mat) (W : list mat) : Prop :=
  match dims with
  | [] => False
  | d0 :: ds => Forall (fun d => (0 < d)%nat) dims /\ (0 < n)%nat /\
               is_shape X d0 n /\ layers_shaped d0 ds W /\ is_shape Y (last dims 0%nat) n
  end.
Definition same_shapes (W' W : list mat) : Prop :=
  Forall2 (fun A' A => Forall2 (fun r' r => length r' = length r) A' A) W' W.

(** Distance: |W' - W|_F^2, summed over the layers. *)
Fixpoint dist2 (W' W : list mat) : Q :=
  match W', W with
  | A' :: W'', A :: Ws => frob2 (msub A' A) + dist2 W'' Ws
  | _, _ => 0
  end.

(** W with t added to entry (i, j) of layer k (counted from 0). *)
Fixpoint upd {A : Type} (k : nat) (f : A -> A) (l : list A) : list A :=
  match l, k with
  | [], _ => []
  | x :: l', O => f x :: l'
  | x :: l', S k' => x :: upd k' f l'
  end.
Definition bump (W : list mat) (k i j : nat) (t : Q) : list mat :=
  upd k (upd i (upd j (fun w => w + t))) W.

(** Critical point: every partial derivative of L at W is zero. *)
Definition critical (L : list mat -> Q) (W : list mat) : Prop :=
  forall k i j, (k < length W)%nat -> (i < length (nth k W []))%nat ->
    (j < length (nth i (nth k W []) []))%nat ->
    forall eps, 0 < eps -> exists delta, 0 < delta /\
      forall t, Qabs t < delta -> Qabs (L (bump W k i j t) - L W) <= eps * Qabs t.

(** Not a local minimum: points of smaller loss arbitrarily close to W. *)
Definition not_local_min (L : list mat -> Q) (W : list mat) : Prop :=
  forall eps, 0 < eps -> exists W', same_shapes W' W /\ dist2 W' W < eps * eps /\
    L W' < L W.

(** W + t V, entry by entry (V of the same shapes as W). *)
Fixpoint vaxpy (t : Q) (u v : vec) : vec :=
  match u, v with
  | x :: u', y :: v' => (x + t * y) :: vaxpy t u' v'
  | _, _ => []
  end.
Fixpoint maxpy (t : Q) (A B : mat) : mat :=
  match A, B with
  | r :: A', s :: B' => vaxpy t r s :: maxpy t A' B'
  | _, _ => []
  end.
Fixpoint add_dir (W V : list mat) (t : Q) : list mat :=
  match W, V with
  | A :: W', B :: V' => maxpy t A B :: add_dir W' V' t
  | _, _ => []
  end.

(** The Hessian of L at W is positive semidefinite, stated along lines: for every direction V
    and eps > 0, L(W + t V) - L(W) >= - eps t^2 for all small t.  At a critical point,
    L(W + t V) - L(W) = 1/2 (V^T H V) t^2 + O(t^3), so this says exactly V^T H V >= 0 for
    every V: the second-order test of every straight line through W passes. *)
Definition hessian_psd (L : list mat -> Q) (W : list mat) : Prop :=
  forall V, same_shapes V W -> forall eps, 0 < eps -> exists delta, 0 < delta /\
    forall t, Qabs t < delta -> - eps * (t * t) <= L (add_dir W V t) - L W.

(** Global minimum: no W' of the same shapes has a smaller loss.  [same_shapes W' W] pins the
    number of layers, the rows of each layer and the length of each row to W's (and the theorems
    prove [network] of W, so W' is a network of the same widths). *)
Definition global_min (L : list mat -> Q) (W : list mat) : Prop :=
  forall W', same_shapes W' W -> L W <= L W'.

(** * Local openness of the product map (Theorem 5 of the paper)

    [meq A B]: the same shapes and equal entries (equality of rationals, [==]).

    [not_locally_open_at m k n W1 W2]: W1 is m x k, W2 is k x n, and the product map
    (A, B) |-> A B on m x k and k x n matrices is NOT locally open at (W1, W2) relative to its
    range: there is gamma > 0 such that for every eps > 0 some Z in the range (Z = A B for some
    A, B of these shapes) lies within eps of W1 W2 (|Z - W1 W2|_F^2 < eps^2), yet every
    preimage (A, B) of Z is at squared distance >= gamma from (W1, W2).  So the image of the
    ball of squared radius gamma around (W1, W2) contains no neighbourhood of W1 W2 in the
    range. *)
Definition meq (A B : mat) : Prop := Forall2 (Forall2 Qeq) A B.

Definition not_locally_open_at (m k n : nat) (W1 W2 : mat) : Prop :=
  is_shape W1 m k /\ is_shape W2 k n /\
  exists gamma, 0 < gamma /\ forall eps, 0 < eps -> exists Z,
    frob2 (msub Z (mmul W1 W2)) < eps * eps /\
    (exists A B, is_shape A m k /\ is_shape B k n /\ meq (mmul A B) Z) /\
    forall A B, is_shape A m k -> is_shape B k n -> meq (mmul A B) Z ->
      gamma <= dist2 [A; B] [W1; W2].
