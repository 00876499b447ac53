(** * Univariate polynomials over Q as coefficient lists (lowest degree first).

    Proved here, once: evaluation is a ring homomorphism ([peval_padd], [peval_pmul], ...);
    a polynomial with p_0 = p_1 = 0 is bounded by S t^2 on [-1, 1] ([quad_bound]); a
    polynomial whose lowest nonzero coefficient is negative is negative on (0, t0 p] for
    the explicit rational [t0 p] ([lowest_neg_sound]). *)

From Coq Require Import QArith Qabs Qminmax List Lqa.
Import ListNotations.
Open Scope Q_scope.

Definition poly := list Q.

Fixpoint peval (p : poly) (t : Q) : Q :=
  match p with
  | [] => 0
  | a :: p' => a + t * peval p' t
  end.

Fixpoint padd (p q : poly) : poly :=
  match p, q with
  | [], _ => q
  | _, [] => p
  | a :: p', b :: q' => Qred (a + b) :: padd p' q'
  end.

Definition pscale (a : Q) (p : poly) : poly := map (fun b => Qred (a * b)) p.
Definition pneg (p : poly) : poly := map Qopp p.
Definition psub (p q : poly) : poly := padd p (pneg q).

Fixpoint pmul (p q : poly) : poly :=
  match p with
  | [] => []
  | a :: p' => padd (pscale a q) (0 :: pmul p' q)
  end.

Lemma peval_padd : forall p q t, peval (padd p q) t == peval p t + peval q t.
Proof.
  induction p as [|a p IH]; intros [|b q] t; cbn [padd peval]; try ring.
  rewrite Qred_correct, IH. ring.
Qed.

Lemma peval_pscale : forall a p t, peval (pscale a p) t == a * peval p t.
Proof.
  intros a p t; induction p as [|b p IH]; cbn [pscale map peval] in *; try ring.
  rewrite Qred_correct, IH. ring.
Qed.

Lemma peval_pneg : forall p t, peval (pneg p) t == - peval p t.
Proof. intros p t; induction p as [|b p IH]; cbn [pneg map peval] in *; try ring. rewrite IH. ring. Qed.

Lemma peval_psub : forall p q t, peval (psub p q) t == peval p t - peval q t.
Proof. intros. unfold psub. rewrite peval_padd, peval_pneg. ring. Qed.

Lemma peval_pmul : forall p q t, peval (pmul p q) t == peval p t * peval q t.
Proof.
  induction p as [|a p IH]; intros q t; cbn [pmul peval]; try ring.
  rewrite peval_padd, peval_pscale. cbn [peval]. rewrite IH. ring.
Qed.

(** Sum of absolute values of the coefficients. *)
Fixpoint sumabs (p : poly) : Q :=
  match p with
  | [] => 0
  | a :: p' => Qabs a + sumabs p'
  end.

Lemma sumabs_nonneg : forall p, 0 <= sumabs p.
Proof. induction p; cbn [sumabs]. lra. pose proof (Qabs_nonneg a). lra. Qed.

Lemma Qabs_mul_le1 : forall t x, Qabs t <= 1 -> Qabs (t * x) <= Qabs x.
Proof.
  intros t x Ht. rewrite Qabs_Qmult.
  pose proof (Qabs_nonneg x). pose proof (Qabs_nonneg t). nra.
Qed.

Lemma peval_bound : forall p t, Qabs t <= 1 -> Qabs (peval p t) <= sumabs p.
Proof.
  induction p as [|a p IH]; intros t Ht; cbn [peval sumabs].
  - apply Qle_refl.
  - eapply Qle_trans. apply Qabs_triangle.
    pose proof (Qabs_mul_le1 t (peval p t) Ht). pose proof (IH t Ht). lra.
Qed.

(** p_0 = p_1 = 0: |p(t)| <= S t^2 on [-1, 1] with S the sum of |p_i|, i >= 2. *)
Definition low2_zero (p : poly) : bool :=
  Qeq_bool (nth 0 p 0) 0 && Qeq_bool (nth 1 p 0) 0.

