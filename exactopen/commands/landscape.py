"""CLI commands for the landscape of deep linear networks: ``classify`` and ``thm12``."""

from __future__ import annotations

from exactopen.cli import add_numeric_option, add_output_options, emit

MAX_THM12_WIDTH = 1000  # widths beyond this exhaust memory (flint aborts the process)
MAX_THM12_DEPTH = 1000


def register(sub) -> None:
    p = sub.add_parser("classify", help="classify a point of a deep linear network (certified)",
                       description="Exact classification of W = (W_1, ..., W_h) (input layer first) for "
                                   "L(W) = 1/2 |W_h...W_1 X - Y|^2 (or the weighted loss). Exit 0 "
                                   "whatever the verdict.")
    p.add_argument("--layers", nargs="+", required=True, metavar="SPEC", help="W_1 ... W_h, input layer first")
    p.add_argument("--X", metavar="SPEC", help="input data d_0 x n (default: identity)")
    p.add_argument("--Y", required=True, metavar="SPEC", help="targets d_h x n")
    p.add_argument("--weights", metavar="SPEC", help="positive weights d_h x n (weighted square loss)")
    add_output_options(p)
    add_numeric_option(p)
    p.set_defaults(func=run_classify)

    p = sub.add_parser("thm12", help="thm-12: p1*, p2* of an architecture, its construction, classified")
    p.add_argument("widths", nargs="+", type=int, metavar="D", help="d_0 d_1 ... d_h")
    p.add_argument("--parametric", action="store_true",
                   help="target Y = y e eᵀ with a real parameter y: the case split y = 0 / y ≠ 0 (certified)")
    add_output_options(p)
    p.set_defaults(func=run_thm12)


def _human(cls, net) -> list[str]:
    res = cls.certificate["result"]
    lines = [f"verdict: {cls.verdict}", f"L(W) = {res['loss']}"]
    if cls.verdict == "not_critical":
        k, i, j, v = cls.details["entry"]
        lines.append(f"dL/dW_{k}[{i},{j}] = {res['gradient_value']} != 0")
    if "descent_order" in res:
        lines.append(f"descent: L(gamma(t)) - L(W) = {res['descent_coefficient']} t^{res['descent_order']} + ...; "
                     f"a point with loss {res['witness_loss']} < L(W)")
    if cls.reason:
        lines.append(f"reason: {cls.reason}")
    return lines


def run_classify(args) -> int:
    from exactopen.inputs import load_matrix
    from exactopen.landscape.classify import classify_critical_point
    from exactopen.landscape.network import Network

    layers = [load_matrix(s, numeric=args.numeric, what=f"layer {i + 1}") for i, s in enumerate(args.layers)]
    X = load_matrix(args.X, numeric=args.numeric, what="--X") if args.X else None
    Y = load_matrix(args.Y, numeric=args.numeric, what="--Y")
    w = load_matrix(args.weights, numeric=args.numeric, what="--weights") if args.weights else None
    net = Network.build(layers, Y, X, w)
    cls = classify_critical_point(net)
    emit(args, cls.certificate, _human(cls, net), {"verdict": cls.verdict})
    return 0


def run_thm12(args) -> int:
    from exactopen.errors import InputError
    from exactopen.landscape.architectures import (
        analyse_architecture,
        thm12_construction,
    )
    from exactopen.landscape.classify import classify_critical_point

    big = [d for d in args.widths if d > MAX_THM12_WIDTH]
    if big:  # the construction builds exact d_k x d_(k-1) matrices (and X = I of size d_0)
        raise InputError(f"thm12: width {big[0]} is too large (at most {MAX_THM12_WIDTH})")
    if len(args.widths) > MAX_THM12_DEPTH + 1:
        raise InputError(f"thm12: {len(args.widths) - 1} layers is too deep (at most {MAX_THM12_DEPTH})")
    a = analyse_architecture(args.widths)
    head = [f"widths {a.widths}: p1* = {a.p1_star}, p2* = {a.p2_star}, d_p2* = {a.widths[a.p2_star]}, "
            f"min(d_h, d_0) = {min(a.widths[0], a.widths[-1])}"]
    if not a.applies:
        raise InputError(head[0] + ": thm-12's construction does not apply (d_p2* >= min(d_h, d_0))")
    if args.parametric:
        from exactopen.landscape.parametric import thm12_parametric

        par = thm12_parametric(args.widths)
        lines = [" and ".join([f"{e} = 0" for e in c["equations"]] + [f"{q} ≠ 0" for q in c["inequations"]])
                 + ": " + c["verdict"].replace("_", " ") for c in par.cells]
        emit(args, par.certificate, head + [f"with Y = y·e eᵀ (y real): {par.answer}"] + lines,
             {"verdict": "piecewise", "cells": par.cells, "answer": par.answer})
        return 0
    net = thm12_construction(args.widths)
    cls = classify_critical_point(net, claim_id="thm-12")
    head.append("the paper claims its constructed point is a local minimum that is not global")
    emit(args, cls.certificate, head + _human(cls, net),
         {"verdict": cls.verdict, "p1_star": a.p1_star, "p2_star": a.p2_star})
    return 0
