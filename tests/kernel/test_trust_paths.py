"""Nothing trusted unlisted (issue 20, item 2): on every verdict path of every certificate kind,
the trusted theorems the checker records (``kernel.explain(cert)["theorems"]``, what
``exactopen verify --explain`` prints) are exactly the ones the mathematics of that path uses.

:data:`EXPECTED` is the audit: (kind, path) -> the trusted theorems (ids of
``kernel.THEOREMS``) that path relies on; :func:`own_paths` reads a certificate's paths from its
JSON alone (kind, verdict, route, method, regime, the evidence present).  A certificate's
expected theorems are the union of EXPECTED over its paths and, recursively, over the
certificates nested in it (a nested certificate brings its own theorems).

The certificates walked: every ``certificates/*.json``, a few of each kind of path from the
chain atlas (``certificates/chains/*.certificates.jsonl.gz``), and generated ones (package API
and CLI) for the paths the committed files do not cover.  Every (kind, path) of EXPECTED must be
seen at least once, so the table cannot silently rot.

Known kernel gaps are :data:`GAPS`, attached to the paths (:data:`GAP_PATHS`) and
KIND_THEOREMS entries (:data:`GAP_KIND_THEOREMS`, :data:`GAP_KIND_THEOREMS_SUPERFLUOUS`) they
affect; every case that runs into one (a committed file, a generated certificate: the gaps named
in :data:`GENERATED`, a kind, the THEOREMS table) is marked ``xfail(strict=True,
raises=TrustGap)``, so only the gap's own mismatch is an expected failure.  Once the kernel is
fixed the case passes, strict xfail turns that into a failure, and the gap's entries must be
removed (GAPS, GAP_*, its name in GENERATED; for thm-5-necessity also the mark on
test_expected_theorems_are_trusted_theorems).
"""

from __future__ import annotations

import copy
import functools
import gzip
import json
from fractions import Fraction
from pathlib import Path

import pytest

from exactopen import kernel
from tests.helpers import ROOT

CERTS = ROOT / "certificates"
ATLAS = [CERTS / "chains" / f"{name}.certificates.jsonl.gz" for name in ("h3-w3", "h4-w2")]  # not the extended ones
ATLAS_PER_PATH = 3  # atlas certificates walked per distinct set of paths

E = frozenset  # a set of theorem ids
OPEN_MAPS, MONOTONE = "open-maps", "monotone-activations"

