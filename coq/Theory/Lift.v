(** * The loss along a polynomial curve is a polynomial, computed exactly.

    A polynomial matrix has polynomial entries; [ploss X Y C] is L along the curve C,
    computed with the polynomial operations of [Poly].  Proved once: if every entry of C
    evaluates at t to the matching entry of W', then [peval (ploss X Y C) t == loss X Y W']
    ([ploss_rel]), and likewise for the distance [pdist2] ([pdist2_rel]). *)

From Coq Require Import QArith List Lqa.
From ExactOpen Require Import Statements Theory.Poly.
Import ListNotations.
Open Scope Q_scope.

Definition pvec := list poly.
Definition pmat := list pvec.

Fixpoint pdot (u v : pvec) : poly :=
  match u, v with
  | x :: u', y :: v' => padd (pmul x y) (pdot u' v')
  | _, _ => []
  end.
Definition pncols (A : pmat) : nat := length (hd [] A).
Definition pcol (j : nat) (B : pmat) : pvec := map (fun row => nth j row []) B.
Definition pmmul (A B : pmat) : pmat :=
  map (fun row => map (fun j => pdot row (pcol j B)) (seq 0 (pncols B))) A.
Fixpoint pvsub (u v : pvec) : pvec :=
  match u, v with
  | x :: u', y :: v' => psub x y :: pvsub u' v'
  | _, _ => []
  end.
Fixpoint pmsub (A B : pmat) : pmat :=
  match A, B with
  | r :: A', s :: B' => pvsub r s :: pmsub A' B'
  | _, _ => []
  end.
