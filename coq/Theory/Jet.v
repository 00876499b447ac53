(** * Second-order jets: the Hessian of L at W as a quadratic form in a symbolic direction.

    A jet (c, g, H) stands for c + (g . v) t + (v^T H v) t^2 (mod t^3), v the direction
    flattened; [JR v j p] says the polynomial p in t has these first three coefficients.
    Proved once: the jet operations follow the polynomial ones ([JR_add], [JR_mul], ...), so the
    jet of L along W + t V, computed on the data alone ([jloss] of [jlayers 0 W]), gives the
    coefficients of L(W + t V) - L(W) for every V ([psd_sound]); with g = 0 and H equal to a
    sum of squares sum_i d_i l_i l_i^T, d_i >= 0 (an L D L^T certificate), the Hessian is PSD. *)

From Coq Require Import QArith Qabs Qminmax List Lqa.
From ExactOpen Require Import Statements Theory.Poly Theory.Lift Theory.Check.
Import ListNotations.
Open Scope Q_scope.

(** ** Padded vectors and matrices (a missing entry is 0) *)
Lemma dot_padd : forall p q v, dot (padd p q) v == dot p v + dot q v.
Proof.
  induction p as [|a p IH]; intros [|b q] [|x v]; cbn [padd dot]; try ring.
  rewrite Qred_correct, IH. ring.
Qed.

Lemma dot_pscale : forall c p v, dot (pscale c p) v == c * dot p v.
Proof.
  intros c p. induction p as [|a p IH]; intros [|x v]; cbn [pscale map dot] in *; try ring.
  rewrite Qred_correct, IH. ring.
Qed.

Fixpoint hadd (H1 H2 : list (list Q)) : list (list Q) :=
  match H1, H2 with
  | [], _ => H2
  | _, [] => H1
  | r :: H1', s :: H2' => padd r s :: hadd H1' H2'
  end.
Definition hscale (c : Q) (H : list (list Q)) : list (list Q) := map (pscale c) H.
Definition outer (g1 g2 : list Q) : list (list Q) := map (fun x => pscale x g2) g1.

Fixpoint qf (H : list (list Q)) (w v : list Q) : Q :=
  match H, w with
  | r :: H', x :: w' => x * dot r v + qf H' w' v
  | _, _ => 0
  end.
Definition qform (H : list (list Q)) (v : list Q) : Q := qf H v v.

Lemma qf_hadd : forall H1 H2 w v, qf (hadd H1 H2) w v == qf H1 w v + qf H2 w v.
Proof.
  induction H1 as [|r H1 IH]; intros [|s H2] [|x w] v; cbn [hadd qf]; try ring.
  rewrite dot_padd, IH. ring.
Qed.

Lemma qf_hscale : forall c H w v, qf (hscale c H) w v == c * qf H w v.
Proof.
  intros c H. induction H as [|r H IH]; intros [|x w] v; cbn [hscale map qf] in *; try ring.
  rewrite dot_pscale, IH. ring.
Qed.

Lemma qf_outer : forall g1 g2 w v, qf (outer g1 g2) w v == dot g1 w * dot g2 v.
Proof.
  intros g1 g2. induction g1 as [|a g1 IH]; intros [|x w] v; cbn [outer map qf dot] in *; try ring.
  rewrite dot_pscale, IH. ring.
Qed.

Lemma qf_zero : forall H w v, forallb (forallb (fun x => Qeq_bool x 0)) H = true -> qf H w v == 0.
Proof.
  induction H as [|r H IH]; intros [|x w] v Hz; cbn [qf] in *; try reflexivity.
  apply andb_prop in Hz as [Hr Hz]. rewrite IH by exact Hz.
  assert (dot r v == 0) as E.
  { revert v. induction r as [|a r IHr]; intros [|y v]; cbn [dot] in *; try reflexivity.
    apply andb_prop in Hr as [Ha Hr]. apply Qeq_bool_eq in Ha. rewrite Ha, IHr by exact Hr. ring. }
  rewrite E. ring.
Qed.

Lemma dot_zero : forall g v, forallb (fun x => Qeq_bool x 0) g = true -> dot g v == 0.
Proof.
  induction g as [|a g IH]; intros [|y v] Hz; cbn [dot] in *; try reflexivity.
  apply andb_prop in Hz as [Ha Hz]. apply Qeq_bool_eq in Ha. rewrite Ha, IH by exact Hz. ring.
Qed.

(** ** Coefficients 0, 1, 2 of the polynomial operations *)
Lemma nth_padd : forall k p q, nth k (padd p q) 0 == nth k p 0 + nth k q 0.
Proof.
  induction k as [|k IH]; intros [|a p] [|b q]; cbn [padd nth]; try ring; rewrite ?Qred_correct; try ring.
  apply IH.
Qed.

Lemma nth_pscale : forall k a p, nth k (pscale a p) 0 == a * nth k p 0.
Proof.
  induction k as [|k IH]; intros a [|b p]; cbn [pscale map nth]; try ring; rewrite ?Qred_correct; try ring.
  apply IH.
Qed.

Lemma nth_pneg : forall k p, nth k (pneg p) 0 == - nth k p 0.
Proof. induction k as [|k IH]; intros [|b p]; cbn [pneg map nth]; try ring. apply IH. Qed.

