"""Builders of hostile certificate files (issue 20): files that attack the checker's work and
memory bounds.  Each builder returns the bytes of one file and takes ``scale``: 1.0 is the
full-size attack (as found by the attack round, or sized to break a bound), a small scale the
same attack at a size that runs in the default test suite.

The promise under attack: every file ends in ONE line (accepted / REJECTED / MALFORMED), and a
file of at most 1 MB is decided within 10 s and 1 GB, any file (up to the 64 MiB file budget)
within 60 s and 2 GB.

:data:`CASES` maps a case name to a :class:`Case` (builder, the small scale the default tests
use, whether the file is a lie to be refused or a true, honest certificate that may be
accepted, and what it attacks).  Builders are deterministic (seeded); they read only a few
committed certificates (certificates/) for the envelope version and as bases of the symbolic
kinds.  Honest certificates get their claim sentence from ``exactopen.kernel.statement``
where its text is not a one-liner (that runs the check once, in this process).

tests/kernel/test_hostile_files.py runs every case; benchmarks/hostile.py times them at full
scale.  More builders: tests/kernel/hostile_more.py and tests/kernel/hostile_attack3.py (registered
here too).
"""

from __future__ import annotations

import base64
import copy
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from tests.helpers import ROOT

MIB = 1 << 20
FILE_BYTES = 64 * MIB          # the checker's file budget (BUDGET["file_bytes"])
_PRIME = 2305843009213693951   # 2^61 - 1, the prime of the checker's nonsingularity test


@dataclass(frozen=True)
class Case:
    build: Callable[[float], bytes]
    small: float                 # the scale of the default-suite variant
    honest: bool                 # True: a true, honest certificate (accepted is a right answer)
    attack: str                  # one line: what the file does


# ----------------------------------------------------------------------------------------
# helpers: committed certificates, the envelope, matrices
# ----------------------------------------------------------------------------------------

_COMMITTED: dict = {}


def committed(name: str) -> dict:
    """A committed certificate (certificates/NAME), parsed; a fresh copy each call."""
    if name not in _COMMITTED:
        _COMMITTED[name] = json.loads((ROOT / "certificates" / name).read_text(encoding="utf-8"))
    return copy.deepcopy(_COMMITTED[name])


def version() -> int:
    return committed("prop-4-not-open-1.json")["version"]


def envelope(kind: str, inputs: dict, result: dict, evidence: dict, claim: str = "x", claim_id=None) -> dict:
    return {"format": "exactopen-certificate", "version": version(), "kind": kind, "claim": claim,
            "claim_id": claim_id, "generator": {"name": "exactopen", "version": "0"}, "inputs": inputs,
            "result": result, "evidence": evidence}


def dumps(cert: dict) -> bytes:
    return json.dumps(cert, separators=(",", ":")).encode()


def with_statement(cert: dict) -> dict:
    """The certificate with the claim the kernel derives (runs the check once, in-process);
    left as it is when the kernel refuses it (then the file is refused anyway)."""
    from exactopen import kernel

    try:
        cert["claim"] = kernel.statement(cert)
    except kernel.Rejected:
        pass
    return cert


def rows(m: int, n: int, entries) -> dict:
    """{"shape": [m, n], "rows": ...} from m n entries (row-major; ints, Fractions or strings)."""
    e = [str(x) for x in entries]
    assert len(e) == m * n
    return {"shape": [m, n], "rows": [e[i * n:(i + 1) * n] for i in range(m)]}


def dyadic(m: int, n: int, nums, exponent: int = 0) -> dict:
    """The compact form 2^exponent * N (docs/certificates.md), made canonical: common factors 2
    moved into the exponent, the fewest bytes per numerator, exponent 0 for the zero matrix."""
    nums = list(nums)
    assert len(nums) == m * n
    while any(nums) and not any(x & 1 for x in nums):
        nums, exponent = [x >> 1 for x in nums], exponent + 1
    lo, hi = min(nums, default=0), max(nums, default=0)
    k = 1
    while not (-(1 << (8 * k - 1)) <= lo and hi < 1 << (8 * k - 1)):
        k += 1
    if lo == hi == 0:
        exponent = 0
    data = bytes(x & 0xFF for x in nums) if k == 1 else b"".join(x.to_bytes(k, "little", signed=True) for x in nums)
    return dyadic_bytes(m, n, data, k, exponent)


def dyadic_bytes(m: int, n: int, data: bytes, width: int, exponent: int = 0) -> dict:
    assert len(data) == m * n * width
    return {"shape": [m, n], "dyadic": {"exponent": exponent, "width": width,
                                         "numerators": base64.b64encode(data).decode("ascii")}}


