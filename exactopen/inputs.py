"""Reading user input (generator side): the one reader of user files.

Matrices: JSON files, inline JSON, ``.npy``/``.npz``.  A SPEC is an inline JSON literal
(``'[[1],[1]]'``, ``'[["1/2", 0]]'``) or a file path, optionally followed by ``:NAME`` to pick
one matrix from a JSON object or an ``.npz`` archive.  JSON numbers are read from their
decimal text, exactly (``0.1`` is 1/10); NaN/Infinity are refused.  Binary floats from
``.npy``/``.npz`` are converted exactly (:func:`exactopen.exact.floats.to_exact`) only when
the caller asks for the numeric path (``numeric=True``).

Trained weights (``exactopen validate``): :func:`load_weights` reads layers W1..Wh from an
``.npz``/JSON file (through the same matrix reader) or a PyTorch ``state_dict``
(``.pt``/``.pth``, torch imported lazily); :func:`load_problem` adds X and Y (the exact network is
:func:`exactopen.landscape.network.network_from_arrays` / ``Network.build``).

Python objects (the API): :func:`as_matrix` reads nested lists, numpy arrays, tensors
(:mod:`exactopen.tensors`), SymPy matrices, ``fmpq_mat`` and paths; :func:`layers_of_mapping`
reads named layers (a ``state_dict``, an ``.npz``, a dict), for files and the API alike
(:mod:`exactopen.models` reads whole models); :func:`parameter_texts` turns SymPy symbols into
the texts the parametric readers parse.

Every problem raises :class:`InputError` with one line naming it.
"""

from __future__ import annotations

import json
import os
import re

from flint import fmpq_mat

from exactopen.errors import InputError
from exactopen.exact.floats import to_exact
from exactopen.exact.numbers import parse_rational
from exactopen.tensors import is_tensor, is_torch_module, linear_weight, tensor_to_exact

_LAYER = re.compile(r"W(\d+)")
TORCH_SUFFIXES = (".pt", ".pth")


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


def as_matrix(obj, what: str = "matrix") -> fmpq_mat:
    """An exact matrix from what a Python user has at hand: an ``fmpq_mat``; nested lists or
    tuples of ints, Fractions, python-flint rationals, strings ("3", "-1/2", "0.25", "1e-3") or
    binary floats (converted exactly: every float is a dyadic rational); a numpy array (floats
    converted exactly); a SymPy matrix of rational numbers; or the certificate encoding
    {"shape", "rows"}.  Anything else raises :class:`InputError` naming ``what``."""
    if isinstance(obj, fmpq_mat):
        return obj
    if isinstance(obj, (str, os.PathLike)):  # a file (.npy, .npz, .pt, JSON) or inline JSON
        return load_data(os.fspath(obj), what)
    if is_tensor(obj):
        return tensor_to_exact(obj, what)
    if is_torch_module(obj):  # an nn.Linear: its weight
        return tensor_to_exact(linear_weight(obj, what), what)
    if hasattr(obj, "dtype") and hasattr(obj, "ndim"):  # numpy array (or array-like with a dtype)
        return to_exact(obj, what, floats=True)
    if hasattr(obj, "is_Matrix") or type(obj).__module__.startswith("sympy"):  # a SymPy matrix
        rows = obj.tolist()
        out = [[_sympy_number(x, f"{what}[{i}][{j}]") for j, x in enumerate(r)] for i, r in enumerate(rows)]
        return parse_matrix(out, what, allow_empty=True) if out else fmpq_mat(0, 0)
    if isinstance(obj, (list, tuple)):
        rows = [list(r) if isinstance(r, (list, tuple)) else r for r in obj]
        conv = [[_exact_entry(x, f"{what}[{i}][{j}]") for j, x in enumerate(r)] if isinstance(r, list) else r
                for i, r in enumerate(rows)]
        return parse_matrix(conv, what)
    if isinstance(obj, dict):
        return parse_matrix(obj, what)
    raise InputError(f"{what}: {type(obj).__name__} is not a matrix (nested lists, a numpy array, a SymPy "
                     "matrix or an fmpq_mat)")


