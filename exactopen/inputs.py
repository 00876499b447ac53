"""Reading matrices from user input (generator side): JSON files, inline JSON, .npy/.npz.

A SPEC is an inline JSON literal (``'[[1],[1]]'``, ``'[["1/2", 0]]'``) or a file path,
optionally followed by ``:NAME`` to pick one matrix from a JSON object or an ``.npz``
archive.  JSON numbers are read from their decimal text, exactly (``0.1`` is 1/10);
NaN/Infinity are refused.  Binary floats from ``.npy``/``.npz`` are converted exactly only
when the caller asks for the numeric path (``numeric=True``).  Every problem raises
:class:`InputError` with one line naming it.
"""

from __future__ import annotations

import json
import os

from flint import fmpq_mat

from exactopen.errors import InputError
from exactopen.exact.numbers import from_float, parse_rational


def _reject_constant(name):
    raise InputError(f"{name} is not a finite number")


def _parse_int(s: str):
    # Very long integer literals stay text (read exactly by parse_rational): ``int`` refuses
    # more than 4300 digits.
    return int(s) if len(s) <= 4000 else s


def loads_json(text: str, where: str):
    """JSON with exact decimals: floats stay as their text, NaN/Infinity are refused."""
    try:
        return json.loads(text, parse_float=lambda s: s, parse_int=_parse_int, parse_constant=_reject_constant)
    except InputError as exc:
        raise InputError(f"{where}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: not valid JSON ({exc.msg})") from None
    except RecursionError:
        raise InputError(f"{where}: not valid JSON (nested too deeply)") from None


def parse_matrix(obj, where: str = "matrix", allow_empty: bool = False) -> fmpq_mat:
    """Exact matrix from nested lists (or the certificate encoding {"shape", "rows"})."""
    if isinstance(obj, dict) and "shape" in obj and "rows" in obj:
        shape, rows = obj["shape"], obj["rows"]
        if not (isinstance(shape, list) and len(shape) == 2
                and all(isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape)):
            raise InputError(f"{where}: 'shape' must be [rows, cols]")
        m, n = shape
        if not (isinstance(rows, list) and len(rows) == m and all(isinstance(r, list) and len(r) == n for r in rows)):
            raise InputError(f"{where}: rows do not match shape {shape}")
        return fmpq_mat(m, n, [parse_rational(x, f"{where}[{i}][{j}]")
                               for i, r in enumerate(rows) for j, x in enumerate(r)])
    if not isinstance(obj, list):
        raise InputError(f"{where}: expected a list of rows, got {type(obj).__name__}")
    if not obj:
        if allow_empty:
            return fmpq_mat(0, 0)
        raise InputError(f"{where}: empty matrix")
    if not all(isinstance(r, list) for r in obj):
        raise InputError(f"{where}: expected a list of rows (a list of lists); write a row vector as [[1, 2]]")
    n = len(obj[0])
    for i, r in enumerate(obj):
        if len(r) != n:
            raise InputError(f"{where}: ragged rows (row 0 has {n} entries, row {i} has {len(r)})")
    if n == 0 and not allow_empty:
        raise InputError(f"{where}: empty matrix (rows have no entries)")
    entries = [parse_rational(x, f"{where}[{i}][{j}]") for i, r in enumerate(obj) for j, x in enumerate(r)]
    return fmpq_mat(len(obj), n, entries)


def _from_array(arr, where: str, numeric: bool) -> fmpq_mat:
    import numpy as np

    if arr.ndim != 2:
        raise InputError(f"{where}: expected a 2-D array, got {arr.ndim}-D")
    if arr.size == 0:
        raise InputError(f"{where}: empty array")
    kind = arr.dtype.kind
    if kind in "iu":
        vals = [parse_rational(int(x)) for x in arr.ravel()]
    elif kind == "f":
        if not numeric:
            raise InputError(f"{where}: float array; pass --from-float to convert binary floats exactly")
        if not np.all(np.isfinite(arr)):
            raise InputError(f"{where}: array contains NaN or infinity")
        vals = [from_float(float(x), where) for x in arr.ravel()]
    else:
        raise InputError(f"{where}: unsupported array dtype {arr.dtype}")
    return fmpq_mat(arr.shape[0], arr.shape[1], vals)


def _split_name(spec: str) -> tuple[str, str | None]:
    if os.path.exists(spec):
        return spec, None
    path, sep, name = spec.rpartition(":")
    if sep and path and name and os.path.exists(path):
        return path, name
    return spec, None


def _read_raw(path: str) -> dict:
    """The unconverted contents of a file by name: numpy arrays or JSON values ('' = single)."""
    if not os.path.exists(path):
        raise InputError(f"{path}: no such file")
    low = path.lower()
    if low.endswith(".npz") or low.endswith(".npy"):
        import numpy as np

        try:
            data = np.load(path, allow_pickle=False)
        except Exception as exc:  # numpy raises many types on bad files
            raise InputError(f"{path}: cannot read as a numpy file ({exc})") from None
        if low.endswith(".npy"):
            return {"": data}
        try:  # an .npz is read lazily: member errors surface here
            return {k: data[k] for k in data.files}
        except Exception as exc:
            raise InputError(f"{path}: cannot read as a numpy file ({exc})") from None
        finally:
            data.close()
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: cannot read: not UTF-8 text (byte {exc.start}; binary arrays go in .npy/.npz)") from None
    obj = loads_json(text, path)
    if isinstance(obj, dict) and not ("shape" in obj and "rows" in obj):
        return dict(obj)
    return {"": obj}


def _convert(raw, where: str, numeric: bool) -> fmpq_mat:
    if hasattr(raw, "dtype") and hasattr(raw, "ndim"):
        return _from_array(raw, where, numeric)
    return parse_matrix(raw, where)


def load_named(spec: str, numeric: bool = False) -> dict[str, fmpq_mat]:
    """All matrices of a file (JSON object or .npz) by name; a single matrix under ''."""
    path, _ = _split_name(spec)
    raw = _read_raw(path)
    return {k: _convert(v, f"{path}:{k}" if k else path, numeric) for k, v in raw.items()}


def load_matrix(spec: str, numeric: bool = False, what: str = "matrix") -> fmpq_mat:
    """One exact matrix from a SPEC (inline JSON, FILE, or FILE:NAME).

    Only the chosen matrix is converted: other entries of the file may be of another kind.
    """
    if not isinstance(spec, str) or not spec.strip():
        raise InputError(f"{what}: empty specification")
    s = spec.strip()
    if s[0] in "[{":
        obj = loads_json(s, what)
        if isinstance(obj, dict) and not ("shape" in obj and "rows" in obj):
            raise InputError(f"{what}: inline JSON must be a matrix (a list of rows)")
        return parse_matrix(obj, what)
    path, name = _split_name(s)
    raw = _read_raw(path)
    if name is not None:
        if name not in raw:
            names = ", ".join(sorted(k for k in raw if k)) or "none"
            raise InputError(f"{path}: no matrix named {name!r} (has: {names})")
        return _convert(raw[name], f"{path}:{name}", numeric)
    if len(raw) == 1:
        key = next(iter(raw))
        return _convert(raw[key], f"{path}:{key}" if key else path, numeric)
    raise InputError(f"{path}: holds several matrices ({', '.join(sorted(raw))}); pick one with {path}:NAME")