EXPECTED: dict[tuple[str, str], frozenset] = {
    # linear algebra: every fact re-derived from minors and annihilators
    ("rank", "rank"): E(),
    ("nullspace", "right"): E(),
    ("nullspace", "left"): E(),
    ("column_space", "column"): E(),
    ("column_space", "row"): E(),
    ("intersection", "intersection"): E(),
    ("solve", "solvable"): E(),
    ("solve", "unsolvable"): E(),
    ("lifting", "lifting"): E(),
    ("row_basis_bound", "lem-13"): E(),
    # perturbation_lower_bound: u^T W1 = 0, W2 v = 0 and Cauchy-Schwarz; openness is the nested certificate's
    ("perturbation_lower_bound", "sqrt-rate"): E(),
    # openness: prop-4 both ways is Behrends' theorem; thm-5 sufficiency is prop-18; a thm-5
    # refutation is the theorem-free obstruction
    ("openness", "prop-4/open-2a"): E({"behrends"}),
    ("openness", "prop-4/open-2b"): E({"behrends"}),
    ("openness", "prop-4/not-open"): E({"behrends"}),
    ("openness", "thm-5/open"): E({"prop-18"}),
    ("openness", "thm-5/not-open-obstruction"): E(),
    # chain_openness (docs/chains.md); the pairs of a split or a grouping are nested certificates
    ("chain_openness", "identity"): E(),
    ("chain_openness", "lem-10"): E({"lem-10"}),
    ("chain_openness", "split"): E({"chain-split"}),
    ("chain_openness", "split/lem-10-node"): E({"lem-10"}),  # a sub-chain of full rank min(ends) is open onto all
    ("chain_openness", "split/family-node"): E(),  # a sub-chain with a preimage family, theorem-free
    ("chain_openness", "family"): E(),  # explicit preimage family, theorem-free
    ("chain_openness", "rate"): E(),  # Lemma C5, theorem-free
    ("chain_openness", "rate/maximal"): E(),
    ("chain_openness", "obstruction"): E(),  # Lemma C3, theorem-free
    ("chain_openness", "grouping"): E({"chain-grouping"}),
    ("chain_openness", "zero-end"): E({"chain-zero-end"}),  # Lemma C11 + a family on a coordinate subspace
    ("chain_openness", "rotate"): E({"chain-rotation"}),  # Lemma C12 + a family on a coordinate subspace
    ("chain_openness", "reduce"): E({"chain-full-removal"}),  # Lemma C10 + the nested reduced chain's own
    ("chain_openness", "gap-free"): E({"chain-gap-free"}),  # Lemma C9: ranks recomputed, no gap, upper rate 1/1
    ("chain_openness", "rank-criterion"): E({"chain-rank-criterion"}),  # Theorem C16: ranks recomputed, (R)
    ("chain_openness", "none"): E(),
    # basis_change: orthogonality, diagonality, lem-17 structure re-derived; verdicts are the nested ones
    ("basis_change", "basis-change"): E(),
    ("basis_change", "carried-witness"): E(),
    ("basis_change", "lem-17"): E(),
    # pyramids: "exact" = piecewise-linear activations only (monotone by their slopes), "trusted" =
    # some tanh / logistic (T1).  Undecided verdicts only prove that a hypothesis fails (ranks).
    ("pyramid_openness", "undecided/exact"): E(),
    ("pyramid_openness", "undecided/trusted"): E(),
    ("pyramid_openness", "X_full_column_rank/exact"): E({OPEN_MAPS}),
    ("pyramid_openness", "X_full_column_rank/trusted"): E({OPEN_MAPS, MONOTONE}),
    ("pyramid_openness", "every_full_column_rank_X/exact"): E({OPEN_MAPS}),
    ("pyramid_openness", "every_full_column_rank_X/trusted"): E({OPEN_MAPS, MONOTONE}),
    ("pyramid_openness", "linear_hidden_layers/exact"): E({OPEN_MAPS}),
    ("pyramid_openness", "linear_hidden_layers/trusted"): E({OPEN_MAPS, MONOTONE}),
    ("pyramid_global", "undecided/exact"): E(),
    ("pyramid_global", "undecided/trusted"): E(),
    ("pyramid_global", "local_min_is_global/exact"): E({OPEN_MAPS, "convexity"}),
    ("pyramid_global", "local_min_is_global/trusted"): E({OPEN_MAPS, "convexity", MONOTONE}),
    # pyramid_not_open: G K = 0 on the ball, G(t) K != 0 on the family, sigma_2 continuous and
    # injective; no open map is involved (sigma_1 is piecewise linear, evaluated exactly)
    ("pyramid_not_open", "not_locally_open/exact"): E(),
    ("pyramid_not_open", "not_locally_open/trusted"): E({MONOTONE}),
    # ex-2, univariate polynomials
    ("scalar_openness", "constant"): E(),
    ("scalar_openness", "open-in-R"): E({"ivt"}),
    ("scalar_openness", "open-in-range"): E({"ivt"}),
    ("scalar_openness", "not-open"): E({"ivt"}),  # F(w1) beyond F(w0): values between, arbitrarily close
    ("scalar_openness", "side-on-interval"): E({"bernstein"}),
    ("scalar_openness", "side-on-half-line"): E(),  # every coefficient >= 0
    ("scalar_openness", "global-even-factor"): E(),
    ("scalar_openness", "global-odd-factor"): E({"sturm"}),
    ("polynomial_minimum", "minimum"): E(),
    ("polynomial_minimum", "even-factor"): E(),
    ("polynomial_minimum", "odd-factor"): E({"sturm"}),
    ("polynomial_minimum", "odd-factor-at-lower"): E(),  # c (w - lower), >= 0 on [lower, inf)
    ("polynomial_minimum", "map"): E(),
    # parametric pairs: ranks per cell, then prop-4 (1) <=> (3), thm-5 sufficiency or necessity
    ("symbolic_openness", "prop-4/open-cell"): E({"behrends-dims"}),
    ("symbolic_openness", "prop-4/not-open-cell"): E({"behrends-dims"}),
    ("symbolic_openness", "thm-5/open-cell"): E({"prop-18"}),
    ("symbolic_openness", "thm-5/not-open-cell"): E({"thm-5-necessity"}),
    ("symbolic_openness", "empty-branch"): E(),  # Rabinowitsch identity
    # a cell's verdict is its class chain's (nested certificate), moved by a change of basis
    ("symbolic_chain_openness", "decided-cell"): E({"interval-decomposition"}),
    ("symbolic_chain_openness", "undetermined-cell"): E(),  # no verdict to move: nothing claimed
    ("symbolic_chain_openness", "empty-branch"): E(),
    ("symbolic_landscape", "global_minimum-cell"): E(),  # L >= 0 vanishes there
    ("symbolic_landscape", "saddle-cell"): E(),  # a descent curve
    # deep linear networks
    ("landscape_point", "not_critical"): E(),
    ("landscape_point", "global_minimum/stationary"): E({"convexity"}),
    ("landscape_point", "global_minimum/ky_fan"): E({"spectral", "eckart-young", "ky-fan"}),
    # Lemma S (docs/checker.md) turns block PSD facts into Ky Fan's Q; blocks of side > 1 by charpoly
    ("landscape_point", "global_minimum/invariant_split"): E({"spectral", "eckart-young", "ky-fan", "invariant-split"}),
    ("landscape_point", "strict_saddle"): E(),  # a straight line with a negative t^2 coefficient
    ("landscape_point", "higher_order_saddle/dense"): E({"spectral"}),
    ("landscape_point", "higher_order_saddle/split"): E({"spectral"}),  # congruence, then blocks by charpoly
    ("landscape_point", "local_minimum_not_global"): E({"spectral", "second-order", "inverse-function"}),
    ("landscape_point", "undecided"): E(),
    ("landscape_point", "undecided/hessian_psd"): E({"spectral"}),
    ("landscape_point", "undecided/curve"): E(),
    ("numerical_rank", "rank"): E(),
    ("numerical_rank", "approximation"): E(),  # |A - PQ|_F^2 computed exactly
    ("numerical_rank", "sv-bound"): E({"courant-fischer"}),
    ("numerical_rank", "psd/factor"): E({"gershgorin"}),
    ("numerical_rank", "psd/exact"): E({"spectral"}),
    ("validate_network", "loss-gradient"): E(),
    ("validate_network", "global/nonnegative"): E(),
    ("validate_network", "global/ky_fan_schur"): E({"schur", "ky-fan", "eckart-young"}),
    ("validate_network", "psd/factor"): E({"gershgorin"}),
    ("validate_network", "psd/exact"): E({"spectral"}),
    ("validate_network", "global/upper-bound"): E(),  # the loss of an exact network point
    ("validate_network", "descent"): E(),
    ("validate_network", "snap"): E(),  # + the nested landscape_point certificate
}

