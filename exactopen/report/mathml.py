"""A small LaTeX-subset to MathML translator, so rendered proofs show typeset mathematics in
any current browser with no network and no JavaScript.

It covers exactly what :mod:`exactopen.report.render` writes: numbers, letters, Greek,
sub/superscripts, ``\\frac``/``\\tfrac``, ``\\sqrt``, ``\\tilde``, ``\\text``/``\\mathrm``/
``\\operatorname``, matrices (``bmatrix``, ``pmatrix``, ``matrix``), ``\\left``/``\\right``,
spacing and the usual operators and relations.  ``\\eolong{EXACT}`` is a long exact number,
shown shortened (:func:`short_number`) with the exact value as its tooltip.  Anything else raises :class:`ValueError`
(the tests translate every proof of the committed certificates).
"""

from __future__ import annotations

import html
import re

GREEK = {n: c for n, c in zip(
    "alpha beta gamma delta epsilon varepsilon zeta eta theta iota kappa lambda mu nu xi pi rho sigma tau "
    "upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Phi Psi Omega".split(),
    "αβγδϵεζηθικλμνξπρστυϕφχψωΓΔΘΛΞΠΣΦΨΩ")}
OPS = {"le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "ne": "≠", "neq": "≠", "cdot": "·", "times": "×",
       "cap": "∩", "cup": "∪", "in": "∈", "notin": "∉", "subseteq": "⊆", "subset": "⊂", "to": "→",
       "mapsto": "↦", "Rightarrow": "⇒", "Leftrightarrow": "⇔", "iff": "⇔", "approx": "≈", "pm": "±",
       "cdots": "⋯", "vdots": "⋮", "ddots": "⋱", "ldots": "…", "dots": "…", "infty": "∞", "partial": "∂", "sum": "∑", "prod": "∏",
       "|": "‖", "Vert": "‖", "mid": "∣", "{": "{", "}": "}", "setminus": "∖", "circ": "∘", "ast": "∗",
       "exists": "∃", "forall": "∀", "emptyset": "∅", "nabla": "∇", "langle": "⟨", "rangle": "⟩",
       "lvert": "|", "rvert": "|", "lVert": "‖", "rVert": "‖", "colon": ":", "neg": "¬", "land": "∧",
       "lor": "∨", "equiv": "≡", "sim": "∼", "perp": "⊥", "oplus": "⊕", "otimes": "⊗", "prime": "′"}
IDENTS = {"top": "⊤", "ell": "ℓ", "mathbb{R}": "ℝ"}
FUNCS = {"min", "max", "dim", "det", "ker", "log", "exp", "sup", "inf", "sin", "cos", "lim", "deg", "gcd"}
SPACES = {",": "0.17em", ";": "0.28em", ":": "0.22em", "quad": "1em", "qquad": "2em", " ": "0.25em", "!": "0"}
ENVS = {"bmatrix": ("[", "]"), "pmatrix": ("(", ")"), "matrix": ("", ""), "vmatrix": ("|", "|")}

_TOKEN = re.compile(r"\\[A-Za-z]+\*?|\\.|\d+(?:\.\d+)?|[A-Za-z]|\s+|.", re.S)


def _esc(s: str) -> str:
    return html.escape(s, quote=True)