Lemma nth_psub : forall k p q, nth k (psub p q) 0 == nth k p 0 - nth k q 0.
Proof. intros. unfold psub. rewrite nth_padd, nth_pneg. ring. Qed.

Lemma nth0_pmul : forall p q, nth 0 (pmul p q) 0 == nth 0 p 0 * nth 0 q 0.
Proof.
  intros [|a p] q; cbn [pmul]; [cbn [nth]; ring|].
  rewrite nth_padd, nth_pscale. cbn [nth]. ring.
Qed.

Lemma nth1_pmul : forall p q, nth 1 (pmul p q) 0 == nth 0 p 0 * nth 1 q 0 + nth 1 p 0 * nth 0 q 0.
Proof.
  intros [|a p] q; cbn [pmul]; [cbn [nth]; ring|].
  rewrite nth_padd, nth_pscale. change (nth 1 (0 :: pmul p q) 0) with (nth 0 (pmul p q) 0).
  rewrite nth0_pmul. destruct p; cbn [nth]; ring.
Qed.

Lemma nth2_pmul : forall p q, nth 2 (pmul p q) 0 ==
  nth 0 p 0 * nth 2 q 0 + nth 1 p 0 * nth 1 q 0 + nth 2 p 0 * nth 0 q 0.
Proof.
  intros [|a p] q; cbn [pmul]; [cbn [nth]; ring|].
  rewrite nth_padd, nth_pscale. change (nth 2 (0 :: pmul p q) 0) with (nth 1 (pmul p q) 0).
  rewrite nth1_pmul. destruct p as [|b [|c p]]; cbn [nth]; ring.
Qed.

(** ** Jets and their relation to polynomials *)
Definition jet : Type := (Q * list Q * list (list Q))%type.
Definition jconst (x : Q) : jet := (x, [], []).
Definition jzero : jet := jconst 0.
Definition jadd (a b : jet) : jet :=
  let '(c1, g1, H1) := a in let '(c2, g2, H2) := b in (Qred (c1 + c2), padd g1 g2, hadd H1 H2).
Definition jscale (k : Q) (a : jet) : jet :=
  let '(c, g, H) := a in (Qred (k * c), pscale k g, hscale k H).
Definition jsub (a b : jet) : jet := jadd a (jscale (-1) b).
Definition jmul (a b : jet) : jet :=
  let '(c1, g1, H1) := a in let '(c2, g2, H2) := b in
  (Qred (c1 * c2), padd (pscale c1 g2) (pscale c2 g1),
   hadd (hadd (hscale c1 H2) (hscale c2 H1)) (hscale (1 # 2) (hadd (outer g1 g2) (outer g2 g1)))).

Section JetRel.
Variable v : list Q.

Definition JR (a : jet) (p : poly) : Prop :=
  let '(c, g, H) := a in nth 0 p 0 == c /\ nth 1 p 0 == dot g v /\ nth 2 p 0 == qform H v.

Lemma JR_const : forall x, JR (jconst x) [x].
Proof. intros x. cbn. repeat split; reflexivity. Qed.

Lemma JR_zero : JR jzero [].
Proof. cbn. repeat split; reflexivity. Qed.

Lemma JR_add : forall a b p q, JR a p -> JR b q -> JR (jadd a b) (padd p q).
Proof.
  intros [[c1 g1] H1] [[c2 g2] H2] p q [A1 [B1 C1]] [A2 [B2 C2]]. cbn [jadd JR].
  unfold qform. rewrite !nth_padd, Qred_correct, dot_padd, qf_hadd, A1, A2, B1, B2, C1, C2.
  repeat split; reflexivity.
Qed.

Lemma JR_scale : forall k a p, JR a p -> JR (jscale k a) (pscale k p).
Proof.
  intros k [[c g] H] p [A [B C]]. cbn [jscale JR].
  unfold qform. rewrite !nth_pscale, Qred_correct, dot_pscale, qf_hscale, A, B, C.
  repeat split; reflexivity.
Qed.

Lemma JR_sub : forall a b p q, JR a p -> JR b q -> JR (jsub a b) (psub p q).
Proof.
  intros [[c1 g1] H1] [[c2 g2] H2] p q [A1 [B1 C1]] [A2 [B2 C2]]. cbn [jsub jadd jscale JR].
  unfold qform. rewrite !nth_psub, Qred_correct, Qred_correct, dot_padd, dot_pscale, qf_hadd, qf_hscale.
  rewrite A1, A2, B1, B2, C1, C2. unfold qform. repeat split; ring.
Qed.

Lemma JR_mul : forall a b p q, JR a p -> JR b q -> JR (jmul a b) (pmul p q).
Proof.
  intros [[c1 g1] H1] [[c2 g2] H2] p q [A1 [B1 C1]] [A2 [B2 C2]]. cbn [jmul JR].
  unfold qform in *. rewrite nth0_pmul, nth1_pmul, nth2_pmul, Qred_correct.
  rewrite dot_padd, !dot_pscale, !qf_hadd, !qf_hscale, qf_hadd, !qf_outer.
  rewrite A1, A2, B1, B2, C1, C2. repeat split; ring.
Qed.
End JetRel.
