(** * The thm-5 obstruction on list matrices: a boolean checker proved sound once.

    [obs1_check] (side W1) and [obs2_check] (side W2) evaluate on the data by [vm_compute];
    [obs1_sound] / [obs2_sound] conclude [not_locally_open_at m k n W1 W2] with the
    lemmas of Theory/Open.v. *)

From Coq Require Import QArith Qabs List Lqa Lia.
From ExactOpen Require Import Statements Theory.Poly Theory.Lift Theory.Check Theory.Fmat Theory.Open.
Import ListNotations.
Open Scope Q_scope.

Definition ent (A : mat) (i j : nat) : Q := nth j (nth i A []) 0.

Lemma nth_map_in {X Y} (f : X -> Y) l i d dy :
  (i < length l)%nat -> nth i (map f l) dy = f (nth i l d).
Proof. intros Hi. rewrite (nth_indep _ dy (f d)) by (rewrite map_length; exact Hi). apply map_nth. Qed.

Lemma dot_sum : forall u v, length u = length v ->
  dot u v == sumq (length u) (fun l => nth l u 0 * nth l v 0).
Proof.
  induction u as [|a u IH]; intros [|b v] H; simpl in H; try discriminate. reflexivity.
  change (dot (a :: u) (b :: v)) with (a * b + dot u v). change (length (a :: u)) with (S (length u)).
  rewrite sumq_shift. cbn [nth]. rewrite IH by lia. reflexivity.
Qed.

Lemma shape_row : forall A r c i, is_shape A r c -> (i < r)%nat -> length (nth i A []) = c.
Proof.
  intros A r c i [HA HF] Hi. rewrite Forall_forall in HF. apply HF. apply nth_In. lia.
Qed.

Lemma mmul_shape : forall A B m k n, is_shape A m k -> is_shape B k n -> (0 < k)%nat ->
  is_shape (mmul A B) m n.
Proof.
  intros A B m k n HA HB Hk. assert (Hc : ncols B = n).
  { destruct HB as [HBl HBF]. destruct B as [|b B]; simpl in HBl. lia. inversion HBF. exact H1. }
  split. unfold mmul. rewrite map_length. apply HA.
  apply Forall_forall. intros row Hin. unfold mmul in Hin. apply in_map_iff in Hin as [r [<- _]].
  rewrite map_length, seq_length. exact Hc.
Qed.

Lemma mmul_ent : forall A B m k n i j, is_shape A m k -> is_shape B k n -> (0 < k)%nat ->
  (i < m)%nat -> (j < n)%nat -> ent (mmul A B) i j == sumq k (fun l => ent A i l * ent B l j).
Proof.
  intros A B m k n i j HA HB Hk Hi Hj. assert (Hc : ncols B = n).
  { destruct HB as [HBl HBF]. destruct B as [|b B]; simpl in HBl. lia. inversion HBF. exact H1. }
  unfold ent, mmul. rewrite (nth_map_in _ A i []) by (destruct HA; lia).
  rewrite (nth_map_in _ _ j 0%nat) by (rewrite seq_length; lia). rewrite seq_nth by lia. simpl.
  assert (Hl : length (nth i A []) = length (col j B)).
  { unfold col. rewrite map_length, (shape_row A m k i HA Hi). symmetry. exact (proj1 HB). }
  pose proof (dot_sum (nth i A []) (col j B) Hl) as E. rewrite (shape_row A m k i HA Hi) in E.
  rewrite E. apply sumq_ext. intros l Hl2. unfold col.
  rewrite (nth_map_in _ B l []) by (rewrite (proj1 HB); exact Hl2). reflexivity.
Qed.

Lemma vdot_sum : forall r s c, length r = c -> length s = c ->
  dot (vsub r s) (vsub r s) == sumq c (fun j => (nth j r 0 - nth j s 0) * (nth j r 0 - nth j s 0)).