class _Parser:
    def __init__(self, src: str):
        self.toks = [t for t in _TOKEN.findall(src)]
        self.i = 0

    def peek(self):
        while self.i < len(self.toks) and self.toks[self.i].isspace():
            self.i += 1
        return self.toks[self.i] if self.i < len(self.toks) else None

    def next(self):
        t = self.peek()
        if t is None:
            raise ValueError("unexpected end of formula")
        self.i += 1
        return t

    def raw_group(self) -> str:
        """The text of a {...} group, unparsed (for \\text and \\begin)."""
        if self.peek() != "{":
            raise ValueError("expected {")
        self.i += 1
        depth, out = 1, []
        while self.i < len(self.toks):
            t = self.toks[self.i]
            self.i += 1
            if t == "{":
                depth += 1
            elif t == "}":
                depth -= 1
                if not depth:
                    return "".join(out)
            out.append(t)
        raise ValueError("unbalanced braces")

    def group(self) -> str:
        """One argument: a {...} group or a single token."""
        if self.peek() == "{":
            self.i += 1
            inner = self.seq(stop={"}"})
            self.next()
            return _row(inner)
        return self.atom()

    def seq(self, stop=frozenset()) -> list[str]:
        items = []
        while True:
            t = self.peek()
            if t is None or t in stop:
                return items
            base = self.atom()
            sub = sup = None
            while self.peek() in ("_", "^", "'"):
                op = self.next()
                if op == "'":
                    sup = "<mo>′</mo>"
                elif op == "_":
                    sub = self.group()
                else:
                    sup = self.group()
            if sub is not None and sup is not None:
                base = f"<msubsup>{base}{sub}{sup}</msubsup>"
            elif sub is not None:
                base = f"<msub>{base}{sub}</msub>"
            elif sup is not None:
                base = f"<msup>{base}{sup}</msup>"
            items.append(base)

    def atom(self) -> str:
        t = self.next()
        if t == "{":
            inner = self.seq(stop={"}"})
            self.next()
            return _row(inner)
        if t[0].isdigit():
            return f"<mn>{t}</mn>"
        if t.isalpha():
            return f"<mi>{t}</mi>"
        if t.startswith("\\"):
            return self.command(t[1:])
        if t in "+-=<>,;:()[]|/!.?*":
            t = {"-": "−", "*": "∗"}.get(t, t)
            if t in "()[]|":
                return f'<mo stretchy="false">{_esc(t)}</mo>'
            return f"<mo>{_esc(t)}</mo>"
        if t in "&":
            raise ValueError("& outside a matrix")
        if ord(t) > 127:  # a Unicode symbol written directly
            return f"<mi>{_esc(t)}</mi>" if t.isalpha() else f"<mo>{_esc(t)}</mo>"
        raise ValueError(f"unsupported character {t!r}")

    def command(self, name: str) -> str:
        if name in GREEK:
            return f"<mi>{GREEK[name]}</mi>"
        if name in IDENTS:
            return f'<mi mathvariant="normal">{IDENTS[name]}</mi>' if name == "top" else f"<mi>{IDENTS[name]}</mi>"
        if name in OPS:
            big = ' largeop="true"' if name in ("sum", "prod") else ""
            if OPS[name] in "‖|∣":
                big = ' stretchy="false"'
            return f"<mo{big}>{_esc(OPS[name])}</mo>"
        if name in FUNCS:
            return f'<mi>{name}</mi><mspace width="0.17em"></mspace>'
        if name in SPACES:
            return f'<mspace width="{SPACES[name]}"></mspace>'
        if name in ("frac", "tfrac", "dfrac"):
            a, b = self.group(), self.group()
            return f"<mfrac>{a}{b}</mfrac>"
        if name == "sqrt":
            return f"<msqrt>{self.group()}</msqrt>"
        if name in ("tilde", "widetilde", "hat", "bar", "overline"):
            acc = {"tilde": "~", "widetilde": "~", "hat": "^", "bar": "¯", "overline": "¯"}[name]
            return f'<mover accent="true">{self.group()}<mo>{acc}</mo></mover>'
        if name in ("text", "textrm", "mbox"):
            return f"<mtext>{_esc(self.raw_group())}</mtext>"
        if name in ("mathrm", "operatorname"):
            return f'<mi mathvariant="normal">{_esc(self.raw_group())}</mi>' if name == "mathrm" \
                else f'<mi>{_esc(self.raw_group())}</mi><mspace width="0.17em"></mspace>'
        if name == "mathbb":
            g = self.raw_group()
            return f"<mi>{ {'R': 'ℝ', 'Q': 'ℚ', 'Z': 'ℤ', 'N': 'ℕ'}.get(g, g)}</mi>"
        if name in ("mathbf", "boldsymbol"):
            return f'<mi mathvariant="bold">{_esc(self.raw_group())}</mi>'
        if name in ("left", "right", "bigl", "bigr", "Bigl", "Bigr"):
            d = self.next()
            d = OPS.get(d[1:], d[1:]) if d.startswith("\\") else d
            return "" if d == "." else f"<mo>{_esc(d)}</mo>"
        if name == "eolong":
            exact = self.raw_group()
            tip = exact if len(exact) <= 4000 else f"{len(exact)} characters, in the certificate"
            return f'<mn title="exact value: {_esc(tip)}" class="long">{_esc(short_number(exact)[1])}</mn>'
        if name == "begin":
            env = self.raw_group()
            if env not in ENVS:
                raise ValueError(f"unsupported environment {env}")
            return self.matrix(env)
        raise ValueError(f"unsupported command \\{name}")

    def matrix(self, env: str) -> str:
        rows, row = [], []
        while True:
            cell = self.seq(stop={"&", "\\\\", "\\end"})
            row.append(_row(cell))
            t = self.next()
            if t == "&":
                continue
            rows.append(row)
            row = []
            if t == "\\end":
                if self.raw_group() != env:
                    raise ValueError("mismatched \\end")
                break
        body = "".join("<mtr>" + "".join(f"<mtd>{c}</mtd>" for c in r) + "</mtr>" for r in rows)
        left, right = ENVS[env]
        table = f'<mtable class="{env}">{body}</mtable>'
        if not left:
            return table
        return f'<mrow><mo fence="true" stretchy="true">{left}</mo>{table}<mo fence="true" stretchy="true">{right}</mo></mrow>'


