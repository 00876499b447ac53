(* thm_5_rank_mismatch_1: exported by exactopen from thm-5-rank-mismatch-1.json (kind openness, verdict not_locally_open).
   The checker's statement: M(W1, W2) = W1 W2 (W1 2x1, W2 1x2, k < min(m,n)) is not locally open at (W1, W2) in its range (rank W1 = 1, rank W2 = 0, dim N(W1)   C(W2) = 0, dim N(W2^T)   C(W1^T) = 1): every preimage of the in-range targets W1 W2 +  R (any    = 0) moves W1 by || ||_F^2 >= 4, a theorem-free obstruction
   The theorem below is stated with the definitions of coq/Statements.v only.
   Z(delta) = K (M0 + delta M1) is W1 W2 + delta R; y^T K = 0;
   every preimage of Z(delta) moves W1 by |y^T W1|^2 / |y|^2 at least.
   H (H K = I) and G ((M0 + M1) G = I) are computed by the exporter and checked by Coq. *)
From Coq Require Import QArith List.
From ExactOpen Require Import Statements Theory.Fmat Theory.Open Theory.OpenCheck.
Import ListNotations.
Open Scope Q_scope.

Definition W1 : mat :=
  [[0];
   [(-2)]].
Definition W2 : mat :=
  [[0; 0]].
Definition K : mat :=
  [[1];
   [0]].
Definition M0 : mat :=
  [[0; 0]].
Definition M1 : mat :=
  [[1; 0]].
Definition srow : nat := 0%nat.
Definition y : list Q := [0; 1].
Definition H : mat :=
  [[1; 0]].
Definition G : mat :=
  [[1];
   [0]].

Theorem not_locally_open : not_locally_open_at 2%nat 1%nat 2%nat W1 W2.
Proof. apply (obs1_sound 2%nat 1%nat 2%nat W1 W2 K H M0 M1 G srow y). vm_compute. reflexivity. Qed.
