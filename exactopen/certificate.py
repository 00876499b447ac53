"""Certificate envelope, deterministic serialisation and atomic writing (generator side).

Format (version 2), a JSON object with exactly these keys:

    format      "exactopen-certificate"
    version     2
    kind        what is certified ("rank", "nullspace", "openness", ...)
    claim       the statement in words: exactly the sentence the checker derives from what it
                verified (the generator asks the checker for it, see :func:`envelope`)
    claim_id    id of the claims catalogue (docs/claims.md) the certificate is filed under, or
                null: a label, restricted per kind by the checker, not a checked statement
    generator   {"name": "exactopen", "version": ...}
    inputs      the data the claim is about (matrices as {"shape": [m, n], "rows": [[...]]})
    result      what is asserted (a rank, a basis, a verdict)
    evidence    what lets the checker re-derive the result from the inputs

Rationals are strings "p" or "p/q" (q > 1, lowest terms).  The JSON Schema is
``certificates/schema.json``; the checker is :mod:`exactopen.kernel`.
"""

from __future__ import annotations

import json
import os
import tempfile

from flint import fmpq

from exactopen import __version__, kernel

FORMAT = "exactopen-certificate"
FORMAT_VERSION = 2


def envelope(kind: str, claim: str | None, inputs: dict, result: dict, evidence: dict,
             claim_id: str | None = None, files: list | None = None) -> dict:
    """The certificate; its ``claim`` is the statement the checker derives from the rest.

    The ``claim`` argument is ignored (kept so call sites read as before).  If the checker
    refuses the certificate, the claim says so and the caller's check will reject it.
    ``files``: the input files the inputs refer to by digest (kernel/files.py).
    """
    cert = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "kind": kind,
        "claim": "",
        "claim_id": claim_id,
        "generator": {"name": "exactopen", "version": __version__},
        "inputs": inputs,
        "result": result,
        "evidence": evidence,
    }
    try:
        cert["claim"] = kernel.statement(cert, files)
    except kernel.Rejected as exc:
        cert["claim"] = f"(refused by the checker: {exc})"
    else:
        _ACCEPTED[digest(cert)] = cert["claim"]
    return cert


_ACCEPTED: dict = {}  # digest of a certificate's canonical text -> the statement the checker derived


