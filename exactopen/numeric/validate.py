"""What float weights from numpy or PyTorch training prove, exactly (issue 6; claims lem-7,
thm-8, lem-19 applied to trained deep linear networks).

The loss is L(W) = 1/2 |W_h ... W_1 X - Y|_F^2.  Floats are converted exactly (every float is
a dyadic rational), so "the user's point" W is an exact rational point; a float point is
(practically) never exactly critical, so the verdicts are about W and about exact points near
it, with every distance stated:

* epsilon-stationarity: |grad L(W)|^2 exactly (a rational, also printed as a float);
* epsilon-global optimality: an exact lower bound LB <= min L (Eckart-Young + Ky Fan, with a
  Schur-complement PSD certificate, see :mod:`exactopen.kernel.validate`); L(W) - LB is the
  certified gap;
* a lower point near W: an exact rational point Z with L(Z) < L(W), |Z - W| = rho, from the
  snapped point's certified descent curve (strict or higher-order saddle) or from a numeric
  negative-curvature direction at W re-checked exactly -- it shows that the minimum of L over
  the ball of radius rho around W is at least Delta below L(W);
* snapping (``--snap TOL``): W' = the simplest rationals within TOL of W's entries, classified
  exactly as by ``exactopen classify`` (the embedded landscape_point certificate), with the
  exact distance |W - W'|.

NUMERIC HELPERS (floats) are marked; everything they produce is re-checked exactly here and
again by the checker (``validate_network`` kind) before a verdict is printed.
"""

from __future__ import annotations

import math
import os
import re
import sys
import time
from dataclasses import dataclass, field
from fractions import Fraction

from flint import fmpq, fmpq_mat

from exactopen.exact import matrix as mx
from exactopen.errors import InputError
from exactopen.landscape.classify import Network
from exactopen.exact.numbers import from_float, rational_str
from exactopen.numeric.rank import psd_certificate, to_float, to_grid

_LAYER = re.compile(r"W(\d+)")
TORCH_SUFFIXES = (".pt", ".pth")


# ---------------------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------------------

def _from_array(arr, where: str) -> fmpq_mat:
    """Exact matrix from a float/int numpy array (floats converted exactly)."""
    import numpy as np

    a = np.asarray(arr)
    if a.ndim != 2 or a.size == 0:
        raise InputError(f"{where}: expected a non-empty 2-D array, got shape {a.shape}")
    if a.dtype.kind not in "iuf":
        raise InputError(f"{where}: unsupported dtype {a.dtype}")
    a = a.astype(float) if a.dtype.kind == "f" else a
    if a.dtype.kind == "f" and not np.all(np.isfinite(a)):
        raise InputError(f"{where}: contains NaN or infinity")
    vals = [from_float(float(x), where) if a.dtype.kind == "f" else fmpq(int(x)) for x in a.ravel()]
    return fmpq_mat(a.shape[0], a.shape[1], vals)


def load_torch_state_dict(path: str) -> list:
    """Layers W_1..W_h from a PyTorch state_dict of bias-free nn.Linear layers (file order).

    torch is imported lazily; float32/float16 weights are widened to float64 exactly."""
    try:
        import torch
    except ImportError:
        raise InputError(f"{path}: reading a PyTorch file needs torch (pip install 'exactopen[torch]')") from None
    try:
        sd = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # noqa: BLE001  (torch raises many types on bad files)
        raise InputError(f"{path}: cannot read as a PyTorch state_dict ({type(exc).__name__}: {exc})") from None
    if not isinstance(sd, dict):
        raise InputError(f"{path}: expected a state_dict (a dict of tensors), got {type(sd).__name__}")
    layers = []
    for key, val in sd.items():
        if not hasattr(val, "detach"):
            raise InputError(f"{path}: entry {key!r} is not a tensor")
        arr = val.detach().cpu().double().numpy()
        if key.endswith("bias"):
            if arr.any():
                raise InputError(f"{path}: {key} is a nonzero bias; exactopen validates linear layers without bias")
            continue
        if not key.endswith("weight"):
            raise InputError(f"{path}: unexpected entry {key!r} (expected nn.Linear '...weight' tensors)")
        layers.append(_from_array(arr, f"{path}:{key}"))
    if not layers:
        raise InputError(f"{path}: no '...weight' tensors found")
    return layers