Lemma quad_bound : forall p t, low2_zero p = true -> Qabs t <= 1 ->
  Qabs (peval p t) <= sumabs (skipn 2 p) * (t * t).
Proof.
  intros p t H Ht. unfold low2_zero in H. apply andb_prop in H as [H0 H1].
  apply Qeq_bool_eq in H0. apply Qeq_bool_eq in H1.
  destruct p as [|a [|b r]]; cbn [peval nth skipn sumabs] in *.
  - rewrite Qabs_pos by lra. nra.
  - rewrite H0. setoid_replace (0 + t * 0) with 0 by ring.
    rewrite Qabs_pos by lra. nra.
  - rewrite H0, H1.
    setoid_replace (0 + t * (0 + t * peval r t)) with ((t * t) * peval r t) by ring.
    rewrite Qabs_Qmult. pose proof (peval_bound r t Ht).
    assert (Qabs (t * t) == t * t) as E by (apply Qabs_pos; nra). rewrite E.
    pose proof (Qabs_nonneg (peval r t)). nra.
Qed.

Definition Qneg_bool (a : Q) : bool := negb (Qle_bool 0 a).

Lemma Qneg_bool_sound : forall a, Qneg_bool a = true -> a < 0.
Proof.
  intros a H. unfold Qneg_bool in H. destruct (Qle_bool 0 a) eqn:E; [discriminate|].
  apply Qnot_le_lt. intros L. apply Qle_bool_iff in L. congruence.
Qed.

(** Lowest nonzero coefficient negative, and an explicit t0 > 0 below which p < 0. *)
Fixpoint lowest_neg (p : poly) : bool :=
  match p with
  | [] => false
  | a :: p' => if Qeq_bool a 0 then lowest_neg p' else Qneg_bool a
  end.

Fixpoint t0 (p : poly) : Q :=
  match p with
  | [] => 1
  | a :: p' => if Qeq_bool a 0 then t0 p' else Qmin 1 ((- a) / (2 * (sumabs p' + 1)))
  end.

Lemma t0_pos : forall p, lowest_neg p = true -> 0 < t0 p.
Proof.
  induction p as [|a p IH]; cbn [lowest_neg t0]; intros H; [discriminate|].
  destruct (Qeq_bool a 0) eqn:E; auto.
  apply Qneg_bool_sound in H. pose proof (sumabs_nonneg p).
  apply Q.min_glb_lt. lra.
  apply Qlt_shift_div_l. lra. lra.
Qed.

Lemma le_div_mul : forall t b c, 0 < c -> t <= b / c -> t * c <= b.
Proof.
  intros t b c Hc H. apply Qmult_le_compat_r with (z := c) in H; [|lra].
  setoid_replace (b / c * c) with b in H by (field; intro; lra). exact H.
Qed.

Lemma lowest_neg_sound : forall p t, lowest_neg p = true -> 0 < t -> t <= t0 p -> peval p t < 0.
Proof.
  induction p as [|a p IH]; cbn [lowest_neg t0 peval]; intros t H Ht Hle; [discriminate|].
  destruct (Qeq_bool a 0) eqn:E.
  - apply Qeq_bool_eq in E. rewrite E. specialize (IH t H Ht Hle). nra.
  - apply Qneg_bool_sound in H. pose proof (sumabs_nonneg p) as S.
    assert (t <= 1) as T1 by (eapply Qle_trans; [exact Hle|apply Q.le_min_l]).
    assert (t <= (- a) / (2 * (sumabs p + 1))) as T2
      by (eapply Qle_trans; [exact Hle|apply Q.le_min_r]).
    assert (t * (2 * (sumabs p + 1)) <= - a) as T3.
    { apply le_div_mul; [lra|exact T2]. }
    assert (Qabs t <= 1) as Ta by (rewrite Qabs_pos; lra).
    pose proof (peval_bound p t Ta) as B.
    assert (peval p t <= sumabs p) as B' by (apply Qabs_Qle_condition in B; lra).
    assert (t * peval p t <= t * sumabs p) as M.
    { rewrite (Qmult_comm t (peval p t)), (Qmult_comm t (sumabs p)).
      apply Qmult_le_compat_r; lra. }
    nra.
Qed.