# The kinds a certificate may nest (checked on every certificate walked).
NESTS = {
    "perturbation_lower_bound": {"openness"},
    "chain_openness": {"openness", "chain_openness"},
    "basis_change": {"openness"},
    "symbolic_chain_openness": {"chain_openness"},
    "validate_network": {"landscape_point"},
}

# Known kernel gaps: name -> what is wrong (empty: the gaps of issue 20 are closed; a gap found
# later goes here, with its paths below, so the suite stays green until it is fixed).
GAPS: dict = {}

# (kind, path) -> gap: the recorded theorems of this path differ from EXPECTED today.
GAP_PATHS: dict = {}

# (kind, theorem) -> gap: a theorem a path of this kind needs (its own or a nested
# certificate's) that KIND_THEOREMS[kind] does not list today.
GAP_KIND_THEOREMS: dict = {}

# (kind, theorem) -> gap: KIND_THEOREMS[kind] lists a theorem none of the kind's paths needs.
GAP_KIND_THEOREMS_SUPERFLUOUS: dict = {}


class TrustGap(AssertionError):
    """The recorded theorems differ from the audit (the only failure a gap's xfail accepts)."""


def xfail(gaps) -> list:
    return [pytest.mark.xfail(strict=True, raises=TrustGap, reason="; ".join(f"{g}: {GAPS[g]}" for g in sorted(gaps)))]


# ---------------------------------------------------------------------------------------
# a certificate's paths, from its JSON
# ---------------------------------------------------------------------------------------

TRUSTED_ACTIVATIONS = ("tanh", "logistic")


def _activations(cert) -> str:
    names = [a["name"] for a in cert["inputs"]["activations"]]
    return "trusted" if any(n in TRUSTED_ACTIVATIONS for n in names) else "exact"


def _poly(coeffs) -> list:
    return [Fraction(c) for c in coeffs]


def _value(coeffs, x) -> Fraction:
    return sum((c * x ** i for i, c in enumerate(_poly(coeffs))), Fraction(0))


def _factor_paths(factors, lower) -> list:
    """Paths of an evidence 'lc * prod f^e' (nonneg_factored): odd factors need Sturm unless
    they are c (w - lower)."""
    out = []
    for f in factors:
        if f["exp"] % 2 == 0:
            out.append("even-factor")
        elif len(f["poly"]) == 2 and lower is not None and _value(f["poly"], Fraction(lower)) == 0:
            out.append("odd-factor-at-lower")
        else:
            out.append("odd-factor")
    return out


def _tree_leaves(node):
    if "split" in node:
        yield from _tree_leaves(node["zero"])
        yield from _tree_leaves(node["nonzero"])
    else:
        yield node


def _split_nodes(node):
    yield node
    for side in ("left", "right"):
        if side in node:
            yield from _split_nodes(node[side])


