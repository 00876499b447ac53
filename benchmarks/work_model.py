"""Benchmark: the checker's work model against the clock (issue 20).

Every step of the checker charges its meter an estimate in work units before it runs
(``exactopen/kernel/work.py``); the budgets promise that a check ends within about 10 s (files
up to 1 MiB) or 60 s (larger files) because one unit is meant to cost at most about one
nanosecond here.  This script times each family of charged steps on a grid of sizes and bit
lengths and prints, per family, the units charged, the seconds taken and their ratio (ns per
unit): a ratio above 1 is a step the model under-charges, far below 1 one it over-charges
(honest certificates then run out of budget sooner than needed).

    python benchmarks/work_model.py              # every family, a Markdown table
    python benchmarks/work_model.py --only zprod --repeat 3

Timings are wall-clock on a shared machine: repeat when noisy; the figure that matters is the
largest ratio of each family.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flint import fmpq, fmpq_mat, fmpq_poly  # noqa: E402

from exactopen.kernel import primitives as P  # noqa: E402
from exactopen.kernel.polynomials import Parser, Work  # noqa: E402
from exactopen.kernel.pyramid import compose, pmul, ppow, sturm_roots_above  # noqa: E402
from exactopen.kernel.work import METER, QM, ZM  # noqa: E402

RNG = random.Random(20)


def zmat(m, n, bits):
    return ZM.new(m, n, [RNG.getrandbits(bits) - (1 << (bits - 1)) for _ in range(m * n)])


def qmat(m, n, bits, den_bits):
    """A rational matrix with distinct random denominators of den_bits bits (0: integers)."""
    vals = [fmpq(RNG.getrandbits(bits) - (1 << (bits - 1)), (RNG.getrandbits(den_bits) | 1) if den_bits else 1)
            for _ in range(m * n)]
    return QM.new(m, n, vals)


def timed(fn) -> tuple[float, int]:
    """(seconds, units charged) of fn() with the meter unlimited."""
    METER.start(0, 10 ** 18, 10 ** 18)
    gc.collect()
    w0 = METER.work
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t, METER.work - w0


def cases():
    """(family, label, setup) with setup() returning the thunk to time (setup is not timed)."""
    for n, b in ((64, 8), (256, 8), (512, 30), (256, 64), (512, 64), (256, 120), (200, 300), (128, 1000), (64, 5000)):
        yield "zprod", f"{n}^3, {b} bits", lambda n=n, b=b: (lambda A=zmat(n, n, b), B=zmat(n, n, b): A * B)
    for m, k, n, b in ((2000, 1, 2000, 64), (1000, 10, 1000, 64), (1, 100000, 1, 64), (4000, 4000, 1, 30),
                       (512, 1024, 512, 300), (512, 512, 512, 400), (1024, 512, 1024, 100)):
        yield "zprod", f"{m}x{k}x{n}, {b} bits", lambda m=m, k=k, n=n, b=b: (lambda A=zmat(m, k, b), B=zmat(k, n, b): A * B)
    for n, b in ((512, 8), (512, 80), (256, 1000), (128, 10000)):
        yield "zentry", f"scale {n}^2, {b} bits", lambda n=n, b=b: (lambda A=zmat(n, n, b): A * (2 ** 70 + 1))
        yield "zentry", f"sum {n}^2, {b} bits", lambda n=n, b=b: (lambda A=zmat(n, n, b), B=zmat(n, n, b): A + B)
        yield "zentry", f"transpose {n}^2, {b} bits", lambda n=n, b=b: (lambda A=zmat(n, n, b): A.transpose())
        yield "python", f"sum of squares {n}^2, {b} bits", lambda n=n, b=b: (lambda A=zmat(n, n, b): P._sum_squares(A))
        yield "python", f"ZM.new {n}^2, {b} bits", lambda n=n, b=b: (
            lambda v=[RNG.getrandbits(b) for _ in range(n * n)]: ZM.new(n, n, v))
    for n, b, db in ((256, 60, 0), (16, 60, 60), (8, 200, 200), (24, 30, 30)):
        yield "qentry", f"lowest terms {n}^2, {b}/{db} bits", lambda n=n, b=b, db=db: (
            lambda A=QM.integer(zmat(n, n, b), (RNG.getrandbits(db) | 1) if db else 2 ** 61): A.M)
        yield "qentry", f"clear {n}^2, {b}/{db} bits", lambda n=n, b=b, db=db: (
            lambda A=qmat(n, n, b, db): A.Z)
        yield "python", f"entries {n}^2, {b}/{db} bits", lambda n=n, b=b, db=db: (
            lambda A=qmat(n, n, b, db): A.entries())
        yield "python", f"measure {n}^2, {b}/{db} bits", lambda n=n, b=b, db=db: (
            lambda A=qmat(n, n, b, db): QM.wrap(fmpq_mat(A.M)))
    for n, b in ((50, 10), (100, 10), (100, 130), (200, 10), (60, 600), (40, 2000)):
        yield "charpoly", f"{n}x{n}, {b} bits", lambda n=n, b=b: (lambda A=zmat(n, n, b): (A * A.transpose()).charpoly())
        yield "det", f"{n}x{n}, {b} bits", lambda n=n, b=b: (lambda A=zmat(n, n, b): A.det())
        yield "nonsingular", f"{n}x{n}, {b} bits", lambda n=n, b=b: (lambda A=QM.wrap(zmat(n, n, b)): P.nonsingular(A))
    for n, k in ((512, 10), (512, 4), (1024, 1), (300, 40)):
        yield "decode", f"dyadic {n}^2, width {k}", lambda n=n, k=k: (lambda obj=_dyadic_obj(n, k): P.matrix(obj, "m"))
    for n, digits in ((300, 3), (300, 30), (30, 300)):
        yield "decode", f"rows {n}^2, {digits} digits", lambda n=n, d=digits: (lambda obj=_rows_obj(n, d): P.matrix(obj, "m"))
    for kind in ("objects", "arrays", "strings", "ints"):
        yield "parse", f"64 MiB of {kind}", lambda kind=kind: (lambda text=_json_text(kind, 2 ** 24): P.parse(text))
    yield "mpoly", "(1+a+b)^20 * (1-a+2b)^20", lambda: (lambda ps=_mpolys(20): Work.mul(*ps))
    yield "mpoly", "(1+a+b+c)^12 squared", lambda: (lambda ps=_mpolys(12, 3): Work.mul(ps[0], ps[0]))
    yield "mpoly", "2^50000 * 3^40000", lambda: (lambda a=2 ** 50000, b=3 ** 40000: Work.mul(fmpq(a), fmpq(b)))
    for d, b in ((2000, 10), (500, 1000), (4000, 60)):
        yield "upoly", f"product deg {d}, {b} bits", lambda d=d, b=b: (lambda f=_upoly(d, b), g=_upoly(d, b): pmul(f, g))
        yield "upoly", f"shift deg {d}, {b} bits", lambda d=d, b=b: (lambda f=_upoly(d, b): compose(f, fmpq_poly([1, 1])))
    yield "upoly", "power deg 4 ^ 500", lambda: (lambda f=_upoly(4, 30): ppow(f, 500))
    for d in (10, 20, 40, 60):
        yield "sturm", f"deg {d}", lambda d=d: (lambda f=_upoly(d, 20): sturm_roots_above(f, None))


def _dyadic_obj(n, k):
    import base64

    nums = [RNG.getrandbits(8 * k - 1) - (1 << (8 * k - 2)) | 1 for _ in range(n * n)]
    data = b"".join(x.to_bytes(k, "little", signed=True) for x in nums)
    return P.Obj({"shape": [n, n], "dyadic": P.Obj({"exponent": -70, "width": k,
                                                    "numerators": base64.b64encode(data).decode()})})


def _rows_obj(n, digits):
    dens = [RNG.randrange(1, 10 ** digits) for _ in range(3)]  # a few denominators (a common one exists)
    rows = [[f"{RNG.randrange(10 ** digits)}/{RNG.choice(dens)}" for _ in range(n)] for _ in range(n)]
    return P.Obj({"shape": [n, n], "rows": rows})


def _json_text(kind, size):
    unit = {"objects": '{"a":"1"},', "arrays": "[],", "strings": '"12",', "ints": "1,"}[kind]
    return '{"x":[' + (unit * (size // len(unit))).rstrip(",") + "]}"


def _mpolys(e, nvars=2):
    from flint import fmpq_mpoly_ctx

    names = ("a", "b", "c")[:nvars]
    ctx = fmpq_mpoly_ctx.get(names, "lex")
    p = Parser(ctx, set(names))
    if nvars == 2:
        return p(f"(1+a+b)^{e}", "x"), p(f"(1-a+2*b)^{e}", "y")
    return (p(f"(1+a+b+c)^{e}", "x"),)


def _upoly(d, b):
    return fmpq_poly([RNG.getrandbits(b) - (1 << (b - 1)) for _ in range(d + 1)])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", help="one family (zprod, zentry, qentry, python, charpoly, det, nonsingular, decode, "
                                   "parse, mpoly, upoly, sturm)")
    ap.add_argument("--repeat", type=int, default=1, help="time each case this many times, keep the fastest")
    ap.add_argument("--json", metavar="FILE")
    args = ap.parse_args(argv)
    rows, worst = [], {}
    for family, label, setup in cases():
        if args.only and family != args.only:
            continue
        best = None
        for _ in range(args.repeat):
            METER.stop()
            thunk = setup()
            secs, units = timed(thunk)
            best = (secs, units) if best is None or secs < best[0] else best
        secs, units = best
        ratio = secs * 1e9 / max(units, 1)
        rows.append({"family": family, "case": label, "units": units, "seconds": secs, "ns_per_unit": ratio})
        worst[family] = max(worst.get(family, 0.0), ratio)
        print(f"| {family} | {label} | {units:.3g} | {secs:.3f} | {ratio:.2f} |", flush=True)
    print("\n| family | largest ns per unit |\n|---|---:|")
    for f, r in worst.items():
        print(f"| {f} | {r:.2f} |")
    if args.json:
        Path(args.json).write_text(json.dumps({"rows": rows, "worst": worst}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
