"""CLI of the linear-algebra commands: every error path is one line on stderr, exit 2, no
traceback; successful runs print a certificate the checker accepts."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from exactopen import cli, kernel
from tests.helpers import validate_schema


def run(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def run_sub(*argv, timeout=120):
    return subprocess.run([sys.executable, "-m", "exactopen", *map(str, argv)], capture_output=True,
                          text=True, timeout=timeout)


def assert_usage_error(code, out, err, *needles):
    assert code == 2, (code, out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err and out == ""
    for n in needles:
        assert n.lower() in err.lower(), (n, err)


# ---------------------------------------------------------------------------------------
# error paths (in-process: fast; the same code path as the console script)
# ---------------------------------------------------------------------------------------

ERRORS = [
    (["rank", "[[1,2],[3]]"], "ragged"),
    (["rank", '[["x", 1]]'], "not a number"),
    (["rank", "[[NaN]]"], "finite"),
    (["rank", "[[Infinity, 1]]"], "finite"),
    (["rank", "[[-Infinity]]"], "finite"),
    (["rank", '[["inf"]]'], "finite"),
    (["rank", '[["-inf", 2]]'], "finite"),
    (["rank", '[["1/0"]]'], "zero denominator"),
    (["rank", "[]"], "empty"),
    (["rank", "[[]]"], "empty"),
    (["rank", "[1, 2]"], "list of rows"),
    (["rank", "[[true]]"], "boolean"),
    (["rank", "[[null]]"], "not a number"),
    (["rank", '{"A": [[1]]}'], "inline JSON must be a matrix"),
    (["rank", "[[1, 2]"], "not valid JSON"),
    (["rank", "[[1,2],[3,4]]", "[[1,2,3]]", "[[1],[2]]"], "shape mismatch"),
    (["rank", "[[1,2]]", "[[1,2]]"], "shape mismatch"),
    (["intersect", "--A", "[[1,2]]", "--B", "[[1]]"], "shape mismatch"),
    (["solve", "--A", "[[1,2]]", "--B", "[[1],[2]]"], "shape mismatch"),
    (["nullspace", "[[1,2],[3]]"], "ragged"),
    (["colspace", "--rows", '[["a"]]'], "not a number"),
    (["rank", "--bogus", "[[1]]"], "unrecognized"),
    (["rank"], "required"),
    (["intersect", "--A", "[[1]]"], "required"),
    (["frobnicate"], "invalid choice"),
    ([], "required"),
    (["rank", "/nonexistent/dir/m.json"], "no such file"),
    (["rank", "[[1e999999]]"], "exponent"),
]


@pytest.mark.parametrize("argv,needle", ERRORS, ids=[" ".join(a) or "(none)" for a, _ in ERRORS])
def test_error_paths(capsys, argv, needle):
    assert_usage_error(*run(capsys, *argv), needle)


def test_invalid_json_file(tmp_path, capsys):
    f = tmp_path / "bad.json"
    f.write_text("[[1, 2], [3, 4]")
    assert_usage_error(*run(capsys, "rank", f), "not valid JSON")
    f.write_text("")
    assert_usage_error(*run(capsys, "rank", f), "not valid JSON")
    f.write_bytes(b"\xff\xfe[[1]]")
    assert_usage_error(*run(capsys, "rank", f), "cannot read")


def test_directory_as_input(tmp_path, capsys):
    assert_usage_error(*run(capsys, "rank", tmp_path), "cannot read")


def test_unwritable_out(tmp_path, capsys):
    assert_usage_error(*run(capsys, "rank", "[[1]]", "--out", tmp_path), "cannot write")
    (tmp_path / "f.json").write_text("a file, not a folder")
    assert_usage_error(*run(capsys, "rank", "[[1]]", "--out", tmp_path / "f.json" / "sub.json"), "cannot write")


def test_npy_float_needs_from_float(tmp_path, capsys):
    f = tmp_path / "w.npy"
    np.save(f, np.array([[0.1, 0.5], [0.2, 1.0]]))
    assert_usage_error(*run(capsys, "rank", f), "--from-float")
    code, out, err = run(capsys, "rank", f, "--from-float", "--json")
    assert code == 0, err
    cert = json.loads(out)["certificate"]
    assert cert["inputs"]["A"]["rows"][0] == ["3602879701896397/36028797018963968", "1/2"]
    assert kernel.check(cert)
    validate_schema(cert)


def test_npy_nan_and_bad_shape(tmp_path, capsys):
    f = tmp_path / "nan.npy"
    np.save(f, np.array([[np.nan, 1.0]]))
    assert_usage_error(*run(capsys, "rank", f, "--from-float"), "NaN")
    g = tmp_path / "vec.npy"
    np.save(g, np.array([1, 2, 3]))
    assert_usage_error(*run(capsys, "rank", g), "2-D")


def test_npy_int_array(tmp_path, capsys):
    f = tmp_path / "i.npy"
    np.save(f, np.array([[1, 2], [2, 4]], dtype=np.int32))
    code, out, err = run(capsys, "rank", f, "--json")
    assert code == 0 and json.loads(out)["summary"]["rank"] == 1


def test_npz_with_and_without_names(tmp_path, capsys):
    f = tmp_path / "w.npz"
    np.savez(f, W1=np.array([[1], [1]]), W2=np.array([[0.5, 0.0]]))
    code, out, err = run(capsys, "rank", f"{f}:W1", "--json")
    assert code == 0 and json.loads(out)["summary"]["rank"] == 1
    code, out, err = run(capsys, "rank", f"{f}:W1", f"{f}:W2", "--from-float", "--json")
    assert code == 0 and json.loads(out)["summary"]["rank"] == 1
    assert_usage_error(*run(capsys, "rank", f), "several matrices")
    assert_usage_error(*run(capsys, "rank", f"{f}:W3"), "no matrix named")
    assert_usage_error(*run(capsys, "rank", f"{f}:W2"), "--from-float")
    single = tmp_path / "one.npz"
    np.savez(single, M=np.array([[1, 2]]))
    code, out, err = run(capsys, "rank", single, "--json")
    assert code == 0 and json.loads(out)["summary"]["rank"] == 1


def test_json_object_of_named_matrices(tmp_path, capsys):
    f = tmp_path / "pair.json"
    f.write_text(json.dumps({"W1": [[1], [1]], "W2": [[0, 0]], "note": "not a matrix"}))
    code, out, err = run(capsys, "intersect", "--A", f"{f}:W1", "--B", f"{f}:W2", "--json")
    assert code == 0, err
    assert json.loads(out)["summary"]["dim"] == 0
    assert_usage_error(*run(capsys, "rank", f), "several matrices")
    assert_usage_error(*run(capsys, "rank", f"{f}:note"), "list of rows")


def test_json_decimal_is_read_exactly(tmp_path, capsys):
    f = tmp_path / "d.json"
    f.write_text('[[0.1, 0.2], [0.3, 1e-1]]')
    code, out, err = run(capsys, "rank", f, "--json")
    assert code == 0
    cert = json.loads(out)["certificate"]
    assert cert["inputs"]["A"]["rows"] == [["1/10", "1/5"], ["3/10", "1/10"]]
    assert cert["result"]["rank"] == 2
    # inline too
    code, out, err = run(capsys, "rank", "[[0.1, 0.2], [0.3, 0.6]]", "--json")
    assert json.loads(out)["summary"]["rank"] == 1  # exactly proportional, not 'numerically'


# ---------------------------------------------------------------------------------------
# successful runs: --json and --out
# ---------------------------------------------------------------------------------------

SUCCESS = [
    (["rank", "[[1,2],[2,4]]"], {"rank": 1}),
    (["rank", "[[1],[1]]", "[[0,0]]"], {"rank": 0}),
    (["rank", '[["1/2", "0.25"], [2, 1]]'], {"rank": 1}),
    (["nullspace", "[[1,2],[2,4]]"], {"dim": 1}),
    (["nullspace", "--left", "[[1,2],[2,4],[0,1]]"], {"dim": 1}),
    (["colspace", "[[1,2],[2,4]]"], {"dim": 1}),
    (["colspace", "--rows", "[[1,2,3],[2,4,6]]"], {"dim": 1}),
    (["intersect", "--A", "[[1,-1]]", "--B", "[[1,0],[0,1]]"], {"dim": 1}),
    (["intersect", "--A", "[[1],[1]]", "--B", "[[0,0]]"], {"dim": 0}),
    (["solve", "--A", "[[1,2],[3,4]]", "--B", "[[5],[6]]"], {"solvable": True}),
    (["solve", "--A", "[[1,2],[2,4]]", "--B", "[[1],[3]]"], {"solvable": False}),
]


@pytest.mark.parametrize("argv,expect", SUCCESS, ids=[" ".join(a) for a, _ in SUCCESS])
def test_json_output_is_certified(capsys, argv, expect):
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0 and err == ""
    obj = json.loads(out)
    for k, v in expect.items():
        assert obj["summary"][k] == v
    assert obj["statement"] and obj["verdict"]
    cert = obj["certificate"]
    assert kernel.check(cert)
    validate_schema(cert)


@pytest.mark.parametrize("argv,expect", SUCCESS[:4] + SUCCESS[-2:], ids=[" ".join(a) for a, _ in SUCCESS[:4] + SUCCESS[-2:]])
def test_human_output_and_out_file(tmp_path, capsys, argv, expect):
    path = tmp_path / "sub" / "cert.json"
    code, out, err = run(capsys, *argv, "--out", path)
    assert code == 0 and err == ""
    assert "checker: accepted" in out and str(path) in out
    assert path.exists() and not [p for p in path.parent.iterdir() if p.name.startswith(".exactopen-")]
    validate_schema(json.loads(path.read_text()))
    code, out, err = run(capsys, "verify", path)
    assert code == 0 and "accepted" in out


def test_out_is_deterministic(tmp_path, capsys):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    run(capsys, "intersect", "--A", "[[1,-1,0]]", "--B", "[[1,0],[0,1],[1,1]]", "--out", a)
    run(capsys, "intersect", "--A", "[[1,-1,0]]", "--B", "[[1,0],[0,1],[1,1]]", "--out", b)
    assert a.read_bytes() == b.read_bytes()


# ---------------------------------------------------------------------------------------
# the real console entry point (subprocess)
# ---------------------------------------------------------------------------------------

def test_subprocess_error_is_one_line_exit_2(tmp_path):
    for argv in (["rank", "[[1,2],[3]]"], ["rank", "--bogus", "[[1]]"], ["rank", tmp_path / "missing.json"],
                 ["solve", "--A", "[[1,2]]", "--B", "[[1],[2]]"]):
        r = run_sub(*argv)
        assert r.returncode == 2, (argv, r.stderr)
        assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
        assert r.stdout == ""


def test_subprocess_npy_float_paths(tmp_path):
    f = tmp_path / "w.npy"
    np.save(f, np.array([[0.1]]))
    r = run_sub("rank", f)
    assert r.returncode == 2 and "--from-float" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    out = tmp_path / "c.json"
    r = run_sub("rank", f, "--from-float", "--json", "--out", out)
    assert r.returncode == 0, r.stderr
    cert = json.loads(r.stdout)["certificate"]
    assert cert["inputs"]["A"]["rows"] == [["3602879701896397/36028797018963968"]]
    r = run_sub("verify", out)
    assert r.returncode == 0 and "accepted" in r.stdout


def test_console_script_is_installed():
    import shutil

    exe = shutil.which("exactopen")
    if exe is None:
        pytest.skip("console script not on PATH")
    r = subprocess.run([exe, "rank", "[[1,2],[2,4]]"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and "rank = 1" in r.stdout
