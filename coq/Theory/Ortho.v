(** * Orthogonal bases over Q without square roots (used by Theory/KyFan.v).

    Vectors of length h are functions [nat -> Q]; a family w_0, ..., w_(s-1) is an orthogonal
    basis when each |w_j|^2 > 0 and w_j . w_j' = 0 for j <> j'.  Proved once:
    - [gram_schmidt]: the columns of any h x r matrix U lie in the span of an orthogonal family
      of s <= r vectors (U_ic = sum_j A_cj w_ji) (Gram-Schmidt without normalising: w' = u - sum_j (u.w_j / |w_j|^2) w_j,
      dropped when it is zero);
    - [span_dot], [span_sq]: for g = sum_j a_j w_j, g.y = sum_j a_j (w_j.y) and
      |g|^2 = sum_j a_j^2 |w_j|^2;
    - [complete_sq]: 2 g.y - |g|^2 <= sum_j (w_j.y)^2 / |w_j|^2;
    - [bessel]: sum_j (l.w_j)^2 / |w_j|^2 <= |l|^2. *)

From Coq Require Import QArith Qabs List Lqa Lia.
From ExactOpen Require Import Theory.Fmat.
Open Scope Q_scope.

Definition vd (h : nat) (u v : nat -> Q) : Q := sumq h (fun i => u i * v i).

Definition ortho (h s : nat) (w : nat -> nat -> Q) : Prop :=
  (forall j, (j < s)%nat -> 0 < vd h (w j) (w j)) /\
  (forall j j', (j < s)%nat -> (j' < s)%nat -> j <> j' -> vd h (w j) (w j') == 0).

Lemma sumq_single : forall s f i, (i < s)%nat ->
  (forall j, (j < s)%nat -> j <> i -> f j == 0) -> sumq s f == f i.
Proof.
  intros s f i Hi H. rewrite <- (sumq_delta_r s i f Hi). apply sumq_ext. intros j Hj. unfold idm.
  destruct (Nat.eqb_spec j i) as [->|Hne]. ring. rewrite (H j Hj Hne). ring.
Qed.

Lemma sq_nonneg' : forall x : Q, 0 <= x * x.
Proof. intros x. nra. Qed.

Lemma vd_nonneg : forall h u, 0 <= vd h u u.
Proof. intros. apply sumq_nonneg. intros. apply sq_nonneg'. Qed.