Proof.
  induction r as [|a r IH]; intros [|b s] c Hr Hs; simpl in Hr, Hs; subst; try discriminate. reflexivity.
  change (dot (vsub (a :: r) (b :: s)) (vsub (a :: r) (b :: s))) with ((a - b) * (a - b) + dot (vsub r s) (vsub r s)).
  rewrite sumq_shift. cbn [nth]. rewrite (IH s (length r)) by lia. reflexivity.
Qed.

Lemma frob_sum : forall A B r c, is_shape A r c -> is_shape B r c ->
  frob2 (msub A B) == sumq r (fun i => sumq c (fun j => (ent A i j - ent B i j) * (ent A i j - ent B i j))).
Proof.
  induction A as [|a A IH]; intros [|b B] r c [HA HAF] [HB HBF]; simpl in HA, HB; subst; try discriminate.
  reflexivity. inversion HAF; subst. inversion HBF; subst.
  change (length (a :: A)) with (S (length A)). rewrite sumq_shift.
  change (frob2 (msub (a :: A) (b :: B))) with (dot (vsub a b) (vsub a b) + frob2 (msub A B)).
  rewrite vdot_sum by eauto.
  rewrite (IH B (length A) (length a)) by (split; auto). unfold ent. cbn [nth]. reflexivity.
Qed.

Lemma frob_nonneg : forall A, 0 <= frob2 A.
Proof.
  assert (D : forall r, 0 <= dot r r) by (induction r as [|x r IH]; simpl; [lra|nra]).
  induction A as [|r A IH]; unfold frob2 in *; simpl. lra. specialize (D r). lra.
Qed.

