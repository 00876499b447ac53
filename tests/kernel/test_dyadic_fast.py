"""The dyadic matrix form's fast paths (more than 4,096 numerators): the generator packs through
numpy's int64, the checker unpacks by widening each numerator to 8 bytes; both agree with
int.to_bytes / int.from_bytes entry by entry, for every width, including the extreme values."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from exactopen.certificate import _pack
from exactopen.kernel.encodings import _unpack


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 10), st.integers(4097, 6000), st.integers(0, 2 ** 32 - 1))
def test_pack_unpack_match_the_plain_conversions(k, count, seed):
    rnd = random.Random(seed)
    lo, hi = -(1 << (8 * k - 1)), (1 << (8 * k - 1)) - 1
    nums = [rnd.choice((lo, hi, 0, -1, 1)) if rnd.random() < 0.1 else rnd.randint(lo, hi) for _ in range(count)]
    plain = b"".join(x.to_bytes(k, "little", signed=True) for x in nums)
    assert _pack(nums, k) == plain
    assert _unpack(plain, k, count) == [int.from_bytes(plain[i:i + k], "little", signed=True)
                                       for i in range(0, count * k, k)] == nums
