(** * Finite sums and matrices as functions (used by Theory/Open.v).

    A matrix is here a function [nat -> nat -> Q] with its sizes kept apart; [fmul k A B] is the
    product summing over k indices.  Everything is up to [==] (Qeq). *)

From Coq Require Import QArith Qabs List Lqa Lia.
Open Scope Q_scope.

Fixpoint sumq (n : nat) (f : nat -> Q) : Q :=
  match n with O => 0 | S n' => sumq n' f + f n' end.

Lemma sumq_ext : forall n f g, (forall i, (i < n)%nat -> f i == g i) -> sumq n f == sumq n g.
Proof.
  induction n as [|n IH]; intros f g H; simpl. reflexivity.
  rewrite (IH f g) by (intros; apply H; lia). rewrite (H n) by lia. reflexivity.
Qed.

Lemma sumq_add : forall n f g, sumq n (fun i => f i + g i) == sumq n f + sumq n g.
Proof. induction n as [|n IH]; intros f g; simpl. ring. rewrite IH. ring. Qed.

Lemma sumq_scale : forall n c f, sumq n (fun i => c * f i) == c * sumq n f.
Proof. induction n as [|n IH]; intros c f; simpl. ring. rewrite IH. ring. Qed.

Lemma sumq_scale_r : forall n c f, sumq n (fun i => f i * c) == sumq n f * c.
Proof. induction n as [|n IH]; intros c f; simpl. ring. rewrite IH. ring. Qed.

Lemma sumq_zero : forall n f, (forall i, (i < n)%nat -> f i == 0) -> sumq n f == 0.
Proof.
  induction n as [|n IH]; intros f H; simpl. reflexivity.
  rewrite IH by (intros; apply H; lia). rewrite (H n) by lia. ring.
Qed.

Lemma sumq_swap : forall m n f,
  sumq m (fun i => sumq n (fun j => f i j)) == sumq n (fun j => sumq m (fun i => f i j)).
Proof.
  induction m as [|m IH]; intros n f; simpl.
  - symmetry. apply sumq_zero. reflexivity.
  - rewrite IH. rewrite <- sumq_add. reflexivity.
Qed.

Lemma sumq_le : forall n f g, (forall i, (i < n)%nat -> f i <= g i) -> sumq n f <= sumq n g.
Proof.
  induction n as [|n IH]; intros f g H; simpl. apply Qle_refl.
  apply Qplus_le_compat. apply IH; intros; apply H; lia. apply H; lia.
Qed.

Lemma sumq_nonneg : forall n f, (forall i, (i < n)%nat -> 0 <= f i) -> 0 <= sumq n f.
Proof.
  intros n f H. setoid_replace 0 with (sumq n (fun _ => 0)) by (symmetry; apply sumq_zero; reflexivity).
  apply sumq_le. exact H.
Qed.

Lemma sumq_shift : forall n f, sumq (S n) f == f 0%nat + sumq n (fun i => f (S i)).
Proof.
  induction n as [|n IH]; intros f. simpl. ring.
  change (sumq (S (S n)) f) with (sumq (S n) f + f (S n)). rewrite IH. simpl. ring.
Qed.

Definition idm (a b : nat) : Q := if Nat.eqb a b then 1 else 0.

Lemma sumq_delta_r : forall n b F, (b < n)%nat -> sumq n (fun l => F l * idm l b) == F b.
Proof.
  induction n as [|n IH]; intros b F Hb; [lia|]. simpl.
  destruct (Nat.eq_dec b n) as [->|Hne].
  - rewrite sumq_zero. unfold idm. rewrite Nat.eqb_refl. ring.
    intros i Hi. unfold idm. destruct (Nat.eqb_spec i n); [lia|ring].
  - rewrite IH by lia. unfold idm. destruct (Nat.eqb_spec n b); [lia|ring].
Qed.