def load_weights(path: str) -> tuple[list, dict]:
    """(layers W_1..W_h, other matrices in the file by name, e.g. X and Y).

    .npz / JSON: arrays named W1..Wh (consecutive); .pt/.pth: a torch state_dict."""
    if not os.path.exists(path):
        raise InputError(f"{path}: no such file")
    if path.lower().endswith(TORCH_SUFFIXES):
        return load_torch_state_dict(path), {}
    from exactopen.inputs import load_named

    named = load_named(path, numeric=True)
    idx = {int(m.group(1)): k for k in named if (m := _LAYER.fullmatch(k))}
    if not idx:
        raise InputError(f"{path}: no layers found (name them W1, W2, ..., input layer first)")
    h = max(idx)
    missing = [i for i in range(1, h + 1) if i not in idx]
    if missing:
        raise InputError(f"{path}: layers must be W1..W{h}; missing W{missing[0]}")
    layers = [named[idx[i]] for i in range(1, h + 1)]
    rest = {k: v for k, v in named.items() if k not in idx.values()}
    return layers, rest


def load_problem(weights: str, X: str | None = None, Y: str | None = None) -> Network:
    """The network at the user's (float) point, exactly; X, Y from flags or the weights file."""
    from exactopen.inputs import load_matrix

    layers, rest = load_weights(weights)
    Xm = load_matrix(X, numeric=True, what="--X") if X else rest.get("X")
    if Y:
        Ym = load_matrix(Y, numeric=True, what="--Y")
    elif "Y" in rest:
        Ym = rest["Y"]
    else:
        raise InputError("no targets: pass --Y FILE (or store an array named Y in the weights file)")
    return Network.build(layers, Ym, Xm)


def network_from_arrays(layers, Y, X=None) -> Network:
    """Python API: the network at float numpy arrays (input layer first), converted exactly."""
    Ws = [_from_array(W, f"W{i + 1}") for i, W in enumerate(layers)]
    return Network.build(Ws, _from_array(Y, "Y"), None if X is None else _from_array(X, "X"))


# ---------------------------------------------------------------------------------------
# Progress (stderr)
# ---------------------------------------------------------------------------------------

class Progress:
    """A one-line progress bar on stderr (only when enabled, e.g. stderr is a terminal)."""

    def __init__(self, total: int, enabled: bool | None = None, label: str = "validate"):
        self.total, self.done, self.label = total, 0, label
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.t0 = time.perf_counter()

    def step(self, what: str) -> None:
        self.done += 1
        if self.enabled:
            n = 24
            fill = n * min(self.done, self.total) // max(self.total, 1)
            sys.stderr.write(f"\r[{self.label}] [{'#' * fill}{'.' * (n - fill)}] {self.done}/{self.total} "
                             f"{what:<34.34} {time.perf_counter() - self.t0:6.1f}s")
            sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")
            sys.stderr.flush()


# ---------------------------------------------------------------------------------------
# NUMERIC HELPERS (floats; every result is re-checked exactly)
# ---------------------------------------------------------------------------------------

def _float_problem(net: Network):
    return [to_float(W) for W in net.layers], to_float(net.X), to_float(net.Y)


def _float_loss(Ws, X, Y) -> float:
    import numpy as np

    P = X
    for W in Ws:
        P = W @ P
    return 0.5 * float(np.sum((P - Y) ** 2))


def _float_grad(Ws, X, Y) -> list:
    h = len(Ws)
    outs = [X]
    for W in Ws:
        outs.append(W @ outs[-1])
    G = outs[-1] - Y
    grads = [None] * h
    back = G
    for k in range(h - 1, -1, -1):
        grads[k] = back @ outs[k].T
        back = Ws[k].T @ back
    return grads