Lemma vd_zero : forall h u, vd h u u == 0 -> forall i, (i < h)%nat -> u i == 0.
Proof.
  induction h as [|h IH]; intros u H i Hi; [lia|]. unfold vd in H. simpl in H.
  assert (A := vd_nonneg h u). unfold vd in A. assert (B := sq_nonneg' (u h)).
  assert (Ch : u h * u h == 0) by lra.
  destruct (Nat.eq_dec i h) as [->|Hne].
  - apply Qmult_integral in Ch. destruct Ch; assumption.
  - apply IH; [unfold vd; lra|lia].
Qed.

Lemma vd_sym : forall h u v, vd h u v == vd h v u.
Proof. intros. apply sumq_ext. intros. ring. Qed.

(** g = sum_j a_j w_j: g . y = sum_j a_j (w_j . y). *)
Lemma span_dot : forall h s w a (g y : nat -> Q),
  (forall i, (i < h)%nat -> g i == sumq s (fun j => a j * w j i)) ->
  vd h g y == sumq s (fun j => a j * vd h (w j) y).
Proof.
  intros h s w a g y Hg. unfold vd.
  rewrite (sumq_ext h _ (fun i => sumq s (fun j => a j * (w j i * y i))))
    by (intros i Hi; rewrite Hg by exact Hi; rewrite <- sumq_scale_r; apply sumq_ext; intros; ring).
  rewrite sumq_swap. apply sumq_ext. intros. rewrite sumq_scale. reflexivity.
Qed.

Lemma span_sq : forall h s w a (g : nat -> Q), ortho h s w ->
  (forall i, (i < h)%nat -> g i == sumq s (fun j => a j * w j i)) ->
  vd h g g == sumq s (fun j => a j * a j * vd h (w j) (w j)).
Proof.
  intros h s w a g [_ Hor] Hg. rewrite (span_dot h s w a g g Hg). apply sumq_ext. intros j Hj.
  rewrite vd_sym, (span_dot h s w a g (w j) Hg).
  rewrite (sumq_single s (fun j' => a j' * vd h (w j') (w j)) j Hj). ring.
  intros j' Hj' Hne. rewrite (Hor j' j Hj' Hj Hne). ring.
Qed.

Lemma one_sq : forall a p N, 0 < N -> 2 * (a * p) - a * a * N <= p * p / N.
Proof.
  intros a p N HN. assert (H0 : 0 <= (p - a * N) * (p - a * N) / N).
  { apply Qle_shift_div_l; [exact HN|]. rewrite Qmult_0_l. apply sq_nonneg'. }
  setoid_replace ((p - a * N) * (p - a * N) / N) with (p * p / N - (2 * (a * p) - a * a * N)) in H0
    by (field; intro; lra).
  lra.
Qed.

Lemma complete_sq : forall h s w a (g y : nat -> Q), ortho h s w ->
  (forall i, (i < h)%nat -> g i == sumq s (fun j => a j * w j i)) ->
  2 * vd h g y - vd h g g <= sumq s (fun j => vd h (w j) y * vd h (w j) y / vd h (w j) (w j)).
Proof.
  intros h s w a g y Ho Hg. rewrite (span_dot h s w a g y Hg), (span_sq h s w a g Ho Hg).
  rewrite <- sumq_scale. setoid_replace (sumq s (fun j => 2 * (a j * vd h (w j) y)) -
    sumq s (fun j => a j * a j * vd h (w j) (w j))) with
    (sumq s (fun j => 2 * (a j * vd h (w j) y) - a j * a j * vd h (w j) (w j))).
  - apply sumq_le. intros j Hj. apply one_sq. apply (proj1 Ho j Hj).
  - rewrite (sumq_ext s (fun j => 2 * (a j * vd h (w j) y) - a j * a j * vd h (w j) (w j))
               (fun j => 2 * (a j * vd h (w j) y) + (-1) * (a j * a j * vd h (w j) (w j)))) by (intros; ring).
    rewrite sumq_add, !sumq_scale. ring.
Qed.

Lemma bessel : forall h s w (l : nat -> Q), ortho h s w ->
  sumq s (fun j => vd h l (w j) * vd h l (w j) / vd h (w j) (w j)) <= vd h l l.
Proof.
  intros h s w l Ho.
  set (c := fun j => vd h l (w j) / vd h (w j) (w j)).
  set (g := fun i => sumq s (fun j => c j * w j i)).
  assert (Hg : forall i, (i < h)%nat -> g i == sumq s (fun j => c j * w j i)) by (intros; reflexivity).
  assert (D : 0 <= vd h (fun i => l i - g i) (fun i => l i - g i)) by apply vd_nonneg.
  assert (E : vd h (fun i => l i - g i) (fun i => l i - g i) == vd h l l - 2 * vd h g l + vd h g g).
  { unfold vd. rewrite <- sumq_scale.
    rewrite (sumq_ext h (fun i => (l i - g i) * (l i - g i)) (fun i => (l i * l i + (-1) * (2 * (g i * l i))) + g i * g i))
      by (intros; ring).
    rewrite !sumq_add, sumq_scale. ring. }
  rewrite (span_dot h s w c g l Hg), (span_sq h s w c g Ho Hg) in E.
  assert (F : sumq s (fun j => c j * vd h (w j) l) == sumq s (fun j => vd h l (w j) * vd h l (w j) / vd h (w j) (w j))).
  { apply sumq_ext. intros j Hj. unfold c. rewrite (vd_sym h (w j) l). pose proof (proj1 Ho j Hj). field. intro. lra. }
  assert (G : sumq s (fun j => c j * c j * vd h (w j) (w j)) == sumq s (fun j => vd h l (w j) * vd h l (w j) / vd h (w j) (w j))).
  { apply sumq_ext. intros j Hj. unfold c. pose proof (proj1 Ho j Hj). field. intro. lra. }
  rewrite F, G in E. lra.
Qed.

(** ** Gram-Schmidt without square roots *)
Lemma gram_schmidt : forall h r (U : nat -> nat -> Q), exists s w (A : nat -> nat -> Q), (s <= r)%nat /\
  ortho h s w /\ forall c i, (c < r)%nat -> (i < h)%nat -> U i c == sumq s (fun j => A c j * w j i).
Proof.
  intros h r U. induction r as [|r IH].
  - exists 0%nat, (fun _ _ => 0), (fun _ _ => 0). split; [lia|]. split; [split; intros; lia|]. intros; lia.
  - destruct IH as [s [w [A [Hs [Ho Hspan]]]]].
    set (u := fun i => U i r).
    set (cf := fun j => vd h u (w j) / vd h (w j) (w j)).
    set (w' := fun i => u i - sumq s (fun j => cf j * w j i)).
    assert (Ow : forall j, (j < s)%nat -> vd h w' (w j) == 0).
    { intros j Hj. unfold w', vd.
      rewrite (sumq_ext h _ (fun i => u i * w j i + (-1) * (sumq s (fun j' => cf j' * w j' i) * w j i))) by (intros; ring).
      rewrite sumq_add, sumq_scale.
      assert (Hgi : forall i, (i < h)%nat -> sumq s (fun j' => cf j' * w j' i) == sumq s (fun j' => cf j' * w j' i))
        by (intros; reflexivity).
      pose proof (span_dot h s w cf (fun i => sumq s (fun j' => cf j' * w j' i)) (w j) Hgi) as SD.
      unfold vd in SD. rewrite SD.
      rewrite (sumq_single s _ j Hj).
      - unfold cf, vd. pose proof (proj1 Ho j Hj) as P. unfold vd in P. field. intro. lra.
      - intros j' Hj' Hne. rewrite (proj2 Ho j' j Hj' Hj Hne). ring. }
    destruct (Qeq_dec (vd h w' w') 0) as [Z|NZ].
    + exists s, w, (fun c j => if Nat.eqb c r then cf j else A c j). split; [lia|]. split; [exact Ho|].
      intros c i Hc Hi. destruct (Nat.eqb_spec c r) as [->|Hne]; [|apply Hspan; lia].
      pose proof (vd_zero h w' Z i Hi) as E. unfold w' in E. unfold u in E. lra.
    + set (w2 := fun j i => if Nat.eqb j s then w' i else w j i).
      assert (Pos : 0 < vd h w' w') by (pose proof (vd_nonneg h w'); apply Qle_lteq in H as [H|H]; [exact H|];
        exfalso; apply NZ; symmetry; exact H).
      assert (E2 : forall a i, sumq (S s) (fun j => a j * w2 j i) == sumq s (fun j => a j * w j i) + a s * w' i).
      { intros a i. simpl. unfold w2. rewrite Nat.eqb_refl. f_equiv. apply sumq_ext. intros j Hj.
        destruct (Nat.eqb_spec j s); [lia|reflexivity]. }
      exists (S s), w2, (fun c j => if Nat.eqb c r then (if Nat.eqb j s then 1 else cf j)
                                 else (if Nat.eqb j s then 0 else A c j)).
      split; [lia|]. split; [split|].
      * intros j Hj. unfold w2. destruct (Nat.eqb_spec j s) as [->|Hne]; [exact Pos|apply (proj1 Ho); lia].
      * intros j j' Hj Hj' Hne. unfold w2.
        destruct (Nat.eqb_spec j s) as [->|H1]; destruct (Nat.eqb_spec j' s) as [->|H2].
        -- lia.
        -- apply Ow; lia.
        -- rewrite vd_sym. apply Ow; lia.
        -- apply (proj2 Ho); lia.
      * intros c i Hc Hi. rewrite E2. rewrite Nat.eqb_refl. destruct (Nat.eqb_spec c r) as [->|Hne].
        -- rewrite (sumq_ext s (fun j => (if Nat.eqb j s then 1 else cf j) * w j i) (fun j => cf j * w j i)).
           ++ unfold w', u. ring.
           ++ intros j Hj. destruct (Nat.eqb_spec j s); [lia|reflexivity].
        -- rewrite (Hspan c i ltac:(lia) Hi).
           rewrite (sumq_ext s (fun j => (if Nat.eqb j s then 0 else A c j) * w j i) (fun j => A c j * w j i)).
           ++ ring.
           ++ intros j Hj. destruct (Nat.eqb_spec j s); [lia|reflexivity].
Qed.
