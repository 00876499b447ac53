"""Hostile certificate files: each must end in ONE line (REJECTED, or accepted where the file is
a true, honest certificate), never a crash (traceback, signal, MemoryError).

Each file is checked by ``exactopen.kernel.check_file`` in a fresh subprocess with
RLIMIT_AS = 1 GiB (files up to 1 MB) or 2 GiB (larger files), so a blow-up cannot take the
test run down.  Project rule: tests never assert wall-clock times; a generous subprocess
timeout (HANG_GUARD) only catches a check that does not end, and the seconds are printed
(pytest -s) and written to <tmp>/exactopen-hostile/NAME.result.json.  The time bounds of the
promise (10 s up to 1 MB, 60 s above) are measured by benchmarks/hostile.py.

The cases: the builders below (the first attack rounds), and those of tests/kernel/hostile.py
(issue 20), each at its small scale in the default run and at full scale marked slow.
Hostile files are built from certificates the kernel accepts where that is needed to reach
the expensive code.

Cases that currently fail are marked xfail(strict=False) with the observed failure (XFAIL),
so the suite stays green while the kernel is rewritten; the report lists them.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.kernel import fuzzing, hostile

HANG_GUARD = 120.0                  # seconds: a check still running then "did not end"
OUT = Path(tempfile.gettempdir()) / "exactopen-hostile"

_RUN = r"""
import json, resource, sys, time
limit = int(sys.argv[2])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
sys.setrecursionlimit(10000)
from exactopen import kernel
t0 = time.perf_counter()
try:
    msg = kernel.check_file(sys.argv[1])
    status = "accepted"
except kernel.Rejected as exc:
    status, msg = "rejected", str(exc)
except BaseException as exc:
    status, msg = "crash", type(exc).__name__ + ": " + str(exc)[:500]