def numeric_min_curvature(net: Network, dense_limit: int = 1500, steps: int = 120, seed: int = 0):
    """NUMERIC: (lambda_min estimate, direction as float layers) of the Hessian at W, from
    central finite differences of the float gradient (dense below ``dense_limit`` parameters,
    Lanczos with full reorthogonalisation above)."""
    import numpy as np

    Ws, X, Y = _float_problem(net)
    shapes = [W.shape for W in Ws]
    sizes = [a * b for a, b in shapes]
    N = sum(sizes)
    flat = np.concatenate([W.ravel() for W in Ws])

    def unflat(v):
        out, o = [], 0
        for (a, b), s in zip(shapes, sizes):
            out.append(v[o:o + s].reshape(a, b))
            o += s
        return out

    eps = 1e-5 * max(1.0, float(np.max(np.abs(flat))))

    def hvp(v):
        gp = _float_grad(unflat(flat + eps * v), X, Y)
        gm = _float_grad(unflat(flat - eps * v), X, Y)
        return np.concatenate([(a - b).ravel() for a, b in zip(gp, gm)]) / (2 * eps)

    from exactopen.landscape.descent import lowest_eigenpairs

    vals, vecs = lowest_eigenpairs(hvp, N, dense_limit, steps, seed)
    return float(vals[0]), unflat(vecs[:, 0])


# ---------------------------------------------------------------------------------------
# Certificate parts
# ---------------------------------------------------------------------------------------

def global_lower_bound(net: Network):
    """(result part, evidence part) of an exact lower bound on min L (square loss), or None.

    NUMERIC: M = Y B^T (B B^T)^-1 B Y^T in floats, its top r eigenpairs give F and mu; delta
    grows until the dual matrix K has an exact PSD certificate (lem-7's minimum, bounded)."""
    import numpy as np

    from exactopen.exact import linalg
    from exactopen.kernel.validate import dual_matrix

    if net.weights is not None:
        return None
    X, Y = net.X, net.Y
    dh = Y.nrows()
    Xf, Yf = to_float(X), to_float(Y)
    ev = {}
    B, Bf = X, Xf
    sv = np.linalg.svd(Xf, compute_uv=False) if Xf.size else np.zeros(0)
    if sv.size == 0 or sv[-1] <= 1e-9 * sv[0] or Xf.shape[0] > Xf.shape[1]:
        B, _ = linalg.row_space(X)  # rows of X spanning its row space: X = C B
        if B.nrows() == 0:
            return None
        sol = linalg.solve(B.transpose(), X.transpose())
        if not sol.solvable:
            return None
        ev.update({"B": mx.to_json(B), "C": mx.to_json(sol.X.transpose())})
        Bf = to_float(B)
    S, N = Bf @ Bf.T, Bf @ Yf.T
    M = N.T @ np.linalg.solve(S, N)
    lam, U = np.linalg.eigh((M + M.T) / 2)
    lam, U = lam[::-1], U[:, ::-1]
    r = min(net.r, dh)
    mu_f = max(float(lam[r]), 0.0) if r < dh else 0.0
    mu = from_float(mu_f)
    F = to_grid(U[:, :r] * np.sqrt(np.maximum(lam[:r] - mu_f, 0.0))) if r else fmpq_mat(dh, 0)
    scale = max(float(lam[0]) if lam.size else 0.0, float(np.max(np.diag(S))) if S.size else 0.0, 1e-300)
    for rel in (1e-15, 1e-13, 1e-11, 1e-9, 1e-7, 1e-5):
        delta = fmpq(2) ** math.floor(math.log2(rel * scale))
        pev = psd_certificate(dual_matrix(B, Y, F, delta, mu))
        if pev is not None:
            break
    else:
        return None
    LB = (mx.frobenius_sq(Y) - r * mu - mx.frobenius_sq(F) - delta * dh) / 2
    L0 = net.loss()
    result = {"lower_bound": rational_str(LB), "gap": rational_str(L0 - LB)}
    evidence = {"method": "ky_fan_schur", **ev, "mu": rational_str(mu), "F": mx.to_json(F),
                "delta": rational_str(delta), "psd": pev}
    # an upper bound too: an exact network point near the Eckart-Young minimiser
    Ur = U[:, :r]
    Zf = Ur @ (Ur.T @ Yf @ np.linalg.pinv(Xf))
    best = [to_grid(A) for A in _factor_layers(Zf, Ur, net.widths)]
    UB = net.loss_at(best)
    result.update({"upper_bound": rational_str(UB), "gap_lower": rational_str(L0 - UB)})
    evidence["point"] = [mx.to_json(A) for A in best]
    return result, evidence