def _row(items: list[str]) -> str:
    return items[0] if len(items) == 1 else "<mrow>" + "".join(items) + "</mrow>"


def to_mathml(latex: str, display: bool = False) -> str:
    """MathML for a LaTeX-subset formula (raises ValueError on anything outside the subset)."""
    p = _Parser(latex)
    items = p.seq()
    if p.peek() is not None:
        raise ValueError(f"unbalanced {p.peek()!r} in formula")
    attr = ' display="block"' if display else ""
    alt = _esc(re.sub(r"\\eolong\{([^{}]*)\}", lambda m: short_number(m.group(1))[1], latex))  # exact: title
    return f'<math{attr} alttext="{alt}"><mrow>{"".join(items)}</mrow></math>'


_SUP = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def short_number(exact: str) -> tuple[str, str]:
    """A long exact rational ("p/q" or an integer) shortened to its first five significant
    digits, truncated (so the digits shown are digits of the exact value) and followed by an
    ellipsis: (LaTeX, Unicode), e.g. ("-4.5306\\ldots\\times 10^{-13}", "−4.5306…×10⁻¹³")."""
    from fractions import Fraction

    from flint import fmpz

    p, _, d = exact.strip().partition("/")  # fmpz reads any number of digits (int() stops at 4300)
    f = Fraction(int(fmpz(p)), int(fmpz(d or "1")))
    sign = "-" if f < 0 else ""
    f = abs(f)
    if f == 0:
        return "0", "0"
    e = len(str(fmpz(f.numerator))) - len(str(fmpz(f.denominator)))
    if f < Fraction(10) ** e:
        e -= 1
    digits = str(int(f / Fraction(10) ** e * 10 ** 4))  # five digits, truncated
    if -3 <= e <= 5:
        whole = str(int(f))
        lead = digits[: e + 1] if e >= 0 else "0." + "0" * (-e - 1) + digits
        text = (lead + "." + digits[e + 1:] if 0 <= e < 4 else lead) if e >= 0 else lead
        if e >= 4:
            text = whole
        return f"{sign}{text}\\ldots", f"{'−' if sign else ''}{text}…"
    m = f"{digits[0]}.{digits[1:]}"
    return f"{sign}{m}\\ldots\\times 10^{{{e}}}", f"{'−' if sign else ''}{m}…×10{str(e).translate(_SUP)}"
