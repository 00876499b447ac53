"""Output for people: rendered proofs (``render``), figures (``figures``) and the paper audit
(``audit``)."""