Lemma meq_ent : forall A B, meq A B -> forall i j, ent A i j == ent B i j.
Proof.
  intros A B H. induction H as [|r s A B Hrs HAB IH]; intros i j; unfold ent.
  - destruct i, j; reflexivity.
  - destruct i as [|i]; simpl.
    + revert j. induction Hrs as [|x y r s Hxy Hrs' IHr]; intros [|j]; simpl; auto; reflexivity.
    + apply IH.
Qed.

Lemma meq_refl : forall A, meq A A.
Proof. induction A; constructor; auto. induction a; constructor; auto. reflexivity. Qed.

Lemma vaxpy_length : forall t r s, length r = length s -> length (vaxpy t r s) = length r.
Proof. induction r as [|x r IH]; intros [|y s] H; simpl in *; auto; discriminate. Qed.

Lemma vaxpy_nth : forall t r s j, length r = length s -> nth j (vaxpy t r s) 0 == nth j r 0 + t * nth j s 0.
Proof.
  induction r as [|x r IH]; intros [|y s] j H; simpl in H; try discriminate.
  destruct j; simpl; ring. destruct j; simpl. ring. apply IH. lia.
Qed.

Lemma maxpy_shape : forall t A B r c, is_shape A r c -> is_shape B r c -> is_shape (maxpy t A B) r c.
Proof.
  intros t. induction A as [|a A IH]; intros [|b B] r c HA HB.
  - exact HA.
  - exact HA.
  - destruct HA as [HAl _], HB as [HBl _]. simpl in *. lia.
  - destruct HA as [HAl HAF], HB as [HBl HBF]. simpl in HAl, HBl.
    inversion HAF as [|? ? Ha HAF']; subst. inversion HBF as [|? ? Hb HBF']; subst.
    assert (IH' := IH B (length A) (length a) (conj eq_refl HAF') (conj (eq_add_S _ _ HBl : length B = length A) HBF')).
    destruct IH' as [IHl IHF]. split. simpl. lia. constructor. rewrite vaxpy_length; lia. exact IHF.
Qed.

Lemma maxpy_ent : forall t A B r c i j, is_shape A r c -> is_shape B r c ->
  ent (maxpy t A B) i j == ent A i j + t * ent B i j.
Proof.
  intros t. induction A as [|a A IH]; intros [|b B] r c i j HA HB.
  - unfold ent; destruct i, j; simpl; ring.
  - destruct HA as [HAl _], HB as [HBl _]. simpl in *. subst. discriminate.
  - destruct HA as [HAl _], HB as [HBl _]. simpl in *. lia.
  - destruct HA as [HAl HAF], HB as [HBl HBF]. simpl in HAl, HBl.
    inversion HAF as [|? ? Ha HAF']; subst. inversion HBF as [|? ? Hb HBF']; subst.
    destruct i as [|i]; unfold ent; simpl.
    + apply vaxpy_nth. lia.
    + apply (IH B (length A) (length a) i j (conj eq_refl HAF') (conj (eq_add_S _ _ HBl : length B = length A) HBF')).
Qed.

(** ** Loops over index ranges *)
Definition all2 (r c : nat) (f : nat -> nat -> bool) : bool :=
  forallb (fun i => forallb (fun j => f i j) (seq 0 c)) (seq 0 r).

Lemma all2_sound : forall r c f, all2 r c f = true -> forall i j, (i < r)%nat -> (j < c)%nat -> f i j = true.
Proof.
  intros r c f H i j Hi Hj. unfold all2 in H. rewrite forallb_forall in H.
  specialize (H i ltac:(apply in_seq; lia)). rewrite forallb_forall in H. apply H. apply in_seq. lia.
Qed.

Lemma small_delta : forall eps S, 0 < eps -> 0 <= S -> (eps / (S + 1)) * (eps / (S + 1)) * S < eps * eps.
Proof.
  intros eps S He HS. set (u := eps / (S + 1)). assert (Hu : u * (S + 1) == eps) by (unfold u; field; lra).
  assert (0 < u). { unfold u. apply Qlt_shift_div_l; lra. }
  rewrite <- Hu. nra.
Qed.

Lemma pos_b : forall x, negb (Qle_bool x 0) = true -> 0 < x.
Proof.
  intros x H. apply Qnot_le_lt. intro Hle. apply Qle_bool_iff in Hle. rewrite Hle in H. discriminate.
Qed.

(** ** Side W1: W1 W2 = K M0, Z(delta) = K (M0 + delta M1), H K = I, M0 G and M1 G the two parts
    of the identity split at row s, y^T K = 0. *)
Definition gamma_of (m k : nat) (A : fmat) (y : vec) : Q :=
  sumq k (fun j => colsum m A (fun i => nth i y 0) j * colsum m A (fun i => nth i y 0) j) /
  sumq m (fun i => nth i y 0 * nth i y 0).

Definition obs1_check (m k n : nat) (W1 W2 K H M0 M1 G : mat) (s : nat) (y : vec) : bool :=
  ((k =? 1) || (k =? 2) || (k =? 3))%nat && Nat.ltb 0 m && Nat.ltb 0 n &&
  is_shape_b W1 m k && is_shape_b W2 k n && is_shape_b K m k && is_shape_b H k m &&
  is_shape_b M0 k n && is_shape_b M1 k n && is_shape_b G n k && Nat.eqb (length y) m &&
  all2 m n (fun i j => Qeq_bool (ent (mmul W1 W2) i j) (ent (mmul K M0) i j)) &&
  all2 k k (fun a b => Qeq_bool (ent (mmul H K) a b) (idm a b)) &&
  all2 k k (fun a b => Qeq_bool (ent (mmul M0 G) a b) (if Nat.ltb a s then idm a b else 0)) &&
  all2 k k (fun a b => Qeq_bool (ent (mmul M1 G) a b) (if Nat.ltb a s then 0 else idm a b)) &&
  forallb (fun b => Qeq_bool (sumq m (fun i => nth i y 0 * ent K i b)) 0) (seq 0 k) &&
  negb (Qle_bool (sumq m (fun i => nth i y 0 * nth i y 0)) 0) &&
  negb (Qle_bool (gamma_of m k (ent W1) y) 0).

Theorem obs1_sound : forall m k n W1 W2 K H M0 M1 G s y,
  obs1_check m k n W1 W2 K H M0 M1 G s y = true -> not_locally_open_at m k n W1 W2.
Proof.
  intros m k n W1 W2 K H M0 M1 G s y Hc. unfold obs1_check in Hc.
  apply andb_prop in Hc as [Hc Hgam]. apply andb_prop in Hc as [Hc HY].
  apply andb_prop in Hc as [Hc HyK]. apply andb_prop in Hc as [Hc HM1].
  apply andb_prop in Hc as [Hc HM0]. apply andb_prop in Hc as [Hc HHK].
  apply andb_prop in Hc as [Hc HW]. apply andb_prop in Hc as [Hc Hyl].
  apply andb_prop in Hc as [Hc HGs]. apply andb_prop in Hc as [Hc HM1s].
  apply andb_prop in Hc as [Hc HM0s]. apply andb_prop in Hc as [Hc HHs].
  apply andb_prop in Hc as [Hc HKs]. apply andb_prop in Hc as [Hc HW2s].
  apply andb_prop in Hc as [Hc HW1s]. apply andb_prop in Hc as [Hc Hn].
  apply andb_prop in Hc as [Hk Hm].
  apply is_shape_b_sound in HW1s, HW2s, HKs, HHs, HM0s, HM1s, HGs.
  apply Nat.ltb_lt in Hm, Hn. apply pos_b in HY, Hgam.
  pose proof (inv_small k Hk) as Hinv.
  assert (Hk0 : (0 < k)%nat) by (apply Bool.orb_true_iff in Hk as [E|E]; [apply Bool.orb_true_iff in E as [E|E]|];
    apply Nat.eqb_eq in E; lia).
  split; [exact HW1s|]. split; [exact HW2s|].
  exists (gamma_of m k (ent W1) y). split; [exact Hgam|]. intros eps Heps.
  set (S := sumq m (fun i => sumq n (fun j => ent (mmul K M1) i j * ent (mmul K M1) i j))).
  assert (HS : 0 <= S) by (apply sumq_nonneg; intros; apply sumq_nonneg; intros; nra).
  set (dl := eps / (S + 1)).
  assert (Hdl : 0 < dl) by (unfold dl; apply Qlt_shift_div_l; lra).
  set (Nd := maxpy dl M0 M1).
  assert (HNd : is_shape Nd k n) by (apply maxpy_shape; auto).
  set (Nf := fun a b => ent M0 a b + dl * ent M1 a b).
  assert (EZ : forall i j, (i < m)%nat -> (j < n)%nat -> ent (mmul K Nd) i j == fmul k (ent K) Nf i j).
  { intros i j Hi Hj. rewrite (mmul_ent K Nd m k n i j HKs HNd Hk0 Hi Hj). apply sumq_ext. intros l Hl.
    unfold Nd, Nf. rewrite (maxpy_ent dl M0 M1 k n l j HM0s HM1s). reflexivity. }
  exists (mmul K Nd). split; [|split].
  - assert (E : frob2 (msub (mmul K Nd) (mmul W1 W2)) == dl * dl * S).
    { rewrite (frob_sum _ _ m n (mmul_shape K Nd m k n HKs HNd Hk0) (mmul_shape W1 W2 m k n HW1s HW2s Hk0)).
      unfold S. rewrite <- sumq_scale. apply sumq_ext. intros i Hi. rewrite <- sumq_scale. apply sumq_ext. intros j Hj.
      pose proof (all2_sound _ _ _ HW i j Hi Hj) as Wij. apply Qeq_bool_iff in Wij.
      rewrite Wij, EZ by auto. unfold fmul, Nf.
      rewrite (mmul_ent K M0 m k n i j HKs HM0s Hk0 Hi Hj), (mmul_ent K M1 m k n i j HKs HM1s Hk0 Hi Hj).
      rewrite (sumq_ext k _ (fun l => ent K i l * ent M0 l j + dl * (ent K i l * ent M1 l j))) by (intros; ring).
      rewrite sumq_add, sumq_scale. ring. }
    rewrite E. apply small_delta; auto.
  - exists K, Nd. split; [exact HKs|]. split; [exact HNd|]. apply meq_refl.
  - intros A' B' HA' HB' Hmeq. cbn [dist2].
    assert (HB0 := frob_nonneg (msub B' W2)).
    enough (gamma_of m k (ent W1) y <= frob2 (msub A' W1)) by lra.
    rewrite (frob_sum A' W1 m k HA' HW1s).
    set (d := fun b => if Nat.ltb b s then 1 else dl).
    assert (yA : forall b, (b < k)%nat -> sumq m (fun i => nth i y 0 * ent A' i b) == 0).
    { apply (yA_zero m k n (ent K) (ent H) Nf (ent G) (ent A') (ent B') d (fun i => nth i y 0) Hinv).
      - intros a b Ha Hb. unfold fmul. rewrite <- (mmul_ent H K k m k a b HHs HKs Hm Ha Hb).
        apply Qeq_bool_iff. exact (all2_sound _ _ _ HHK a b Ha Hb).
      - intros a b Ha Hb. unfold fmul, Nf.
        rewrite (sumq_ext n _ (fun l => ent M0 a l * ent G l b + dl * (ent M1 a l * ent G l b))) by (intros; ring).
        rewrite sumq_add, sumq_scale.
        rewrite <- (mmul_ent M0 G k n k a b HM0s HGs Hn Ha Hb), <- (mmul_ent M1 G k n k a b HM1s HGs Hn Ha Hb).
        pose proof (all2_sound _ _ _ HM0 a b Ha Hb) as E0. pose proof (all2_sound _ _ _ HM1 a b Ha Hb) as E1.
        apply Qeq_bool_iff in E0, E1. rewrite E0, E1. unfold d, idm.
        destruct (Nat.eqb_spec a b) as [<-|_]; destruct (Nat.ltb a s); ring.
      - intros b Hb. unfold d. destruct (Nat.ltb b s); lra.
      - intros b Hb. rewrite forallb_forall in HyK. apply Qeq_bool_iff. apply HyK. apply in_seq. lia.
      - intros i j Hi Hj. unfold fmul. rewrite <- (mmul_ent A' B' m k n i j HA' HB' Hk0 Hi Hj).
        rewrite (meq_ent _ _ Hmeq). apply EZ; auto. }
    apply (move_bound m k (ent W1) (ent A') (fun i => nth i y 0) HY yA).
Qed.

(** ** Side W2: the same with W2^T, W1^T in place of W1, W2 (data K n x k, M0 M1 k x m, y of
    length n); the transposes are read through [ent], and Z(delta) = (K N(delta))^T is the
    product of [tr N(delta) m] (m x k) and [tr K k] (k x n). *)
Definition tr (A : mat) (c : nat) : mat := map (fun j => col j A) (seq 0 c).

Lemma tr_shape : forall A r c, is_shape A r c -> is_shape (tr A c) c r.
Proof.
  intros A r c HA. split. unfold tr. rewrite map_length, seq_length. reflexivity.
  apply Forall_forall. intros v Hv. unfold tr in Hv. apply in_map_iff in Hv as [j [<- _]].
  unfold col. rewrite map_length. apply HA.
Qed.

Lemma tr_ent : forall A r c i j, is_shape A r c -> (i < c)%nat -> (j < r)%nat -> ent (tr A c) i j = ent A j i.
Proof.
  intros A r c i j HA Hi Hj. unfold ent, tr.
  rewrite (nth_map_in _ _ i 0%nat) by (rewrite seq_length; exact Hi). rewrite seq_nth by exact Hi. simpl.
  unfold col. rewrite (nth_map_in _ A j []) by (rewrite (proj1 HA); exact Hj). reflexivity.
Qed.

Definition obs2_check (m k n : nat) (W1 W2 K H M0 M1 G : mat) (s : nat) (y : vec) : bool :=
  ((k =? 1) || (k =? 2) || (k =? 3))%nat && Nat.ltb 0 m && Nat.ltb 0 n &&
  is_shape_b W1 m k && is_shape_b W2 k n && is_shape_b K n k && is_shape_b H k n &&
  is_shape_b M0 k m && is_shape_b M1 k m && is_shape_b G m k && Nat.eqb (length y) n &&
  all2 n m (fun i j => Qeq_bool (ent (mmul W1 W2) j i) (ent (mmul K M0) i j)) &&
  all2 k k (fun a b => Qeq_bool (ent (mmul H K) a b) (idm a b)) &&
  all2 k k (fun a b => Qeq_bool (ent (mmul M0 G) a b) (if Nat.ltb a s then idm a b else 0)) &&
  all2 k k (fun a b => Qeq_bool (ent (mmul M1 G) a b) (if Nat.ltb a s then 0 else idm a b)) &&
  forallb (fun b => Qeq_bool (sumq n (fun i => nth i y 0 * ent K i b)) 0) (seq 0 k) &&
  negb (Qle_bool (sumq n (fun i => nth i y 0 * nth i y 0)) 0) &&
  negb (Qle_bool (gamma_of n k (fun i j => ent W2 j i) y) 0).

Theorem obs2_sound : forall m k n W1 W2 K H M0 M1 G s y,
  obs2_check m k n W1 W2 K H M0 M1 G s y = true -> not_locally_open_at m k n W1 W2.
Proof.
  intros m k n W1 W2 K H M0 M1 G s y Hc. unfold obs2_check in Hc.
  apply andb_prop in Hc as [Hc Hgam]. apply andb_prop in Hc as [Hc HY].
  apply andb_prop in Hc as [Hc HyK]. apply andb_prop in Hc as [Hc HM1].
  apply andb_prop in Hc as [Hc HM0]. apply andb_prop in Hc as [Hc HHK].
  apply andb_prop in Hc as [Hc HW]. apply andb_prop in Hc as [Hc Hyl].
  apply andb_prop in Hc as [Hc HGs]. apply andb_prop in Hc as [Hc HM1s].
  apply andb_prop in Hc as [Hc HM0s]. apply andb_prop in Hc as [Hc HHs].
  apply andb_prop in Hc as [Hc HKs]. apply andb_prop in Hc as [Hc HW2s].
  apply andb_prop in Hc as [Hc HW1s]. apply andb_prop in Hc as [Hc Hn].
  apply andb_prop in Hc as [Hk Hm].
  apply is_shape_b_sound in HW1s, HW2s, HKs, HHs, HM0s, HM1s, HGs.
  apply Nat.ltb_lt in Hm, Hn. apply pos_b in HY, Hgam.
  pose proof (inv_small k Hk) as Hinv.
  assert (Hk0 : (0 < k)%nat) by (apply Bool.orb_true_iff in Hk as [E|E]; [apply Bool.orb_true_iff in E as [E|E]|];
    apply Nat.eqb_eq in E; lia).
  split; [exact HW1s|]. split; [exact HW2s|].
  exists (gamma_of n k (fun i j => ent W2 j i) y). split; [exact Hgam|]. intros eps Heps.
  set (S := sumq m (fun j => sumq n (fun i => ent (mmul K M1) i j * ent (mmul K M1) i j))).
  assert (HS : 0 <= S) by (apply sumq_nonneg; intros; apply sumq_nonneg; intros; nra).
  set (dl := eps / (S + 1)).
  assert (Hdl : 0 < dl) by (unfold dl; apply Qlt_shift_div_l; lra).
  set (Nd := maxpy dl M0 M1).
  assert (HNd : is_shape Nd k m) by (apply maxpy_shape; auto).
  set (Nf := fun a b => ent M0 a b + dl * ent M1 a b).
  set (Z := mmul (tr Nd m) (tr K k)).
  assert (HZs : is_shape Z m n) by (apply (mmul_shape _ _ m k n); auto using tr_shape).
  assert (EZ : forall j i, (j < m)%nat -> (i < n)%nat -> ent Z j i == fmul k (ent K) Nf i j).
  { intros j i Hj Hi. unfold Z.
    rewrite (mmul_ent _ _ m k n j i (tr_shape _ _ _ HNd) (tr_shape _ _ _ HKs) Hk0 Hj Hi).
    unfold fmul. apply sumq_ext. intros l Hl.
    rewrite (tr_ent Nd k m j l HNd Hj Hl), (tr_ent K n k l i HKs Hl Hi).
    unfold Nd, Nf. rewrite (maxpy_ent dl M0 M1 k m l j HM0s HM1s). ring. }
  exists Z. split; [|split].
  - assert (E : frob2 (msub Z (mmul W1 W2)) == dl * dl * S).
    { rewrite (frob_sum _ _ m n HZs (mmul_shape W1 W2 m k n HW1s HW2s Hk0)).
      unfold S. rewrite <- sumq_scale. apply sumq_ext. intros j Hj. rewrite <- sumq_scale. apply sumq_ext. intros i Hi.
      pose proof (all2_sound _ _ _ HW i j Hi Hj) as Wij. apply Qeq_bool_iff in Wij.
      rewrite Wij, EZ by auto. unfold fmul, Nf.
      rewrite (mmul_ent K M0 n k m i j HKs HM0s Hk0 Hi Hj), (mmul_ent K M1 n k m i j HKs HM1s Hk0 Hi Hj).
      rewrite (sumq_ext k _ (fun l => ent K i l * ent M0 l j + dl * (ent K i l * ent M1 l j))) by (intros; ring).
      rewrite sumq_add, sumq_scale. ring. }
    rewrite E. apply small_delta; auto.
  - exists (tr Nd m), (tr K k). split; [apply tr_shape; exact HNd|]. split; [apply tr_shape; exact HKs|].
    apply meq_refl.
  - intros A' B' HA' HB' Hmeq. cbn [dist2].
    assert (HA0 := frob_nonneg (msub A' W1)).
    enough (gamma_of n k (fun i j => ent W2 j i) y <= frob2 (msub B' W2)) by lra.
    rewrite (frob_sum B' W2 k n HB' HW2s), sumq_swap.
    set (d := fun b => if Nat.ltb b s then 1 else dl).
    assert (yA : forall b, (b < k)%nat -> sumq n (fun i => nth i y 0 * ent B' b i) == 0).
    { apply (yA_zero n k m (ent K) (ent H) Nf (ent G) (fun i j => ent B' j i) (fun i j => ent A' j i) d
               (fun i => nth i y 0) Hinv).
      - intros a b Ha Hb. unfold fmul. rewrite <- (mmul_ent H K k n k a b HHs HKs Hn Ha Hb).
        apply Qeq_bool_iff. exact (all2_sound _ _ _ HHK a b Ha Hb).
      - intros a b Ha Hb. unfold fmul, Nf.
        rewrite (sumq_ext m _ (fun l => ent M0 a l * ent G l b + dl * (ent M1 a l * ent G l b))) by (intros; ring).
        rewrite sumq_add, sumq_scale.
        rewrite <- (mmul_ent M0 G k m k a b HM0s HGs Hm Ha Hb), <- (mmul_ent M1 G k m k a b HM1s HGs Hm Ha Hb).
        pose proof (all2_sound _ _ _ HM0 a b Ha Hb) as E0. pose proof (all2_sound _ _ _ HM1 a b Ha Hb) as E1.
        apply Qeq_bool_iff in E0, E1. rewrite E0, E1. unfold d, idm.
        destruct (Nat.eqb_spec a b) as [<-|_]; destruct (Nat.ltb a s); ring.
      - intros b Hb. unfold d. destruct (Nat.ltb b s); lra.
      - intros b Hb. rewrite forallb_forall in HyK. apply Qeq_bool_iff. apply HyK. apply in_seq. lia.
      - intros i j Hi Hj. unfold fmul.
        rewrite (sumq_ext k _ (fun l => ent A' j l * ent B' l i)) by (intros; ring).
        rewrite <- (mmul_ent A' B' m k n j i HA' HB' Hk0 Hj Hi).
        rewrite (meq_ent _ _ Hmeq). apply EZ; auto. }
    apply (move_bound n k (fun i j => ent W2 j i) (fun i j => ent B' j i) (fun i => nth i y 0) HY yA).
Qed.