def own_paths(cert: dict) -> list:
    """The paths of ``cert`` itself (nested certificates not included)."""
    k, res, ev, inp = cert["kind"], cert["result"], cert["evidence"], cert["inputs"]
    if k in ("rank", "intersection", "lifting"):
        return [k]
    if k == "nullspace":
        return [res["side"]]
    if k == "column_space":
        return [res["space"]]
    if k == "solve":
        return ["solvable" if res["solvable"] else "unsolvable"]
    if k == "row_basis_bound":
        return ["lem-13"]
    if k == "perturbation_lower_bound":
        return ["sqrt-rate"]
    if k == "openness":
        if res["theorem"] == "prop-4":
            if res["verdict"] != "locally_open":
                return ["prop-4/not-open"]
            return [f"prop-4/open-{c}" for c in ("2a", "2b") if f"witness_{c}" in ev]
        return ["thm-5/open" if res["verdict"] == "locally_open" else "thm-5/not-open-obstruction"]
    if k == "chain_openness":
        arg = res["argument"]
        if len(inp["layers"]) == 1:
            return ["identity"]
        out = [arg]
        if arg == "split" and any(n["how"] == "lem-10" for n in _split_nodes(ev["split"])):
            out.append("split/lem-10-node")
        if arg == "split" and any(n["how"] == "family" for n in _split_nodes(ev["split"])):
            out.append("split/family-node")
        if "rate" in ev:
            out += ["rate"] + (["rate/maximal"] if "maximal" in ev["rate"] else [])
        return out
    if k == "basis_change":
        return (["basis-change"] + (["carried-witness"] if "carried_witness_i" in ev else [])
                + (["lem-17"] if "lem17_rank" in res else []))
    if k in ("pyramid_openness", "pyramid_global", "pyramid_not_open"):
        head = res.get("route", res["verdict"]) if res["verdict"] == "locally_open" else res["verdict"]
        return [f"{head}/{_activations(cert)}"]
    if k == "scalar_openness":
        if len(inp["F"]) <= 1 or all(Fraction(c) == 0 for c in inp["F"][1:]):
            return ["constant"]
        out = ["open-in-R" if res["relative_to"] == "R" else
               "open-in-range" if res["verdict"] == "locally_open" else "not-open"]
        out += ["side-on-interval" if ev[side].get("r") is not None else "side-on-half-line"
                for side in ("right", "left")]
        if "global" in ev:
            out += ["global-" + p for p in _factor_paths(ev["global"]["factors"], None)]
        return out
    if k == "polynomial_minimum":
        out = ["minimum"] + _factor_paths(ev["nonnegativity"]["factors"], inp.get("lower"))
        return out + (["map"] if "map" in inp else [])
    if k == "symbolic_openness":
        regime = res["theorem"]
        out = []
        for leaf in _tree_leaves(ev["tree"]):
            if "empty" in leaf:
                out.append("empty-branch")
            else:
                v = leaf["cell"]["verdict"]
                out.append(f"{regime}/{'open' if v == 'locally_open' else 'not-open'}-cell")
        return out
    if k == "symbolic_chain_openness":
        return ["empty-branch" if "empty" in leaf else
                "undetermined-cell" if leaf["cell"]["verdict"] == "undetermined" else "decided-cell"
                for leaf in _tree_leaves(ev["tree"])]
    if k == "symbolic_landscape":
        return [f"{ev[c]['verdict']}-cell" for c in ("zero", "nonzero")]
    if k == "landscape_point":
        v = res["verdict"]
        if v == "global_minimum":
            return [f"global_minimum/{ev['lower_bound']['method']}"]
        if v == "higher_order_saddle":
            return ["higher_order_saddle/" + ("split" if "hessian_split" in ev else "dense")]
        if v == "undecided":
            return (["undecided"] + (["undecided/hessian_psd"] if res.get("hessian_psd") else [])
                    + (["undecided/curve"] if "curve" in ev else []))
        return [v]
    if k == "numerical_rank":
        out = ["rank"] + (["approximation"] if res["approximations"] else [])
        for b in ev["singular_value_bounds"]:
            out += ["sv-bound", f"psd/{b['psd']['method']}"]
        return out
    if k == "validate_network":
        out = ["loss-gradient"]
        if res.get("global") is not None:
            g = ev["global"]
            out.append(f"global/{g['method']}")
            if g["method"] == "ky_fan_schur":
                out.append(f"psd/{g['psd']['method']}")
            if res["global"].get("upper_bound") is not None:
                out.append("global/upper-bound")
        return out + [key for key in ("descent", "snap") if res.get(key) is not None]
    raise AssertionError(f"no paths known for kind {k!r}: extend the audit")


def nested_certificates(obj):
    """The certificates nested in obj's evidence (not those nested in them)."""
    stack = [obj["evidence"]]
    while stack:
        x = stack.pop()
        if isinstance(x, dict):
            if x.get("format") == "exactopen-certificate":
                yield x
                continue
            stack.extend(x.values())
        elif isinstance(x, list):
            stack.extend(x)


@functools.cache
def _audit_text(text: str) -> tuple:
    return _audit(json.loads(text))


def audit(cert: dict) -> tuple:
    """(paths: {(kind, path)}, expected theorems, gaps) of cert and, recursively, its nested ones."""
    return _audit_text(json.dumps(cert, sort_keys=True))


def _audit(cert: dict) -> tuple:
    k = cert["kind"]
    keys = {(k, p) for p in own_paths(cert)}
    unknown = keys - set(EXPECTED)
    assert not unknown, f"paths missing from EXPECTED: {sorted(unknown)}"
    expected = set().union(*(EXPECTED[key] for key in keys))
    gaps = {GAP_PATHS[key] for key in keys if key in GAP_PATHS}
    for sub in nested_certificates(cert):
        assert sub["kind"] in NESTS.get(k, ()), f"{k} nests a {sub['kind']} certificate (not in NESTS)"
        skeys, sexp, sgaps = audit(sub)
        keys |= skeys
        expected |= sexp
        gaps |= sgaps
    gaps |= {GAP_KIND_THEOREMS[(k, t)] for t in expected if (k, t) in GAP_KIND_THEOREMS}
    return frozenset(keys), frozenset(expected), frozenset(gaps)


# ---------------------------------------------------------------------------------------
# the certificates: committed files, the chain atlas, generated ones
# ---------------------------------------------------------------------------------------