Lemma sumq_delta_l : forall n a F, (a < n)%nat -> sumq n (fun l => idm a l * F l) == F a.
Proof.
  intros n a F Ha. rewrite <- (sumq_delta_r n a F Ha). apply sumq_ext. intros i _.
  unfold idm. rewrite Nat.eqb_sym. ring.
Qed.

Definition fmat := nat -> nat -> Q.
Definition fmul (k : nat) (A B : fmat) : fmat := fun i j => sumq k (fun l => A i l * B l j).

Lemma fmul_assoc : forall k1 k2 (A B C : fmat) i j,
  fmul k2 (fmul k1 A B) C i j == fmul k1 A (fmul k2 B C) i j.
Proof.
  intros. unfold fmul.
  rewrite (sumq_ext k2 _ (fun l => sumq k1 (fun p => A i p * B p l * C l j)))
    by (intros; rewrite <- sumq_scale_r; reflexivity).
  rewrite sumq_swap. apply sumq_ext. intros p _. rewrite <- sumq_scale. apply sumq_ext. intros. ring.
Qed.

(** Square k x k matrices with k <= 3: a left inverse is a right inverse. *)
Definition inv_prop (k : nat) : Prop := forall X P : fmat,
  (forall a b, (a < k)%nat -> (b < k)%nat -> fmul k X P a b == idm a b) ->
  forall a b, (a < k)%nat -> (b < k)%nat -> fmul k P X a b == idm a b.

Lemma inv_1 : inv_prop 1.
Proof.
  intros X P H a b Ha Hb. assert (a = 0%nat) by lia. assert (b = 0%nat) by lia. subst.
  specialize (H 0%nat 0%nat Ha Hb). unfold fmul in *. simpl in *. rewrite <- H. ring.
Qed.

Lemma lincomb : forall x y e1 e2 c1 c2, e1 == 0 -> e2 == 0 -> x - y == c1 * e1 + c2 * e2 -> x == y.
Proof. intros x y e1 e2 c1 c2 H1 H2 H. rewrite H1, H2 in H. lra. Qed.

Lemma inv_2x2 : forall x00 x01 x10 x11 p00 p01 p10 p11 : Q,
  x00 * p00 + x01 * p10 == 1 -> x00 * p01 + x01 * p11 == 0 ->
  x10 * p00 + x11 * p10 == 0 -> x10 * p01 + x11 * p11 == 1 ->
  p00 * x00 + p01 * x10 == 1 /\ p00 * x01 + p01 * x11 == 0 /\
  p10 * x00 + p11 * x10 == 0 /\ p10 * x01 + p11 * x11 == 1.
Proof.
  intros x00 x01 x10 x11 p00 p01 p10 p11 H1 H2 H3 H4.
  set (d := p00 * p11 - p01 * p10).
  assert (E1 : x00 * p00 + x01 * p10 - 1 == 0) by lra.
  assert (E2 : x00 * p01 + x01 * p11 == 0) by exact H2.
  assert (E3 : x10 * p00 + x11 * p10 == 0) by exact H3.
  assert (E4 : x10 * p01 + x11 * p11 - 1 == 0) by lra.
  assert (A00 : x00 * d == p11) by (apply (lincomb _ _ _ _ p11 (- p10) E1 E2); unfold d; ring).
  assert (A01 : x01 * d == - p01) by (apply (lincomb _ _ _ _ (- p01) p00 E1 E2); unfold d; ring).
  assert (A10 : x10 * d == - p10) by (apply (lincomb _ _ _ _ p11 (- p10) E3 E4); unfold d; ring).
  assert (A11 : x11 * d == p00) by (apply (lincomb _ _ _ _ (- p01) p00 E3 E4); unfold d; ring).
  assert (Hd : ~ d == 0).
  { intro Hd. rewrite Hd in A00, A01, A10, A11.
    assert (Hp10 : p10 == 0) by (rewrite <- (Qopp_involutive p10), <- A10; ring).
    assert (Hp00 : p00 == 0) by (rewrite <- A11; ring).
    rewrite Hp00, Hp10 in H1. lra. }
  assert (C : forall u v, u * d == v * d -> u == v).
  { intros u v Huv. apply (Qmult_inj_r u v d Hd). exact Huv. }
  repeat split; apply C.
  - setoid_replace ((p00 * x00 + p01 * x10) * d) with (p00 * (x00 * d) + p01 * (x10 * d)) by ring.
    rewrite A00, A10. unfold d. ring.
  - setoid_replace ((p00 * x01 + p01 * x11) * d) with (p00 * (x01 * d) + p01 * (x11 * d)) by ring.
    rewrite A01, A11. ring.
  - setoid_replace ((p10 * x00 + p11 * x10) * d) with (p10 * (x00 * d) + p11 * (x10 * d)) by ring.
    rewrite A00, A10. ring.
  - setoid_replace ((p10 * x01 + p11 * x11) * d) with (p10 * (x01 * d) + p11 * (x11 * d)) by ring.
    rewrite A01, A11. unfold d. ring.
