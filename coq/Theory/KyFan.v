(** * The Ky Fan lower bound on the loss of a narrow network (proved once, no spectral theorem).

    Core ([kyfan_core]): let Yh be h x n, Q = sum_k d_k l_k l_k^T with d_k >= 0, mu >= 0 and
    Q + mu I - Yh Yh^T = sum_k e_k m_k m_k^T with e_k >= 0 (two exact sums of squares, checked
    on the data).  Then every G = U V with U of size h x r satisfies
      |G - Yh|^2 >= |Yh|^2 - r mu - sum_k d_k |l_k|^2     (the last sum is tr Q).
    Proof: the columns of U lie in the span of an orthogonal family w_1..w_s, s <= r
    ([gram_schmidt], Theory/Ortho.v), hence so do the columns g_c of G; completing the square
    column by column, 2 g_c.y_c - |g_c|^2 <= sum_j (w_j.y_c)^2 / |w_j|^2; summed over c,
    sum_c (w.y_c)^2 = w^T Yh Yh^T w <= w^T Q w + mu |w|^2 (the second sum of squares is >= 0), and
    sum_j w_j^T Q w_j / |w_j|^2 = sum_k d_k sum_j (l_k.w_j)^2 / |w_j|^2 <= sum_k d_k |l_k|^2
    (Bessel).  This is Ky Fan's "sum of the r largest eigenvalues of Yh Yh^T <= r mu + tr Q"
    in the form the proof needs, with Eckart-Young's "a rank-r G" read as G = U V. *)

From Coq Require Import QArith Qabs List Lqa Lia.
From ExactOpen Require Import Theory.Fmat Theory.Ortho.
Open Scope Q_scope.

(** The quadratic form x^T A x of an h x h matrix. *)
Definition qf (h : nat) (A : nat -> nat -> Q) (x : nat -> Q) : Q :=
  sumq h (fun a => sumq h (fun b => x a * A a b * x b)).

Definition sosm (m : nat) (d : nat -> Q) (l : nat -> nat -> Q) : nat -> nat -> Q :=
  fun a b => sumq m (fun k => d k * l k a * l k b).

Lemma qf_ext : forall h A B x, (forall a b, (a < h)%nat -> (b < h)%nat -> A a b == B a b) -> qf h A x == qf h B x.
Proof.
  intros h A B x H. unfold qf. apply sumq_ext. intros a Ha. apply sumq_ext. intros b Hb. rewrite H by assumption. ring.
Qed.

Lemma qf_add : forall h A B x, qf h (fun a b => A a b + B a b) x == qf h A x + qf h B x.
Proof.
  intros. unfold qf. rewrite <- sumq_add. apply sumq_ext. intros. rewrite <- sumq_add. apply sumq_ext. intros. ring.
Qed.

Lemma qf_sos : forall h m d l x, qf h (sosm m d l) x == sumq m (fun k => d k * (vd h (l k) x * vd h (l k) x)).
Proof.
  intros. unfold qf, sosm.
  rewrite (sumq_ext h _ (fun a => sumq m (fun k => sumq h (fun b => d k * (l k a * x a) * (l k b * x b))))).
  - rewrite sumq_swap. apply sumq_ext. intros k Hk. unfold vd.
    rewrite (sumq_ext h _ (fun a => (d k * (l k a * x a)) * sumq h (fun b => l k b * x b)))
      by (intros; apply sumq_scale).
    rewrite sumq_scale_r, sumq_scale. ring.
  - intros a Ha. rewrite (sumq_ext h _ (fun b => sumq m (fun k => d k * (l k a * x a) * (l k b * x b)))).
    + apply sumq_swap.
    + intros b Hb. rewrite <- (sumq_scale m (x a)), <- (sumq_scale_r m (x b)). apply sumq_ext. intros. ring.
Qed.

Lemma qf_sos_nonneg : forall h m d l x, (forall k, (k < m)%nat -> 0 <= d k) -> 0 <= qf h (sosm m d l) x.
Proof.
  intros. rewrite qf_sos. apply sumq_nonneg. intros k Hk. apply Qmult_le_0_compat; auto. apply sq_nonneg'.
Qed.

Lemma qf_idm : forall h x, qf h idm x == vd h x x.
Proof.
  intros. unfold qf, vd. apply sumq_ext. intros a Ha.
  rewrite (sumq_ext h _ (fun b => x b * idm b a * x a)) by (intros; unfold idm; rewrite Nat.eqb_sym; ring).
  rewrite sumq_scale_r, sumq_delta_r by exact Ha. reflexivity.
Qed.

Lemma qf_scale : forall h c A x, qf h (fun a b => c * A a b) x == c * qf h A x.
Proof.
  intros. unfold qf. rewrite <- sumq_scale. apply sumq_ext. intros. rewrite <- sumq_scale. apply sumq_ext. intros. ring.
Qed.

Lemma sumq_const_le : forall s r c, (s <= r)%nat -> 0 <= c -> sumq s (fun _ => c) <= sumq r (fun _ => c).
Proof.
  intros s r c Hs Hc. induction r as [|r IH].
  - assert (s = 0%nat) by lia. subst. apply Qle_refl.
  - destruct (Nat.eq_dec s (S r)) as [->|Hne]. apply Qle_refl.
    simpl. assert (sumq s (fun _ => c) <= sumq r (fun _ => c)) by (apply IH; lia). lra.
Qed.

Section Core.
Variables h n r m1 m2 : nat.
Variables (U V Yh : nat -> nat -> Q) (mu : Q) (d1 d2 : nat -> Q) (l1 l2 : nat -> nat -> Q).
Variable Hmu : 0 <= mu.
Variable Hd1 : forall k, (k < m1)%nat -> 0 <= d1 k.
Variable Hd2 : forall k, (k < m2)%nat -> 0 <= d2 k.
(** Q + mu I - Yh Yh^T = the second sum of squares, with Q the first one. *)
Variable HN : forall a b, (a < h)%nat -> (b < h)%nat ->
  sosm m2 d2 l2 a b + sumq n (fun c => Yh a c * Yh b c) == sosm m1 d1 l1 a b + mu * idm a b.

Definition ycol (c : nat) : nat -> Q := fun i => Yh i c.
Definition gm (i c : nat) : Q := sumq r (fun l => U i l * V l c).

Lemma yy_bound : forall x, sumq n (fun c => vd h (ycol c) x * vd h (ycol c) x) <=
  sumq m1 (fun k => d1 k * (vd h (l1 k) x * vd h (l1 k) x)) + mu * vd h x x.
Proof.
  intros x.
  assert (E : qf h (fun a b => sosm m2 d2 l2 a b + sosm n (fun _ => 1) (fun c a => Yh a c) a b) x ==
              qf h (fun a b => sosm m1 d1 l1 a b + mu * idm a b) x).
  { apply qf_ext. intros a b Ha Hb. rewrite <- HN by assumption. unfold sosm at 2.
    apply Qplus_comp; [reflexivity|]. apply sumq_ext. intros. ring. }
  rewrite !qf_add, qf_scale, qf_idm, !qf_sos in E.
  assert (N0 : 0 <= sumq m2 (fun k => d2 k * (vd h (l2 k) x * vd h (l2 k) x))).
  { apply sumq_nonneg. intros k Hk. apply Qmult_le_0_compat; [apply Hd2; exact Hk|apply sq_nonneg']. }
  assert (E2 : sumq n (fun c => 1 * (vd h (fun a => Yh a c) x * vd h (fun a => Yh a c) x)) ==
               sumq n (fun c => vd h (ycol c) x * vd h (ycol c) x)) by (apply sumq_ext; intros; unfold ycol; ring).
  lra.
Qed.

Theorem kyfan_core :
  sumq n (fun c => vd h (ycol c) (ycol c)) - sumq r (fun _ => mu) - sumq m1 (fun k => d1 k * vd h (l1 k) (l1 k)) <=
  sumq h (fun i => sumq n (fun c => (gm i c - Yh i c) * (gm i c - Yh i c))).
Proof.
  destruct (gram_schmidt h r U) as [s [w [A [Hs [Ho HU]]]]].
  set (a := fun c j => sumq r (fun l => V l c * A l j)).
  assert (Hg : forall c i, (c < n)%nat -> (i < h)%nat -> gm i c == sumq s (fun j => a c j * w j i)).
  { intros c i Hc Hi. unfold gm, a.
    rewrite (sumq_ext r _ (fun l => sumq s (fun j => V l c * A l j * w j i))).
    - rewrite sumq_swap. apply sumq_ext. intros j Hj. rewrite sumq_scale_r. reflexivity.
    - intros l Hl. rewrite (HU l i Hl Hi), <- sumq_scale_r. apply sumq_ext. intros. ring. }
  (* |G - Yh|^2 = sum_c (|y_c|^2 - (2 g_c.y_c - |g_c|^2)) *)
  rewrite sumq_swap.
  assert (Col : forall c, (c < n)%nat ->
    vd h (ycol c) (ycol c) - sumq s (fun j => vd h (w j) (ycol c) * vd h (w j) (ycol c) / vd h (w j) (w j)) <=
    sumq h (fun i => (gm i c - Yh i c) * (gm i c - Yh i c))).
  { intros c Hc.
    pose proof (complete_sq h s w (a c) (fun i => gm i c) (ycol c) Ho (fun i Hi => Hg c i Hc Hi)) as CS.
    assert (E : sumq h (fun i => (gm i c - Yh i c) * (gm i c - Yh i c)) ==
                vd h (ycol c) (ycol c) - (2 * vd h (fun i => gm i c) (ycol c) - vd h (fun i => gm i c) (fun i => gm i c))).
    { unfold vd, ycol. rewrite <- sumq_scale.
      rewrite (sumq_ext h (fun i => (gm i c - Yh i c) * (gm i c - Yh i c))
                 (fun i => (Yh i c * Yh i c + (-1) * (2 * (gm i c * Yh i c))) + gm i c * gm i c)) by (intros; ring).
      rewrite !sumq_add, sumq_scale. ring. }
    rewrite E. lra. }
  eapply Qle_trans; [|apply sumq_le; exact Col].
  rewrite (sumq_ext n (fun c => vd h (ycol c) (ycol c) - sumq s (fun j => vd h (w j) (ycol c) * vd h (w j) (ycol c) / vd h (w j) (w j)))
             (fun c => vd h (ycol c) (ycol c) + (-1) * sumq s (fun j => vd h (w j) (ycol c) * vd h (w j) (ycol c) / vd h (w j) (w j))))
    by (intros; ring).
  rewrite sumq_add, sumq_scale, sumq_swap.
  (* sum_j (sum_c (w_j.y_c)^2) / |w_j|^2 <= sum_j (sum_k d_k (l_k.w_j)^2 / |w_j|^2 + mu) *)
  assert (B1 : sumq s (fun j => sumq n (fun c => vd h (w j) (ycol c) * vd h (w j) (ycol c) / vd h (w j) (w j))) <=
               sumq s (fun j => sumq m1 (fun k => d1 k * (vd h (l1 k) (w j) * vd h (l1 k) (w j) / vd h (w j) (w j))) + mu)).
  { apply sumq_le. intros j Hj. pose proof (proj1 Ho j Hj) as P.
    rewrite (sumq_ext n _ (fun c => (vd h (ycol c) (w j) * vd h (ycol c) (w j)) * / vd h (w j) (w j)))
      by (intros; rewrite (vd_sym h (w j)); reflexivity).
    rewrite sumq_scale_r.
    rewrite (sumq_ext m1 _ (fun k => (d1 k * (vd h (l1 k) (w j) * vd h (l1 k) (w j))) * / vd h (w j) (w j)))
      by (intros; unfold Qdiv; ring).
    rewrite sumq_scale_r. pose proof (yy_bound (w j)) as Y.
    setoid_replace mu with (mu * vd h (w j) (w j) * / vd h (w j) (w j)) by (field; intro; lra).
    setoid_replace (sumq m1 (fun k => d1 k * (vd h (l1 k) (w j) * vd h (l1 k) (w j))) * / vd h (w j) (w j) +
                    mu * vd h (w j) (w j) * / vd h (w j) (w j))
      with ((sumq m1 (fun k => d1 k * (vd h (l1 k) (w j) * vd h (l1 k) (w j))) + mu * vd h (w j) (w j)) * / vd h (w j) (w j))
      by ring.
    apply Qmult_le_compat_r; [exact Y|]. apply Qlt_le_weak. apply Qinv_lt_0_compat. exact P. }
  assert (B2 : sumq s (fun j => sumq m1 (fun k => d1 k * (vd h (l1 k) (w j) * vd h (l1 k) (w j) / vd h (w j) (w j))) + mu) <=
               sumq m1 (fun k => d1 k * vd h (l1 k) (l1 k)) + sumq r (fun _ => mu)).
  { rewrite sumq_add. apply Qplus_le_compat; [|apply sumq_const_le; assumption].
    rewrite sumq_swap. apply sumq_le. intros k Hk. rewrite sumq_scale.
    apply Qmult_le_compat_nonneg. split; [apply Hd1; exact Hk|apply Qle_refl].
    split; [apply sumq_nonneg; intros j Hj; apply Qle_shift_div_l; [apply (proj1 Ho j Hj)|rewrite Qmult_0_l; apply sq_nonneg']|].
    apply bessel. exact Ho. }
  lra.
Qed.
End Core.
