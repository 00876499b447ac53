"""Openness commands: openness, lift, rate, chain, rowbasis, demo."""

from __future__ import annotations

from exactopen.cli import add_numeric_option, add_output_options, emit


def register(sub) -> None:
    p = sub.add_parser("openness", help="is W1 W2 locally open at (W1, W2)? (prop-4 / thm-5), certified")
    p.add_argument("--W1", required=True, metavar="SPEC")
    p.add_argument("--W2", required=True, metavar="SPEC")
    add_output_options(p); add_numeric_option(p)
    p.set_defaults(func=run_openness)

    p = sub.add_parser("lift", help="exact preimage (W1+D1)(W2+D2) = Z of a target near W1 W2 (prop-18)")
    p.add_argument("--W1", required=True, metavar="SPEC")
    p.add_argument("--W2", required=True, metavar="SPEC")
    p.add_argument("--Z", required=True, metavar="SPEC", help="target in the range of M near W1 W2")
    add_output_options(p); add_numeric_option(p)
    p.set_defaults(func=run_lift)

    p = sub.add_parser("rate", help="perturbation size vs target distance at (W1, W2) (thm-5-delta)")
    p.add_argument("--W1", required=True, metavar="SPEC")
    p.add_argument("--W2", required=True, metavar="SPEC")
    p.add_argument("--R", metavar="SPEC", help="direction: targets W1W2 + 10^-j R (default: a rank-raising "
                   "direction u v^T if one exists, else W1 * ones)")
    add_output_options(p); add_numeric_option(p)
    p.set_defaults(func=run_rate)

    p = sub.add_parser("chain", help="openness of (W_1..W_h) -> W_h...W_1 (lem-10 and degenerate chains; input layer first)")
    p.add_argument("--layers", required=True, nargs="+", metavar="SPEC")
    add_output_options(p); add_numeric_option(p)
    p.set_defaults(func=run_chain)

    p = sub.add_parser("rowbasis", help="lem-13: rows B with V[B^c] = A V[B] and max |A_ij| <= 1")
    p.add_argument("matrix", metavar="SPEC")
    add_output_options(p); add_numeric_option(p)
    p.set_defaults(func=run_rowbasis)

    p = sub.add_parser("demo", help="the paper's Remark 1 example, decided and certified")
    add_output_options(p)
    p.set_defaults(func=run_demo)


def _load(spec, args, what):
    from exactopen.inputs import load_matrix

    return load_matrix(spec, numeric=getattr(args, "numeric", False), what=what)


def _pair(args):
    from exactopen.errors import InputError

    W1, W2 = _load(args.W1, args, "--W1"), _load(args.W2, args, "--W2")
    if W1.ncols() != W2.nrows():
        raise InputError(f"shape mismatch: W1 is {W1.nrows()}x{W1.ncols()}, W2 is {W2.nrows()}x{W2.ncols()} "
                         "(need W1.cols == W2.rows)")
    return W1, W2


def describe(D) -> list[str]:
    """Human lines: verdict, theorem and case, the decisive fact."""
    F = D.facts
    regime = "k >= min(m,n)" if F.k >= min(F.m, F.n) else "k < min(m,n)"
    words = "LOCALLY OPEN" if D.is_open else "NOT LOCALLY OPEN"
    lines = [f"{words} at (W1, W2)  [W1 {F.m}x{F.k}, W2 {F.k}x{F.n}; {regime}; {D.theorem}]",
             f"  because {D.reason}"]
    ob = D.certificate["evidence"].get("obstruction")
    if ob:
        lines.append(f"  obstruction: every preimage of W1W2 + δR (δ != 0) moves {ob['side']} by "
                     f"||Δ{ob['side'][1]}||_F^2 >= {ob['bound']}, however small δ is")
    return lines


def run_openness(args) -> int:
    from exactopen.openness.parametric import spec_has_parameters

    if spec_has_parameters(args.W1) or spec_has_parameters(args.W2):
        return openness_command_symbolic(args.W1, args.W2, args)
    from exactopen.openness.pair import decide_pair

    W1, W2 = _pair(args)
    D = decide_pair(W1, W2)
    emit(args, D.certificate, describe(D), {"verdict": D.verdict, "theorem": D.theorem, "reason": D.reason})
    return 0


