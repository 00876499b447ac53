"""The proofs of certificates about numerical results: ``validate_network`` (claims lem-7,
thm-8 applied to float weights) and ``numerical_rank``, as blocks for
:mod:`exactopen.report.render`.

Every figure of a ``validate_network`` proof is stated in the loss convention the user chose,
read from the certificate (``result.loss_convention``, written by ``exactopen validate --loss``;
absent means "sum"): L = 1/2 |W_h...W_1 X - Y|_F^2, or the mean squared error
E = 2 L / (d_h n).  The checker verifies the values of L; each E figure is exactly 2/(d_h n)
times one of them, so it is still an exact rational.  Intervals (the bounds on min L and on the
gap) are also given as decimals rounded outward, with as many digits as it takes for their
ends to differ (:func:`exactopen.exact.decimals.enclosure`).
"""

from __future__ import annotations

from fractions import Fraction

from exactopen.exact.decimals import enclosure, rounded
from exactopen.report.latex import VERDICT_WORDS, Block, q


def _dec(s: str) -> str:
    """A decimal of :mod:`exactopen.exact.decimals` ("1.25e-07") as LaTeX."""
    if "e" in s:
        m, e = s.split("e")
        return f"{m} \\times 10^{{{int(e)}}}"
    return s


def _interval(lo: Fraction, hi: Fraction) -> str:
    a, b, enough = enclosure(lo, hi)
    if lo == hi:
        return f"= {q(_rat(lo))}"
    out = f"\\in [{_dec(a)}, {_dec(b)}]"
    return out if enough else out + "\\ (\\text{ends equal to 24 digits})"


def _rat(x: Fraction) -> str:
    return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"


def convention(cert: dict) -> tuple[Fraction, str, str]:
    """(scale, symbol, sentence): the figures of the proof are scale times the certificate's
    values of L, written with ``symbol``; ``sentence`` says which loss that is."""
    conv = cert["result"].get("loss_convention") or "sum"
    if conv == "mean":
        dh, n = cert["inputs"]["Y"]["shape"]
        return (Fraction(2, dh * n), "E",
                "Every figure below is in the loss convention chosen for this run (`--loss mean`), the mean squared "
                "error $E(W) = \\tfrac{1}{d_h n} \\|W_h \\cdots W_1 X - Y\\|_F^2 = \\tfrac{2}{d_h n} L(W)$ "
                f"(PyTorch's MSELoss), here with $d_h n = {dh * n}$. The checker verifies the exact values of "
                "$L(W) = \\tfrac{1}{2} \\|W_h \\cdots W_1 X - Y\\|_F^2$ recorded in the certificate; each figure "
                "below is exactly $\\tfrac{2}{d_h n}$ times one of them.")
    return (Fraction(1), "L", "The loss is $L(W) = \\tfrac{1}{2} \\|W_h \\cdots W_1 X - Y\\|_F^2$ (half the sum of "
                              "squared errors, the convention chosen for this run).")


def steps_validate(cert: dict) -> list[Block]:
    """validate_network: the exact loss and gradient, the certified bounds on the minimum, a
    lower point, a snapped exact point, a nearby problem's exact critical point (lem-7, thm-8)."""

    res = cert["result"]
    s, E, conv = convention(cert)

    def v(x, power: int = 1) -> str:  # a certificate value of L in the chosen convention, exactly
        return q(_rat(Fraction(x) * s ** power))
    out = [Block("p", "The weights $W$ were given in floating point; every number below is the exact value of "
                      "those floats, and every inequality is exact. Long numbers are shown by their first digits "
                      "(cut, not rounded, and followed by an ellipsis); their exact values follow each step."),
           Block("p", conv)]
    L0 = Fraction(res["loss"])
    out.append(Block("step", f"Exactly, ${E}(W) = {v(res['loss'])}$ and $\\|\\nabla {E}(W)\\|^2 = "
                     f"{v(res['gradient_norm_sq'], 2)}$."))
    gl = res.get("global")
    if gl:
        out.append(Block("step", f"A certified lower bound (a dual certificate checked by exact positive "
                         f"semidefiniteness): $\\min {E} \\ge {v(gl['lower_bound'])}$, so "
                         f"${E}(W) - \\min {E} \\le {v(gl['gap'])}$."))
        if gl.get("upper_bound") is not None:
            lo, hi = Fraction(gl["lower_bound"]), Fraction(gl["upper_bound"])
            out.append(Block("step", f"A network point given in the certificate has loss ${v(gl['upper_bound'])}$, so "
                             f"$\\min {E} \\le {v(gl['upper_bound'])}$ and ${E}(W) - \\min {E} \\ge "
                             f"{v(gl['gap_lower'])}$. Hence $\\min {E} {_interval(s * lo, s * hi)}$ and "
                             f"${E}(W) - \\min {E} {_interval(s * (L0 - hi), s * (L0 - lo))}$ (decimals rounded "
                             "outward, with the digits it takes for the ends to differ)."))
    de = res.get("descent")
    if de:
        rel = Fraction(de["decrease"]) / L0 if L0 else None
        out.append(Block("step", f"A rational point at squared distance ${q(de['distance_sq'])}$ from $W$ has loss "
                         f"${v(de['loss'])}$, lower by ${v(de['decrease'])}$"
                         + (f" (a relative drop of {rounded(100 * rel, 2)} per cent, rounded)" if rel else "")
                         + "."))
    sn = res.get("snap")
    if sn:
        rule = []
        if sn.get("tolerance") is not None:
            rule.append(f"every entry moved by at most ${q(sn['tolerance'])}$")
        if sn.get("max_denominator") is not None:
            rule.append(f"every moved entry has denominator at most ${sn['max_denominator']}$")
        out.append(Block("step", f"A rational point $W'$ at squared distance ${q(sn['distance_sq'])}$ from $W$"
                         + (f" ({'; '.join(rule)})" if rule else "") + " is certified by a nested certificate, "
                         f"checked in full: $W'$ is {_what(sn['verdict'], VERDICT_WORDS)}."))
    nb = res.get("nearby")
    if nb:
        dc = nb["data_change_sq"]
        out.append(Block("step", f"A rational point $W'$ at squared distance ${q(nb['distance_sq'])}$ from $W$ is, by a "
                         "nested certificate checked in full, "
                         f"{_what(nb['verdict'], VERDICT_WORDS)} of the loss for nearby "
                         f"data $X'$, $Y'$, at squared distances $\\|X' - X\\|_F^2 = {q(dc['X'])}$ and "
                         f"$\\|Y' - Y\\|_F^2 = {q(dc['Y'])}$."))
    return out


def _what(verdict: str, words: dict) -> str:
    if verdict == "undecided":
        return "an exact critical point (its type left undecided)"
    return words.get(verdict, verdict.replace("_", " "))


def steps_numerical_rank(cert: dict) -> list[Block]:
    res = cert["result"]
    out = [Block("step", f"The exact rank of $A$ is ${res['rank']}$ (a nonzero minor and independent annihilating "
                         "vectors).")]
    for a in res.get("approximations", []):
        out.append(Block("step", f"A rational matrix of rank at most ${a['rank']}$ lies at squared distance "
                         f"${q(a['distance_sq'])}$ from $A$."))
    for b in res.get("singular_value_bounds", []):
        out.append(Block("step", f"$\\sigma_{{{b['index']}}}(A) \\ge {q(b['lower'])}$ (an exact positive "
                         "semidefiniteness certificate)."))
    return out