def _committed() -> list:
    return sorted(p for p in CERTS.glob("*.json") if p.name != "schema.json")


@functools.lru_cache(maxsize=1)
def _atlas() -> dict:
    """{"<file>:<line>": certificate}: the first ATLAS_PER_PATH certificates of each distinct set
    of paths (nested ones included) of the chain atlas."""
    seen: dict = {}
    out = {}
    for path in ATLAS:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                cert = json.loads(line)
                keys = _audit(cert)[0]
                if seen.get(keys, 0) < ATLAS_PER_PATH:
                    seen[keys] = seen.get(keys, 0) + 1
                    out[f"{path.name}:{i + 1}"] = cert
    return out


def _m(rows):
    from exactopen.exact import matrix as mx

    return mx.from_rows(rows)


def _restated(cert: dict) -> dict:
    """cert with its claim re-derived by the checker (after an edit of its evidence or result)."""
    cert["claim"] = kernel.statement(cert)
    return cert


def _cli_certificate(args: list, tmp: Path) -> dict:
    from exactopen.cli import main

    out = tmp / "cert.json"
    assert main(args + ["--out", str(out)]) == 0
    return json.loads(out.read_text(encoding="utf-8"))


def _load(name: str) -> dict:
    return json.loads((CERTS / f"{name}.json").read_text(encoding="utf-8"))


def gen_linalg(which: str) -> dict:
    from exactopen.exact import linalg

    A = _m([[1, 2, 3], [2, 4, 6], [0, 1, 1]])
    return {
        "rank": lambda: linalg.rank_certificate(A),
        "nullspace-right": lambda: linalg.nullspace_certificate(A, "right"),
        "nullspace-left": lambda: linalg.nullspace_certificate(A, "left"),
        "column-space": lambda: linalg.column_space_certificate(A, "column"),
        "row-space": lambda: linalg.column_space_certificate(A, "row"),
        "intersection": lambda: linalg.intersection_certificate(A, _m([[1, 0], [1, 1], [-1, 0]])),
        "solvable": lambda: linalg.solve_certificate(A, _m([[1], [2], [0]])),
        "unsolvable": lambda: linalg.solve_certificate(A, _m([[1], [0], [0]])),
    }[which]()


def gen_sqrt_rate_prop4() -> dict:
    """perturbation_lower_bound at a prop-4 pair (k >= min(m, n)): the nested openness is Behrends'."""
    from exactopen.openness.rates import sqrt_rate_certificate

    return sqrt_rate_certificate(_m([[1, 0], [0, 0]]), _m([[0], [0]]))


def gen_basis_change_prop4() -> dict:
    from exactopen.openness.basis_change import basis_change_certificate

    I2 = _m([[1, 0], [0, 1]])
    return basis_change_certificate(I2, _m([[1, 0], [0, 0]]), I2, I2)


def gen_pyramid(which: str) -> dict:
    from exactopen.pyramid import networks

    W1, W2 = _m([[1, 0, 2], [0, 1, 1]]), _m([[1, 1]])
    low = _m([[1, 0, 2], [2, 0, 4]])  # rank 1 < 2 rows
    X = _m([[1, 0], [0, 1], [1, 1]])
    X1 = _m([[1, 1], [0, 0], [1, 1]])  # rank 1 < n = 2
    return {
        "every-X/exact": lambda: networks.decide_pyramid([W1, W2], ["leaky_relu:1/2", "identity"]),
        "every-X/trusted": lambda: networks.decide_pyramid([W1, W2], ["tanh", "identity"]),
        "linear-hidden/exact": lambda: networks.decide_pyramid([W1, W2], ["identity", "leaky_relu:1/2"], X1),
        "linear-hidden/trusted": lambda: networks.decide_pyramid([W1, W2], ["identity", "logistic"], X1),
        "undecided/exact": lambda: networks.decide_pyramid([low, W2], ["leaky_relu:1/2", "identity"], X),
        "undecided/trusted": lambda: networks.decide_pyramid([low, W2], ["tanh", "identity"], X),
        "global-undecided/exact": lambda: networks.certify_global([low, W2], ["leaky_relu:1/2", "identity"], X),
        "global-undecided/trusted": lambda: networks.certify_global([low, W2], ["tanh", "identity"], X),
        "not-open/trusted": lambda: _lemma6(["leaky_relu:1/2", "tanh"]),
    }[which]().certificate


def _lemma6(acts):
    """The built-in counterexample to lem-6 (pyramid.networks.lemma6_counterexample), other sigma_2."""
    from exactopen.pyramid import networks

    X = _m([[1, 0, 1], [0, 1, 1], [1, 1, 2], [1, -1, 0]])
    fam = (_m([[1, 0, 0, 0], [2, 3, 0, 0]]), _m([[0, -2, 0, 0], [0, 1, 0, 0]]), _m([[1, 1]]), _m([[0, 0]]))
    return networks.certify_not_open([_m([[1, 2, 0, 0], [2, 1, 0, 0]]), _m([[1, 1]])], acts, X, fam)


