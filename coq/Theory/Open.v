(** * The thm-5 obstruction: the product map is not locally open (proved once).

    Z(delta) = K N(delta), K (m x k) with a left inverse H (H K = I), N(delta) (k x n) with a
    right inverse up to a diagonal (N G = diag(d), d_b <> 0), y^T K = 0.  Every preimage
    A' B' = Z(delta) has y^T A' = 0 ([yA_zero]: P = B' G satisfies A' P = K diag(d), so
    X = diag(d)^-1 H A' is a left inverse of the k x k matrix P, hence a right inverse for
    k <= 3 ([inv_prop], Theory/Fmat.v), and y^T A' = y^T A' P X = y^T K diag(d) X = 0).  Then
    y^T (A' - A) = - y^T A and |A' - A|_F^2 >= |y^T A|^2 / |y|^2 ([move_bound], Cauchy-Schwarz
    column by column). *)

From Coq Require Import QArith Qabs List Lqa Lia.
From ExactOpen Require Import Statements Theory.Fmat.
Import ListNotations.
Open Scope Q_scope.

Section Core.
Variables m k n : nat.
Variables (K H N G A' B' : fmat) (d y : nat -> Q).
Variable inv : inv_prop k.
Variable HK : forall a b, (a < k)%nat -> (b < k)%nat -> fmul m H K a b == idm a b.
Variable NG : forall a b, (a < k)%nat -> (b < k)%nat -> fmul n N G a b == idm a b * d b.
Variable dnz : forall b, (b < k)%nat -> ~ d b == 0.
Variable yK : forall b, (b < k)%nat -> sumq m (fun i => y i * K i b) == 0.
Variable prod : forall i j, (i < m)%nat -> (j < n)%nat -> fmul k A' B' i j == fmul k K N i j.

Lemma yA_zero : forall b, (b < k)%nat -> sumq m (fun i => y i * A' i b) == 0.
Proof.
  set (P := fmul n B' G).
  assert (AP : forall i b, (i < m)%nat -> (b < k)%nat -> fmul k A' P i b == K i b * d b).
  { intros i b Hi Hb. unfold P. rewrite <- fmul_assoc.
    transitivity (fmul n (fmul k K N) G i b).
    { unfold fmul at 1 3. apply sumq_ext. intros l Hl. rewrite prod by lia. reflexivity. }
    rewrite fmul_assoc. unfold fmul at 1.
    rewrite (sumq_ext k _ (fun l => (K i l * d b) * idm l b)).
    apply sumq_delta_r; exact Hb.
    intros l Hl. rewrite NG by lia. ring. }
  set (X := fun a j => / d a * fmul m H A' a j).
  assert (XP : forall a b, (a < k)%nat -> (b < k)%nat -> fmul k X P a b == idm a b).
  { intros a b Ha Hb. unfold fmul at 1, X.
    rewrite (sumq_ext k _ (fun l => / d a * (fmul m H A' a l * P l b))) by (intros; ring).
    rewrite sumq_scale. change (sumq k (fun l => fmul m H A' a l * P l b)) with (fmul k (fmul m H A') P a b).
    rewrite fmul_assoc. unfold fmul at 1.
    rewrite (sumq_ext m _ (fun i => H a i * K i b * d b)) by (intros; rewrite AP by lia; ring).
    rewrite sumq_scale_r. change (sumq m (fun i => H a i * K i b)) with (fmul m H K a b).
    rewrite HK by lia. unfold idm. destruct (Nat.eqb_spec a b) as [->|_].
    - field. apply dnz; exact Hb.
    - ring. }
  pose proof (inv X P XP) as PX.
  set (yr := fun (_ : nat) (i : nat) => y i).
  intros b Hb.
  change (sumq m (fun i => y i * A' i b)) with (fmul m yr A' 0%nat b).
  rewrite <- (sumq_delta_r k b (fun l => fmul m yr A' 0%nat l) Hb).
  rewrite (sumq_ext k _ (fun l => fmul m yr A' 0%nat l * fmul k P X l b)) by (intros; rewrite PX by lia; reflexivity).
  change (fmul k (fmul m yr A') (fmul k P X) 0%nat b == 0). rewrite <- fmul_assoc.
  apply sumq_zero. intros l Hl. rewrite fmul_assoc. unfold fmul at 1.
  rewrite (sumq_ext m _ (fun i => y i * K i l * d l)) by (intros; unfold yr; rewrite AP by lia; ring).
  rewrite sumq_scale_r. rewrite yK by exact Hl. ring.
Qed.
End Core.

Lemma sum_sq_expand : forall m (D y : nat -> Q) c,
  sumq m (fun i => (D i - c * y i) * (D i - c * y i)) ==
  sumq m (fun i => D i * D i) - 2 * c * sumq m (fun i => D i * y i) + c * c * sumq m (fun i => y i * y i).
Proof. induction m as [|m IH]; intros; simpl. ring. rewrite IH. ring. Qed.

(** Cauchy-Schwarz for one column: if sum_i y_i D_i = -s then s^2 / |y|^2 <= sum_i D_i^2. *)
Lemma column_bound : forall m (D y : nat -> Q) s, 0 < sumq m (fun i => y i * y i) ->
  sumq m (fun i => D i * y i) == - s -> s * s / sumq m (fun i => y i * y i) <= sumq m (fun i => D i * D i).
Proof.
  intros m D y s HY HD. set (Y := sumq m (fun i => y i * y i)) in *.
  assert (H0 : 0 <= sumq m (fun i => (D i - (- s / Y) * y i) * (D i - (- s / Y) * y i))).
  { apply sumq_nonneg. intros i _. set (u := D i - - s / Y * y i). nra. }
  rewrite sum_sq_expand, HD in H0. fold Y in H0.
  setoid_replace (sumq m (fun i => D i * D i) - 2 * (- s / Y) * - s + - s / Y * (- s / Y) * Y)
    with (sumq m (fun i => D i * D i) - s * s / Y) in H0 by (field; lra).
  lra.
Qed.

Section Bound.
Variables m k : nat.
Variables (A A' : fmat) (y : nat -> Q).
Variable HY : 0 < sumq m (fun i => y i * y i).
Variable yA' : forall b, (b < k)%nat -> sumq m (fun i => y i * A' i b) == 0.

Definition colsum (j : nat) : Q := sumq m (fun i => y i * A i j).

Lemma move_bound :
  sumq k (fun j => colsum j * colsum j) / sumq m (fun i => y i * y i) <=
  sumq m (fun i => sumq k (fun j => (A' i j - A i j) * (A' i j - A i j))).
Proof.
  rewrite sumq_swap. unfold Qdiv. rewrite <- sumq_scale_r. apply sumq_le. intros j Hj.
  apply (column_bound m (fun i => A' i j - A i j) y (colsum j) HY).
  rewrite (sumq_ext m _ (fun i => y i * A' i j + - (y i * A i j))) by (intros; ring).
  rewrite sumq_add, yA' by exact Hj. rewrite (sumq_ext m _ (fun i => (-1) * (y i * A i j))) by (intros; ring).
  rewrite sumq_scale. unfold colsum. ring.
Qed.
End Bound.
