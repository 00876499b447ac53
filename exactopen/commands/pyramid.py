"""``exactopen pyramid``: local openness (lem-6) or the sec-4 hypotheses of a pyramidal network.

    exactopen pyramid --layers W1 W2 ... [--X SPEC] --activation NAME [NAME ...] [--global]
    exactopen pyramid --counterexample

Layers are given input layer first (W1 is d1 x d0).  One activation for all layers or one per
layer: identity, tanh, logistic, leaky_relu:A, pwl:breakpoints=...;slopes=...[;point=P;value=V].
ReLU is refused (exit 2): it is not strictly monotone.
"""

from __future__ import annotations

from exactopen.cli import add_numeric_option, add_output_options, emit


def register(sub) -> None:
    p = sub.add_parser(
        "pyramid", help="local openness of a pyramidal network sigma_h(W_h ... sigma_1(W_1 X)) (lem-6, sec-4)",
        description="Decide local openness of F(W) = sigma_h(W_h ... sigma_1(W_1 X)) at W by lem-6 (with the "
                    "hypothesis on X its proof needs), or with --global certify the sec-4 hypotheses under which "
                    "every local minimum of a convex loss of F is global. Exit 0 whatever the verdict.")
    p.add_argument("--layers", nargs="+", metavar="SPEC", help="weight matrices W1 ... Wh, input layer first")
    p.add_argument("--X", metavar="SPEC", help="input data X (d0 x n); without it lem-6 is stated for every "
                   "X of full column rank")
    p.add_argument("--activation", nargs="+", metavar="NAME", default=None,
                   help="identity | tanh | logistic | leaky_relu:A | pwl:breakpoints=B,..;slopes=S,..[;point=P;value=V]"
                        " (one for all layers, or one per layer)")
    p.add_argument("--global", dest="global_", action="store_true",
                   help="certify the sec-4 hypotheses (every local min of a convex loss is global); needs --X")
    p.add_argument("--counterexample", action="store_true",
                   help="print the built-in certified counterexample to lem-6 without X of full column rank")
    add_output_options(p)
    add_numeric_option(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from exactopen.errors import InputError
    from exactopen.inputs import load_matrix
    from exactopen.pyramid import networks as pyramid

    if args.counterexample:
        if args.layers or args.X or args.activation or args.global_:
            raise InputError("--counterexample takes no network (it prints the built-in example)")
        res = pyramid.lemma6_counterexample()
        emit(args, res.certificate,
             ["NOT locally open: lem-6 fails when X is not of full column rank (d = (4, 2, 1), n = 3, rank X = 2, "
              "leaky ReLU 1/2 then identity; W1, W2 full row rank)",
              "near W the image stays in {z : z1 + z2 = z3}, yet F(W(t)) = (3, 3, 6 - t) is in the range for t > 0"],
             {"verdict": res.verdict})
        return 0
    if not args.layers:
        raise InputError("--layers is required (W1 ... Wh, input layer first)")
    if not args.activation:
        raise InputError("--activation is required (one for all layers, or one per layer)")
    layers = [load_matrix(s, numeric=args.numeric, what=f"layer {i + 1}") for i, s in enumerate(args.layers)]
    X = load_matrix(args.X, numeric=args.numeric, what="--X") if args.X else None
    if args.global_:
        res = pyramid.certify_global(layers, args.activation, X)
        if res.verdict == "local_min_is_global":
            human = ["sec-4 applies: every local minimum of l(F(.)) at W is global, for every convex loss l",
                     "hypotheses checked: X full column rank, widths non-increasing, every W_i full row rank, "
                     "activations strictly increasing"]
        else:
            human = [f"undecided: sec-4 does not apply ({res.reason}); no claim either way"]
    else:
        res = pyramid.decide_pyramid(layers, args.activation, X)
        if res.verdict == "locally_open":
            human = [f"locally open (lem-6, route {res.route}): {res.reason}"]
        else:
            human = [f"undecided by lem-6: {res.reason}", "(lem-6 is only sufficient; this is not a claim of non-openness)"]
    emit(args, res.certificate, human, {"verdict": res.verdict})
    return 0