def gen_scalar(which: str) -> dict:
    from exactopen.pyramid import scalar

    return {
        "constant": lambda: scalar.certify_openness(["3"], "1"),
        "cubic": lambda: scalar.certify_openness(["0", "0", "0", "1"], "0"),  # w^3: open in R, rho >= 0
        "odd-factor": lambda: scalar.certify_openness(["0", "0", "1", "0", "1"], "0"),  # w^2 (w^2 + 1)
        "not-open": lambda: scalar.certify_openness(["0", "0", "-1", "0", "1"], "0"),  # w^4 - w^2
        "min-odd-factor": lambda: scalar.certify_minimum(["0", "0", "1", "0", "1"], ["0"]),
        "min-at-lower": lambda: scalar.certify_minimum(["0", "1"], ["0"], lower="0"),
    }[which]().certificate


def gen_openness_cli(W1: str, W2: str) -> dict:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        return _cli_certificate(["openness", "--W1", W1, "--W2", W2], Path(tmp))


def gen_symbolic_chain() -> dict:
    import exactopen

    return exactopen.chain([[["a", "b"], ["b", "a"]], [["1", "0"], ["0", "1"]], [["1", "0"]]]).certificate


def gen_symbolic_chain_criterion() -> dict:
    """Every real a gives the atlas class {0-0, 0-1, 1-2 x2, 2-3, 3-3 x3} (widths [2, 3, 3, 4]), which
    only the rank criterion decides (Theorem C16): open."""
    import exactopen
    from exactopen.openness.chain import representative

    layers = [[[str(x) for x in row] for row in W.tolist()]
              for W in representative(3, {(0, 0): 1, (0, 1): 1, (1, 2): 2, (2, 3): 1, (3, 3): 3})]
    r, c = next((r, c) for r, row in enumerate(layers[1]) for c, x in enumerate(row) if x == "1")
    layers[1][r][c] = "a^2+1"
    cert = exactopen.chain(layers).certificate
    assert "rank-criterion" in json.dumps(cert["evidence"]) and "undetermined" not in json.dumps(cert["result"])
    return cert


def gen_symbolic_chain_undetermined() -> dict:
    """The same with its class certificate restated as undetermined (argument none; decide_chain no
    longer answers that): true, and the cell claims no verdict."""
    cert = copy.deepcopy(generated("symbolic-chain-criterion"))

    def walk(node):
        if isinstance(node, dict):
            for key, val in node.items():
                if key == "class_certificate":
                    val["result"].update(verdict="undetermined", argument="none")
                    _restated(val)
                else:
                    if key == "cell":
                        val["verdict"] = "undetermined"
                    walk(val)
        elif isinstance(node, list):
            for val in node:
                walk(val)

    walk(cert["evidence"])
    for cell in cert["result"]["cells"]:
        cell["verdict"] = "undetermined"
    return _restated(cert)


def gen_chain_identity() -> dict:
    import exactopen

    return exactopen.chain([[[1, 2], [0, 1]]]).certificate


def gen_chain_rank_criterion() -> dict:
    """A class of h = 3, widths [2, 3, 3, 4] that only Theorem C16 decides, in a dense random basis."""
    from exactopen.openness.chain import decide_chain
    from tests.openness.test_chain_rank_criterion import dense_class

    cert = decide_chain(dense_class(3, {(0, 0): 1, (0, 1): 1, (1, 2): 2, (2, 3): 1, (3, 3): 3}, seed=7))[2]
    assert cert["result"]["argument"] == "rank-criterion"
    return cert


def gen_chain_undetermined() -> dict:
    """The same chain restated as undetermined (argument none): true, and it claims nothing."""
    cert = copy.deepcopy(generated("chain-rank-criterion"))
    cert["result"].update(verdict="undetermined", argument="none")
    return _restated(cert)


def gen_classify_not_critical() -> dict:
    import exactopen

    return exactopen.classify([[[1]], [[1]]], Y=[[2]], X=[[1]]).certificate


def gen_global_split() -> dict:
    """A generic global minimum (dense rotations, gauges, non-whitened X): the invariant split."""
    import random

    from exactopen.landscape.classify import classify_critical_point
    from exactopen.landscape.examples import generic_point

    cert = classify_critical_point(generic_point((4, 4, 2, 4, 4), "global_minimum", random.Random(0), 8)).certificate
    assert cert["evidence"]["lower_bound"]["method"] == "invariant_split"
    return cert


def gen_split_hessian() -> dict:
    """ex-intro's higher-order saddle with its Hessian proved PSD through a (trivial) gauge split."""
    cert = _load("ex-intro")
    hidden = [W["shape"][0] for W in cert["inputs"]["layers"][:-1]]
    eye = [{"shape": [d, d], "rows": [["1" if i == j else "0" for j in range(d)] for i in range(d)]} for d in hidden]
    cert["evidence"]["hessian_split"] = {"gauge": eye, "gauge_inverse": copy.deepcopy(eye)}
    return _restated(cert)


def gen_undecided(which: str) -> dict:
    """ex-intro's point restated as undecided: with its PSD Hessian and descent curve, or bare."""
    cert = _load("ex-intro")
    res = cert["result"]
    res["verdict"] = "undecided"
    if which == "psd+curve":
        res["not_local_minimum"] = True
    else:
        cert["result"] = {"verdict": "undecided", "loss": res["loss"]}
        cert["evidence"] = {}
    cert["claim_id"] = None
    return _restated(cert)


