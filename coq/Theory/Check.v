(** * Boolean checkers on the data, each proved sound once (proof by reflection).

    An instance file proves [network dims n X Y W /\ critical (loss X Y) W /\ not_local_min (loss X Y) W]
    by [apply saddle_sound with (C := curve); vm_compute; reflexivity]: the only per-instance
    work is evaluating [saddle_check] on the rational data to [true]. *)

From Coq Require Import QArith Qabs Qminmax List Lqa.
From ExactOpen Require Import Statements Theory.Poly Theory.Lift.
Import ListNotations.
Open Scope Q_scope.

(** ** Shapes *)
Definition is_shape_b (A : mat) (r c : nat) : bool :=
  Nat.eqb (length A) r && forallb (fun row => Nat.eqb (length row) c) A.
Fixpoint layers_b (d0 : nat) (ds : list nat) (W : list mat) : bool :=
  match ds, W with
  | [], [] => true
  | d1 :: ds', A :: W' => is_shape_b A d1 d0 && layers_b d1 ds' W'
  | _, _ => false
  end.
Definition network_b (dims : list nat) (n : nat) (X Y : mat) (W : list mat) : bool :=
  match dims with
  | [] => false
  | d0 :: ds => forallb (fun d => Nat.ltb 0 d) dims && Nat.ltb 0 n && is_shape_b X d0 n &&
               layers_b d0 ds W && is_shape_b Y (last dims 0%nat) n
  end.

Lemma is_shape_b_sound : forall A r c, is_shape_b A r c = true -> is_shape A r c.
Proof.
  intros A r c H. unfold is_shape_b in H. apply andb_prop in H as [H1 H2].
  split. apply Nat.eqb_eq; auto.
  apply Forall_forall. intros row Hin. apply Nat.eqb_eq. rewrite forallb_forall in H2. auto.
Qed.

Lemma layers_b_sound : forall ds d0 W, layers_b d0 ds W = true -> layers_shaped d0 ds W.
Proof.
  induction ds as [|d1 ds IH]; intros d0 [|A W] H; cbn in *; try discriminate; auto.
  apply andb_prop in H as [H1 H2]. split; [apply is_shape_b_sound|apply IH]; auto.
Qed.

Lemma network_b_sound : forall dims n X Y W, network_b dims n X Y W = true -> network dims n X Y W.
Proof.
  intros [|d0 ds] n X Y W H; [discriminate|].
  unfold network_b in H; unfold network; cbv beta iota in H |- *.
  apply andb_prop in H as [H H5]. apply andb_prop in H as [H H4].
  apply andb_prop in H as [H H3]. apply andb_prop in H as [H1 H2].
  refine (conj _ (conj _ (conj _ (conj _ _)))).
  - apply Forall_forall. intros d Hin. apply Nat.ltb_lt. rewrite forallb_forall in H1. apply H1. exact Hin.
  - apply Nat.ltb_lt. exact H2.
  - apply is_shape_b_sound; exact H3.
  - apply layers_b_sound; exact H4.
  - apply is_shape_b_sound; exact H5.
Qed.