def _exact_entry(x, where: str):
    """Python floats (and numpy scalars) are converted exactly; everything else is left to
    :func:`parse_rational`."""
    from exactopen.exact.numbers import from_float

    if is_tensor(x):
        if x.dim() != 0:
            raise InputError(f"{where}: a {x.dim()}-D tensor is not a number (pass the whole matrix as one tensor)")
        x = x.detach().cpu().double().item()
    if isinstance(x, float) or (hasattr(x, "dtype") and getattr(x.dtype, "kind", "") == "f"):
        return from_float(float(x), where)
    if hasattr(x, "dtype") and getattr(x.dtype, "kind", "") in "iu":
        return int(x)
    if type(x).__module__.startswith("sympy"):
        return _sympy_number(x, where)
    return x


def _sympy_number(x, where: str):
    """The exact value of a SymPy number (a Float exactly: it is a binary float); a symbol or an
    expression in symbols is refused, saying where parameters are taken."""
    from flint import fmpq

    if getattr(x, "is_Rational", False):
        return fmpq(int(x.p), int(x.q))
    if getattr(x, "is_Float", False):
        from sympy import Rational

        q = Rational(x)
        return fmpq(int(q.p), int(q.q))
    if getattr(x, "free_symbols", None):
        raise InputError(f"{where}: {x} names a parameter; only exactopen.openness and exactopen.chain take "
                         "parameters (SymPy symbols or strings such as \"x\"); elsewhere give numbers")
    raise InputError(f"{where}: {x} is not a rational number")


# ---------------------------------------------------------------------------------------
# parameters (exactopen.openness, exactopen.chain): SymPy symbols as well as strings
# ---------------------------------------------------------------------------------------

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*", re.ASCII)


def parameter_texts(obj, what: str):
    """A matrix whose entries may be SymPy symbols or polynomials in them (a SymPy matrix, or
    nested lists holding SymPy objects) as nested lists of the texts the parametric readers parse
    (``x``, ``2*a^2 - 1/3``); anything else is returned unchanged.  The SymPy object is read term
    by term (``Poly``), never through text: coefficients must be rational."""
    sympy_matrix = hasattr(obj, "is_Matrix") and type(obj).__module__.startswith("sympy")
    if not sympy_matrix and not (isinstance(obj, (list, tuple)) and any(
            type(x).__module__.startswith("sympy") for r in obj if isinstance(r, (list, tuple)) for x in r)):
        return obj
    rows = obj.tolist() if sympy_matrix else [list(r) if isinstance(r, (list, tuple)) else r for r in obj]
    if not sympy_matrix and not any(getattr(x, "free_symbols", None) for r in rows if isinstance(r, list) for x in r):
        return obj  # numbers only: the plain reader takes them
    return [[_entry_text(x, f"{what}[{i}][{j}]") for j, x in enumerate(r)] if isinstance(r, list) else r
            for i, r in enumerate(rows)]


def _entry_text(x, where: str):
    from fractions import Fraction

    from flint import fmpq

    if not type(x).__module__.startswith("sympy"):
        if isinstance(x, (Fraction, fmpq)):
            return str(x)
        return x  # ints and strings as they are; the parametric reader refuses the rest
    from sympy import Poly, PolynomialError

    syms = sorted(x.free_symbols, key=str)
    if not syms:
        q = _sympy_number(x, where)
        return str(q)
    bad = [str(s) for s in syms if not _NAME.fullmatch(str(s))]
    if bad:
        raise InputError(f"{where}: parameter name {bad[0]!r} is not a name (letters, digits, _)")
    try:
        p = Poly(x, *syms)
    except PolynomialError:
        p = None
    if p is None or not (p.domain.is_ZZ or p.domain.is_QQ):
        raise InputError(f"{where}: {x} is not a rational number or a polynomial in parameters with rational "
                         "coefficients")
    terms = []
    for monom, c in p.terms():
        factors = [str(s) if e == 1 else f"{s}^{e}" for s, e in zip(syms, monom) if e]
        terms.append("*".join([f"({c})"] + factors))
    return " + ".join(terms) or "0"


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
        return to_exact(raw, where, floats=numeric)
    return parse_matrix(raw, where)