def run_lift(args) -> int:
    from exactopen.exact import matrix as mx
    from exactopen.openness.lifting import lift

    W1, W2 = _pair(args)
    Z = _load(args.Z, args, "--Z")
    L = lift(W1, W2, Z)
    res = L.certificate["result"]
    emit(args, L.certificate, [f"(W1 + D1)(W2 + D2) = Z  ({L.method})", "D1 =", mx.pretty(L.D1), "D2 =",
                               mx.pretty(L.D2), f"||D1||_F^2 = {res['norm2_D1']}, ||D2||_F^2 = {res['norm2_D2']}, "
                               f"||Z - W1W2||_F^2 = {res['norm2_target']}"],
         {"verdict": "lifted", "D1": res["D1"], "D2": res["D2"]})
    return 0


def run_rate(args) -> int:
    from flint import fmpq_mat

    from exactopen.errors import InputError
    from exactopen.exact import matrix as mx
    from exactopen.exact.floats import check_float_range
    from exactopen.openness.pair import decide_pair
    from exactopen.openness.rates import (
        perturbation_table,
        sqrt_rate_certificate,
        sqrt_rate_witness,
    )

    W1, W2 = _pair(args)
    check_float_range(W1, "--W1", tiny=True)  # the rate table is computed in floats
    check_float_range(W2, "--W2", tiny=True)
    D = decide_pair(W1, W2, with_obstruction=False)
    if not D.is_open:
        raise InputError(f"M is not locally open at (W1, W2) ({D.reason}): no perturbation rate to measure")
    if args.R:
        R = _load(args.R, args, "--R")
        if (R.nrows(), R.ncols()) != (W1.nrows(), W2.ncols()):
            raise InputError(f"shape mismatch: R is {R.nrows()}x{R.ncols()}, W1 W2 is {W1.nrows()}x{W2.ncols()}")
        if all(x == 0 for x in R.entries()):
            raise InputError("--R is zero: the targets W1W2 + 10^-j R would not move")
        check_float_range(R, "--R", tiny=True)
    else:
        w = sqrt_rate_witness(W1, W2)
        if w is not None:
            R = mx.from_json(w["u"]) * mx.from_json(w["v"]).transpose()
        else:
            R = W1 * fmpq_mat(W1.ncols(), W2.ncols(), [1] * (W1.ncols() * W2.ncols()))
    rows = perturbation_table(W1, W2, R)
    lines = ["targets Z = W1W2 + 10^-j R, lifted exactly (certified liftings):",
             f"  {'j':>2} {'||Z-W1W2||_F':>14} {'max ||D_i||_F':>14} {'local exponent':>15}"]
    for r in rows:
        from exactopen.cli import certified

        certified(r["lifting"].certificate)
        lines.append(f"  {r['j']:>2} {r['distance']:14.6e} {r['perturbation']:14.6e} "
                     f"{(format(r['rate'], '15.3f') if 'rate' in r else ' ' * 15)}")
    cert = sqrt_rate_certificate(W1, W2, D)
    if cert is None:
        from exactopen.exact.linalg import rank_certificate

        lines.append("no rank-raising direction u v^T (u^T W1 = 0, W2 v = 0) exists: the construction's rate "
                     "above is the evidence (exponent 1 means δ = O(ε))")
        cert = rank_certificate(W1 * W2, name="W1 W2")
        summary = {"verdict": "no_rate_bound", "lower_bound_exponent": None}
    else:
        lines.append("certified: every preimage of W1W2 + δ u v^T needs max(||A||,||B||) >= sqrt(distance), "
                     "so δ(ε) <= ε^2 here (thm-5-delta's δ = O(ε) fails)")
        summary = {"verdict": "rate_at_most_sqrt", "lower_bound_exponent": "1/2"}
    summary["table"] = [{k: r[k] for k in ("j", "distance", "perturbation") if k in r} for r in rows]
    emit(args, cert, lines, summary)
    return 0


