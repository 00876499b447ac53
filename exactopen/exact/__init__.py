"""Exact numbers and matrices: rationals (``numbers``), the matrix face over python-flint
(``matrix``), linear algebra with evidence (``linalg``) and polynomials in named parameters
(``polynomials``).  Everything on the certified path is built from these."""


def use_cores() -> int:
    """Let FLINT's large matrix products use the machine's cores (at most 8; the environment
    variable EXACTOPEN_THREADS overrides).  Exact results do not depend on it.  Returns the count."""
    import os

    import flint

    try:
        n = int(os.environ.get("EXACTOPEN_THREADS", "0")) or min(8, os.cpu_count() or 1)
    except ValueError:
        n = 1
    flint.ctx.threads = max(1, n)
    return flint.ctx.threads
