"""Local openness of matrix multiplication (the paper's Section 3 and Appendix B).

``pair``: decide M(W1, W2) = W1 W2 at a pair (prop-4, thm-5), with witnesses, obstructions,
liftings (prop-18), perturbation rates (thm-5-delta), row bases (lem-13), chains (lem-10) and
changes of basis (lem-14 to lem-17); ``parametric``: the same over parameter space.
"""

import sys
import types

from exactopen.openness.verdicts import NOT_OPEN, OPEN  # noqa: F401  (re-exported)


class _CallablePackage(types.ModuleType):
    """This package is also the API function ``exactopen.openness(W1, W2)``."""

    def __call__(self, W1: "ParametricMatrix", W2: "ParametricMatrix") -> "Result":  # noqa: F821
        """Is W1 W2 locally open at (W1, W2)?  See :func:`exactopen.openness.decide.openness`."""
        from exactopen.openness.decide import openness

        return openness(W1, W2)


sys.modules[__name__].__class__ = _CallablePackage