dt = time.perf_counter() - t0
sys.stdout.write(json.dumps({"status": status, "msg": str(msg)[:4000], "secs": dt}))
"""


def memory_limit(size: int) -> int:
    """RLIMIT_AS of the check: 1 GiB for files up to 1 MB, 2 GiB above."""
    return 1 << 30 if size <= 1_000_000 else 2 << 30


def run_file(path: Path, timeout: float = HANG_GUARD) -> dict:
    """{status: accepted | rejected | crash | timeout, msg, secs} of checking the file.  As in the
    fuzzer, EXACTOPEN_FUZZ_KERNEL_ROOT names a folder holding another exactopen (e.g. from
    git archive COMMIT exactopen) to check with instead of this repository's."""
    limit = memory_limit(path.stat().st_size)
    env, cwd = dict(os.environ), str(fuzzing.ROOT)
    other = env.get("EXACTOPEN_FUZZ_KERNEL_ROOT")
    if other:
        env["PYTHONPATH"] = os.pathsep.join([other, cwd] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
        cwd = other
    t0 = time.perf_counter()
    try:
        proc = subprocess.run([sys.executable, "-c", _RUN, str(path), str(limit)], capture_output=True, text=True,
                              timeout=timeout, cwd=cwd, env=env)
    except subprocess.TimeoutExpired:
        return {"status": "timeout", "msg": f"did not end within {timeout:g} s", "secs": timeout}
    wall = time.perf_counter() - t0
    if proc.returncode != 0 or not proc.stdout.strip():
        return {"status": "crash", "msg": f"exit {proc.returncode}: {proc.stderr.strip()[-300:]}", "secs": wall}
    return json.loads(proc.stdout)


# ----------------------------------------------------------------------------------------
# seed certificates (accepted by the kernel under test)
# ----------------------------------------------------------------------------------------

_BASE = {}


def base(kind: str) -> dict:
    if not _BASE:
        from tests.kernel.test_fuzz import corpus_for_kernel

        corpus, _ = corpus_for_kernel()
        for name, _, c in corpus:
            _BASE.setdefault(c["kind"], c)
            _BASE.setdefault("_by_name_" + name, c)
        _BASE["_version"] = corpus[0][2]["version"]
    c = _BASE.get(kind)
    if c is None:
        pytest.skip(f"no accepted certificate of kind {kind}")
    return copy.deepcopy(c)


def envelope(kind, inputs, result, evidence):
    base("openness")
    return {"format": "exactopen-certificate", "version": _BASE["_version"], "kind": kind, "claim": "x",
            "claim_id": None, "generator": {"name": "exactopen", "version": "0"}, "inputs": inputs,
            "result": result, "evidence": evidence}


def mat(rows):
    return {"shape": [len(rows), len(rows[0]) if rows else 0], "rows": rows}


# ----------------------------------------------------------------------------------------
# the hostile files
# ----------------------------------------------------------------------------------------

def h_deep_nesting():
    c = base("openness")
    c["evidence"]["deep"] = "@@DEEP@@"
    return json.dumps(c).replace('"@@DEEP@@"', "[" * 100_000 + "]" * 100_000).encode()


def h_huge_rational_float():
    """numerical_rank formats distances with float(): a 401-digit rational overflows a float."""
    big = "1" + "0" * 400
    inputs = {"A": mat([[big]])}
    result = {"rank": 1, "approximations": [{"rank": 0, "distance_sq": "1" + "0" * 800}],
              "singular_value_bounds": []}
    evidence = {"rank": {"minor": {"rows": [0], "cols": [0]},
                         "annihilator": {"side": "right", "basis": {"shape": [1, 0], "rows": [[]]}, "minor_rows": []}},
                "approximations": [{"P": {"shape": [1, 0], "rows": [[]]}, "Q": {"shape": [0, 1], "rows": []}}],
                "singular_value_bounds": []}
    return json.dumps(envelope("numerical_rank", inputs, result, evidence)).encode()


def h_huge_rational_landscape():
    """A landscape point whose loss has 800+ digits (summary lines print the loss)."""
    big = "1" + "0" * 401
    c = envelope("landscape_point", {"layers": [mat([["0"]])], "X": mat([["1"]]), "Y": mat([[big]]), "weights": None},
                 {"verdict": "not_critical", "loss": "1" + "0" * 802 + "/2"},
                 {"gradient_entry": {"layer": 1, "row": 0, "col": 0}})
    return json.dumps(c).encode()


def h_scalar_k_1e9():
    c = base("scalar_openness")
    c["evidence"]["right"]["k"] = 10 ** 9
    c["result"]["delta"][0]["k"] = 10 ** 9
    return json.dumps(c).encode()


def h_poly_exponent_1e9():
    c = base("polynomial_minimum")
    c["evidence"]["nonnegativity"]["factors"][0]["exp"] = 10 ** 9
    return json.dumps(c).encode()


def h_poly_coefficients_1e6():
    c = base("scalar_openness")
    c["inputs"]["F"] = ["0", "0", "1"] + ["0"] * (10 ** 6 - 3) + ["1"]
    return json.dumps(c).encode()


def h_symbolic_power():
    c = base("symbolic_openness")
    c["inputs"]["W1"]["rows"][0][0] = "((1+a)^1000)^1000" if "a" in c["inputs"]["parameters"] else \
        f"((1+{c['inputs']['parameters'][0]})^1000)^1000"
    return json.dumps(c).encode()


def h_bernstein_2000():
    c = base("scalar_openness")
    F = ["0"] * 2001
    F[1] = "1"
    F[2000] = "-1/3"
    c["inputs"]["F"] = F
    c["inputs"]["w0"] = "0"
    for side, sign in (("right", 1), ("left", -1)):
        c["evidence"][side].update({"sign": sign, "c": "1/2", "k": 1, "r": "1"})
    c["evidence"].pop("global", None)
    c["result"].update({"verdict": "locally_open", "relative_to": "R", "F_w0": "0",
                        "delta": [{"side": "right", "c": "1/2", "k": 1, "r": "1"},
                                  {"side": "left", "c": "1/2", "k": 1, "r": "1"}]})
    return json.dumps(c).encode()


def h_huge_shape_few_rows():
    c = base("openness")
    c["inputs"]["W1"] = {"shape": [100000, 100000], "rows": [["1"] * 3]}
    return json.dumps(c).encode()


def h_huge_hessian():
    n = 30
    I = [["1" if i == j else "0" for j in range(n)] for i in range(n)]
    inputs = {"layers": [mat(I), mat(I)], "X": mat(I), "Y": mat(I), "weights": None}
    result = {"verdict": "local_minimum_not_global", "loss": "0", "hessian_psd": True, "hessian_rank": 2 * n * n - n * n,
              "witness_loss": "0", "non_global": True}
    evidence = {"morse_bott": {"W1_minor": {"rows": list(range(n)), "cols": list(range(n))},
                               "W2_minor": {"rows": list(range(n)), "cols": list(range(n))},
                               "hessian_minor": {"rows": list(range(n * n)), "cols": list(range(n * n))}},
                "witness": [mat(I), mat(I)]}
    return json.dumps(envelope("landscape_point", inputs, result, evidence)).encode()


def h_big_honest_looking_1mb():
    """A 420x420 integer matrix (about 1 MB) claimed of full rank; two rows are equal."""
    import random

    rng = random.Random(5)
    n = 420
    rows = [[str(rng.randint(-999, 999)) for _ in range(n)] for _ in range(n)]
    rows[-1] = list(rows[0])
    inputs = {"A": mat(rows)}
    evidence = {"minor": {"rows": list(range(n)), "cols": list(range(n))},
                "annihilator": {"side": "right", "basis": {"shape": [n, 0], "rows": [[] for _ in range(n)]},
                                "minor_rows": []}}
    c = envelope("rank", inputs, {"rank": n}, evidence)
    c["claim"] = f"rank = {n} ({n}x{n})"
    data = json.dumps(c).encode()
    assert len(data) > 900_000
    return data


def h_duplicate_keys():
    c = base("openness")
    text = json.dumps(c)
    v = c["result"]["verdict"]
    other = "not_locally_open" if v == "locally_open" else "locally_open"
    return text.replace(f'"verdict": "{v}"', f'"verdict": "{other}", "verdict": "{v}"', 1).encode()


def h_nan_infinity():
    c = base("chain_openness")
    c["result"]["rank"] = "@@NAN@@"
    c["evidence"]["inf"] = "@@INF@@"
    return json.dumps(c).replace('"@@NAN@@"', "NaN").replace('"@@INF@@"', "-Infinity").encode()


def h_non_utf8():
    c = base("openness")
    return json.dumps(c, ensure_ascii=False).replace('"claim": "', '"claim": "\xff\xfe', 1).encode("utf-8") \
        .replace("\xff\xfe".encode("utf-8"), b"\xff\xfe\xc3(")


def h_huge_int_dimension():
    c = base("chain_openness")
    c["result"]["rank"] = "@@BIG@@"
    return json.dumps(c).replace('"@@BIG@@"', "9" * 5000).encode()


def h_pwl_many_breakpoints():
    c = base("pyramid_global")
    n = 200_000
    c["inputs"]["activations"][0] = {"name": "pwl", "breakpoints": [str(i) for i in range(n)],
                                     "slopes": ["1"] * (n + 1), "point": "0", "value": "0"}
    return json.dumps(c).encode()


CASES = {  # the first attack rounds: one size each, all in the default run
    "deep_nesting_100000": h_deep_nesting,
    "rational_400_digits_float": h_huge_rational_float,
    "rational_800_digits_landscape_loss": h_huge_rational_landscape,
    "scalar_openness_k_1e9": h_scalar_k_1e9,
    "polynomial_exponent_1e9": h_poly_exponent_1e9,
    "polynomial_coefficient_list_1e6": h_poly_coefficients_1e6,
    "symbolic_power_1000_1000": h_symbolic_power,
    "bernstein_degree_2000": h_bernstein_2000,
    "shape_100000_few_rows": h_huge_shape_few_rows,
    "landscape_huge_hessian": h_huge_hessian,
    "big_honest_looking_1MB": h_big_honest_looking_1mb,
    "duplicate_keys": h_duplicate_keys,
    "nan_infinity_literals": h_nan_infinity,
    "non_utf8_bytes": h_non_utf8,
    "int_5000_digits": h_huge_int_dimension,
    "pwl_200000_breakpoints": h_pwl_many_breakpoints,
}

# Observed failures of the kernel of c26ddc1, by test id (refresh with: python -m tests.kernel.test_hostile_files
# [--full]; EXACTOPEN_FUZZ_KERNEL_ROOT=DIR checks with another exactopen).  Every small variant
# passes; the full-size cases not listed end in one line within the hang guard (but may break the
# time bounds of the promise: benchmarks/hostile.py).
# Full-size cases the kernel fails (name[full] -> the observed failure); empty since the work
# budget of issue 20 (the kernel of c26ddc1 failed eleven, see the closing note of issue 20).
XFAIL: dict[str, str] = {}

RESULTS: dict = {}


def _params():
    out = []
    for name in CASES:
        out.append(pytest.param(name, None, id=name))
    for name, case in hostile.CASES.items():
        out.append(pytest.param(name, case.small, id=f"{name}[small]"))
        out.append(pytest.param(name, 1.0, id=f"{name}[full]", marks=pytest.mark.slow))
    marked = []
    for p in out:
        if p.id in XFAIL:
            p = pytest.param(*p.values, id=p.id, marks=[*p.marks, pytest.mark.xfail(strict=False, reason=XFAIL[p.id])])
        marked.append(p)
    return marked


def build(name: str, scale) -> bytes:
    return CASES[name]() if scale is None else hostile.CASES[name].build(scale)


def check_case(name: str, scale) -> tuple[dict, int]:
    data = build(name, scale)
    OUT.mkdir(parents=True, exist_ok=True)
    tag = name if scale is None else f"{name}-{'full' if scale == 1.0 else 'small'}"
    path = OUT / f"{tag}.json"
    path.write_bytes(data)
    del data
    r = run_file(path)
    size = path.stat().st_size
    RESULTS[tag] = r
    (OUT / f"{tag}.result.json").write_text(json.dumps({**r, "bytes": size}))
    if scale == 1.0:
        path.unlink()  # full-size files are large
    return r, size


@pytest.mark.parametrize("name,scale", _params())
def test_hostile_file(name, scale):
    """One line, no crash, no hang; refused unless the file is a true, honest certificate."""
    r, size = check_case(name, scale)
    print(f"\nhostile {name} (scale {scale or 1}): {r['status']} in {r['secs']:.3f} s ({size} bytes, "
          f"RLIMIT_AS {memory_limit(size) >> 30} GiB): {r['msg'][:160]}")
    assert r["status"] != "timeout", f"{name}: did not end within {HANG_GUARD:g} s"
    assert r["status"] != "crash", f"{name}: crashed: {r['msg'][:300]}"
    honest = scale is not None and hostile.CASES[name].honest
    allowed = ("accepted", "rejected") if honest else ("rejected",)
    assert r["status"] in allowed, f"{name}: {r['status']}: {r['msg'][:300]}"
    assert "\n" not in r["msg"].strip(), f"{name}: the message is not one line"


@pytest.mark.parametrize("name", [n for n, c in hostile.CASES.items() if c.honest])
def test_honest_small_variants_are_accepted(name):
    """The honest builders make certificates the kernel accepts (at the small scale), so their
    full-size files reach the expensive code instead of failing on a slip of the builder."""
    from exactopen import kernel

    case = hostile.CASES[name]
    assert kernel.check_text(case.build(case.small).decode())


def test_builders_are_deterministic():
    for name, case in hostile.CASES.items():
        assert case.build(case.small) == case.build(case.small), name


if __name__ == "__main__":  # a table of the current kernel's behaviour (--full: the full-size files too)
    full = "--full" in sys.argv[1:]
    cases = [(n, None) for n in CASES] + [(n, c.small) for n, c in hostile.CASES.items()]
    cases += [(n, 1.0) for n in hostile.CASES] if full else []
    for name, scale in cases:
        r, size = check_case(name, scale)
        print(f"{name:40s} {scale or 1:>6g} {r['status']:9s} {r['secs']:8.3f} s {size:>10d} B  {r['msg'][:150]}",
              flush=True)
