"""The float side, clearly marked: every result here is a proposal that is made exact and
re-checked before it enters a certificate.  ``bridge``: the one float <-> exact conversion;
``snap``: rational snapping; ``rank``: certified numerical rank (and PSD certificates from
float Cholesky factors); ``validate``: what trained weights do and do not show, built from
``bounds`` (certified bounds on the global minimum value) and ``escape`` (an exact lower point
near the weights), with ``progress`` (its progress bar); ``probe``: an independent numerical
probe of local openness (deliberately not using ``bridge``: it imports nothing from
exactopen)."""