Qed.

Lemma inv_2 : inv_prop 2.
Proof.
  intros X P H a b Ha Hb. unfold fmul in *.
  pose proof (H 0%nat 0%nat ltac:(lia) ltac:(lia)) as H1. pose proof (H 0%nat 1%nat ltac:(lia) ltac:(lia)) as H2.
  pose proof (H 1%nat 0%nat ltac:(lia) ltac:(lia)) as H3. pose proof (H 1%nat 1%nat ltac:(lia) ltac:(lia)) as H4.
  unfold idm in H1, H2, H3, H4. simpl in H1, H2, H3, H4.
  destruct (inv_2x2 (X 0 0)%nat (X 0 1)%nat (X 1 0)%nat (X 1 1)%nat (P 0 0)%nat (P 0 1)%nat (P 1 0)%nat (P 1 1)%nat)
    as [G1 [G2 [G3 G4]]].
  1: transitivity (0 + X 0%nat 0%nat * P 0%nat 0%nat + X 0%nat 1%nat * P 1%nat 0%nat); [ring|exact H1].
  1: transitivity (0 + X 0%nat 0%nat * P 0%nat 1%nat + X 0%nat 1%nat * P 1%nat 1%nat); [ring|exact H2].
  1: transitivity (0 + X 1%nat 0%nat * P 0%nat 0%nat + X 1%nat 1%nat * P 1%nat 0%nat); [ring|exact H3].
  1: transitivity (0 + X 1%nat 0%nat * P 0%nat 1%nat + X 1%nat 1%nat * P 1%nat 1%nat); [ring|exact H4].
  destruct a as [|[|a]]; [| |lia]; destruct b as [|[|b]]; try lia; unfold idm; simpl.
  - rewrite <- G1; ring.
  - rewrite <- G2 at 2; ring.
  - rewrite <- G3 at 2; ring.
  - rewrite <- G4; ring.
Qed.

(** k = 3: X = adj(P) / det P from X P = I, and det X det P = 1 (generated polynomial identities). *)
Lemma lincomb3 : forall x y e1 e2 e3 c1 c2 c3, e1 == 0 -> e2 == 0 -> e3 == 0 ->
  x - y == c1 * e1 + c2 * e2 + c3 * e3 -> x == y.
Proof. intros x y e1 e2 e3 c1 c2 c3 H1 H2 H3 H. rewrite H1, H2, H3 in H. lra. Qed.

