"""The instances of a sweep, as plain data (driver side).

An instance is a JSON-ready dict::

    {"id": "thm12-d-2-1-1-2",         # stable: the same instance always gets the same id
     "family": "thm12",               # thm12, critical, openness, jsonl
     "params": {"h": 3},              # what summary.md tabulates verdicts by
     "kind": "thm12" | "network" | "pair",
     "data": {...}}                   # widths, or matrices as lists of rows of "p/q" strings

Nothing here builds a :class:`~exactopen.landscape.network.Network` that leaves the driver:
matrices travel as rows of strings and the worker (:mod:`exactopen.sweep.task`) rebuilds them.
Ids are file names (``certificates/<id>.json``), so they use ``[A-Za-z0-9._-]`` only.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import random
import re

from exactopen.errors import InputError

FAMILIES = ("thm12", "critical", "openness", "jsonl")
CRITICAL_CLASSES = ("global", "strict-saddle", "degenerate-saddle")
ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,119}")


def _rows(A) -> list[list[str]]:
    """An fmpq_mat as rows of canonical "p/q" strings."""
    from exactopen.certificate import rational_str

    return [[rational_str(x) for x in r] for r in A.tolist()]


def _shape_rows(A) -> dict:
    return {"shape": [A.nrows(), A.ncols()], "rows": _rows(A)}


# ---------------------------------------------------------------------------------------
# thm12: Theorem 12's construction on every applicable architecture
# ---------------------------------------------------------------------------------------

def thm12_instances(max_depth: int, max_width: int) -> list[dict]:
    """One instance per architecture with h <= max_depth, widths <= max_width where thm-12's
    construction applies (d_{p2*} < min(d_h, d_0)), in the order of
    :func:`exactopen.landscape.architectures.applicable_architectures`."""
    from exactopen.landscape.architectures import applicable_architectures

    if max_depth < 1 or max_width < 1:
        raise InputError("--max-depth and --max-width must be at least 1")
    return [{"id": "thm12-d-" + "-".join(map(str, d)), "family": "thm12",
             "params": {"h": len(d) - 1}, "kind": "thm12", "data": {"widths": list(d)}}
            for d in applicable_architectures(max_depth, max_width)]


# ---------------------------------------------------------------------------------------
# critical: random critical points of each class, with gauge changes
# ---------------------------------------------------------------------------------------

def _critical_widths(rng: random.Random, h: int, max_width: int, cls: str):
    """Random widths (h+1 of them, each <= max_width) and a component subset making a critical
    point of class ``cls`` (see :mod:`exactopen.landscape.examples`), or None if none exists
    (h = 1: the loss is convex in W_1, every critical point is a global minimum)."""
    if h == 1 and cls != "global":
        return None
    for _ in range(500):
        d = [rng.randint(1, max_width) for _ in range(h + 1)]
        q, r = min(d[0], d[-1]), min(d)
        if cls == "global":
            return d, list(range(min(r, q)))
        if cls == "strict-saddle":      # non-degenerate (|S| = r), but not the top r components
            if r < q:
                S = sorted(rng.sample(range(q), r))
                if S != list(range(r)):
                    return d, S
        elif cls == "degenerate-saddle":  # |S| < min(r, q): rank-deficient, not global
            if min(r, q) >= 1:
                s = rng.randint(0, min(r, q) - 1)
                return d, sorted(rng.sample(range(q), s))
    return None


def critical_instances(depths, max_width: int, count: int, seed: int) -> list[dict]:
    """``count`` random critical points per depth and class (global minima, non-degenerate
    saddles, degenerate saddles), each with random invertible changes of basis between the
    layers (gauge changes: same product).  Instance i of (depth, class) depends only on
    (seed, depth, class, i), so ids are stable when ``count`` grows."""
    from exactopen.landscape.examples import constructed_point

    if max_width < 1 or count < 0:
        raise InputError("--max-width must be at least 1 and --count at least 0")
    out = []
    for h in depths:
        if h < 1:
            raise InputError("--depth values must be at least 1")
        for cls in CRITICAL_CLASSES:
            for i in range(count):
                key = f"{seed}/{h}/{cls}/{i}"
                rng = random.Random(int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big"))
                found = _critical_widths(rng, h, max_width, cls)
                if found is None:
                    break  # no architecture in range has a point of this class (e.g. h = 1 saddles)
                d, S = found
                c = constructed_point(d, S, rng, change_basis=True,
                                      n_samples=d[0] + 1 if rng.random() < 0.25 else None)
                net = c.net
                data = {"layers": [_rows(W) for W in net.layers], "Y": _shape_rows(net.Y),
                        "X": _shape_rows(net.X)}
                out.append({"id": f"critical-s{seed}-h{h}-{cls}-{i}", "family": "critical",
                            "params": {"h": h, "class": cls}, "kind": "network", "data": data})
    return out


# ---------------------------------------------------------------------------------------
# openness: one pair per equivalence class
# ---------------------------------------------------------------------------------------

def pair_classes(max_size: int):
    """(m, k, n, r1, r2, r12) for every orbit of pairs (W1 m x k, W2 k x n), sizes <= max_size,
    under (W1, W2) -> (P W1 Q^-1, Q W2 R^-1): by the representation theory of the A3 quiver
    the orbit is fixed by the sizes, r1 = rank W1, r2 = rank W2 and r12 = rank W1W2
    (equivalently dim N(W1) ∩ C(W2) = r2 - r12), with max(0, r1 + r2 - k) <= r12 <= min(r1, r2)."""
    for m, k, n in itertools.product(range(1, max_size + 1), repeat=3):
        for r1 in range(min(m, k) + 1):
            for r2 in range(min(k, n) + 1):
                for r12 in range(max(0, r1 + r2 - k), min(r1, r2) + 1):
                    yield m, k, n, r1, r2, r12


def pair_representative(m, k, n, r1, r2, r12):
    """The 0/1 normal form of an orbit: W2 = [I_r2 0; 0 0]; W1 sends e_1..e_r12 and
    e_{r2+1}..e_{r2+r1-r12} to f_1..f_r1 and kills the rest (so N(W1) ∩ C(W2) = span
    e_{r12+1}..e_r2)."""
    from exactopen.exact import matrix as mx

    W2 = mx.zeros(k, n)
    for i in range(r2):
        W2[i, i] = 1
    W1 = mx.zeros(m, k)
    cols = list(range(r12)) + list(range(r2, r2 + r1 - r12))
    for row, col in enumerate(cols):
        W1[row, col] = 1
    return W1, W2


def openness_instances(max_size: int, seed: int | None = None) -> list[dict]:
    """One instance per orbit of :func:`pair_classes`; with ``seed``, the normal form moved by
    random invertible integer P, Q, R (same orbit, same verdict, messier numbers)."""
    from exactopen.landscape.examples import random_invertible

    if max_size < 1:
        raise InputError("--max-size must be at least 1")
    out = []
    for m, k, n, r1, r2, r12 in pair_classes(max_size):
        W1, W2 = pair_representative(m, k, n, r1, r2, r12)
        tag = f"m{m}-k{k}-n{n}-r{r1}-{r2}-{r12}"
        if seed is not None:
            rng = random.Random(int.from_bytes(hashlib.sha256(f"{seed}/{tag}".encode()).digest()[:8], "big"))
            P, Q, R = (random_invertible(s, rng, 2) for s in (m, k, n))
            W1, W2 = P * W1 * Q.inv(), Q * W2 * R.inv()
        out.append({"id": f"openness-{tag}" + (f"-s{seed}" if seed is not None else ""), "family": "openness",
                    "params": {"regime": "k >= min(m,n)" if k >= min(m, n) else "k < min(m,n)",
                               "size": max(m, k, n)},
                    "kind": "pair", "data": {"W1": _shape_rows(W1), "W2": _shape_rows(W2)}})
    return out


# ---------------------------------------------------------------------------------------
# jsonl: the user's own instances
# ---------------------------------------------------------------------------------------

def _kind_of(obj: dict) -> str | None:
    if "W1" in obj and "W2" in obj:
        return "pair"
    if "layers" in obj and "Y" in obj:
        return "network"
    if "widths" in obj:
        return "thm12"
    return None


def jsonl_instances(path: str) -> list[dict]:
    """One instance per non-blank line of ``path``: a JSON object with ``W1`` and ``W2`` (a
    pair), ``layers`` and ``Y`` (optional ``X``, ``weights``: a network point to classify), or
    ``widths`` (thm-12's construction); optional ``id`` (else a hash of the object) and
    ``group`` (a label summary.md tabulates by).  Numbers are integers, "p/q" or decimal strings;
    the worker parses them (an unparsable entry becomes that instance's error line)."""
    try:
        with open(path, encoding="utf-8") as fh:
            lines = fh.read().splitlines()
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None
    out, seen = [], {}
    for no, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError as exc:
            raise InputError(f"{path}:{no}: not JSON ({exc.msg})") from None
        if not isinstance(obj, dict):
            raise InputError(f"{path}:{no}: expected a JSON object")
        kind = _kind_of(obj)
        if kind is None:
            raise InputError(f"{path}:{no}: give W1 and W2, or layers and Y, or widths")
        data = {k: v for k, v in obj.items() if k not in ("id", "group")}
        canon = json.dumps(data, sort_keys=True, separators=(",", ":"))
        iid = obj.get("id")
        if iid is None:
            iid = "jsonl-" + hashlib.sha256(canon.encode()).hexdigest()[:16]
            if iid in seen:
                continue  # the same instance twice: once is enough
        elif not isinstance(iid, str) or not ID_RE.fullmatch(iid):
            raise InputError(f"{path}:{no}: id must be a string of letters, digits, '.', '_', '-' "
                             "(it names the certificate file)")
        if iid in seen:
            raise InputError(f"{path}:{no}: id {iid!r} already used on line {seen[iid]}")
        seen[iid] = no
        params = {"kind": kind}
        if "group" in obj:
            params["group"] = str(obj["group"])
        out.append({"id": iid, "family": "jsonl", "params": params, "kind": kind, "data": data})
    return out
