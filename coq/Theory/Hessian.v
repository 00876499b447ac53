(** * The Hessian of L at W is positive semidefinite: a checker proved sound once.

    [jloss X Y (jlayers 0 W)] computes, from the data alone, the jet of L along W + t V for a
    symbolic direction V (entry number a of W carries the jet (w, e_a, 0)); [jloss_rel] proves
    that it gives the first three coefficients of the polynomial L(W + t V) for every V of W's
    shapes.  [psd_check] asks that the linear part vanish and the quadratic part equal
    sum_i d_i (l_i . v)^2 with d_i >= 0 (an L D L^T decomposition written by the exporter);
    [psd_sound] concludes [hessian_psd]. *)

From Coq Require Import QArith Qabs Qminmax List Lqa Lia.
From ExactOpen Require Import Statements Theory.Poly Theory.Lift Theory.Check Theory.Jet.
Import ListNotations.
Open Scope Q_scope.

(** ** Matrices of jets, mirroring the polynomial matrices of [Lift] *)
Definition jvec := list jet.
Definition jmat := list jvec.
Fixpoint jdot (u w : jvec) : jet :=
  match u, w with
  | x :: u', y :: w' => jadd (jmul x y) (jdot u' w')
  | _, _ => jzero
  end.
Definition jncols (A : jmat) : nat := length (hd [] A).
Definition jcol (j : nat) (B : jmat) : jvec := map (fun row => nth j row jzero) B.
Definition jmmul (A B : jmat) : jmat :=
  map (fun row => map (fun j => jdot row (jcol j B)) (seq 0 (jncols B))) A.
Fixpoint jvsub (u w : jvec) : jvec :=
  match u, w with
  | x :: u', y :: w' => jsub x y :: jvsub u' w'
  | _, _ => []
  end.
Fixpoint jmsub (A B : jmat) : jmat :=
  match A, B with
  | r :: A', s :: B' => jvsub r s :: jmsub A' B'
  | _, _ => []
  end.
