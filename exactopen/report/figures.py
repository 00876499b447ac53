"""Figures for the audit (optional ``plot`` extra: matplotlib, imported lazily).

* Figure 2 of the paper: (w² − 1)² and its auxiliary problem (z − 1)² on z ≥ 0 (ex-2);
* Figure 3: (w1 w2 − 1)² with its valley w1 w2 = 1, and the auxiliary problem (ex-3);
* for a descent certificate: the exact loss along its curve next to the loss along straight
  lines, so a reader sees why line-wise tests missed the descent.

Plotting is illustration only: the curves are sampled in floating point from the exact
polynomials stored in the certificates; no verdict depends on a figure.
"""

from __future__ import annotations

import os


def available() -> bool:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["svg.hashsalt"] = "exactopen"
    import matplotlib.pyplot as plt

    return plt


def _save(fig, folder: str, stem: str, formats=("png", "svg")) -> list[str]:
    os.makedirs(folder, exist_ok=True)
    paths = []
    for ext in formats:
        path = os.path.join(folder, f"{stem}.{ext}")
        fig.savefig(path, dpi=110, bbox_inches="tight", metadata={"Date": None} if ext == "svg" else {"Software": None})
        paths.append(path)
    _plt().close(fig)
    return paths


def figure2(folder: str) -> list[str]:
    """ex-2: min (w²−1)² and min_{z≥0} (z−1)²; both minima w = ±1 map to z = 1."""
    import numpy as np

    plt = _plt()
    fig, (a, b) = plt.subplots(1, 2, figsize=(9, 3.4))
    w = np.linspace(-1.6, 1.6, 400)
    a.plot(w, (w ** 2 - 1) ** 2, color="#1f4e79")
    a.plot([-1, 1], [0, 0], "o", color="#c00000", label="global minima w = ±1")
    a.set_title("ℓ(F(w)) = (w² − 1)²")
    a.set_xlabel("w")
    a.legend(loc="upper center")
    z = np.linspace(0, 2.6, 300)
    b.plot(z, (z - 1) ** 2, color="#1f4e79")
    b.axvspan(-0.4, 0, color="#dddddd", label="outside the range z ≥ 0")
    b.plot([1], [0], "o", color="#c00000", label="z = F(±1) = 1")
    b.set_xlim(-0.4, 2.6)
    b.set_title("auxiliary problem: (z − 1)², z ≥ 0")
    b.set_xlabel("z = w²")
    b.legend(loc="upper center")
    return _save(fig, folder, "fig2-ex-2")


def figure3(folder: str) -> list[str]:
    """ex-3: (w1 w2 − 1)² has a valley of global minima on w1 w2 = 1, all mapping to z = 1."""
    import numpy as np

    plt = _plt()
    fig, (a, b) = plt.subplots(1, 2, figsize=(9, 3.6))
    g = np.linspace(-2.2, 2.2, 300)
    W1, W2 = np.meshgrid(g, g)
    L = (W1 * W2 - 1) ** 2
    cs = a.contourf(W1, W2, np.log1p(L), levels=18, cmap="Blues_r")
    fig.colorbar(cs, ax=a, label="log(1 + loss)")
    for sign in (1, -1):
        t = np.linspace(0.45, 2.2, 100) * sign
        a.plot(t, 1 / t, color="#c00000", lw=2)
    a.set_title("(w1 w2 − 1)²: minima on w1 w2 = 1")
    a.set_xlabel("w1")
    a.set_ylabel("w2")
    z = np.linspace(-1, 3, 300)
    b.plot(z, (z - 1) ** 2, color="#1f4e79")
    b.plot([1], [0], "o", color="#c00000", label="z = w1 w2 = 1")
    b.set_title("auxiliary problem: (z − 1)², z ∈ ℝ")
    b.set_xlabel("z = w1 w2")
    b.legend(loc="upper center")
    return _save(fig, folder, "fig3-ex-3")


def descent_figure(folder: str, stem: str, curve_coeffs: list, line_coeffs: dict[str, list], title: str,
                   t_max: float = 0.6, formats=("png", "svg")) -> list[str]:
    """Loss change along a certified descent curve, p(t) = L(γ(t)) − L(W) (coefficients from
    t^0 upwards, exact rationals as strings or numbers), beside straight lines W + tD."""
    import numpy as np

    from exactopen.exact.numbers import parse_rational

    plt = _plt()

    def poly(cs):
        c = [float(parse_rational(x)) for x in cs]
        return lambda t: sum(ci * t ** i for i, ci in enumerate(c))

    t = np.linspace(-t_max, t_max, 800)
    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    pc = poly(curve_coeffs)(t)
    ax.plot(t, pc, color="#c00000", lw=2, label="along the descent curve γ(t)")
    for name, cs in line_coeffs.items():
        ax.plot(t, poly(cs)(t), lw=1.2, ls="--", label=f"along the straight line {name}")
    ax.axhline(0, color="#888888", lw=0.8)
    low = float(pc.min())
    if low < 0:
        ax.set_ylim(2.2 * low, -3.0 * low)
    ax.set_xlabel("t")
    ax.set_ylabel("L(·) − L(W)")
    ax.set_title(title)
    ax.legend(fontsize=8)
    return _save(fig, folder, stem, formats)


def is_descent_certificate(cert: dict) -> bool:
    """A landscape certificate whose descent needs a curve (not a straight line)."""
    curve = cert.get("evidence", {}).get("curve") if cert.get("kind") == "landscape_point" else None
    return bool(curve) and any(term["power"] > 1 for term in curve)


def certificate_descent_figure(cert: dict, folder: str, stem: str, formats=("png",)) -> list[str]:
    """Exact loss along a certificate's descent curve, beside the straight lines through W along
    the curve's first term and through γ(1) (sampled from the exact polynomials)."""
    from flint import fmpq

    from exactopen.exact import matrix as mx
    from exactopen.landscape.network import Network

    inp = cert["inputs"]
    net = Network.build([mx.from_json(L) for L in inp["layers"]], mx.from_json(inp["Y"]), mx.from_json(inp["X"]),
                        mx.from_json(inp["weights"]) if inp.get("weights") else None)
    curve = [(c["power"], [mx.from_json(L) for L in c["layers"]]) for c in cert["evidence"]["curve"]]
    p = net.curve_polynomial(curve)
    first = min(j for j, _ in curve)
    tangent = [(1, dict(curve)[first])]
    chord = [(1, [sum((Cs[k] for _, Cs in curve[1:]), curve[0][1][k]) for k in range(net.h)])]
    lines = {"W + tC (first term of the curve)": net.curve_polynomial(tangent),
             "W + t(ΣC_j) (through γ(1))": net.curve_polynomial(chord)}
    t0 = float(fmpq(*map(int, (cert["evidence"]["witness_t"] + "/1").split("/")[:2])))
    return descent_figure(folder, stem, p, lines, f"{stem[8:]}: loss along the descent curve and along "
                          "straight lines", 2.5 * abs(t0), formats)