def gen_numerical_rank(method: str) -> dict:
    from exactopen.numeric.rank import numerical_rank_certificate

    cert, _, _ = numerical_rank_certificate(_m([[1, 0, 0], [0, "1/1000000", 0], [0, 0, 2]]))
    bounds = cert["evidence"]["singular_value_bounds"]
    assert bounds and all(b["psd"]["method"] == "factor" for b in bounds)
    if method == "exact":
        for b in bounds:
            b["psd"] = {"method": "exact"}
        _restated(cert)
    return cert


def gen_validate(which: str) -> dict:
    import numpy as np

    import exactopen

    if which == "snap-stationary":  # the snapped point is a global minimum by convexity
        return exactopen.validate([np.array([[1.0]]), np.array([[2.0]])], Y=np.array([[2.0, 4.0]]),
                                  X=np.array([[1.0, 2.0]]), snap="0.01").certificate
    if which == "snap-saddle":  # docs/api.md's example: a near saddle, snapped to ex-intro's kind of point
        return exactopen.validate([np.array([[1.0, 0]]), np.array([[1e-9]]), np.array([[1.0], [0]])],
                                  Y=np.array([[0, 0], [0, 1.0]]), X=np.eye(2), snap="0.01").certificate
    cert = exactopen.validate([np.array([[1.0, 0.5]]), np.array([[0.7], [0.2]])], Y=np.eye(2), X=np.eye(2),
                              snap="0.5").certificate  # bottleneck: min L > 0, the Ky Fan / Schur bound
    assert cert["evidence"]["global"]["psd"]["method"] == "factor"
    if which == "kyfan-exact":
        cert["evidence"]["global"]["psd"] = {"method": "exact"}
        _restated(cert)
    return cert


# name -> (generator, gaps it runs into)
GENERATED = {
    **{f"linalg-{w}": (functools.partial(gen_linalg, w), set())
       for w in ("rank", "nullspace-right", "nullspace-left", "column-space", "row-space", "intersection",
                 "solvable", "unsolvable")},
    "sqrt-rate-prop-4": (gen_sqrt_rate_prop4, set()),
    "basis-change-prop-4": (gen_basis_change_prop4, set()),
    "chain-identity": (gen_chain_identity, set()),
    "chain-rank-criterion": (gen_chain_rank_criterion, set()),
    "chain-undetermined": (gen_chain_undetermined, set()),
    **{f"pyramid-{w}": (functools.partial(gen_pyramid, w), set())
       for w in ("every-X/exact", "every-X/trusted", "linear-hidden/exact", "linear-hidden/trusted",
                 "undecided/exact", "global-undecided/exact")},
    "pyramid-undecided/trusted": (functools.partial(gen_pyramid, "undecided/trusted"), set()),
    "pyramid-global-undecided/trusted": (functools.partial(gen_pyramid, "global-undecided/trusted"), set()),
    "pyramid-not-open/trusted": (functools.partial(gen_pyramid, "not-open/trusted"), set()),
    **{f"scalar-{w}": (functools.partial(gen_scalar, w), set())
       for w in ("constant", "cubic", "odd-factor", "not-open", "min-odd-factor", "min-at-lower")},
    # the case of the issue: a = 0 is "not locally open" from the ranks alone (thm-5's necessity)
    "symbolic-thm-5-issue": (functools.partial(gen_openness_cli, '[["a"],["0"]]', '[["1","0"]]'), set()),
    "symbolic-thm-5-not-open-only": (functools.partial(gen_openness_cli, '[["0"],["0"]]', '[["1","a"]]'), set()),
    "symbolic-thm-5-open-only": (functools.partial(gen_openness_cli, '[["1"],["0"]]', '[["1","a"]]'), set()),
    "symbolic-prop-4-empty-branches": (functools.partial(gen_openness_cli, '[["a","b"],["b","a"]]', '[["a"],["b"]]'),
                                       set()),
    "symbolic-chain-empty-branches": (gen_symbolic_chain, set()),
    "symbolic-chain-criterion": (gen_symbolic_chain_criterion, set()),
    "symbolic-chain-undetermined": (gen_symbolic_chain_undetermined, set()),
    "landscape-not-critical": (gen_classify_not_critical, set()),
    "landscape-split-hessian": (gen_split_hessian, set()),
    "landscape-global-split": (gen_global_split, set()),
    "landscape-undecided-psd-curve": (functools.partial(gen_undecided, "psd+curve"), set()),
    "landscape-undecided-bare": (functools.partial(gen_undecided, "bare"), set()),
    "numerical-rank-factor": (functools.partial(gen_numerical_rank, "factor"), set()),
    "numerical-rank-exact": (functools.partial(gen_numerical_rank, "exact"), set()),
    "validate-kyfan-factor": (functools.partial(gen_validate, "kyfan-factor"), set()),
    "validate-kyfan-exact": (functools.partial(gen_validate, "kyfan-exact"), set()),
    "validate-snap-saddle": (functools.partial(gen_validate, "snap-saddle"), set()),
    "validate-snap-stationary": (functools.partial(gen_validate, "snap-stationary"), set()),
}


