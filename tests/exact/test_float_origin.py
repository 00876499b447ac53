"""Large float arrays read exactly remember their floats (exactopen.exact.floats.float_origin):
converting the exact matrix back gives the same values as the entry-by-entry conversion, and
the float range check still refuses an entry beyond its bound."""

from __future__ import annotations

import numpy as np
import pytest

from exactopen.errors import InputError
from exactopen.exact.floats import float_origin, integer_form_to_float, to_exact, to_float
from exactopen.exact.floats import check_float_range


def test_origin_equals_the_exact_conversion():
    rng = np.random.default_rng(2)
    a = rng.standard_normal((300, 260)) * np.exp2(rng.integers(-40, 10, size=(300, 260)))
    a[0, 0], a[1, 1] = -0.0, 0.0
    A = to_exact(a)
    back = to_float(A)
    N, d = A.numer_denom()
    assert np.array_equal(back, integer_form_to_float(N, d, A))
    assert not np.signbit(back[0, 0])  # -0.0 is read as 0
    back[2, 2] = 7.0  # a copy: the remembered array is not changed
    assert float_origin(A)[2, 2] == a[2, 2]


def test_range_check_still_refuses_large_entries():
    a = np.ones((300, 260))
    a[5, 7] = 1e200
    with pytest.raises(InputError, match="1e200|10\\^150|e\\+?200|too large|beyond"):
        check_float_range(to_exact(a), "W1")
    check_float_range(to_exact(np.ones((300, 260))), "W1")