Lemma inv_3x3 : forall x00 x01 x02 x10 x11 x12 x20 x21 x22 p00 p01 p02 p10 p11 p12 p20 p21 p22 : Q,
  x00 * p00 + x01 * p10 + x02 * p20 == 1 ->
  x00 * p01 + x01 * p11 + x02 * p21 == 0 ->
  x00 * p02 + x01 * p12 + x02 * p22 == 0 ->
  x10 * p00 + x11 * p10 + x12 * p20 == 0 ->
  x10 * p01 + x11 * p11 + x12 * p21 == 1 ->
  x10 * p02 + x11 * p12 + x12 * p22 == 0 ->
  x20 * p00 + x21 * p10 + x22 * p20 == 0 ->
  x20 * p01 + x21 * p11 + x22 * p21 == 0 ->
  x20 * p02 + x21 * p12 + x22 * p22 == 1 ->
  p00 * x00 + p01 * x10 + p02 * x20 == 1 /\
  p00 * x01 + p01 * x11 + p02 * x21 == 0 /\
  p00 * x02 + p01 * x12 + p02 * x22 == 0 /\
  p10 * x00 + p11 * x10 + p12 * x20 == 0 /\
  p10 * x01 + p11 * x11 + p12 * x21 == 1 /\
  p10 * x02 + p11 * x12 + p12 * x22 == 0 /\
  p20 * x00 + p21 * x10 + p22 * x20 == 0 /\
  p20 * x01 + p21 * x11 + p22 * x21 == 0 /\
  p20 * x02 + p21 * x12 + p22 * x22 == 1.
