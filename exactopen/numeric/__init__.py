"""The float side, clearly marked: every result here is a proposal that is made exact and
re-checked before it enters a certificate.  ``bridge``: the one float <-> exact conversion;
``snap``: rational snapping; ``rank``: certified numerical rank; ``validate``: what trained
weights do and do not show; ``probe``: an independent numerical probe of local openness."""