@functools.cache
def generated(name: str) -> dict:
    return GENERATED[name][0]()


def _cases() -> list:
    out = []
    for p in _committed():
        gaps = audit(json.loads(p.read_text(encoding="utf-8")))[2]
        out.append(pytest.param("file", p.name, gaps, id=p.name, marks=xfail(gaps) if gaps else ()))
    for name, (_fn, gaps) in GENERATED.items():
        out.append(pytest.param("generated", name, frozenset(gaps), id=name, marks=xfail(gaps) if gaps else ()))
    return out


def certificate(source: str, name: str) -> dict:
    """A walked certificate: a committed file or a generated one."""
    if source == "file":
        return json.loads((CERTS / name).read_text(encoding="utf-8"))
    return generated(name)


# ---------------------------------------------------------------------------------------
# the tests
# ---------------------------------------------------------------------------------------

def check_recorded(cert: dict) -> None:
    """kernel.explain(cert) accepts it and records exactly the audited theorems, all declared
    for its kind; raises TrustGap otherwise."""
    rep = kernel.explain(cert)  # accepted (raises Rejected otherwise)
    keys, expected, _gaps = audit(cert)
    recorded = [t["id"] for t in rep["theorems"]]
    assert len(recorded) == len(set(recorded)), recorded
    recorded = set(recorded)
    if recorded != expected:
        raise TrustGap(f"{cert['kind']} on the paths {sorted(p for _, p in keys)}: recorded {sorted(recorded)}, "
                       f"the audit expects {sorted(expected)} (missing {sorted(expected - recorded)}, "
                       f"superfluous {sorted(recorded - expected)})")
    outside = recorded - set(kernel.KIND_THEOREMS[cert["kind"]])
    if outside:
        raise TrustGap(f"{cert['kind']} records {sorted(outside)}, not in KIND_THEOREMS[{cert['kind']!r}]")


@pytest.mark.parametrize("source,name,gaps", _cases())
def test_recorded_theorems_are_the_audited_ones(source, name, gaps):
    cert = certificate(source, name)
    assert audit(cert)[2] == gaps, f"the case's declared gaps {sorted(gaps)} are not the ones its paths run into"
    check_recorded(cert)


def test_chain_atlas_records_the_audited_theorems():
    """A few certificates of each distinct set of paths of the chain atlas (read in full, sampled)."""
    sample = _atlas()
    assert len(sample) >= 20, "the chain atlas is missing or nearly empty"
    for name, cert in sample.items():
        assert not audit(cert)[2], f"{name} runs into a known kernel gap: give the atlas its xfail cases"
        try:
            check_recorded(cert)
        except TrustGap as exc:
            raise TrustGap(f"{name}: {exc}") from None


def test_every_audited_path_is_walked():
    seen = set()
    for p in _committed():
        seen |= audit(json.loads(p.read_text(encoding="utf-8")))[0]
    for cert in _atlas().values():
        seen |= audit(cert)[0]
    for name in GENERATED:
        seen |= audit(generated(name))[0]
    missing = set(EXPECTED) - seen
    assert not missing, f"no certificate walks these paths: {sorted(missing)}"


def test_every_kind_is_audited():
    assert {k for k, _ in EXPECTED} == set(kernel.KINDS)
    assert set(NESTS) <= set(kernel.KINDS) and all(v <= set(kernel.KINDS) for v in NESTS.values())


def _needs(kind: str, seen: frozenset = frozenset()) -> set:
    """The theorems the audit finds on the kind's paths and in the kinds it nests (a kind may nest
    itself: chain_openness's reduce argument nests the reduced chain's certificate)."""
    own = set().union(*(v for (k, _), v in EXPECTED.items() if k == kind))
    return own.union(*(_needs(sub, seen | {kind}) for sub in NESTS.get(kind, ()) if sub not in seen | {kind}))


def _kind_gaps(kind: str) -> set:
    return {g for (k, _t), g in (*GAP_KIND_THEOREMS.items(), *GAP_KIND_THEOREMS_SUPERFLUOUS.items()) if k == kind}


@pytest.mark.parametrize("kind", [pytest.param(k, marks=xfail(_kind_gaps(k)) if _kind_gaps(k) else ())
                                  for k in sorted(kernel.KINDS)])
def test_kind_theorems_are_exactly_the_audited_ones(kind):
    """KIND_THEOREMS[kind] is the union of the audit's theorems over the kind's paths and the
    kinds it nests: nothing missing, nothing superfluous."""
    declared, needed = set(kernel.KIND_THEOREMS[kind]), _needs(kind)
    if declared != needed:
        raise TrustGap(f"KIND_THEOREMS[{kind!r}] = {sorted(declared)}; the audit needs {sorted(needed)} "
                       f"(missing {sorted(needed - declared)}, superfluous {sorted(declared - needed)})")


def test_expected_theorems_are_trusted_theorems():
    unknown = set().union(*EXPECTED.values()) - set(kernel.THEOREMS)
    assert not unknown, f"not in THEOREMS: {sorted(unknown)}"