def _factor_layers(Zf, Ur, widths) -> list:
    """NUMERIC: layers (input first) with product Zf = Ur (Ur^T Zf), rank r through every width."""
    import numpy as np

    h = len(widths) - 1
    if h == 1:
        return [Zf]
    r = Ur.shape[1]
    out = []
    for k in range(1, h + 1):
        A = np.zeros((widths[k], widths[k - 1]))
        if k == 1:
            A[:r, :] = Ur.T @ Zf
        elif k == h:
            A[:, :r] = Ur
        else:
            A[:r, :r] = np.eye(r)
        out.append(A)
    return out


def _descent_part(net: Network, Z: list) -> tuple[dict, dict]:
    d2 = sum((mx.frobenius_sq(a - b) for a, b in zip(net.layers, Z)), fmpq(0))
    L1 = net.loss_at(Z)
    return ({"distance_sq": rational_str(d2), "loss": rational_str(L1), "decrease": rational_str(net.loss() - L1)},
            {"layers": [mx.to_json(M) for M in Z]})


def descent_from_curve(net: Network, snapped: Network, cert: dict, radius: float | None = None):
    """A point gamma(t) on the snapped point's certified descent curve with L < L(W)."""
    ev = cert["evidence"]
    if "curve" not in ev:
        return None
    curve = [(term["power"], [mx.from_json(C) for C in term["layers"]]) for term in ev["curve"]]
    t = fmpq_from(ev["witness_t"])
    return _pick([snapped.curve_point(curve, t / 2 ** j) for j in range(40)], net, radius)


def default_radius(net: Network) -> float:
    """The default search radius for a lower point: 0.1 * max(1, |W|_F)."""
    return 0.1 * max(1.0, math.sqrt(_f(sum((mx.frobenius_sq(W) for W in net.layers), fmpq(0)))))


def _pick(points: list, net: Network, radius: float | None = None):
    """Among candidate points with L < L(W): the one with the largest decrease within distance
    ``radius`` of W (default :func:`default_radius`), else the closest one.  Exact losses."""
    radius = default_radius(net) if radius is None else radius
    L0 = net.loss()
    inside, closest = None, None
    for Z in points:
        L1 = net.loss_at(Z)
        if L1 >= L0:
            continue
        rho = math.sqrt(_f(sum((mx.frobenius_sq(a - b) for a, b in zip(net.layers, Z)), fmpq(0))))
        if rho <= radius and (inside is None or L1 < inside[0]):
            inside = (L1, Z)
        if closest is None or rho < closest[0]:
            closest = (rho, Z)
    Z = inside[1] if inside else (closest[1] if closest else None)
    return None if Z is None else _descent_part(net, Z)


def descent_numeric(net: Network, radius: float | None = None):
    """NUMERIC: a negative-curvature direction D at W (sign: <grad, D> <= 0) and the step on a
    geometric grid with the lowest float loss; the chosen point is checked exactly."""
    import numpy as np

    lam, D = numeric_min_curvature(net)
    Ws, X, Y = _float_problem(net)
    g = _float_grad(Ws, X, Y)
    scale_w = max(1.0, math.sqrt(sum(float(np.sum(W ** 2)) for W in Ws)))
    if lam >= 0:
        # no negative curvature: a plain gradient step (a first-order descent)
        D = [-a for a in g]
    elif sum(float(np.sum(a * b)) for a, b in zip(g, D)) > 0:
        D = [-a for a in D]
    nd = math.sqrt(sum(float(np.sum(a ** 2)) for a in D))
    if nd == 0:
        return None
    D = [a / nd for a in D]
    L0f = _float_loss(Ws, X, Y)
    cands = sorted((_float_loss([W + t * d for W, d in zip(Ws, D)], X, Y), t)
                   for t in (scale_w * 2.0 ** -j for j in range(40)))
    Dq = [to_grid(d) for d in D]
    good = [(lf, t) for lf, t in cands if lf < L0f]
    if not good:
        return None
    # float preselection: the best step within the radius (|D| = 1, so rho ~ t), else the shortest
    radius = default_radius(net) if radius is None else radius
    within = [(lf, t) for lf, t in good if t <= radius]
    ts = [within[0][1]] if within else [min(t for _, t in good)]
    part = _pick([[W + d * from_float(t) for W, d in zip(net.layers, Dq)] for t in ts], net, radius)
    return None if part is None else (*part, lam)


