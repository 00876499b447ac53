(** * The thm-5 obstruction on list matrices: a boolean checker proved sound once.

    [obs1_check] (side W1) and [obs2_check] (side W2) evaluate on the data by [vm_compute];
    [obs1_sound] / [obs2_sound] conclude [not_locally_open_at m k n W1 W2] with the
    lemmas of Theory/Open.v. *)

From Coq Require Import QArith Qabs List Lqa Lia.
From ExactOpen Require Import Statements Theory.Fmat Theory.Open.
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