Definition pfrob2 (A : pmat) : poly := fold_right padd [] (map (fun r => pdot r r) A).
Definition pchain (W : list pmat) (X : pmat) : pmat := fold_left (fun acc A => pmmul A acc) W X.
Definition pconst (A : mat) : pmat := map (map (fun x => [x])) A.
Definition ploss (X Y : mat) (C : list pmat) : poly :=
  pscale (1 # 2) (pfrob2 (pmsub (pchain C (pconst X)) (pconst Y))).
Fixpoint pwdot (w : vec) (u : pvec) : poly :=
  match w, u with
  | a :: w', x :: u' => padd (pscale a (pmul x x)) (pwdot w' u')
  | _, _ => []
  end.
Fixpoint pwfrob2 (Wt : mat) (A : pmat) : poly :=
  match Wt, A with
  | w :: Wt', r :: A' => padd (pwdot w r) (pwfrob2 Wt' A')
  | _, _ => []
  end.
Definition pwloss (Wt X Y : mat) (C : list pmat) : poly :=
  pscale (1 # 2) (pwfrob2 Wt (pmsub (pchain C (pconst X)) (pconst Y))).
Fixpoint pdist2 (C : list pmat) (W : list mat) : poly :=
  match C, W with
  | A' :: C', A :: Ws => padd (pfrob2 (pmsub A' (pconst A))) (pdist2 C' Ws)
  | _, _ => []
  end.

(** Entrywise evaluation. *)
Definition ceval (C : list pmat) (t : Q) : list mat := map (map (map (fun p => peval p t))) C.

Section Rel.
Variable t : Q.
Definition RE (p : poly) (x : Q) : Prop := peval p t == x.
Definition RV := Forall2 RE.
Definition RM := Forall2 RV.
Definition RL := Forall2 RM.

Lemma Forall2_map_both {A B C D} (R : A -> B -> Prop) (S : C -> D -> Prop) f g :
  forall l l', Forall2 R l l' -> (forall a b, R a b -> S (f a) (g b)) ->
  Forall2 S (map f l) (map g l').
Proof. intros l l' H Hfg. induction H; constructor; auto. Qed.

Lemma Forall2_map_same {A C D} (S : C -> D -> Prop) (f : A -> C) g :
  forall l, (forall a, S (f a) (g a)) -> Forall2 S (map f l) (map g l).
Proof. induction l; constructor; auto. Qed.

Lemma pdot_rel : forall u u' v v', RV u u' -> RV v v' -> RE (pdot u v) (dot u' v').
Proof.
  intros u u' v v' Hu. revert v v'. induction Hu as [|p x u u' Hp Hu IH]; intros v v' Hv.
  - destruct Hv; unfold RE; cbn; reflexivity.
  - destruct Hv as [|q y v v' Hq Hv]; unfold RE in *; cbn [pdot dot peval].
    + reflexivity.
    + rewrite peval_padd, peval_pmul, Hp, Hq. rewrite (IH v v' Hv). reflexivity.
Qed.

Lemma nth_rel : forall j u u', RV u u' -> RE (nth j u []) (nth j u' 0).
Proof.
  intros j u u' H. revert j. induction H as [|p x u u' Hp H IH]; intros [|j]; cbn; auto.
  - unfold RE; reflexivity.
  - unfold RE; reflexivity.
Qed.

Lemma F2_length {A B} (R : A -> B -> Prop) : forall l l', Forall2 R l l' -> length l = length l'.
Proof. intros l l' H. induction H; cbn; auto. Qed.

Lemma Forall2_length_hd : forall A A', RM A A' -> length (hd [] A) = length (hd [] A').
Proof. intros A A' H. destruct H; cbn; auto. eapply F2_length; eauto. Qed.

Lemma pmmul_rel : forall A A' B B', RM A A' -> RM B B' -> RM (pmmul A B) (mmul A' B').
Proof.
  intros A A' B B' HA HB. unfold pmmul, mmul, pncols, ncols.
  rewrite (Forall2_length_hd B B' HB).
  apply (Forall2_map_both RV RV); auto. intros r r' Hr.
  apply Forall2_map_same. intros j. apply pdot_rel; auto.
  unfold pcol, col. apply (Forall2_map_both RV RE); auto. intros. apply nth_rel; auto.
Qed.

Lemma pvsub_rel : forall u u' v v', RV u u' -> RV v v' -> RV (pvsub u v) (vsub u' v').
Proof.
  intros u u' v v' Hu. revert v v'. induction Hu as [|p x u u' Hp Hu IH]; intros v v' Hv.
  - destruct Hv; constructor.
  - destruct Hv as [|q y v v' Hq Hv]; cbn; constructor.
    + unfold RE in *. rewrite peval_psub, Hp, Hq. reflexivity.
    + apply IH; exact Hv.
Qed.

Lemma pmsub_rel : forall A A' B B', RM A A' -> RM B B' -> RM (pmsub A B) (msub A' B').
Proof.
  intros A A' B B' HA. revert B B'. induction HA as [|r r' A A' Hr HA IH]; intros B B' HB.
  - destruct HB; constructor.
  - destruct HB as [|s s' B B' Hs HB]; cbn; constructor.
    + apply pvsub_rel; auto.
    + apply IH; exact HB.
Qed.

Lemma pfrob2_rel : forall A A', RM A A' -> RE (pfrob2 A) (frob2 A').
Proof.
  intros A A' H. unfold pfrob2, frob2. induction H as [|r r' A A' Hr H IH]; unfold RE in *;
    cbn [map fold_right peval].
  - reflexivity.
  - pose proof (pdot_rel r r' r r' Hr Hr) as E. unfold RE in E.
    rewrite peval_padd, IH, E. reflexivity.
Qed.

Lemma pchain_rel : forall C W X X', RL C W -> RM X X' -> RM (pchain C X) (chain W X').
Proof.
  intros C W X X' H. revert X X'. induction H as [|A A' C W HA H IH]; intros X X' HX; cbn; auto.
  apply IH. apply pmmul_rel; auto.
Qed.

Lemma pconst_rel : forall A, RM (pconst A) A.
Proof.
  intros A. unfold pconst. induction A as [|r A IH]; cbn; constructor; auto.
  induction r as [|x r IHr]; cbn; constructor; auto. unfold RE. cbn [peval]. ring.
Qed.

Lemma ploss_rel : forall X Y C W, RL C W -> peval (ploss X Y C) t == loss X Y W.
Proof.
  intros X Y C W H. unfold ploss, loss. rewrite peval_pscale.
  pose proof (pfrob2_rel _ _ (pmsub_rel _ _ _ _ (pchain_rel C W _ _ H (pconst_rel X)) (pconst_rel Y))) as E.
  unfold RE in E. rewrite E. reflexivity.
Qed.

Lemma pwdot_rel : forall w u u', RV u u' -> peval (pwdot w u) t == wdot w u'.
Proof.
  induction w as [|a w IH]; intros u u' H; [destruct H; cbn; reflexivity|].
  destruct H as [|p x u u' Hp H]; cbn [pwdot wdot peval]; [reflexivity|].
  unfold RE in Hp. rewrite peval_padd, peval_pscale, peval_pmul, Hp, (IH u u' H). reflexivity.
Qed.

Lemma pwfrob2_rel : forall Wt A A', RM A A' -> peval (pwfrob2 Wt A) t == wfrob2 Wt A'.
Proof.
  induction Wt as [|w Wt IH]; intros A A' H; [destruct H; cbn; reflexivity|].
  destruct H as [|r r' A A' Hr H]; cbn [pwfrob2 wfrob2 peval]; [reflexivity|].
  rewrite peval_padd, (pwdot_rel w r r' Hr), (IH A A' H). reflexivity.
Qed.

Lemma pwloss_rel : forall Wt X Y C W, RL C W -> peval (pwloss Wt X Y C) t == wloss Wt X Y W.
Proof.
  intros Wt X Y C W H. unfold pwloss, wloss. rewrite peval_pscale.
  rewrite (pwfrob2_rel Wt _ _ (pmsub_rel _ _ _ _ (pchain_rel C W _ _ H (pconst_rel X)) (pconst_rel Y))).
  reflexivity.
Qed.

Lemma pdist2_rel : forall C W' W, RL C W' -> peval (pdist2 C W) t == dist2 W' W.
Proof.
  intros C W' W H. revert W. induction H as [|A A' C W' HA H IH]; intros [|B W];
    cbn [pdist2 dist2 peval]; try reflexivity.
  pose proof (pfrob2_rel _ _ (pmsub_rel _ _ _ _ HA (pconst_rel B))) as E. unfold RE in E.
  rewrite peval_padd, IH, E. reflexivity.
Qed.

Lemma ceval_rel : forall C, RL C (ceval C t).
Proof.
  intros C. unfold ceval, RL, RM, RV. induction C as [|A C IH]; cbn [map]; constructor; auto.
  induction A as [|r A IHA]; cbn [map]; constructor; auto.
  induction r as [|p r IHr]; cbn [map]; constructor; auto. unfold RE; reflexivity.
Qed.
End Rel.