@dataclass
class Validation:
    certificate: dict
    lines: list
    summary: dict
    timings: dict = field(default_factory=dict)


_FLOAT_LIMIT = fmpq(10) ** 300


def _f(x) -> float:
    return float(Fraction(int(fmpq(x).p), int(fmpq(x).q)))


def validate(net: Network, snap_tol=None, snap_den: int | None = None, eps_global=None,
             progress: Progress | None = None, always_descent: bool = False,
             radius: float | None = None) -> Validation:
    """Everything the point W = net.layers proves (see the module docstring), as one
    ``validate_network`` certificate with human lines and a JSON summary."""
    from exactopen.certificate import envelope
    from exactopen.landscape.classify import classify_critical_point
    from exactopen.numeric.snap import distance_sq, snap_matrix

    prog = progress or Progress(4, enabled=False)
    timings = {}
    t = time.perf_counter()
    L0 = net.loss()
    g2 = sum((mx.frobenius_sq(G) for G in net.gradient()), fmpq(0))
    for what, v in (("the loss L(W)", L0), ("|grad L(W)|^2", g2), ("|Y|^2", mx.frobenius_sq(net.Y))):
        if abs(v) > _FLOAT_LIMIT:  # the numeric search and the summary compute in floats
            raise InputError(f"{what} at these weights is about 1e{len(str(v.p // v.q)) - 1}: too large for "
                             f"validate's floating-point search (at most 1e300)")
    timings["loss_gradient"] = time.perf_counter() - t
    prog.step("loss and gradient")
    result = {"loss": rational_str(L0), "gradient_norm_sq": rational_str(g2),
              "global": None, "descent": None, "snap": None}
    evidence: dict = {}
    yscale = _f(mx.frobenius_sq(net.Y)) / 2
    eps = eps_global if eps_global is not None else 1e-6 * max(yscale, 1e-300)
    lines = [f"L(W) = {_f(L0):.10g} at your weights (exact value in the certificate)",
             f"|grad L(W)| = {math.sqrt(_f(g2)):.3g}: W is epsilon-stationary with epsilon = {math.sqrt(_f(g2)):.3g}"
             + (" (exactly critical)" if g2 == 0 else "; not exactly critical, so not a local minimum"
                " (a gradient step lowers L)")]
    summary = {"loss": _f(L0), "gradient_norm": math.sqrt(_f(g2))}

    t = time.perf_counter()
    gl = global_lower_bound(net)
    timings["global_bound"] = time.perf_counter() - t
    prog.step("global lower bound")
    near_global = False
    if gl is not None:
        result["global"], evidence["global"] = gl
        gap = _f(fmpq_from(gl[0]["gap"]))
        near_global = gap <= eps
        summary["global_gap"] = gap
        lb, ub = _f(fmpq_from(gl[0]["lower_bound"])), _f(fmpq_from(gl[0]["upper_bound"]))
        gap_lo = _f(fmpq_from(gl[0]["gap_lower"]))
        summary["global_gap_lower"] = gap_lo
        lines.append(f"min L lies in [{lb:.10g}, {ub:.10g}] (exact lower bound; an exact network point "
                     f"attains the upper one), so "
                     + (f"{gap_lo:.3g} <= " if gap_lo > 0 else "")
                     + f"L(W) - min L <= {gap:.3g}"
                     + (f": W is epsilon-global with epsilon = {gap:.3g}" if near_global else
                        (": W is certainly not near-global" if gap_lo > eps else "")))
    else:
        lines.append("no global lower bound (weighted loss, or the dual certificate was not found)")

    snapped_cls, snapped_net, d2 = None, None, None
    t = time.perf_counter()
    if snap_tol is not None or snap_den is not None:
        Ws2 = [snap_matrix(W, snap_tol, snap_den) for W in net.layers]
        snapped_net = net.with_layers(Ws2)
        snapped_cls = classify_critical_point(snapped_net)
        d2 = distance_sq(net.layers, Ws2)
        result["snap"] = {"distance_sq": rational_str(d2), "verdict": snapped_cls.verdict,
                          "tolerance": None if snap_tol is None else rational_str(fmpq(snap_tol.numerator,
                                                                                        snap_tol.denominator)),
                          "max_denominator": snap_den}
        evidence["snap"] = {"certificate": snapped_cls.certificate}
        summary["snap"] = {"distance": math.sqrt(_f(d2)), "verdict": snapped_cls.verdict}
        lines.append(f"snapped point W' (entries: simplest rationals within the tolerance) at distance "
                     f"{math.sqrt(_f(d2)):.3g} from W: {snapped_cls.verdict.replace('_', ' ')}"
                     f" (exact, as in 'exactopen classify')")
        if snapped_cls.reason:
            lines.append(f"  reason: {snapped_cls.reason}")
    timings["snap_classify"] = time.perf_counter() - t
    prog.step("snap and classify")

    t = time.perf_counter()
    if always_descent or not near_global:
        part, how = None, ""
        if snapped_cls is not None and "curve" in snapped_cls.certificate["evidence"]:
            part = descent_from_curve(net, snapped_net, snapped_cls.certificate, radius)
            how = "on the snapped point's certified descent curve"
        if part is None:
            num = descent_numeric(net, radius)
            if num is not None:
                part = num[:2]
                how = (f"along a negative-curvature direction at W (numeric lambda_min ~ {num[2]:.3g}, "
                       f"re-checked exactly)" if num[2] < 0 else "along the negative gradient")
        if part is not None:
            result["descent"], evidence["descent"] = part
            rho, dec = math.sqrt(_f(fmpq_from(part[0]["distance_sq"]))), _f(fmpq_from(part[0]["decrease"]))
            summary["descent"] = {"distance": rho, "decrease": dec}
            lines.append(f"a point at distance {rho:.3g} from W has loss lower by {dec:.3g} ({how}); "
                         f"first-order scale |grad L(W)| * rho = {math.sqrt(_f(g2)) * rho:.3g}")
    timings["descent"] = time.perf_counter() - t
    prog.step("descent witness")

    lines.append("summary: " + practitioner_summary(summary))
    summary["text"] = practitioner_summary(summary)
    claim = _claim(net, result)
    cert = envelope("validate_network", claim, net.inputs_json(), result, {k: v for k, v in evidence.items()},
                    "lem-7")
    return Validation(cert, lines, summary, timings)