Proof.
  intros x00 x01 x02 x10 x11 x12 x20 x21 x22 p00 p01 p02 p10 p11 p12 p20 p21 p22 H00 H01 H02 H10 H11 H12 H20 H21 H22.
  set (d := (p00 * (p11 * p22 - p12 * p21) - p01 * (p10 * p22 - p12 * p20) + p02 * (p10 * p21 - p11 * p20))).
  assert (E00 : x00 * p00 + x01 * p10 + x02 * p20 - 1 == 0) by (rewrite H00; ring).
  assert (E01 : x00 * p01 + x01 * p11 + x02 * p21 - 0 == 0) by (rewrite H01; ring).
  assert (E02 : x00 * p02 + x01 * p12 + x02 * p22 - 0 == 0) by (rewrite H02; ring).
  assert (E10 : x10 * p00 + x11 * p10 + x12 * p20 - 0 == 0) by (rewrite H10; ring).
  assert (E11 : x10 * p01 + x11 * p11 + x12 * p21 - 1 == 0) by (rewrite H11; ring).
  assert (E12 : x10 * p02 + x11 * p12 + x12 * p22 - 0 == 0) by (rewrite H12; ring).
  assert (E20 : x20 * p00 + x21 * p10 + x22 * p20 - 0 == 0) by (rewrite H20; ring).
  assert (E21 : x20 * p01 + x21 * p11 + x22 * p21 - 0 == 0) by (rewrite H21; ring).
  assert (E22 : x20 * p02 + x21 * p12 + x22 * p22 - 1 == 0) by (rewrite H22; ring).
  assert (A00 : x00 * d == ((p11 * p22 - p12 * p21))) by (apply (lincomb3 _ _ _ _ _ (((p11 * p22 - p12 * p21))) ((- (p10 * p22 - p12 * p20))) (((p10 * p21 - p11 * p20))) E00 E01 E02); unfold d; ring).
  assert (A01 : x01 * d == (- (p01 * p22 - p02 * p21))) by (apply (lincomb3 _ _ _ _ _ ((- (p01 * p22 - p02 * p21))) (((p00 * p22 - p02 * p20))) ((- (p00 * p21 - p01 * p20))) E00 E01 E02); unfold d; ring).
  assert (A02 : x02 * d == ((p01 * p12 - p02 * p11))) by (apply (lincomb3 _ _ _ _ _ (((p01 * p12 - p02 * p11))) ((- (p00 * p12 - p02 * p10))) (((p00 * p11 - p01 * p10))) E00 E01 E02); unfold d; ring).
  assert (A10 : x10 * d == (- (p10 * p22 - p12 * p20))) by (apply (lincomb3 _ _ _ _ _ (((p11 * p22 - p12 * p21))) ((- (p10 * p22 - p12 * p20))) (((p10 * p21 - p11 * p20))) E10 E11 E12); unfold d; ring).
  assert (A11 : x11 * d == ((p00 * p22 - p02 * p20))) by (apply (lincomb3 _ _ _ _ _ ((- (p01 * p22 - p02 * p21))) (((p00 * p22 - p02 * p20))) ((- (p00 * p21 - p01 * p20))) E10 E11 E12); unfold d; ring).
  assert (A12 : x12 * d == (- (p00 * p12 - p02 * p10))) by (apply (lincomb3 _ _ _ _ _ (((p01 * p12 - p02 * p11))) ((- (p00 * p12 - p02 * p10))) (((p00 * p11 - p01 * p10))) E10 E11 E12); unfold d; ring).
  assert (A20 : x20 * d == ((p10 * p21 - p11 * p20))) by (apply (lincomb3 _ _ _ _ _ (((p11 * p22 - p12 * p21))) ((- (p10 * p22 - p12 * p20))) (((p10 * p21 - p11 * p20))) E20 E21 E22); unfold d; ring).
  assert (A21 : x21 * d == (- (p00 * p21 - p01 * p20))) by (apply (lincomb3 _ _ _ _ _ ((- (p01 * p22 - p02 * p21))) (((p00 * p22 - p02 * p20))) ((- (p00 * p21 - p01 * p20))) E20 E21 E22); unfold d; ring).
  assert (A22 : x22 * d == ((p00 * p11 - p01 * p10))) by (apply (lincomb3 _ _ _ _ _ (((p01 * p12 - p02 * p11))) ((- (p00 * p12 - p02 * p10))) (((p00 * p11 - p01 * p10))) E20 E21 E22); unfold d; ring).
  assert (DM : ((x00 * p00 + x01 * p10 + x02 * p20) * ((x10 * p01 + x11 * p11 + x12 * p21) * (x20 * p02 + x21 * p12 + x22 * p22) - (x10 * p02 + x11 * p12 + x12 * p22) * (x20 * p01 + x21 * p11 + x22 * p21)) - (x00 * p01 + x01 * p11 + x02 * p21) * ((x10 * p00 + x11 * p10 + x12 * p20) * (x20 * p02 + x21 * p12 + x22 * p22) - (x10 * p02 + x11 * p12 + x12 * p22) * (x20 * p00 + x21 * p10 + x22 * p20)) + (x00 * p02 + x01 * p12 + x02 * p22) * ((x10 * p00 + x11 * p10 + x12 * p20) * (x20 * p01 + x21 * p11 + x22 * p21) - (x10 * p01 + x11 * p11 + x12 * p21) * (x20 * p00 + x21 * p10 + x22 * p20))) == (x00 * (x11 * x22 - x12 * x21) - x01 * (x10 * x22 - x12 * x20) + x02 * (x10 * x21 - x11 * x20)) * d) by (unfold d; ring).
  rewrite H00, H01, H02, H10, H11, H12, H20, H21, H22 in DM.
  assert (Hd : ~ d == 0) by (intro Hd; rewrite Hd in DM; ring_simplify in DM; discriminate).
  assert (C : forall u v, u * d == v * d -> u == v) by (intros u v Huv; apply (Qmult_inj_r u v d Hd); exact Huv).
  repeat split; apply C.
  - setoid_replace ((p00 * x00 + p01 * x10 + p02 * x20) * d) with (p00 * (x00 * d) + p01 * (x10 * d) + p02 * (x20 * d)) by ring. rewrite A00, A10, A20. unfold d. ring.
  - setoid_replace ((p00 * x01 + p01 * x11 + p02 * x21) * d) with (p00 * (x01 * d) + p01 * (x11 * d) + p02 * (x21 * d)) by ring. rewrite A01, A11, A21. unfold d. ring.
  - setoid_replace ((p00 * x02 + p01 * x12 + p02 * x22) * d) with (p00 * (x02 * d) + p01 * (x12 * d) + p02 * (x22 * d)) by ring. rewrite A02, A12, A22. unfold d. ring.
  - setoid_replace ((p10 * x00 + p11 * x10 + p12 * x20) * d) with (p10 * (x00 * d) + p11 * (x10 * d) + p12 * (x20 * d)) by ring. rewrite A00, A10, A20. unfold d. ring.
  - setoid_replace ((p10 * x01 + p11 * x11 + p12 * x21) * d) with (p10 * (x01 * d) + p11 * (x11 * d) + p12 * (x21 * d)) by ring. rewrite A01, A11, A21. unfold d. ring.
  - setoid_replace ((p10 * x02 + p11 * x12 + p12 * x22) * d) with (p10 * (x02 * d) + p11 * (x12 * d) + p12 * (x22 * d)) by ring. rewrite A02, A12, A22. unfold d. ring.
  - setoid_replace ((p20 * x00 + p21 * x10 + p22 * x20) * d) with (p20 * (x00 * d) + p21 * (x10 * d) + p22 * (x20 * d)) by ring. rewrite A00, A10, A20. unfold d. ring.
  - setoid_replace ((p20 * x01 + p21 * x11 + p22 * x21) * d) with (p20 * (x01 * d) + p21 * (x11 * d) + p22 * (x21 * d)) by ring. rewrite A01, A11, A21. unfold d. ring.
  - setoid_replace ((p20 * x02 + p21 * x12 + p22 * x22) * d) with (p20 * (x02 * d) + p21 * (x12 * d) + p22 * (x22 * d)) by ring. rewrite A02, A12, A22. unfold d. ring.