Definition jfrob2 (A : jmat) : jet := fold_right jadd jzero (map (fun r => jdot r r) A).
Definition jchain (W : list jmat) (X : jmat) : jmat := fold_left (fun acc A => jmmul A acc) W X.
Definition jconstm (A : mat) : jmat := map (map jconst) A.
Definition jloss (X Y : mat) (C : list jmat) : jet :=
  jscale (1 # 2) (jfrob2 (jmsub (jchain C (jconstm X)) (jconstm Y))).

Lemma hd_len {U V} (R : U -> V -> Prop) : forall A A', Forall2 (Forall2 R) A A' ->
  length (hd [] A) = length (hd [] A').
Proof. intros A A' H. destruct H; cbn; auto. eapply F2_length; eauto. Qed.

Lemma mul_le_l : forall x y z, 0 <= z -> x <= y -> z * x <= z * y.
Proof. intros. nra. Qed.

Section Rel.
Variable v : list Q.
Definition JV := Forall2 (JR v).
Definition JM := Forall2 JV.
Definition JL := Forall2 JM.

Lemma jdot_rel : forall u u' w w', JV u u' -> JV w w' -> JR v (jdot u w) (pdot u' w').
Proof.
  intros u u' w w' Hu. revert w w'. induction Hu as [|a p u u' Ha Hu IH]; intros w w' Hw.
  - destruct Hw; apply JR_zero.
  - destruct Hw as [|b q w w' Hb Hw]; cbn [jdot pdot]; [apply JR_zero|].
    apply JR_add; [apply JR_mul; assumption|apply IH; exact Hw].
Qed.

Lemma jnth_rel : forall j u u', JV u u' -> JR v (nth j u jzero) (nth j u' []).
Proof.
  intros j u u' H. revert j. induction H as [|a p u u' Ha H IH]; intros [|j]; cbn [nth]; auto.
  - apply JR_zero.
  - apply JR_zero.
Qed.

Lemma jmmul_rel : forall A A' B B', JM A A' -> JM B B' -> JM (jmmul A B) (pmmul A' B').
Proof.
  intros A A' B B' HA HB. unfold jmmul, pmmul, jncols, pncols.
  rewrite (hd_len (JR v) B B' HB).
  apply (Forall2_map_both JV JV); auto. intros r r' Hr.
  apply Forall2_map_same. intros j. apply jdot_rel; auto.
  unfold jcol, pcol. apply (Forall2_map_both JV (JR v)); auto. intros. apply jnth_rel; auto.
Qed.

Lemma jvsub_rel : forall u u' w w', JV u u' -> JV w w' -> JV (jvsub u w) (pvsub u' w').
Proof.
  intros u u' w w' Hu. revert w w'. induction Hu as [|a p u u' Ha Hu IH]; intros w w' Hw.
  - destruct Hw; constructor.
  - destruct Hw as [|b q w w' Hb Hw]; cbn; constructor.
    + apply JR_sub; assumption.
    + apply IH; exact Hw.
Qed.

Lemma jmsub_rel : forall A A' B B', JM A A' -> JM B B' -> JM (jmsub A B) (pmsub A' B').
Proof.
  intros A A' B B' HA. revert B B'. induction HA as [|r r' A A' Hr HA IH]; intros B B' HB.
  - destruct HB; constructor.
  - destruct HB as [|s s' B B' Hs HB]; cbn; constructor.
    + apply jvsub_rel; auto.
    + apply IH; exact HB.
Qed.

Lemma jfrob2_rel : forall A A', JM A A' -> JR v (jfrob2 A) (pfrob2 A').
Proof.
  intros A A' H. unfold jfrob2, pfrob2. induction H as [|r r' A A' Hr H IH]; cbn [map fold_right].
  - apply JR_zero.
  - apply JR_add; [apply jdot_rel|]; assumption.
Qed.

Lemma jchain_rel : forall C C' X X', JL C C' -> JM X X' -> JM (jchain C X) (pchain C' X').
Proof.
  intros C C' X X' H. revert X X'. induction H as [|A A' C C' HA H IH]; intros X X' HX; cbn; auto.
  apply IH. apply jmmul_rel; auto.
Qed.

Lemma jconstm_rel : forall A, JM (jconstm A) (pconst A).
Proof.
  intros A. unfold jconstm, pconst, JM, JV. induction A as [|r A IH]; cbn [map]; constructor; auto.
  induction r as [|x r IHr]; cbn [map]; constructor; auto. apply JR_const.
Qed.

Lemma jloss_rel : forall X Y C C', JL C C' -> JR v (jloss X Y C) (ploss X Y C').
Proof.
  intros X Y C C' H. unfold jloss, ploss. apply JR_scale, jfrob2_rel, jmsub_rel; [|apply jconstm_rel].
  apply jchain_rel; [exact H|apply jconstm_rel].
Qed.
End Rel.

(** ** The line W + t V as a polynomial curve, and its jet with V symbolic *)
Fixpoint prow (r s : vec) : pvec :=
  match r, s with
  | x :: r', y :: s' => [x; y] :: prow r' s'
  | _, _ => []
  end.
Fixpoint pmat2 (A B : mat) : pmat :=
  match A, B with
  | r :: A', s :: B' => prow r s :: pmat2 A' B'
  | _, _ => []
  end.
Fixpoint pline (W V : list mat) : list pmat :=
  match W, V with
  | A :: W', B :: V' => pmat2 A B :: pline W' V'
  | _, _ => []
  end.

Lemma pline_rel : forall t W V, RL t (pline W V) (add_dir W V t).
Proof.
  intros t. unfold RL, RM, RV. induction W as [|A W IH]; intros [|B V]; cbn [pline add_dir]; try constructor.
  - clear IH. revert B. induction A as [|r A IHA]; intros [|s B]; cbn [pmat2 maxpy]; try constructor.
    + clear IHA. revert s. induction r as [|x r IHr]; intros [|y s]; cbn [prow vaxpy]; try constructor.
      * unfold RE. cbn [peval]. ring.
      * apply IHr.
    + apply IHA.
  - apply IH.
Qed.

Definition unit (a : nat) : list Q := repeat 0 a ++ [1].

Lemma dot_unit : forall a v, dot (unit a) v == nth a v 0.
Proof.
  induction a as [|a IH]; intros [|x v]; cbn [unit repeat app dot nth] in *; try ring.
  rewrite <- (IH v). unfold unit. ring.
Qed.

Fixpoint jrow (a : nat) (r : vec) : jvec :=
  match r with
  | [] => []
  | x :: r' => (x, unit a, []) :: jrow (S a) r'
  end.
Fixpoint jmatrix (a : nat) (A : mat) : jmat :=
  match A with
  | [] => []
  | r :: A' => jrow a r :: jmatrix (a + length r) A'
  end.
Fixpoint jlayers (a : nat) (W : list mat) : list jmat :=
  match W with
  | [] => []
  | A :: W' => jmatrix a A :: jlayers (a + length (concat A)) W'
  end.
Definition flat (V : list mat) : list Q := concat (map (@concat Q) V).

Lemma skipn_S_tl : forall {A} a (l : list A), skipn (S a) l = tl (skipn a l).
Proof.
  induction a as [|a IH]; intros [|x l]; try reflexivity.
  change (skipn (S (S a)) (x :: l)) with (skipn (S a) l).
  change (skipn (S a) (x :: l)) with (skipn a l). apply IH.
Qed.

Lemma nth_skipn0 : forall a (l : list Q), nth 0 (skipn a l) 0 = nth a l 0.
Proof. induction a as [|a IH]; intros [|x l]; cbn; auto. Qed.

Lemma skipn_add_app : forall {A} a (l s rest : list A), skipn a l = s ++ rest ->
  skipn (a + length s) l = rest.
Proof.
  intros A a l s. revert a. induction s as [|y s IH]; intros a rest H.
  - rewrite Nat.add_0_r. exact H.
  - cbn [length]. rewrite <- Nat.add_succ_comm. apply IH. rewrite skipn_S_tl, H. reflexivity.
Qed.

Lemma jrow_rel : forall v r s a rest, length r = length s -> skipn a v = s ++ rest ->
  JV v (jrow a r) (prow r s).
Proof.
  intros v. induction r as [|x r IH]; intros [|y s] a rest Hl Hs; cbn [jrow prow]; try discriminate;
    constructor.
  - cbn [JR]. split; [cbn; reflexivity|split; [|cbn; reflexivity]].
    cbn [nth]. rewrite dot_unit, <- nth_skipn0, Hs. cbn. reflexivity.
  - apply (IH s (S a) rest); [cbn in Hl; lia|]. rewrite skipn_S_tl, Hs. reflexivity.
Qed.

Lemma jmatrix_rel : forall v A B a rest, Forall2 (fun r s => length r = length s) A B ->
  skipn a v = concat B ++ rest -> JM v (jmatrix a A) (pmat2 A B).
Proof.
  intros v A B a rest H. revert a. induction H as [|r s A B Hrs H IH]; intros a Hs; cbn [jmatrix pmat2];
    constructor.
  - apply (jrow_rel v r s a (concat B ++ rest) Hrs). rewrite Hs. cbn [concat]. apply app_assoc_reverse.
  - apply IH. rewrite Hrs. apply skipn_add_app. rewrite Hs. cbn [concat]. apply app_assoc_reverse.
Qed.

Lemma concat_length_eq : forall A B : mat, Forall2 (fun r s => length r = length s) A B ->
  length (concat A) = length (concat B).
Proof.
  intros A B H. induction H; cbn [concat]; auto. rewrite !app_length. lia.
Qed.

Lemma jlayers_rel : forall v W V a rest,
  Forall2 (fun A B => Forall2 (fun r s => length r = length s) A B) W V ->
  skipn a v = flat V ++ rest -> JL v (jlayers a W) (pline W V).
Proof.
  intros v W V a rest H. revert a. induction H as [|A B W V HAB H IH]; intros a Hs;
    cbn [jlayers pline]; constructor.
  - apply (jmatrix_rel v A B a (flat V ++ rest) HAB). rewrite Hs. unfold flat. cbn [map concat].
    apply app_assoc_reverse.
  - apply IH. rewrite (concat_length_eq A B HAB). apply skipn_add_app. rewrite Hs.
    unfold flat. cbn [map concat]. apply app_assoc_reverse.
Qed.

Lemma same_shapes_flip : forall V W, same_shapes V W ->
  Forall2 (fun A B => Forall2 (fun r s => length r = length s) A B) W V.
Proof.
  intros V W H. induction H as [|B A V W HBA H IH]; constructor; auto.
  clear H IH. induction HBA; constructor; auto.
Qed.

(** ** Sums of squares, and the checker *)
Definition sos_matrix (sos : list (Q * list Q)) : list (list Q) :=
  fold_right (fun dl acc => hadd (hscale (fst dl) (outer (snd dl) (snd dl))) acc) [] sos.

Lemma qf_sos : forall sos v, forallb (fun dl => Qle_bool 0 (fst dl)) sos = true ->
  0 <= qform (sos_matrix sos) v.
Proof.
  induction sos as [|[d l] sos IH]; intros v H; cbn [sos_matrix fold_right fst snd] in *.
  - unfold qform. destruct v; cbn; apply Qle_refl.
  - apply andb_prop in H as [Hd H]. apply Qle_bool_iff in Hd. unfold qform in *.
    rewrite qf_hadd, qf_hscale, qf_outer. specialize (IH v H).
    set (x := dot l v) in *.
    assert (0 <= x * x) as X2 by (destruct (Qlt_le_dec x 0); nra).
    assert (0 <= d * (x * x)) by (apply Qmult_le_0_compat; assumption).
    unfold sos_matrix in IH. lra.
Qed.

Definition psd_check (X Y : mat) (W : list mat) (sos : list (Q * list Q)) : bool :=
  let '(c, g, H) := jsub (jloss X Y (jlayers 0 W)) (jconst (loss X Y W)) in
  Qeq_bool c 0 && forallb (fun x => Qeq_bool x 0) g &&
  forallb (fun dl => Qle_bool 0 (fst dl)) sos &&
  forallb (forallb (fun x => Qeq_bool x 0)) (hadd H (hscale (-1) (sos_matrix sos))).

Lemma peval_expand3 : forall p t,
  peval p t == nth 0 p 0 + t * (nth 1 p 0 + t * (nth 2 p 0 + t * peval (skipn 3 p) t)).
Proof. intros [|a [|b [|c r]]] t; cbn [peval nth skipn]; ring. Qed.

Theorem psd_sound : forall X Y W sos, psd_check X Y W sos = true -> hessian_psd (loss X Y) W.
Proof.
  intros X Y W sos Hc V HV eps Heps.
  set (v := flat V).
  set (p := psub (ploss X Y (pline W V)) [loss X Y W]).
  assert (JR v (jsub (jloss X Y (jlayers 0 W)) (jconst (loss X Y W))) p) as Hj.
  { apply JR_sub; [|apply JR_const]. apply jloss_rel.
    apply (jlayers_rel v W V 0 []); [apply same_shapes_flip; exact HV|].
    rewrite app_nil_r. reflexivity. }
  unfold psd_check in Hc.
  destruct (jsub (jloss X Y (jlayers 0 W)) (jconst (loss X Y W))) as [[c g] Hm].
  destruct Hj as [P0 [P1 P2]].
  apply andb_prop in Hc as [Hc Hz]. apply andb_prop in Hc as [Hc Hd]. apply andb_prop in Hc as [Hc Hg].
  apply Qeq_bool_eq in Hc.
  assert (nth 0 p 0 == 0) as E0 by (rewrite P0; exact Hc).
  assert (nth 1 p 0 == 0) as E1 by (rewrite P1; apply dot_zero; exact Hg).
  assert (0 <= nth 2 p 0) as E2.
  { rewrite P2. pose proof (qf_zero _ v v Hz) as Z. fold (qform (hadd Hm (hscale (-1) (sos_matrix sos))) v) in Z.
    unfold qform in *. rewrite qf_hadd, qf_hscale in Z. pose proof (qf_sos sos v Hd) as S0.
    unfold qform in S0. lra. }
  pose proof (sumabs_nonneg (skipn 3 p)) as HS. set (S := sumabs (skipn 3 p)) in *.
  exists (Qmin 1 (eps / (S + 1))). split.
  - apply Q.min_glb_lt. lra. apply Qlt_shift_div_l; lra.
  - intros t Ht.
    assert (Qabs t <= 1) as T1 by (apply Qlt_le_weak; eapply Qlt_le_trans; [exact Ht|apply Q.le_min_l]).
    assert (Qabs t <= eps / (S + 1)) as T2
      by (apply Qlt_le_weak; eapply Qlt_le_trans; [exact Ht|apply Q.le_min_r]).
    assert (loss X Y (add_dir W V t) - loss X Y W == peval p t) as E.
    { unfold p. rewrite peval_psub, (ploss_rel t X Y _ _ (pline_rel t W V)). cbn [peval]. ring. }
    rewrite E, peval_expand3, E0, E1.
    set (r := peval (skipn 3 p) t). set (a := nth 2 p 0).
    pose proof (peval_bound (skipn 3 p) t T1) as B. fold r S in B.
    pose proof (small_t S eps t HS Heps T2) as St.
    pose proof (Qabs_nonneg t) as Ta.
    assert (- (Qabs t * S) <= t * r) as TR.
    { assert (Qabs (t * r) <= Qabs t * S) as U.
      { rewrite Qabs_Qmult. apply mul_le_l; assumption. }
      apply Qabs_Qle_condition in U. lra. }
    assert (0 <= t * t) as T0 by nra.
    assert (t * t * (- (Qabs t * S)) <= t * t * (t * r)) as M by (apply mul_le_l; assumption).
    assert (- (eps * (t * t)) <= t * t * (- (Qabs t * S))) as M2.
    { setoid_replace (t * t * (- (Qabs t * S))) with (- ((t * t) * (S * Qabs t))) by ring.
      assert ((t * t) * (S * Qabs t) <= (t * t) * eps) by (apply mul_le_l; assumption).
      lra. }
    assert (0 <= t * t * a) by (apply Qmult_le_0_compat; assumption).
    setoid_replace (0 + t * (0 + t * (a + t * r))) with (t * t * a + t * t * (t * r)) by ring.
    lra.
Qed.