def load_named(spec: str, numeric: bool = False) -> dict[str, fmpq_mat]:
    """All matrices of a file (JSON object or .npz) by name; a single matrix under ''."""
    path, _ = _split_name(spec)
    raw = _read_raw(path)
    return {k: _convert(v, f"{path}:{k}" if k else path, numeric) for k, v in raw.items()}


def load_raw(spec: str, what: str = "matrix"):
    """The chosen matrix of a SPEC (inline JSON, FILE, or FILE:NAME), not yet converted: a JSON
    value or a numpy array, with the place it came from.  (Entries may name parameters: the
    parametric readers convert them themselves.)"""
    if not isinstance(spec, str) or not spec.strip():
        raise InputError(f"{what}: empty specification")
    s = spec.strip()
    if s[0] in "[{":
        obj = loads_json(s, what)
        if isinstance(obj, dict) and not ("shape" in obj and "rows" in obj):
            raise InputError(f"{what}: inline JSON must be a matrix (a list of rows)")
        return obj, what
    path, name = _split_name(s)
    raw = _read_raw(path)
    if name is not None:
        if name not in raw:
            names = ", ".join(sorted(k for k in raw if k)) or "none"
            raise InputError(f"{path}: no matrix named {name!r} (has: {names})")
        return raw[name], f"{path}:{name}"
    if len(raw) == 1:
        key = next(iter(raw))
        return raw[key], (f"{path}:{key}" if key else path)
    raise InputError(f"{path}: holds several matrices ({', '.join(sorted(raw))}); pick one with {path}:NAME")


def load_matrix(spec: str, numeric: bool = False, what: str = "matrix") -> fmpq_mat:
    """One exact matrix from a SPEC (inline JSON, FILE, or FILE:NAME), or from Python objects
    (see :func:`as_matrix`).

    Only the chosen matrix is converted: other entries of the file may be of another kind.
    """
    if not isinstance(spec, str):  # Python objects (nested lists, arrays, ...): the API path
        return as_matrix(spec, what)
    raw, where = load_raw(spec, what)
    return _convert(raw, where, numeric)


# ---------------------------------------------------------------------------------------
# trained weights (exactopen validate)
# ---------------------------------------------------------------------------------------

_INDEXED = re.compile(r"^(?:(.*)\.)?(\d+)\.weight$")


def linear_layer_keys(entries: dict, path: str) -> list:
    """The keys of the layers W_1..W_h among a state_dict's or a file's arrays (``entries``:
    key -> shape, in file order), refusing in one line what is not a bias-free linear network:
    biases ('*.bias', 'b1', ...), gaps in the indices of an nn.Sequential (a non-linear module
    such as ReLU sits there), and weights that are not 2-D (convolutions, embeddings)."""
    for key in entries:
        if key.endswith("bias") or re.fullmatch(r"b\d+", key):
            raise InputError(f"{path}: '{key}' is a bias; exactopen analyses bias-free linear networks "
                             "(nn.Linear(..., bias=False)); drop the bias if it is zero")
    if all(_LAYER.fullmatch(k) or not k.endswith("weight") for k in entries):  # W1..Wh naming
        keys = {int(m.group(1)): k for k in entries if (m := _LAYER.fullmatch(k))}
        if not keys:
            raise InputError(f"{path}: no layers found (name them W1, W2, ..., input layer first, or save a "
                             "PyTorch state_dict)")
        h = max(keys)
        missing = [i for i in range(1, h + 1) if i not in keys]
        if missing:
            raise InputError(f"{path}: layers must be W1..W{h}; missing W{missing[0]}")
        ordered = [keys[i] for i in range(1, h + 1)]
    else:
        ordered = [k for k in entries if k.endswith("weight")]
        others = [k for k in entries if not k.endswith("weight")]
        if others:
            raise InputError(f"{path}: unexpected entry '{others[0]}' (expected '...weight' tensors of bias-free "
                             "nn.Linear layers)")
        idx = [m for k in ordered if (m := _INDEXED.match(k))]
        if idx and len(idx) == len(ordered):
            nums = [int(m.group(2)) for m in idx]
            gaps = [b for a, b in zip(nums, nums[1:]) if b != a + 1]
            if gaps:
                raise InputError(f"{path}: layer indices {', '.join(map(str, nums))} have gaps: a module without "
                                 "weights (e.g. a ReLU) sits between the linear layers; exactopen analyses linear "
                                 "networks only")
    for k in ordered:
        if len(entries[k]) != 2:
            raise InputError(f"{path}: '{k}' has shape {tuple(entries[k])}, not a 2-D weight matrix (only "
                             "nn.Linear layers are supported)")
    return ordered