Qed.

Lemma inv_3 : inv_prop 3.
Proof.
  intros X P H a b Ha Hb. unfold fmul in *.
  pose proof (H 0%nat 0%nat ltac:(lia) ltac:(lia)) as H00.
  pose proof (H 0%nat 1%nat ltac:(lia) ltac:(lia)) as H01.
  pose proof (H 0%nat 2%nat ltac:(lia) ltac:(lia)) as H02.
  pose proof (H 1%nat 0%nat ltac:(lia) ltac:(lia)) as H10.
  pose proof (H 1%nat 1%nat ltac:(lia) ltac:(lia)) as H11.
  pose proof (H 1%nat 2%nat ltac:(lia) ltac:(lia)) as H12.
  pose proof (H 2%nat 0%nat ltac:(lia) ltac:(lia)) as H20.
  pose proof (H 2%nat 1%nat ltac:(lia) ltac:(lia)) as H21.
  pose proof (H 2%nat 2%nat ltac:(lia) ltac:(lia)) as H22.
  unfold idm in H00, H01, H02, H10, H11, H12, H20, H21, H22. simpl in H00, H01, H02, H10, H11, H12, H20, H21, H22.
  destruct (inv_3x3 (X 0%nat 0%nat) (X 0%nat 1%nat) (X 0%nat 2%nat) (X 1%nat 0%nat) (X 1%nat 1%nat) (X 1%nat 2%nat) (X 2%nat 0%nat) (X 2%nat 1%nat) (X 2%nat 2%nat) (P 0%nat 0%nat) (P 0%nat 1%nat) (P 0%nat 2%nat) (P 1%nat 0%nat) (P 1%nat 1%nat) (P 1%nat 2%nat) (P 2%nat 0%nat) (P 2%nat 1%nat) (P 2%nat 2%nat)) as [G00 [G01 [G02 [G10 [G11 [G12 [G20 [G21 G22]]]]]]]].
  1: transitivity (0 + X 0%nat 0%nat * P 0%nat 0%nat + X 0%nat 1%nat * P 1%nat 0%nat + X 0%nat 2%nat * P 2%nat 0%nat); [ring|exact H00].
  1: transitivity (0 + X 0%nat 0%nat * P 0%nat 1%nat + X 0%nat 1%nat * P 1%nat 1%nat + X 0%nat 2%nat * P 2%nat 1%nat); [ring|exact H01].
  1: transitivity (0 + X 0%nat 0%nat * P 0%nat 2%nat + X 0%nat 1%nat * P 1%nat 2%nat + X 0%nat 2%nat * P 2%nat 2%nat); [ring|exact H02].
  1: transitivity (0 + X 1%nat 0%nat * P 0%nat 0%nat + X 1%nat 1%nat * P 1%nat 0%nat + X 1%nat 2%nat * P 2%nat 0%nat); [ring|exact H10].
  1: transitivity (0 + X 1%nat 0%nat * P 0%nat 1%nat + X 1%nat 1%nat * P 1%nat 1%nat + X 1%nat 2%nat * P 2%nat 1%nat); [ring|exact H11].
  1: transitivity (0 + X 1%nat 0%nat * P 0%nat 2%nat + X 1%nat 1%nat * P 1%nat 2%nat + X 1%nat 2%nat * P 2%nat 2%nat); [ring|exact H12].
  1: transitivity (0 + X 2%nat 0%nat * P 0%nat 0%nat + X 2%nat 1%nat * P 1%nat 0%nat + X 2%nat 2%nat * P 2%nat 0%nat); [ring|exact H20].
  1: transitivity (0 + X 2%nat 0%nat * P 0%nat 1%nat + X 2%nat 1%nat * P 1%nat 1%nat + X 2%nat 2%nat * P 2%nat 1%nat); [ring|exact H21].
  1: transitivity (0 + X 2%nat 0%nat * P 0%nat 2%nat + X 2%nat 1%nat * P 1%nat 2%nat + X 2%nat 2%nat * P 2%nat 2%nat); [ring|exact H22].
  destruct a as [|[|[|a]]]; try lia; destruct b as [|[|[|b]]]; try lia; unfold idm; simpl.
  - transitivity (P 0%nat 0%nat * X 0%nat 0%nat + P 0%nat 1%nat * X 1%nat 0%nat + P 0%nat 2%nat * X 2%nat 0%nat); [ring|exact G00].
  - transitivity (P 0%nat 0%nat * X 0%nat 1%nat + P 0%nat 1%nat * X 1%nat 1%nat + P 0%nat 2%nat * X 2%nat 1%nat); [ring|exact G01].
  - transitivity (P 0%nat 0%nat * X 0%nat 2%nat + P 0%nat 1%nat * X 1%nat 2%nat + P 0%nat 2%nat * X 2%nat 2%nat); [ring|exact G02].
  - transitivity (P 1%nat 0%nat * X 0%nat 0%nat + P 1%nat 1%nat * X 1%nat 0%nat + P 1%nat 2%nat * X 2%nat 0%nat); [ring|exact G10].
  - transitivity (P 1%nat 0%nat * X 0%nat 1%nat + P 1%nat 1%nat * X 1%nat 1%nat + P 1%nat 2%nat * X 2%nat 1%nat); [ring|exact G11].
  - transitivity (P 1%nat 0%nat * X 0%nat 2%nat + P 1%nat 1%nat * X 1%nat 2%nat + P 1%nat 2%nat * X 2%nat 2%nat); [ring|exact G12].
  - transitivity (P 2%nat 0%nat * X 0%nat 0%nat + P 2%nat 1%nat * X 1%nat 0%nat + P 2%nat 2%nat * X 2%nat 0%nat); [ring|exact G20].
  - transitivity (P 2%nat 0%nat * X 0%nat 1%nat + P 2%nat 1%nat * X 1%nat 1%nat + P 2%nat 2%nat * X 2%nat 1%nat); [ring|exact G21].
  - transitivity (P 2%nat 0%nat * X 0%nat 2%nat + P 2%nat 1%nat * X 1%nat 2%nat + P 2%nat 2%nat * X 2%nat 2%nat); [ring|exact G22].
Qed.

Lemma inv_small : forall k, ((k =? 1) || (k =? 2) || (k =? 3))%nat = true -> inv_prop k.
Proof.
  intros k H. apply Bool.orb_true_iff in H as [H|H]; [apply Bool.orb_true_iff in H as [H|H]|];
    apply Nat.eqb_eq in H; subst; [apply inv_1|apply inv_2|apply inv_3].
Qed.