(** ** Same shapes of a curve's points and W *)
Fixpoint f2b {A B} (f : A -> B -> bool) (l : list A) (l' : list B) : bool :=
  match l, l' with
  | [], [] => true
  | a :: l1, b :: l1' => f a b && f2b f l1 l1'
  | _, _ => false
  end.

Lemma f2b_sound {A B} (f : A -> B -> bool) (P : A -> B -> Prop) :
  (forall a b, f a b = true -> P a b) -> forall l l', f2b f l l' = true -> Forall2 P l l'.
Proof.
  intros Hf l. induction l as [|a l IH]; intros [|b l'] H; cbn in H; try discriminate; constructor.
  all: apply andb_prop in H as [H1 H2]; auto.
Qed.

Definition shapes_b (C : list pmat) (W : list mat) : bool :=
  f2b (f2b (fun r' r => Nat.eqb (length r') (length r))) C W.

Lemma shapes_b_sound : forall C W t, shapes_b C W = true -> same_shapes (ceval C t) W.
Proof.
  intros C W t H. unfold shapes_b in H. unfold same_shapes, ceval.
  revert W H. induction C as [|A C IH]; intros [|B W] H; cbn in H |- *; try discriminate; constructor.
  - apply andb_prop in H as [H _]. revert B H. induction A as [|r A IHA]; intros [|s B] H;
      cbn in H |- *; try discriminate; constructor.
    + apply andb_prop in H as [H _]. rewrite map_length. apply Nat.eqb_eq; auto.
    + apply andb_prop in H as [_ H]. auto.
  - apply andb_prop in H as [_ H]. auto.
Qed.

(** ** Critical point: for each entry, L(W + t e) - L(W) has no constant or linear term *)
Definition unit_curve (W : list mat) (k i j : nat) : list pmat :=
  upd k (upd i (upd j (fun p => padd p [0; 1]))) (map pconst W).

Lemma upd_rel {A B} (R : A -> B -> Prop) f g :
  (forall a b, R a b -> R (f a) (g b)) ->
  forall k l l', Forall2 R l l' -> Forall2 R (upd k f l) (upd k g l').
Proof.
  intros Hfg k l l' H. revert k. induction H as [|a b l l' Hab H IH]; intros [|k]; cbn; constructor; auto.
Qed.

Lemma unit_curve_rel : forall W k i j t, RL t (unit_curve W k i j) (bump W k i j t).
Proof.
  intros W k i j t. unfold unit_curve, bump.
  apply upd_rel; [intros A A' HA; apply upd_rel; [intros r r' Hr; apply upd_rel|]|].
  - intros p x Hp. unfold RE in *. rewrite peval_padd, Hp. cbn [peval]. ring.
  - exact Hr.
  - exact HA.
  - unfold RL. induction W as [|A W IH]; cbn [map]; constructor; auto. apply pconst_rel.
Qed.

(** A loss function [L] on points and its polynomial version [PL] on curves agree. *)
Definition loss_poly (L : list mat -> Q) (PL : list pmat -> poly) : Prop :=
  forall t C W', RL t C W' -> peval (PL C) t == L W'.

Lemma loss_poly_loss : forall X Y, loss_poly (loss X Y) (ploss X Y).
Proof. intros X Y t C W' H. apply ploss_rel; exact H. Qed.

Lemma loss_poly_wloss : forall Wt X Y, loss_poly (wloss Wt X Y) (pwloss Wt X Y).
Proof. intros Wt X Y t C W' H. apply pwloss_rel; exact H. Qed.

Definition crit_check (L : list mat -> Q) (PL : list pmat -> poly) (W : list mat) : bool :=
  let L0 := L W in
  forallb (fun k => forallb (fun i => forallb (fun j =>
      low2_zero (psub (PL (unit_curve W k i j)) [L0]))
    (seq 0 (length (nth i (nth k W []) []))))
    (seq 0 (length (nth k W []))))
    (seq 0 (length W)).

Lemma sq_abs : forall t, t * t == Qabs t * Qabs t.
Proof.
  intros t. destruct (Qlt_le_dec t 0).
  - rewrite Qabs_neg by lra. ring.
  - rewrite Qabs_pos by lra. ring.
Qed.

Lemma small_t : forall S eps t, 0 <= S -> 0 < eps -> Qabs t <= eps / (S + 1) -> S * Qabs t <= eps.
Proof.
  intros S eps t HS He Ht. pose proof (Qabs_nonneg t).
  apply le_div_mul in Ht; [|lra].
  setoid_replace (Qabs t * (S + 1)) with (S * Qabs t + Qabs t) in Ht by ring. lra.
Qed.

Lemma crit_sound : forall L PL W, loss_poly L PL -> crit_check L PL W = true -> critical L W.
Proof.
  intros L PL W HL H k i j Hk Hi Hj eps Heps. unfold crit_check in H.
  rewrite forallb_forall in H. specialize (H k (proj2 (in_seq _ _ _) (conj (Nat.le_0_l _) Hk))).
  rewrite forallb_forall in H. specialize (H i (proj2 (in_seq _ _ _) (conj (Nat.le_0_l _) Hi))).
  rewrite forallb_forall in H. specialize (H j (proj2 (in_seq _ _ _) (conj (Nat.le_0_l _) Hj))).
  set (q := psub (PL (unit_curve W k i j)) [L W]) in H.
  pose proof (sumabs_nonneg (skipn 2 q)) as HS. set (S := sumabs (skipn 2 q)) in *.
  exists (Qmin 1 (eps / (S + 1))). split.
  - apply Q.min_glb_lt. lra. apply Qlt_shift_div_l; lra.
  - intros t Ht.
    assert (Qabs t <= 1) as T1 by (apply Qlt_le_weak; eapply Qlt_le_trans; [exact Ht|apply Q.le_min_l]).
    assert (Qabs t <= eps / (S + 1)) as T2
      by (apply Qlt_le_weak; eapply Qlt_le_trans; [exact Ht|apply Q.le_min_r]).
    assert (L (bump W k i j t) - L W == peval q t) as E.
    { unfold q. rewrite peval_psub, (HL t _ _ (unit_curve_rel W k i j t)).
      cbn [peval]. ring. }
    rewrite E. eapply Qle_trans. apply (quad_bound q t H T1). fold S.
    rewrite sq_abs. pose proof (small_t S eps t HS Heps T2). pose proof (Qabs_nonneg t). nra.
Qed.

(** ** Not a local minimum: a polynomial curve C through W along which L drops *)
Definition descent_check (L : list mat -> Q) (PL : list pmat -> poly) (W : list mat) (C : list pmat) : bool :=
  shapes_b C W && lowest_neg (psub (PL C) [L W]) && low2_zero (pdist2 C W).

Lemma descent_sound : forall L PL W C, loss_poly L PL -> descent_check L PL W C = true -> not_local_min L W.
Proof.
  intros L PL W C HL H eps Heps. unfold descent_check in H.
  apply andb_prop in H as [H Hd]. apply andb_prop in H as [Hs Hp].
  set (q := psub (PL C) [L W]) in Hp.
  set (d := pdist2 C W) in Hd.
  pose proof (sumabs_nonneg (skipn 2 d)) as HS. set (S := sumabs (skipn 2 d)) in *.
  pose proof (t0_pos q Hp) as Ht0.
  set (t := Qmin (t0 q) (Qmin 1 (eps / (S + 1)))).
  assert (0 < eps / (S + 1)) by (apply Qlt_shift_div_l; lra).
  assert (0 < t) as Tp by (apply Q.min_glb_lt; [lra|apply Q.min_glb_lt; lra]).
  assert (t <= t0 q) as T0 by apply Q.le_min_l.
  assert (t <= 1) as T1 by (eapply Qle_trans; [apply Q.le_min_r|apply Q.le_min_l]).
  assert (t <= eps / (S + 1)) as T2 by (eapply Qle_trans; [apply Q.le_min_r|apply Q.le_min_r]).
  assert (Qabs t <= 1) as Ta by (rewrite Qabs_pos; lra).
  exists (ceval C t). split; [|split].
  - apply shapes_b_sound; exact Hs.
  - rewrite <- (pdist2_rel t C (ceval C t) W (ceval_rel t C)). fold d.
    eapply Qle_lt_trans. apply Qle_Qabs. eapply Qle_lt_trans. apply (quad_bound d t Hd Ta). fold S.
    apply le_div_mul in T2; [|lra].
    assert (0 < t * t) as Tt by nra.
    assert (0 <= t * (S + 1)) as U0 by (apply Qmult_le_0_compat; lra).
    assert ((t * (S + 1)) * (t * (S + 1)) <= eps * eps) as U
      by (apply Qmult_le_compat_nonneg; split; assumption).
    assert (0 <= (t * t) * (S * S + S + 1)) as V0 by (apply Qmult_le_0_compat; nra).
    assert (S * (t * t) < (t * (S + 1)) * (t * (S + 1))) as V.
    { setoid_replace ((t * (S + 1)) * (t * (S + 1))) with (S * (t * t) + (t * t) * (S * S + S + 1)) by ring.
      nra. }
    lra.
  - pose proof (lowest_neg_sound q t Hp Tp T0) as N. unfold q in N.
    rewrite peval_psub, (HL t C (ceval C t) (ceval_rel t C)) in N.
    cbn [peval] in N. lra.
Qed.

(** ** The refutation: critical, and not a local minimum *)
Definition saddle_check dims n X Y W C : bool :=
  network_b dims n X Y W && crit_check (loss X Y) (ploss X Y) W && descent_check (loss X Y) (ploss X Y) W C.

Theorem saddle_sound : forall dims n X Y W C, saddle_check dims n X Y W C = true ->
  network dims n X Y W /\ critical (loss X Y) W /\ not_local_min (loss X Y) W.
Proof.
  intros dims n X Y W C H. unfold saddle_check in H.
  apply andb_prop in H as [H H3]. apply andb_prop in H as [H1 H2].
  split; [apply network_b_sound|split; [apply (crit_sound _ (ploss X Y))|apply (descent_sound _ (ploss X Y) _ C)]];
    try apply loss_poly_loss; assumption.
Qed.

(** The same for the weighted square loss, the weights [Wt] of the shape of [Y]. *)
Definition wsaddle_check dims n Wt X Y W C : bool :=
  network_b dims n X Y W && is_shape_b Wt (last dims 0%nat) n &&
  crit_check (wloss Wt X Y) (pwloss Wt X Y) W && descent_check (wloss Wt X Y) (pwloss Wt X Y) W C.

Theorem wsaddle_sound : forall dims n Wt X Y W C, wsaddle_check dims n Wt X Y W C = true ->
  network dims n X Y W /\ is_shape Wt (last dims 0%nat) n /\
  critical (wloss Wt X Y) W /\ not_local_min (wloss Wt X Y) W.
Proof.
  intros dims n Wt X Y W C H. unfold wsaddle_check in H.
  apply andb_prop in H as [H H4]. apply andb_prop in H as [H H3]. apply andb_prop in H as [H1 H2].
  split; [apply network_b_sound; exact H1|].
  split; [apply is_shape_b_sound; exact H2|].
  split; [apply (crit_sound _ (pwloss Wt X Y))|apply (descent_sound _ (pwloss Wt X Y) _ C)];
    try apply loss_poly_wloss; assumption.
Qed.
