"""Exact numbers and matrices: rationals (``numbers``), the matrix face over python-flint
(``matrix``), linear algebra with evidence (``linalg``) and polynomials in named parameters
(``polynomials``).  Everything on the certified path is built from these."""