def _torch_load(path: str):
    """torch.load with weights_only=True (torch imported lazily), errors in one line."""
    try:
        import torch
    except ImportError:
        raise InputError(f"{path}: reading a PyTorch file needs torch (pip install 'exactopen[torch]')") from None
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # noqa: BLE001  (torch raises many types on bad files)
        text = " ".join(str(exc).split())
        if "weights_only" in text or "global" in text.lower():
            raise InputError(f"{path}: this looks like a whole pickled model (torch.save(model)); save "
                             "model.state_dict() instead: torch.save(model.state_dict(), PATH)") from None
        raise InputError(f"{path}: cannot read as a PyTorch file ({type(exc).__name__}: {text[:200]})") from None


def load_torch_state_dict(path: str) -> tuple[list, list]:
    """(layers W_1..W_h, their keys) from a PyTorch state_dict of bias-free nn.Linear layers.

    float32/float16 weights are widened to float64 exactly."""
    sd = _torch_load(path)
    if not isinstance(sd, dict):
        raise InputError(f"{path}: expected a state_dict (a dict of tensors), got {type(sd).__name__}; save "
                         "model.state_dict()")
    layers, keys, _ = layers_of_mapping(sd, path)
    return layers, keys


def array_shape(v) -> tuple:
    """The shape of a tensor, an array, the {"shape", "rows"} encoding or nested lists (() if none)."""
    if hasattr(v, "shape"):
        return tuple(v.shape)
    if isinstance(v, dict) and "shape" in v:
        return tuple(v["shape"]) if isinstance(v["shape"], list) else ()
    return (len(v), 0) if isinstance(v, list) and all(isinstance(r, list) for r in v) else ()


def layers_of_mapping(entries, where: str) -> tuple[list, list, dict]:
    """(layers W_1..W_h, their keys, the other entries exactly by name) of a mapping: a PyTorch
    ``state_dict`` (in its order) or arrays named W1..Wh (an .npz, a JSON object, a dict), with
    X and Y allowed beside them.  The one reader of named layers, for files and for the API."""
    for key, val in entries.items():
        if not isinstance(key, str):
            raise InputError(f"{where}: key {key!r} is not a name (a state_dict or arrays named W1..Wh)")
        if is_torch_module(val):
            raise InputError(f"{where}: entry {key!r} is a module, not a tensor (pass model.state_dict() or the "
                             "model itself)")
        if isinstance(val, (str, os.PathLike)):
            raise InputError(f"{where}: entry {key!r} is a string, not a matrix")
    shapes = {k: array_shape(v) for k, v in entries.items()}
    keys = linear_layer_keys({k: s for k, s in shapes.items() if k not in ("X", "Y")}, where)
    named = {k: as_matrix(v, f"{where}:{k}") for k, v in entries.items()}
    return [named[k] for k in keys], keys, {k: v for k, v in named.items() if k not in keys}


def load_weights(path: str) -> tuple[list, dict, list]:
    """(layers W_1..W_h, other matrices in the file by name (e.g. X, Y), the layers' names),
    floats exactly.  .npz / JSON: arrays named W1..Wh; .pt/.pth: a torch state_dict."""
    if not os.path.exists(path):
        raise InputError(f"{path}: no such file")
    if path.lower().endswith(TORCH_SUFFIXES):
        layers, keys = load_torch_state_dict(path)
        return layers, {}, keys
    layers, keys, rest = layers_of_mapping(_read_raw(path), path)
    return layers, rest, keys


