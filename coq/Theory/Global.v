(** * Global minima (proved once), the two lower bounds of the kernel: [stat_sound] (the loss is
    stationary in the product Z = W_h ... W_1, claim ex-3) and [kf_sound] (the Ky Fan bound,
    claims lem-7, lem-11, thm-8; second half of this file).

    Every network W' of W's shapes computes W'_h ... W'_1 X = A' X for some d_h x d_0 matrix A'
    ([chain_rowspan]).  With E = chain W X - Y and E X^T = 0 (checked on the data), for every such
    Z' = A' X and Z = A X:
      |Z' - Y|^2 = |Z' - Z|^2 + 2 <(A' - A) X, E> + |Z - Y|^2 and <(A' - A) X, E> = <A' - A, E X^T> = 0,
    so L(W') >= L(W) ([stat_sound]): the convex function Z |-> 1/2 |Z X - Y|^2 is stationary at
    Z = W_h ... W_1, hence minimised there over all matrices, a fortiori over products. *)

From Coq Require Import QArith Qabs List Lqa Lia.
From ExactOpen Require Import Statements Theory.Poly Theory.Lift Theory.Check Theory.Fmat Theory.OpenCheck
  Theory.Ortho Theory.KyFan.
Import ListNotations.
Open Scope Q_scope.

(** ** W' of W's shapes is shaped like W *)
Lemma rows_shaped : forall A' A r c, Forall2 (fun r' r => length r' = length r) A' A ->
  is_shape A r c -> is_shape A' r c.
Proof.
  intros A' A r c H. revert r. induction H as [|a' a A' A Ha HA IH]; intros r [Hl HF].
  - split; [exact Hl|constructor].
  - simpl in Hl. inversion HF as [|? ? Hac HF']; subst.
    destruct (IH (length A) (conj eq_refl HF')) as [Hl' HF''].
    unfold is_shape. split; [simpl; f_equal; exact Hl'|constructor; [exact Ha|exact HF'']].
Qed.

Lemma same_shapes_layers : forall ds d0 W' W, same_shapes W' W -> layers_shaped d0 ds W ->
  layers_shaped d0 ds W'.
Proof.
  induction ds as [|d1 ds IH]; intros d0 W' W HS HW; destruct HS as [|A' A W'' Ws HA HS]; cbn in HW |- *;
    try contradiction; auto.
  destruct HW as [HA0 HW]. split. apply (rows_shaped A' A); auto. apply (IH d1 W'' Ws); auto.
Qed.

(** ** The network's output lies in the row space of X *)
Definition rowspan (p n r : nat) (X M : mat) : Prop :=
  exists F : fmat, forall i j, (i < r)%nat -> (j < n)%nat -> ent M i j == sumq p (fun l => F i l * ent X l j).

Lemma mmul_rowspan : forall p n d d1 X A M, (0 < d)%nat -> is_shape A d1 d -> is_shape M d n ->
  rowspan p n d X M -> rowspan p n d1 X (mmul A M).
Proof.
  intros p n d d1 X A M Hd HA HM [F HF]. exists (fmul d (ent A) F). intros i j Hi Hj.
  rewrite (mmul_ent A M d1 d n i j HA HM Hd Hi Hj).
  transitivity (fmul d (ent A) (fmul p F (ent X)) i j).
  - unfold fmul at 1. apply sumq_ext. intros l Hl. rewrite (HF l j Hl Hj). reflexivity.
  - rewrite <- fmul_assoc. reflexivity.
Qed.

Lemma chain_rowspan : forall p n X ds d W M, Forall (fun e => (0 < e)%nat) (d :: ds) ->
  layers_shaped d ds W -> is_shape M d n -> rowspan p n d X M ->
  is_shape (chain W M) (last (d :: ds) 0%nat) n /\ rowspan p n (last (d :: ds) 0%nat) X (chain W M).
Proof.
  intros p n X. induction ds as [|d1 ds IH]; intros d W M Hpos HW HM HR; destruct W as [|A W];
    cbn in HW; try contradiction.
  - split; assumption.
  - destruct HW as [HA HW]. inversion Hpos as [|? ? Hd Hpos']; subst.
    change (chain (A :: W) M) with (chain W (mmul A M)).
    change (last (d :: d1 :: ds) 0%nat) with (last (d1 :: ds) 0%nat).
    apply IH; auto. apply (mmul_shape A M d1 d n HA HM Hd). apply (mmul_rowspan p n d d1 X A M Hd HA HM HR).
Qed.

Lemma rowspan_self : forall p n X, is_shape X p n -> rowspan p n p X X.
Proof.
  intros p n X _. exists idm. intros i j Hi Hj. symmetry. apply (sumq_delta_l p i (fun l => ent X l j) Hi).
Qed.

(** ** The checker and its soundness *)
Definition stat_check (dims : list nat) (n : nat) (X Y : mat) (W : list mat) : bool :=
  network_b dims n X Y W && crit_check (loss X Y) (ploss X Y) W &&
  all2 (last dims 0%nat) (hd 0%nat dims)
    (fun i l => Qeq_bool (sumq n (fun j => (ent (chain W X) i j - ent Y i j) * ent X l j)) 0).

Lemma sq_nonneg : forall x : Q, 0 <= x * x.
Proof. intros x. nra. Qed.

Lemma sq_split : forall a z y : Q,
  (a - y) * (a - y) == (a - z) * (a - z) + 2 * ((a - z) * (z - y)) + (z - y) * (z - y).
Proof. intros. ring. Qed.

Lemma diff_sum : forall p (F F' x : nat -> Q),
  sumq p (fun l => F' l * x l) - sumq p (fun l => F l * x l) == sumq p (fun l => (F' l - F l) * x l).
Proof. induction p as [|p IH]; intros; simpl. ring. rewrite <- IH. ring. Qed.

(** <Z' - Z, E> = 0 when Z' - Z = D X and E X^T = 0. *)
Lemma cross_zero : forall h n p (F F' : fmat) (X Z' Z E : nat -> nat -> Q),
  (forall i j, (i < h)%nat -> (j < n)%nat -> Z' i j == sumq p (fun l => F' i l * X l j)) ->
  (forall i j, (i < h)%nat -> (j < n)%nat -> Z i j == sumq p (fun l => F i l * X l j)) ->
  (forall i l, (i < h)%nat -> (l < p)%nat -> sumq n (fun j => E i j * X l j) == 0) ->
  sumq h (fun i => sumq n (fun j => (Z' i j - Z i j) * E i j)) == 0.
Proof.
  intros h n p F F' X Z' Z E HF' HF HE. apply sumq_zero. intros i Hi.
  rewrite (sumq_ext n _ (fun j => sumq p (fun l => (F' i l - F i l) * (X l j * E i j)))).
  - rewrite sumq_swap. apply sumq_zero. intros l Hl.
    rewrite sumq_scale. rewrite (sumq_ext n _ (fun j => E i j * X l j)) by (intros; ring).
    rewrite (HE i l Hi Hl). ring.
  - intros j Hj. rewrite (HF' i j Hi Hj), (HF i j Hi Hj), diff_sum, <- sumq_scale_r.
    apply sumq_ext. intros. ring.
Qed.

Theorem stat_sound : forall dims n X Y W, stat_check dims n X Y W = true ->
  network dims n X Y W /\ critical (loss X Y) W /\ global_min (loss X Y) W.
Proof.
  intros dims n X Y W Hc. unfold stat_check in Hc.
  apply andb_prop in Hc as [Hc HE]. apply andb_prop in Hc as [Hn Hcr].
  pose proof (network_b_sound _ _ _ _ _ Hn) as Hnet.
  split; [exact Hnet|]. split; [apply (crit_sound _ (ploss X Y)); [apply loss_poly_loss|exact Hcr]|].
  intros W' HS. destruct dims as [|d0 ds]; [contradiction|].
  destruct Hnet as [Hpos [Hn0 [HX [HW HY]]]]. cbn [hd] in HE.
  destruct (chain_rowspan d0 n X ds d0 W X Hpos HW HX (rowspan_self d0 n X HX)) as [HZ [F HF]].
  destruct (chain_rowspan d0 n X ds d0 W' X Hpos (same_shapes_layers ds d0 W' W HS HW) HX
              (rowspan_self d0 n X HX)) as [HZ' [F' HF']].
  unfold loss. rewrite (frob_sum _ _ _ n HZ HY), (frob_sum _ _ _ n HZ' HY).
  pose proof (cross_zero _ n d0 F F' (ent X) (ent (chain W' X)) (ent (chain W X))
                (fun i j => ent (chain W X) i j - ent Y i j) HF' HF) as Cr.
  lapply Cr; [clear Cr; intro Cr|].
  2: { intros i l Hi Hl. apply Qeq_bool_iff. exact (all2_sound _ _ _ HE i l Hi Hl). }
  rewrite (sumq_ext _ (fun i => sumq n (fun j => (ent (chain W' X) i j - ent Y i j) * (ent (chain W' X) i j - ent Y i j)))
             (fun i => sumq n (fun j => (ent (chain W' X) i j - ent (chain W X) i j) * (ent (chain W' X) i j - ent (chain W X) i j))
                       + 2 * sumq n (fun j => (ent (chain W' X) i j - ent (chain W X) i j) * (ent (chain W X) i j - ent Y i j))
                       + sumq n (fun j => (ent (chain W X) i j - ent Y i j) * (ent (chain W X) i j - ent Y i j)))).
  2: { intros i Hi. rewrite <- sumq_scale, <- !sumq_add. apply sumq_ext. intros. apply sq_split. }
  rewrite !sumq_add, sumq_scale, Cr.
  assert (0 <= sumq (last (d0 :: ds) 0%nat) (fun i => sumq n (fun j =>
            (ent (chain W' X) i j - ent (chain W X) i j) * (ent (chain W' X) i j - ent (chain W X) i j))))
    by (apply sumq_nonneg; intros; apply sumq_nonneg; intros; apply sq_nonneg).
  lra.
Qed.

(** * Global minima by the Ky Fan bound (kernel method "ky_fan", lem-7, lem-11, thm-8)

    Data: X = C B (checked), Yh = S B with (Yh - Y) B^T = 0 (S computed by the exporter as
    Y B^T (B B^T)^-1, checked here), mu >= 0, the certificate's Q, and two exact sums of squares
    Q = sum_k d_k l_k l_k^T and Q + mu I - Yh Yh^T = sum_k e_k m_k m_k^T with d_k, e_k >= 0
    (computed by the exporter, checked here), r a width of the network.  Every W' of W's shapes
    computes W'_h..W'_1 X = U K B with U of size d_h x r ([chain_fact]); then
    |U K B - Y|^2 = |U K B - Yh|^2 + |Yh - Y|^2 ([cross_zero] with B in place of X) and
    [kyfan_core] bounds the first term, so 2 L(W') >= |Yh|^2 + |Yh - Y|^2 - r mu - tr Q,
    which the checker compares with 2 L(W). *)


Definition fact_r (r kb n d : nat) (B M : mat) : Prop :=
  exists U K : fmat, forall i j, (i < d)%nat -> (j < n)%nat ->
    ent M i j == sumq r (fun l => U i l * sumq kb (fun q => K l q * ent B q j)).

Lemma rowspan_fact : forall kb n d B M, rowspan kb n d B M -> fact_r d kb n d B M.
Proof.
  intros kb n d B M [F HF]. exists idm, F. intros i j Hi Hj. rewrite (HF i j Hi Hj).
  symmetry. apply (sumq_delta_l d i (fun l => sumq kb (fun q => F l q * ent B q j)) Hi).
Qed.

Lemma mmul_fact : forall r kb n d d1 B A M, (0 < d)%nat -> is_shape A d1 d -> is_shape M d n ->
  fact_r r kb n d B M -> fact_r r kb n d1 B (mmul A M).
Proof.
  intros r kb n d d1 B A M Hd HA HM [U [K HF]]. exists (fmul d (ent A) U), K. intros i j Hi Hj.
  rewrite (mmul_ent A M d1 d n i j HA HM Hd Hi Hj).
  transitivity (fmul d (ent A) (fmul r U (fun l j => sumq kb (fun q => K l q * ent B q j))) i j).
  - unfold fmul at 1. apply sumq_ext. intros l Hl. rewrite (HF l j Hl Hj). reflexivity.
  - rewrite <- fmul_assoc. reflexivity.
Qed.

Lemma chain_fact_carry : forall r kb n B ds d W M, Forall (fun e => (0 < e)%nat) (d :: ds) ->
  layers_shaped d ds W -> is_shape M d n -> fact_r r kb n d B M ->
  fact_r r kb n (last (d :: ds) 0%nat) B (chain W M).
Proof.
  intros r kb n B. induction ds as [|d1 ds IH]; intros d W M Hpos HW HM HF; destruct W as [|A W];
    cbn in HW; try contradiction.
  - exact HF.
  - destruct HW as [HA HW]. inversion Hpos as [|? ? Hd Hpos']; subst.
    change (chain (A :: W) M) with (chain W (mmul A M)).
    change (last (d :: d1 :: ds) 0%nat) with (last (d1 :: ds) 0%nat).
    apply IH; auto. apply (mmul_shape A M d1 d n HA HM Hd). apply (mmul_fact r kb n d d1 B A M Hd HA HM HF).
Qed.

Lemma chain_fact : forall r kb n B ds d W M, Forall (fun e => (0 < e)%nat) (d :: ds) ->
  layers_shaped d ds W -> is_shape M d n -> rowspan kb n d B M -> In r (d :: ds) ->
  fact_r r kb n (last (d :: ds) 0%nat) B (chain W M).
Proof.
  intros r kb n B. induction ds as [|d1 ds IH]; intros d W M Hpos HW HM HR Hin.
  - destruct Hin as [<-|[]]. destruct W; cbn in HW; [|contradiction]. apply rowspan_fact. exact HR.
  - destruct (Nat.eq_dec d r) as [<-|Hne].
    + apply chain_fact_carry; auto. apply rowspan_fact. exact HR.
    + destruct W as [|A W]; cbn in HW; [contradiction|]. destruct HW as [HA HW].
      inversion Hpos as [|? ? Hd Hpos']; subst.
      change (chain (A :: W) M) with (chain W (mmul A M)).
      change (last (d :: d1 :: ds) 0%nat) with (last (d1 :: ds) 0%nat).
      apply IH; auto.
      * apply (mmul_shape A M d1 d n HA HM Hd).
      * apply (mmul_rowspan kb n d d1 B A M Hd HA HM HR).
      * destruct Hin as [E|Hin]; [contradiction|exact Hin].
Qed.

(** A sum of squares sum_k d_k l_k l_k^T as a list of (d_k, l_k). *)
Definition sd (L : list (Q * list Q)) (k : nat) : Q := fst (nth k L (0, [])).
Definition sl (L : list (Q * list Q)) (k a : nat) : Q := nth a (snd (nth k L (0, []))) 0.
Definition yhat (S B : mat) (kb i j : nat) : Q := sumq kb (fun q => ent S i q * ent B q j).

Definition kf_bound (n h kb r : nat) (Y S B : mat) (mu : Q) (L1 : list (Q * list Q)) : Q :=
  sumq h (fun i => sumq n (fun j => yhat S B kb i j * yhat S B kb i j)) +
  sumq h (fun i => sumq n (fun j => (yhat S B kb i j - ent Y i j) * (yhat S B kb i j - ent Y i j))) -
  sumq r (fun _ => mu) - sumq (length L1) (fun k => sd L1 k * vd h (sl L1 k) (sl L1 k)).

Definition kf_check (dims : list nat) (n : nat) (X Y : mat) (W : list mat) (C B S : mat) (r : nat)
    (mu : Q) (Qm : mat) (L1 L2 : list (Q * list Q)) : bool :=
  let d0 := hd 0%nat dims in let h := last dims 0%nat in let kb := length B in
  network_b dims n X Y W && crit_check (loss X Y) (ploss X Y) W &&
  existsb (Nat.eqb r) dims && Qle_bool 0 mu &&
  all2 d0 n (fun i j => Qeq_bool (ent X i j) (sumq kb (fun q => ent C i q * ent B q j))) &&
  all2 h kb (fun i q => Qeq_bool (sumq n (fun j => (yhat S B kb i j - ent Y i j) * ent B q j)) 0) &&
  forallb (fun k => Qle_bool 0 (sd L1 k)) (seq 0 (length L1)) &&
  forallb (fun k => Qle_bool 0 (sd L2 k)) (seq 0 (length L2)) &&
  all2 h h (fun a b => Qeq_bool (ent Qm a b) (sosm (length L1) (sd L1) (sl L1) a b)) &&
  all2 h h (fun a b => Qeq_bool (ent Qm a b + mu * idm a b - sumq n (fun c => yhat S B kb a c * yhat S B kb b c))
                               (sosm (length L2) (sd L2) (sl L2) a b)) &&
  Qle_bool (2 * loss X Y W) (kf_bound n h kb r Y S B mu L1).

Lemma forallb_seq : forall m f, forallb f (seq 0 m) = true -> forall k, (k < m)%nat -> f k = true.
Proof. intros m f H k Hk. rewrite forallb_forall in H. apply H. apply in_seq. lia. Qed.

Theorem kf_sound : forall dims n X Y W C B S r mu Qm L1 L2,
  kf_check dims n X Y W C B S r mu Qm L1 L2 = true ->
  network dims n X Y W /\ critical (loss X Y) W /\ global_min (loss X Y) W.
Proof.
  intros dims n X Y W C B S r mu Qm L1 L2 Hc. unfold kf_check in Hc.
  apply andb_prop in Hc as [Hc Hlb]. apply andb_prop in Hc as [Hc HN2].
  apply andb_prop in Hc as [Hc HN1]. apply andb_prop in Hc as [Hc Hd2].
  apply andb_prop in Hc as [Hc Hd1]. apply andb_prop in Hc as [Hc HE].
  apply andb_prop in Hc as [Hc HXCB]. apply andb_prop in Hc as [Hc Hmu].
  apply andb_prop in Hc as [Hc Hr]. apply andb_prop in Hc as [Hn Hcr].
  pose proof (network_b_sound _ _ _ _ _ Hn) as Hnet.
  split; [exact Hnet|]. split; [apply (crit_sound _ (ploss X Y)); [apply loss_poly_loss|exact Hcr]|].
  intros W' HS. destruct dims as [|d0 ds]; [contradiction|].
  destruct Hnet as [Hpos [Hn0 [HX [HW HY]]]]. cbn [hd] in HXCB.
  set (h := last (d0 :: ds) 0%nat) in *. set (kb := length B) in *.
  apply Qle_bool_iff in Hmu, Hlb. apply existsb_exists in Hr as [r' [Hin Hr']]. apply Nat.eqb_eq in Hr'. subst r'.
  assert (HW' := same_shapes_layers ds d0 W' W HS HW).
  destruct (chain_rowspan d0 n X ds d0 W' X Hpos HW' HX (rowspan_self d0 n X HX)) as [HZ' _].
  assert (HRB : rowspan kb n d0 B X).
  { exists (ent C). intros i j Hi Hj. apply Qeq_bool_iff. exact (all2_sound _ _ _ HXCB i j Hi Hj). }
  destruct (chain_fact r kb n B ds d0 W' X Hpos HW' HX HRB Hin) as [U [K HF]]. fold h in HF.
  set (Yh := fun i j => yhat S B kb i j).
  (* the Ky Fan core *)
  assert (HNc : forall a b, (a < h)%nat -> (b < h)%nat ->
     sosm (length L2) (sd L2) (sl L2) a b + sumq n (fun c => Yh a c * Yh b c) ==
     sosm (length L1) (sd L1) (sl L1) a b + mu * idm a b).
  { intros a b Ha Hb. pose proof (all2_sound _ _ _ HN1 a b Ha Hb) as E1. pose proof (all2_sound _ _ _ HN2 a b Ha Hb) as E2.
    apply Qeq_bool_iff in E1, E2. unfold Yh. rewrite <- E2, <- E1. ring. }
  pose proof (kyfan_core h n r (length L1) (length L2) U (fun l c => sumq kb (fun q => K l q * ent B q c)) Yh mu
                (sd L1) (sd L2) (sl L1) (sl L2) Hmu
                (fun k Hk => proj1 (Qle_bool_iff _ _) (forallb_seq _ _ Hd1 k Hk))
                (fun k Hk => proj1 (Qle_bool_iff _ _) (forallb_seq _ _ Hd2 k Hk)) HNc) as Core.
  unfold gm, ycol in Core.
  (* the loss of W' *)
  unfold loss. rewrite (frob_sum _ _ _ n HZ' HY).
  pose proof (cross_zero h n kb (ent S) (fmul r U K) (ent B) (ent (chain W' X)) Yh (fun i j => Yh i j - ent Y i j)) as Cr.
  lapply Cr; [clear Cr; intro Cr|].
  2: { intros i j Hi Hj. rewrite (HF i j Hi Hj). symmetry. exact (fmul_assoc r kb U K (ent B) i j). }
  lapply Cr; [clear Cr; intro Cr|]. 2: { intros i j Hi Hj. unfold Yh, yhat. reflexivity. }
  lapply Cr; [clear Cr; intro Cr|]. 2: { intros i q Hi Hq. apply Qeq_bool_iff. exact (all2_sound _ _ _ HE i q Hi Hq). }
  rewrite (sumq_ext _ (fun i => sumq n (fun j => (ent (chain W' X) i j - ent Y i j) * (ent (chain W' X) i j - ent Y i j)))
             (fun i => sumq n (fun j => (ent (chain W' X) i j - Yh i j) * (ent (chain W' X) i j - Yh i j))
                       + 2 * sumq n (fun j => (ent (chain W' X) i j - Yh i j) * (Yh i j - ent Y i j))
                       + sumq n (fun j => (Yh i j - ent Y i j) * (Yh i j - ent Y i j)))).
  2: { intros i Hi. rewrite <- sumq_scale, <- !sumq_add. apply sumq_ext. intros. apply sq_split. }
  fold h. rewrite !sumq_add, sumq_scale, Cr.
  assert (G : sumq h (fun i => sumq n (fun j => (ent (chain W' X) i j - Yh i j) * (ent (chain W' X) i j - Yh i j))) ==
              sumq h (fun i => sumq n (fun c => (sumq r (fun l => U i l * sumq kb (fun q => K l q * ent B q c)) - Yh i c) *
                                                (sumq r (fun l => U i l * sumq kb (fun q => K l q * ent B q c)) - Yh i c)))).
  { apply sumq_ext. intros i Hi. apply sumq_ext. intros j Hj. rewrite (HF i j Hi Hj). reflexivity. }
  rewrite G. unfold kf_bound in Hlb. fold h kb in Hlb.
  unfold vd, Yh in Core. unfold Yh. cbv beta in Core |- *.
  rewrite (sumq_swap h n (fun i j => yhat S B kb i j * yhat S B kb i j)) in Hlb.
  unfold loss, vd in Hlb. lra.
Qed.