def fmpq_from(s: str) -> fmpq:
    p, _, q = s.partition("/")
    return fmpq(int(p), int(q) if q else 1)


def practitioner_summary(s: dict) -> str:
    parts = []
    if "snap" in s:
        parts.append(f"your point is within {s['snap']['distance']:.3g} of an exact "
                     f"{s['snap']['verdict'].replace('_', ' ')}")
    if "global_gap" in s and s.get("descent") is None:
        parts.append(f"its loss is within {s['global_gap']:.3g} of the global minimum value")
    elif s.get("global_gap_lower", 0) > 0:
        parts.append(f"its loss is at least {s['global_gap_lower']:.3g} above the global minimum value")
    if s.get("descent"):
        parts.append(f"a point at distance {s['descent']['distance']:.3g} has loss lower by "
                     f"{s['descent']['decrease']:.3g}")
    parts.append(f"gradient norm {s['gradient_norm']:.3g}")
    return "; ".join(parts)


def _claim(net: Network, result: dict) -> str:
    d = "(" + ",".join(map(str, net.widths)) + ")"
    out = [(f"for the linear network with widths {d} at the point W (exact value of the given floats) and "
            f"L(W) = 1/2 |W_h..W_1 X - Y|_F^2: L(W) and |grad L(W)|^2 are the stated rationals")]
    if result["global"] is not None:
        out.append("lower_bound <= min L <= upper_bound (attained at evidence.global.point), so "
                   "gap_lower <= L(W) - min L <= gap")
    if result["descent"] is not None:
        out.append("the point in evidence.descent lies at squared distance distance_sq from W and has loss "
                   "L(W) - decrease")
    if result["snap"] is not None:
        out.append("the snapped point W' of the embedded certificate lies at squared distance distance_sq "
                   "from W and is classified as stated")
    return "; ".join(out)