def load_data(spec: str, what: str):
    """X or Y for validate: a SPEC as for :func:`load_matrix` (floats exact), or a .pt/.pth file
    holding one tensor (or a dict with one tensor)."""
    path = spec.rpartition(":")[0] if ":" in spec and not os.path.exists(spec) else spec
    if path.lower().endswith(TORCH_SUFFIXES) and os.path.exists(path):
        obj = _torch_load(path)
        if isinstance(obj, dict):
            name = spec[len(path) + 1:] if spec != path else None
            if name is None and len(obj) != 1:
                raise InputError(f"{path}: holds several tensors ({', '.join(sorted(obj))}); pick one with "
                                 f"{path}:NAME")
            obj = obj[name] if name is not None else next(iter(obj.values()))
        if not hasattr(obj, "detach"):
            raise InputError(f"{path}: expected a tensor for {what}")
        if is_tensor(obj):
            return tensor_to_exact(obj, f"{what} ({path})")
        return to_exact(obj.detach().cpu().double().numpy(), f"{what} ({path})")
    return load_matrix(spec, numeric=True, what=what)


def load_problem(weights: str, X: str | None = None, Y: str | None = None):
    """(layers, X or None, Y, layer names) at the user's (float) point, exactly; X, Y from flags
    or the weights file."""
    layers, rest, keys = load_weights(weights)
    Xm = load_data(X, "--X") if X else rest.get("X")
    if Y:
        Ym = load_data(Y, "--Y")
    elif "Y" in rest:
        Ym = rest["Y"]
    else:
        raise InputError("no targets: pass --Y FILE (or store an array named Y in the weights file)")
    return layers, Xm, Ym, keys


_REF_DTYPES = ("float64", "float32", "int64", "int32", "int16", "int8")


def file_references(net, weights: str, keys: list, X: str | None, Y: str | None, transposed: bool):
    """(inputs, files): a validate certificate's inputs that refer to the user's .npz/.npy files
    by SHA-256 digest instead of embedding the matrices (kernel/files.py), and the files the
    check needs.  ``net``: the network read from the same files (its shapes); ``X``/``Y``: the
    --X/--Y specs (None: the array of that name in the weights file; X absent: the identity,
    embedded); ``transposed``: --samples-as-rows.  InputError when a matrix does not come from
    an .npz/.npy array the checker reads (2-D float64, float32 or integers)."""
    import hashlib

    import numpy as np

    from exactopen.exact import matrix as mx

    digests: dict = {}

    def ref(path: str, name: str | None, what: str, shape, transpose: bool) -> dict:
        low = path.lower()
        if not low.endswith((".npz", ".npy")):
            raise InputError(f"{what}: {path} is not an .npz or .npy file; inputs by digest need NumPy files "
                             "(or embed them: --embed-inputs)")
        if low.endswith(".npz") and name is None:
            raise InputError(f"{what}: name the array of {path} (FILE:NAME)")
        try:
            data = np.load(path, allow_pickle=False, mmap_mode="r" if name is None else None)
            arr = data if name is None else data[name]
            dtype, ndim = str(arr.dtype), arr.ndim
            if name is not None:
                data.close()
        except Exception as exc:  # numpy raises many types on bad files
            raise InputError(f"{path}: cannot read as a numpy file ({exc})") from None
        if dtype not in _REF_DTYPES or ndim != 2:
            raise InputError(f"{what}: {path}{':' + name if name else ''} is a {ndim}-D {dtype} array; inputs by "
                             f"digest need 2-D arrays of {', '.join(_REF_DTYPES)} (or --embed-inputs)")
        if path not in digests:
            with open(path, "rb") as fh:
                digests[path] = hashlib.sha256(fh.read()).hexdigest()
        return {"shape": [shape.nrows(), shape.ncols()],
                "file": {"sha256": digests[path], "array": name, "transpose": transpose}}

    layers = [ref(weights, k, f"layer {k}", W, False) for k, W in zip(keys, net.layers)]

    def data(spec: str | None, name: str, M) -> dict:
        if spec is None:
            return ref(weights, name, name, M, transposed)
        path, member = _split_name(spec)
        return ref(path, member, f"--{name}", M, transposed)

    Xr = data(X, "X", net.X) if X is not None or _npz_has(weights, "X") else mx.to_json(net.X, True)
    inputs = {"layers": layers, "X": Xr, "Y": data(Y, "Y", net.Y), "weights": None}
    return inputs, list(digests)


def _npz_has(path: str, name: str) -> bool:
    import numpy as np

    if not path.lower().endswith(".npz"):
        return False
    with np.load(path, allow_pickle=False) as data:
        return name in data.files