def run_chain(args) -> int:
    from exactopen.openness.chain import decide_chain
    from exactopen.openness.parametric import spec_has_parameters

    if any(spec_has_parameters(s) for s in args.layers):
        if len(args.layers) == 2:
            return openness_command_symbolic(args.layers[1], args.layers[0], args)
        return chain_command_symbolic(args.layers, args)
    layers = [_load(s, args, f"layer {i + 1}") for i, s in enumerate(args.layers)]
    verdict, reason, cert = decide_chain(layers)
    words = {"locally_open": "LOCALLY OPEN", "not_locally_open": "NOT LOCALLY OPEN"}.get(verdict, "UNDETERMINED")
    res = cert["result"]
    lines = [f"{words}: {reason}"]
    summary = {"verdict": verdict, "argument": res.get("argument", res.get("theorem")), "reason": reason}
    rate = cert["evidence"].get("rate")
    if rate is not None:
        p, (a, b), c = rate["p"], rate["entry"], rate["constant"]
        lines.append(f"rate (Lemma C5, certified lower bound): every preimage of W_h...W_1 + δ E_{a}{b} "
                     f"(entry ({a}, {b}) from 0) moves some layer by >= min(1, ({c} |δ|)^(1/{p})), so the "
                     f"needed perturbation is at least (c distance)^(1/{p})")
        summary.update({"rate": cert["result"]["rate"], "rate_constant": c, "rate_entry": [a, b]})
    fam = cert["evidence"].get("family")
    if fam is not None:
        q, C = fam["p"], fam["constant"]
        lines.append(f"rate (preimage family, certified upper bound): every target at max-distance δ <= {fam['radius']} "
                     f"has a preimage moving each layer entry by <= {C} δ^(1/{q})"
                     + (f"; with Lemma C5 the exponent is exactly 1/{q}" if rate is not None and rate["p"] == q else ""))
        summary.update({"preimage_rate": cert["result"]["preimage_rate"], "preimage_constant": C})
    elif res.get("preimage_rate"):  # Lemmas C10-C12: the exponent, no constant
        q = res["preimage_rate"]
        lines.append(f"rate ({res['argument']}, certified upper bound): every nearby target at max-distance δ has a "
                     f"preimage moving each layer entry by O(δ^({q}))"
                     + (f"; with Lemma C5 the exponent is exactly {q}" if res.get("rate") == q else ""))
        summary.update({"preimage_rate": q})
    emit(args, cert, lines, summary)
    return 0


def run_rowbasis(args) -> int:
    from exactopen.exact import matrix as mx
    from exactopen.openness.row_basis import row_basis_certificate

    V = _load(args.matrix, args, "matrix")
    cert = row_basis_certificate(V)
    res = cert["result"]
    emit(args, cert, [f"rows B = {res['B']}; V[B^c] = A V[B] with A =", mx.pretty(mx.from_json(res["A"])),
                      f"max |A_ij| = {res['max_abs']} <= 2^(m-r-1) = {res['bound']}"],
         {"verdict": "bounded", "B": res["B"], "A": res["A"], "max_abs": res["max_abs"]})
    return 0


def run_demo(args) -> int:
    from exactopen.exact import matrix as mx
    from exactopen.openness.pair import decide_pair

    W1, W2 = mx.from_rows([[1], [1]]), mx.from_rows([[0, 0]])
    print("Remark 1 of the paper: W1 = [[1],[1]], W2 = [[0,0]] (k = 1 < min(m, n) = 2)")
    D = decide_pair(W1, W2)
    emit(args, D.certificate, describe(D), {"verdict": D.verdict, "theorem": D.theorem, "reason": D.reason})
    return 0


def openness_command_symbolic(W1_spec: str, W2_spec: str, args, time_limit: float | None = 600.0) -> int:
    """``exactopen openness`` with parameters: piecewise verdict, checked, then printed."""
    from exactopen.cli import emit
    from exactopen.openness.parametric import (
        _raw_spec,
        describe,
        stratify_pair,
        summary,
    )

    res = stratify_pair(_raw_spec(W1_spec, "--W1"), _raw_spec(W2_spec, "--W2"), time_limit=time_limit)
    emit(args, res.certificate, describe(res), summary(res))
    return 0


def chain_command_symbolic(specs: list, args, time_limit: float | None = 600.0) -> int:
    """``exactopen chain`` with parameters: piecewise verdict by classes, checked, then printed."""
    from exactopen.cli import emit
    from exactopen.openness.chain_parametric import describe, stratify_chain, summary
    from exactopen.openness.parametric import _raw_spec

    res = stratify_chain([_raw_spec(s, f"layer {i + 1}") for i, s in enumerate(specs)], time_limit=time_limit)
    emit(args, res.certificate, describe(res), summary(res))
    return 0
