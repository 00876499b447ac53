"""Output for people: the claims catalogue (``claims``, ``claims.md``), the paper audit
(``audit``: run and check; ``audit_claims``: what each claim's certificates are built from;
``markdown``: AUDIT.md, ERRATA.md, COUNTEREXAMPLES.md and the README table), rendered proofs
(``render``), certificates in notebooks (``notebook``) and figures (``figures``)."""