def random_bytes_matrix(m: int, n: int, rng: random.Random) -> dict:
    """A dense m x n integer matrix, entries uniform in -128..127 (width 1), some odd."""
    data = bytearray(rng.randbytes(m * n))
    data[0] |= 1
    return dyadic_bytes(m, n, bytes(data), 1)


def zero_matrix(m: int, n: int) -> dict:
    return dyadic_bytes(m, n, bytes(m * n), 1)


def identity(n: int) -> dict:
    return dyadic(n, n, [int(i == j) for i in range(n) for j in range(n)])


def unit(m: int, n: int, i: int, j: int) -> dict:
    """E_ij (m x n)."""
    e = [0] * (m * n)
    e[i * n + j] = 1
    return dyadic(m, n, e)


def primes_from(start: int, count: int) -> list[int]:
    """The first ``count`` primes >= start (a sieve)."""
    limit = max(2 * start, start + 30 * count + 1000)
    while True:
        sieve = bytearray([1]) * (limit + 1)
        sieve[0:2] = b"\x00\x00"
        for p in range(2, int(limit ** 0.5) + 1):
            if sieve[p]:
                sieve[p * p::p] = bytearray(len(range(p * p, limit + 1, p)))
        out = [p for p in range(start, limit + 1) if sieve[p]]
        if len(out) >= count:
            return out[:count]
        limit *= 2


def _side(full: int, scale: float, least: int) -> int:
    return max(least, round(full * scale))


# ----------------------------------------------------------------------------------------
# the rows of issue 20
# ----------------------------------------------------------------------------------------

def dyadic_exponent_blowup(scale: float = 1.0) -> bytes:
    """A 700x700 dyadic matrix of numerators 1 with exponent -60,000 (the largest allowed):
    648 KB of base64, but as exact rationals 490,000 entries of 60,000-bit denominators
    (3.7 GB).  A rank certificate; its evidence is refused after decoding."""
    n = _side(700, scale, 4)
    A = dyadic_bytes(n, n, b"\x01" * (n * n), 1, -60_000)
    ev = {"minor": {"rows": [0], "cols": [0]},
          "annihilator": {"side": "left", "basis": {"shape": [n, 0], "rows": [[] for _ in range(n)]},
                          "minor_rows": []}}
    return dumps(envelope("rank", {"A": A}, {"rank": 1}, ev, f"rank = 1 ({n}x{n})"))


def hessian_split_sparse_dict(scale: float = 1.0) -> bytes:
    """W = 0 with widths (1000, 60, 1000), X = Y = a column of ones: a true critical point but a
    strict saddle, claimed higher_order_saddle with an (identity) hessian_split.  The descent
    curve is real (order 2); the split Hessian's mixed block (Y X^T) x I has 1000^2 * 60 =
    6e7 nonzeros, exactly the budget sparse_work: all are put in a dict before any block-size
    check (each block has 2000 coordinates)."""
    d, k = _side(1000, scale, 4), 60
    ones = dyadic(d, 1, [1] * d)
    inputs = {"layers": [zero_matrix(k, d), zero_matrix(d, k)], "X": ones, "Y": ones, "weights": None}
    curve = [{"power": 1, "layers": [unit(k, d, 0, 0), unit(d, k, 0, 0)]}]
    # p(t) = 1/2 |t^2 e_0 - 1|^2 - d/2 = -t^2 + t^4 / 2; at t = 1 the loss is (d - 1)/2
    result = {"verdict": "higher_order_saddle", "loss": str(Fraction(d, 2)), "descent_order": 2,
              "descent_coefficient": "-1", "witness_loss": str(Fraction(d - 1, 2)), "non_global": True,
              "hessian_psd": True}
    evidence = {"curve": curve, "witness_t": "1",
                "hessian_split": {"gauge": [identity(k)], "gauge_inverse": [identity(k)]}}
    return dumps(envelope("landscape_point", inputs, result, evidence, claim_id="lem-19"))


def symbolic_constant_product(scale: float = 1.0) -> bytes:
    """symbolic_openness whose W1 entry is a product of 1,000 factors (2^59)^1000: each power
    passes the constant-power check (60 bits x 1000), each product of two constants is charged
    one term, and the entry is a 59,000,000-bit number carried through every later product,
    determinant and comparison."""
    c = committed("rem-1-parametric-W2-x-y.json")
    factors = _side(1000, scale, 2)
    c["inputs"]["W1"]["rows"][0][0] = "*".join(["(2^59)^1000"] * factors)
    return dumps(c)