def digest(cert: dict) -> str:
    """SHA-256 of the certificate's canonical JSON text."""
    import hashlib

    return hashlib.sha256(json.dumps(cert, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def accepted_statement(cert: dict):
    """The statement, if the checker already accepted exactly this certificate in this process:
    :func:`envelope` ran the whole check but the claim comparison, and set the claim to the
    derived statement, so the full check would repeat the same work."""
    return _ACCEPTED.get(digest(cert))


def checked_statement(cert: dict, files: list | None = None) -> str:
    """The checker's statement for ``cert``: from :func:`accepted_statement` when this exact
    certificate was already accepted here, else by running the checker (raises
    :class:`exactopen.kernel.Rejected`; ``files``: the input files it refers to by digest)."""
    done = accepted_statement(cert)
    if done is not None and done == cert.get("claim"):
        return done
    return kernel.check(cert, files)


def dumps(cert: dict) -> str:
    """Deterministic text of a certificate (same input, same bytes)."""
    return json.dumps(cert, indent=1, ensure_ascii=False) + "\n"


def write_atomic_bytes(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename (mode 0644)."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".exactopen-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; the files are meant to be served and shared
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_atomic(path: str, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically (see :func:`write_atomic_bytes`)."""
    write_atomic_bytes(path, text.encode("utf-8"))


def write_certificate(path: str, cert: dict) -> None:
    write_atomic(path, dumps(cert))


# ---------------------------------------------------------------------------------------
# evidence writers, each paired with the checker's reader of the same shape
# ---------------------------------------------------------------------------------------

def rational_str(x) -> str:
    """Canonical text of a rational: ``"p"`` or ``"p/q"`` with q > 1 (read by
    ``kernel.primitives.rational``)."""
    x = fmpq(x)
    return str(x.p) if x.q == 1 else f"{x.p}/{x.q}"


COMPACT_ENTRIES = 1024  # a matrix with at least this many entries may be written in a binary form


def matrix_json(A, dyadic: bool = False, compact: bool = False) -> dict:
    """{"shape": [m, n], "rows": [["p/q", ...], ...]} (read by ``kernel.primitives.matrix``);
    with ``dyadic``, the compact form of :func:`dyadic_json` when every entry is a dyadic
    rational (floats, grids; a function of the values only, so certificates stay deterministic);
    with ``compact``, a matrix of at least COMPACT_ENTRIES entries is written in a binary form
    (:func:`dyadic_json` if its entries are dyadic, else :func:`integer_json`) when that is
    shorter than its rows (issue 21: the data of dense rotations share one large denominator,
    which "p/q" strings repeat in every entry); also a function of the values only."""
    if dyadic:
        out = dyadic_json(A)
        if out is not None:
            return out
    if compact and A.nrows() * A.ncols() >= COMPACT_ENTRIES:
        out = _binary_if_shorter(A)
        if out is not None:
            return out
    return {"shape": [A.nrows(), A.ncols()], "rows": [[rational_str(x) for x in r] for r in A.tolist()]}


def _binary_if_shorter(A) -> dict | None:
    """The binary form of A (dyadic, else over the common denominator) when its text is shorter
    than the rows' (estimated from the bit lengths of the entries: about 0.30103 digits a bit)."""
    out = dyadic_json(A) or integer_json(A)
    rows = 0
    for x in A.entries():
        p, q = int(x.p), int(x.q)
        rows += 4 + int(0.30103 * p.bit_length()) + 1 + (p < 0) + (int(0.30103 * q.bit_length()) + 2 if q != 1 else 0)
    binary = len(out.get("dyadic", out.get("integer"))["numerators"]) + 80
    return out if binary < rows else None


def integer_json(A) -> dict:
    """{"shape": [m, n], "integer": {"denominator": "D", "width": k, "numerators": base64}}:
    A = N / D with D the least common denominator of the entries and N an integer matrix, its
    entries k bytes each (little-endian two's complement, row-major), k as small as possible
    (1 for the zero matrix, whose D is 1) (read by ``kernel.encodings.integer``)."""
    import base64

    Z, den = A.numer_denom()
    nums = [int(x) for x in Z.entries()]
    low, high = min(nums, default=0), max(nums, default=0)
    k = max(1, (max(high.bit_length() if high > 0 else 0, (~low).bit_length() if low < 0 else 0) + 8) // 8)  # bits + sign
    data = b"".join(x.to_bytes(k, "little", signed=True) for x in nums)
    return {"shape": [A.nrows(), A.ncols()],
            "integer": {"denominator": str(int(den)), "width": k, "numerators": base64.b64encode(data).decode("ascii")}}


def dyadic_json(A) -> dict | None:
    """{"shape": [m, n], "dyadic": {"exponent": E, "width": k, "numerators": base64}}: A = 2^E N
    with N an integer matrix, its entries k bytes each (little-endian two's complement,
    row-major), k as small as possible, some entry of N odd (E = 0, k = 1 for the zero
    matrix); None when some entry's denominator is not a power of two (read by
    ``kernel.encodings.dyadic``).  A lower triangular square matrix of side >= 16 (a Cholesky
    factor) stores its lower triangle only, row by row (``"lower": true``)."""
    import base64

    Z, den = A.numer_denom()
    den = int(den)
    if den & (den - 1):
        return None
    nums = [int(x) for x in Z.entries()]
    n = A.ncols()
    lower = A.nrows() == n >= 16 and not any(nums[i * n + j] for i in range(n) for j in range(i + 1, n))
    if lower:
        nums = [x for i in range(n) for x in nums[i * n:i * n + i + 1]]
    e = -(den.bit_length() - 1)
    if e == 0 and any(nums):  # an integer matrix: take out the common power of two
        tz = min((x & -x).bit_length() - 1 for x in nums if x)
        if tz:
            nums = [x >> tz for x in nums]
            e = tz
    low, high = min(nums, default=0), max(nums, default=0)
    k = max(1, (max(high.bit_length(), (~low).bit_length() if low < 0 else 0) + 8) // 8)  # bits + sign
    data = _pack(nums, k)
    dy = {"exponent": e, "width": k, "numerators": base64.b64encode(data).decode("ascii")}
    if lower:
        dy["lower"] = True
    return {"shape": [A.nrows(), A.ncols()], "dyadic": dy}


def _pack(nums: list, k: int) -> bytes:
    """The integers ``nums`` as k-byte little-endian two's complement, concatenated (through
    numpy's int64 when k <= 8: the low k bytes of each 8-byte word are the same bytes)."""
    if k <= 8 and len(nums) > 4096:
        import numpy as np

        words = np.array(nums, dtype="<i8").view(np.uint8).reshape(len(nums), 8)
        return words[:, :k].tobytes()
    return b"".join(x.to_bytes(k, "little", signed=True) for x in nums)


def minor_evidence(rows, cols) -> dict:
    """A nonsingular square submatrix (read by ``kernel.primitives.rank_at_least``)."""
    return {"rows": list(rows), "cols": list(cols)}


def annihilator_evidence(ev) -> dict:
    """An independent annihilating basis (read by ``kernel.primitives.rank_at_most``); ``ev`` is an
    :class:`exactopen.exact.linalg.RankEvidence`."""
    return {"side": ev.side, "basis": matrix_json(ev.annihilator), "minor_rows": ev.annihilator_rows}


def rank_evidence(ev, with_rank: bool = False) -> dict:
    """rank = r by a minor and an annihilator (read by ``kernel.primitives.rank_exactly``)."""
    out = {"rank": ev.rank} if with_rank else {}
    out.update({"minor": minor_evidence(ev.rows, ev.cols), "annihilator": annihilator_evidence(ev)})
    return out


def intersection_evidence(I, with_basis: bool = False) -> dict:
    """dim N(A) ∩ C(B) (read by ``kernel.core.intersection_dim``); ``I`` is an
    :class:`exactopen.exact.linalg.Intersection`."""
    out = {"dim": I.dim, "basis": matrix_json(I.basis)} if with_basis else {}
    out.update({"preimage": matrix_json(I.preimage), "basis_minor_rows": I.basis_rows,
                "rank_B": annihilator_evidence(I.rank_B), "AB_minor": minor_evidence(I.ab_rows, I.ab_cols)})
    return out


def witness_evidence(W, rows, cols) -> dict:
    """A witness W~ of prop-4 (2) / thm-5 (i), (ii) with the full-rank minor of factor + W~
    (read by ``kernel.openness._witness``)."""
    return {"matrix": matrix_json(W), "minor": minor_evidence(rows, cols)}
