"""The generator's exact PSD test (charpoly signs, ``global_min.is_psd``) against the symmetric
elimination of ``descent.negative_vector`` (an independent method): they agree on random
symmetric rational matrices, PSD or not, singular or not, with large denominators."""

from __future__ import annotations

from flint import fmpq, fmpq_mat
from hypothesis import given, settings
from hypothesis import strategies as st

from exactopen.landscape.descent import negative_vector
from exactopen.landscape.global_min import is_psd

entry = st.fractions(min_value=-5, max_value=5, max_denominator=10 ** 12)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 7), st.integers(0, 7), st.data())
def test_charpoly_test_agrees_with_the_elimination(n, k, data):
    A = fmpq_mat(n, k, [fmpq(x.numerator, x.denominator) for x in data.draw(st.lists(entry, min_size=n * k,
                                                                                      max_size=n * k))])
    shift = data.draw(st.sampled_from([0, 0, fmpq(1, 10 ** 9), fmpq(-1, 10 ** 9), fmpq(-1)]))
    M = A * A.transpose() if k else fmpq_mat(n, n)
    for i in range(n):
        M[i, i] += shift
    x, psd = negative_vector(M)
    assert is_psd(M) == psd
    if x is not None:
        v = fmpq_mat(n, 1, x)
        assert (v.transpose() * M * v)[0, 0] < 0