def landscape_nine_dense_layers(scale: float = 1.0) -> bytes:
    """A landscape point with nine dense 2000x2000 layers and dense 2000x2000 X and Y (bytes
    -128..127, compact dyadic form: 56 MiB).  Nothing bounds the matrix-product work of the
    loss and gradient (nine products of 2000x2000 integer matrices whose entries grow to
    ~150 bits).  result.loss is a guess: refused once the loss is computed."""
    n = _side(2000, scale, 4)
    rng = random.Random(20)
    inputs = {"layers": [random_bytes_matrix(n, n, rng) for _ in range(9)], "X": random_bytes_matrix(n, n, rng),
              "Y": random_bytes_matrix(n, n, rng), "weights": None}
    result = {"verdict": "not_critical", "loss": "0", "gradient_value": "1"}
    evidence = {"gradient_entry": {"layer": 1, "row": 0, "col": 0}}
    return dumps(envelope("landscape_point", inputs, result, evidence))


def saddle_blocks(scale: float = 1.0) -> bytes:
    """A TRUE higher-order saddle whose split Hessian has 64 dense blocks of 300 coordinates
    (scale 1), each proved PSD by a characteristic polynomial: an honest certificate, accepted
    after 64 charpolys of 300x300 matrices (the number of blocks is unbounded).

    Construction (three layers, widths (d0, B + 2, B + 2, B + 2), B blocks): X = R = diag(I_B, C)
    with C a (d0 - B)-square 0/1 matrix (density 1/10, so C C^T is dense); the layers are
    diagonal, the first B coordinates kept (1, 1, y_c = 10), the last two missing (zero in all
    three layers, y = 1); Y = Y0 R, Y0 = diag(y).  Then L(W) = 1/2 tr((P - Y0) S (P - Y0)^T),
    S = R R^T = diag(I, C C^T): W is critical; the Hessian block of a kept component c couples
    row c of W1 beyond B (d0 - B coordinates, y_c^2 C C^T) with column c of W3 at the two
    missing rows: PSD as y_c^2 = 100 exceeds the largest eigenvalue of the missing rows' Gram
    matrix; the curve t E_jj in all three layers (j = B) lowers the loss at order 3.  The gauge
    of the split is the identity (the layers are already split).  Blocks of this kind took
    about 3.3 s each on a busy 2-core machine (accepted after 210 s; the issue's file, with
    cheaper blocks: 49 s for all 64)."""
    B = max(2, round(64 * scale))
    s = 300 if scale >= 0.5 else max(30, round(300 * 4 * scale))
    d0, d = B + s - 2, B + 2
    rng = random.Random(64)
    C = [[int(rng.random() < 0.1) for _ in range(d0 - B)] for _ in range(d0 - B)]
    R = [[0] * d0 for _ in range(d0)]
    for i in range(B):
        R[i][i] = 1
    for i in range(d0 - B):
        R[B + i][B:] = C[i]
    y = [10] * B + [1, 1]
    assert 100 > sum(x * x for x in C[0] + C[1])   # y_c^2 > trace >= lambda_max of C_A C_A^T: PSD blocks
    Y = [[0] * d0 for _ in range(d)]
    for i in range(d):
        Y[i] = [y[i] * x for x in R[i]]
    layers = []
    for k in range(3):
        m, n = d, (d0 if k == 0 else d)
        e = [0] * (m * n)
        for c in range(B):
            e[c * n + c] = y[c] if k == 2 else 1
        layers.append(dyadic(m, n, e))
    norms = [sum(x * x for x in C[i]) for i in range(2)]          # |C_0|^2, |C_1|^2
    L0 = Fraction(norms[0] + norms[1], 2)
    inputs = {"layers": layers, "X": dyadic(d0, d0, [x for r in R for x in r]),
              "Y": dyadic(d, d0, [x for r in Y for x in r]), "weights": None}
    j = B
    curve = [{"power": 1, "layers": [unit(d, d0, j, j), unit(d, d, j, j), unit(d, d, j, j)]}]
    result = {"verdict": "higher_order_saddle", "loss": str(L0), "descent_order": 3,
              "descent_coefficient": str(-norms[0]), "witness_loss": str(L0 - Fraction(norms[0], 2)),
              "non_global": True, "hessian_psd": True}
    evidence = {"curve": curve, "witness_t": "1",
                "hessian_split": {"gauge": [identity(d), identity(d)], "gauge_inverse": [identity(d), identity(d)]}}
    return dumps(with_statement(envelope("landscape_point", inputs, result, evidence, claim_id="lem-19")))


def _nonsingular_pm1(n: int, rng: random.Random) -> list[int]:
    """A random n x n matrix of entries -1, 0, 1, nonsingular modulo 2^61 - 1 (so the
    checker's test settles it without the exact determinant)."""
    from flint import nmod_mat

    while True:
        e = [rng.choice((-1, 0, 1)) for _ in range(n * n)]
        if nmod_mat(n, n, [x % _PRIME for x in e], _PRIME).det() != 0:
            return e


