"""Input files referenced by digest: the problem apart from the proof, as an LRAT proof refers
to its CNF file.

A matrix anywhere in a certificate may be given as
``{"shape": [m, n], "file": {"sha256": H, "array": NAME or null, "transpose": false}}``: the
2-D array stored in the NumPy file whose bytes have SHA-256 ``H`` -- a ``.npy`` file
(``array`` null) or the member ``NAME.npy`` of an ``.npz`` archive -- transposed if asked,
with the exact value of every entry (a float64 or float32 is a dyadic rational; integer
arrays are integers).  The files are given to the check (``exactopen verify CERT --inputs
FILE...``, ``python -m exactopen.kernel --inputs FILE... -- CERT``); a reference to a file
that was not given is a rejection naming its digest.  The statement of a certificate that
read files ends with their digests, so the claim says which data it is about.

The reader is plain: the ``.npy`` header must be the dictionary NumPy writes (``descr`` one of
little/big-endian float64, float32, int64, int32, int16, int8; ``fortran_order``; a 2-D
``shape``), read by a regular expression, never evaluated; ``.npz`` members are read with
:mod:`zipfile` after their sizes were checked.  Every step is charged to the meter: hashing
the files, reading the members, converting the entries (their bits are measured before the
matrix is formed).
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import sys
import zipfile
from array import array

import exactopen.kernel.primitives as primitives
from exactopen.kernel.primitives import (
    _LEDGER,
    BUDGET,
    Malformed,
    field,
    grow_budget,
    require,
)
from exactopen.kernel.work import METER, PY, QM, ZM, entry_cost

_DIGEST = re.compile(r"[0-9a-f]{64}")
_HEADER = re.compile(r"\{'descr': '([<>|=])([fi])([1248])', 'fortran_order': (True|False), "
                     r"'shape': \(([0-9]{1,9}), ([0-9]{1,9})\), \}[ ]*\n")
_CODES = {("f", 8): "d", ("f", 4): "f", ("i", 8): "q", ("i", 4): "i", ("i", 2): "h", ("i", 1): "b"}
_ARRAY = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,63}")


class Inputs:
    """The files given to the check in progress: SHA-256 digest -> bytes; the references read
    (place, digest, array, transpose), the digests read (their sizes joined the budget), the
    .npz directories opened; ``keep``: the generator asks that the next check keep what this
    process decoded and computed for the same inputs (the hand-over of ``exactopen validate``)."""
    def __init__(self):
        self.by_digest: dict = {}
        self.names: dict = {}
        self.used: list = []
        self.read: set = set()
        self.zips: dict = {}
        self.keep = False


FILES = Inputs()
# Matrices decoded from the given files, kept for the next check only when the generator
# hands over (FILES.keep): (digest, array, transpose, m, n) -> (ZM, denominator).  The same
# bytes decode to the same matrix; the next check holds their memory from its start.
_DECODED: dict = {}
# Exact values the kernel computed (kernel/network.py: the loss and gradient norm of a problem,
# the loss at a point), under keys naming every matrix by the SHA-256 of its encoding
# (:func:`memo_key`); kept for the next check only on a hand-over, like ``_DECODED``.
MEMO: dict = {}


def provide(paths, limit: int) -> int:
    """Read the input files ``paths`` for the next check (at most ``limit`` bytes in all);
    return their total size.  An unreadable file or too many bytes: ``ValueError`` (the caller
    reports it as an unreadable input, exit 2)."""
    FILES.by_digest, FILES.names, FILES.used, FILES.read, FILES.zips = {}, {}, [], set(), {}
    total = 0
    for path in paths or ():
        try:
            with open(path, "rb") as fh:
                data = fh.read(limit - total + 1)
        except OSError as exc:
            raise ValueError(f"{path}: cannot read ({exc.strerror or exc})") from None
        total += len(data)
        if total > limit:
            raise ValueError(f"the input files hold more than the budget input_bytes = {limit} bytes")
        d = hashlib.sha256(data).hexdigest()
        FILES.by_digest[d] = data
        FILES.names[d] = str(path)
    for key in [k for k in _DECODED if k[0] not in FILES.by_digest]:
        del _DECODED[key]
    return total


def clear() -> None:
    FILES.by_digest, FILES.names, FILES.used, FILES.read, FILES.zips = {}, {}, [], set(), {}


def forget_unless_handed_over() -> None:
    """At the start of a check: drop what earlier checks decoded and computed, unless the
    generator handed it over to this one (then hold its memory in this check)."""
    keep, FILES.keep = FILES.keep, False
    if not keep:
        _DECODED.clear()
        MEMO.clear()


def hold_kept() -> None:
    """Called when the meter starts a check: the matrices kept from the hand-over are held by it."""
    for Z, _ in _DECODED.values():
        Z._hold(Z._bytes, "a matrix decoded from an input file")
    for key, value in MEMO.items():
        if key[0] == "gram":  # the Gram blocks X X^T, Y X^T the generator formed
            for Z, _ in value:
                Z._hold(Z._bytes, "a Gram block computed before for the same inputs")


def reference(obj, where: str):
    """(digest, array name or None, transpose) of a file reference, every field checked."""
    for key in obj:
        require(key in ("sha256", "array", "transpose"), f"{where}.{key}: unknown field")
    d = field(obj, "sha256", str, where)
    require(_DIGEST.fullmatch(d) is not None, f"{where}.sha256 is not 64 lowercase hexadecimal digits")
    require("array" in obj, f"{where} has no 'array'")
    name = obj["array"]
    require(name is None or (isinstance(name, str) and _ARRAY.fullmatch(name) is not None),
            f"{where}.array must be null (a .npy file) or the name of an .npz member")
    t = field(obj, "transpose", bool, where)
    return d, name, t


def file_matrix(obj, m: int, n: int, where: str) -> QM:
    """The m x n matrix a file reference names (module docstring): only in the inputs of the
    certificate being checked (not in evidence, not in nested certificates), so the statement
    can say which input each file is."""
    require(where.startswith("inputs.") and len(_LEDGER.stack) <= 1,
            f"{where}: a matrix may refer to an input file only in the inputs of the certificate checked")
    d, name, transpose = reference(obj, where)
    data = FILES.by_digest.get(d)
    require(data is not None, f"{where}: the input file with SHA-256 {d} was not given "
                              "(verify with --inputs FILE...)")
    FILES.used.append((where.removesuffix(".file"), d, name, transpose))
    if d not in FILES.read:  # the file joins the budget when it is first read
        FILES.read.add(d)
        grow_budget(len(data), "an input file")
    hit = _DECODED.get((d, name, transpose, m, n))
    if hit is not None:
        Z, den = hit
        METER.charge(m * n, f"{where}: the matrix decoded before from the same file")
        Z._hold(Z._bytes, where)
        return QM.integer(Z, den, where)
    if name is not None:
        data = _member(d, data, name, where)
    code, fortran, rows, cols, body = _npy(data, where)
    if transpose:
        rows, cols = cols, rows
        fortran = not fortran
    require((rows, cols) == (m, n), f"{where}: the array is {rows}x{cols}, shape says {m}x{n}")
    A = _exact(code, body, m, n, fortran, where)
    while len(_DECODED) >= 8:
        _DECODED.pop(next(iter(_DECODED)))
    _DECODED[(d, name, transpose, m, n)] = A.numer_denom()
    return A


def _member(d: str, data: bytes, name: str, where: str) -> bytes:
    """The bytes of the member NAME.npy of the .npz archive ``data`` (digest ``d``); the
    archive's directory is read once per check, charged by its entries (bounded by the count of
    their signature in the bytes) before it is parsed."""
    zf = FILES.zips.get(d)
    if zf is None:
        entries = data.count(b"PK\x01\x02")
        METER.charge(len(data) // 64 + 12_000 * entries, f"{where}: reading the .npz directory ({entries} entries)")
        METER.hold(700 * entries, f"{where}: the .npz directory")
        try:
            zf = zipfile.ZipFile(io.BytesIO(data))
        except Exception:  # noqa: BLE001 - zipfile raises many types on hostile archives
            raise Malformed(f"{where}: the input file is not an .npz (zip) archive it can read") from None
        FILES.zips[d] = zf
    try:
        info = zf.getinfo(name + ".npy")
    except KeyError:
        require(False, f"{where}: the .npz archive has no array {name!r}")
    require(info.file_size <= 2 * len(data) + (1 << 20) or info.compress_type == zipfile.ZIP_STORED,
            f"{where}: the member {name}.npy expands to {info.file_size} bytes (a compressed archive may "
            "expand at most twofold)")
    METER.need(info.file_size, f"{where}: the member {name}.npy")
    METER.charge(2 * info.file_size, f"{where}: reading the member {name}.npy")
    try:
        with zf.open(info) as fh:
            out = fh.read(info.file_size + 1)
    except Exception as exc:  # noqa: BLE001 - encrypted, corrupt streams, unsupported versions...
        raise Malformed(f"{where}: cannot read the member {name}.npy ({type(exc).__name__}: {str(exc)[:100]})") from None
    if len(out) != info.file_size:
        raise Malformed(f"{where}: the member {name}.npy is not the size its directory says")
    return out


def _npy(data: bytes, where: str):
    """(array typecode, Fortran order, rows, cols, the data bytes, byte-swapped if needed) of a
    .npy file."""
    if len(data) < 10 or data[:6] != b"\x93NUMPY" or data[6] not in (1, 2, 3):
        raise Malformed(f"{where}: not a .npy file (no NumPy magic string)")
    if data[6] == 1:
        hl, start = int.from_bytes(data[8:10], "little"), 10
    else:
        hl, start = int.from_bytes(data[8:12], "little"), 12
    if hl > 4096 or start + hl > len(data):
        raise Malformed(f"{where}: the .npy header is too long or truncated")
    try:
        header = data[start:start + hl].decode("latin-1")
    except UnicodeDecodeError:  # pragma: no cover - latin-1 decodes every byte
        raise Malformed(f"{where}: the .npy header is not text") from None
    mt = _HEADER.fullmatch(header)
    if mt is None:
        raise Malformed(f"{where}: the .npy header is not a 2-D array of float64, float32 or integers as NumPy "
                        f"writes it: {header.strip()[:120]!r}")
    order, kind, size = mt.group(1), mt.group(2), int(mt.group(3))
    code = _CODES.get((kind, size))
    if code is None or (order == "|") != (size == 1):
        raise Malformed(f"{where}: the .npy dtype {order}{kind}{size} is not read (float64, float32, int64..int8)")
    rows, cols = int(mt.group(5)), int(mt.group(6))

    if rows * cols > BUDGET["entries"]:
        raise Malformed(f"{where}: the array has {rows * cols} entries, beyond the checker's budget "
                        f"entries = {BUDGET['entries']}")
    body = data[start + hl:]
    if len(body) != rows * cols * size:
        raise Malformed(f"{where}: the .npy data holds {len(body)} bytes, a {rows}x{cols} array of {size}-byte "
                        f"entries holds {rows * cols * size}")
    swap = size > 1 and order != "=" and (order == "<") != (sys.byteorder == "little")
    return code + ("!" if swap else ""), mt.group(4) == "True", rows, cols, body


def _exact(code: str, body: bytes, m: int, n: int, fortran: bool, where: str) -> QM:
    """The exact matrix of the entries: integers as they are; floats x = p / 2^k over the
    common denominator 2^K (K the largest k), numerators p 2^(K - k), measured before they are
    made."""
    swap = code.endswith("!")
    vals = array(code.rstrip("!"))
    METER.need(len(body) * 4 + m * n * 40, f"{where}: the entries of a {m}x{n} array")
    METER.charge(m * n * PY, f"{where}: reading a {m}x{n} array")
    vals.frombytes(body)
    if swap:
        vals.byteswap()
    if code[0] in "df":
        if not all(map(math.isfinite, vals)):
            raise Malformed(f"{where}: the array holds a NaN or an infinity")
        # every float is m 2^(e - 53) with an integer m < 2^53 (frexp's e): 2^K with K = 53 - the
        # least exponent of a nonzero entry is a common denominator (not always the least)
        low = min(map(abs, filter(None, vals)), default=0.0)
        top = max(map(abs, vals), default=0.0)
        K = max(0, 53 - math.frexp(low)[1]) if low else 0
        nb = math.frexp(top)[1] + K + 1 if top else 1
        METER.need(m * n * (16 + 2 * (48 + nb // 8)), f"{where}: the exact {m}x{n} matrix")
        METER.charge(m * n * (PY + entry_cost(nb)), f"{where}: the exact entries of a {m}x{n} array")
        if nb < 1020 and K < 1000:  # x 2^K is an integer float: exact, no overflow
            s = 2.0 ** K
            nums = [int(x * s) for x in vals]
        else:
            nums = [p << (K - q.bit_length() + 1) for p, q in map(float.as_integer_ratio, vals)]
        den = 1 << K
    else:
        nums, den = vals.tolist(), 1
        nb = max((abs(x).bit_length() for x in nums), default=0) + 1
    del vals
    if fortran:  # column-major data: the n x m matrix row by row, transposed
        Z = ZM.new(n, m, nums, nb, where).transpose()
    else:
        Z = ZM.new(m, n, nums, nb, where)
    del nums
    return QM.integer(Z, den, where)


def statement_suffix() -> str:
    """What the statement of a check that read input files adds: each input read from a file,
    by its place, the file's SHA-256 and the array (transposed if so)."""
    if not FILES.used:
        return ""
    seen, parts = set(), []
    for place, d, name, t in FILES.used:
        text = f"{place} = " + (f"array {name} of " if name else "") + f"the file with SHA-256 {d}" + (
            ", transposed" if t else "")
        if text not in seen:
            seen.add(text)
            parts.append(text)
    return " [inputs read from files: " + "; ".join(parts) + "]"


def memo_key(obj, m: int, n: int):
    """A key naming the exact matrix ``obj`` encodes (a file reference or the dyadic form), or
    None (the rows form): equal keys give equal matrices (the SHA-256 of the encoding)."""
    if not isinstance(obj, dict):
        return None
    if "file" in obj:
        ref = obj["file"]
        return ("file", m, n, ref.get("sha256"), ref.get("array"), ref.get("transpose"))
    if "dyadic" in obj:
        dy = obj["dyadic"]
        text = dy.get("numerators")
        if not isinstance(text, str):
            return None
        h = hashlib.sha256(text.encode("ascii", "replace")).hexdigest()
        return ("dyadic", m, n, dy.get("exponent"), dy.get("width"), dy.get("lower"), h)
    return None


primitives.FILE_MATRIX = file_matrix  # matrix() reads {"file": ...} with it
primitives.START_HOOKS.append(hold_kept)  # every check holds what a hand-over kept
