"""Pyramidal non-linear networks (Section 4: lem-6, sec-4) and scalar polynomial maps (ex-2)."""