def numerical_rank_repeated_psd(scale: float = 1.0) -> bytes:
    """numerical_rank of a nonsingular 400x400 matrix A (entries -1, 0, 1) with 8 singular-value
    bounds sigma_400(A) >= 0, each proved by the exact PSD test of V^T A^T A V (V = I, 400x400):
    each test is within psd_work (400^4 x 9 bits), their number is not bounded (a 64 MiB file
    holds ~270).  True and honest: accepted after 8 charpolys."""
    n = _side(400, min(1.0, 4 * scale), 16)
    reps = max(2, round(8 * scale))
    rng = random.Random(400)
    A = dyadic(n, n, _nonsingular_pm1(n, rng))
    V = identity(n)
    inputs = {"A": A}
    result = {"rank": n, "approximations": [], "singular_value_bounds": [{"index": n, "lower": "0"}] * reps}
    evidence = {"rank": {"minor": {"rows": list(range(n)), "cols": list(range(n))},
                         "annihilator": {"side": "right", "basis": {"shape": [n, 0], "rows": [[] for _ in range(n)]},
                                         "minor_rows": []}},
                "approximations": [],
                "singular_value_bounds": [{"V": V, "V_minor_rows": list(range(n)), "psd": {"method": "exact"}}] * reps}
    claim = "; ".join([f"rank = {n}"] + [f"sigma_{n}(A) >= 0 (about 0)"] * reps)
    return dumps(envelope("numerical_rank", inputs, result, evidence, claim))


def _json_bomb(item: bytes, scale: float) -> bytes:
    """A small accepted certificate with evidence.pad = [item, item, ...], the whole file just
    under the 64 MiB budget at scale 1 (refused after parsing: an unread field)."""
    c = committed("prop-4-not-open-1.json")
    c["evidence"]["pad"] = "@@PAD@@"
    head, tail = json.dumps(c).encode().split(b'"@@PAD@@"')
    target = int((FILE_BYTES - 4096) * scale)
    count = max(1, (target - len(head) - len(tail) - 2) // (len(item) + 1))
    return head + b"[" + b",".join([item] * count) + b"]" + tail


def json_objects(scale: float = 1.0) -> bytes:
    """64 MiB of {"a":"1"} objects (parsing alone: 35 s, 3 GB)."""
    return _json_bomb(b'{"a":"1"}', scale)


def json_empty_lists(scale: float = 1.0) -> bytes:
    """64 MiB of [] (parsing alone: 33 s, 1.7 GB)."""
    return _json_bomb(b"[]", scale)


def json_short_strings(scale: float = 1.0) -> bytes:
    """64 MiB of "12" strings (parsing alone: 8 s, 1.1 GB)."""
    return _json_bomb(b'"12"', scale)


CASES: dict[str, Case] = {
    "dyadic_exponent_blowup": Case(dyadic_exponent_blowup, 0.02, False,
                                   "700x700 dyadic numerators 1, exponent -60000: entries x exponent bits unbounded"),
    "hessian_split_sparse_dict": Case(hessian_split_sparse_dict, 0.05, False,
                                      "split Hessian at W = 0, widths 1000,60,1000: a dict of 6e7 nonzeros "
                                      "before any block-size check"),
    "symbolic_constant_product": Case(symbolic_constant_product, 0.02, False,
                                      "1000 factors (2^59)^1000: a product of constants is charged one term"),
    "landscape_nine_dense_layers": Case(landscape_nine_dense_layers, 0.02, False,
                                        "nine dense 2000x2000 layers (56 MiB): no budget on matrix-product work"),
    "saddle_64_blocks": Case(saddle_blocks, 0.05, True,
                             "true higher-order saddle split into 64 dense blocks of 300: the number of blocks "
                             "is unbounded"),
    "numerical_rank_repeated_psd": Case(numerical_rank_repeated_psd, 0.05, True,
                                        "8 exact PSD tests of 400x400: psd_work bounds one test, not their number"),
    "json_objects_64MiB": Case(json_objects, 0.01, False, 'parse: 64 MiB of {"a":"1"} objects'),
    "json_empty_lists_64MiB": Case(json_empty_lists, 0.01, False, "parse: 64 MiB of [] lists"),
    "json_short_strings_64MiB": Case(json_short_strings, 0.01, False, 'parse: 64 MiB of "12" strings'),
}


def _register_more() -> None:
    from tests.kernel import hostile_attack3, hostile_more

    for module in (hostile_more, hostile_attack3):
        CASES.update(getattr(module, "CASES", {}))  # a module imported first registers itself at its end


_register_more()
