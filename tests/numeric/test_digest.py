"""Problem and proof apart (issue 21, item 4): validate certificates that refer to their
weights and data by the SHA-256 of NumPy files, the checker's plain .npy/.npz reader, the
lower-triangular dyadic form, and the kernel's memo of its own results."""

from __future__ import annotations

import copy
import hashlib
import io
import json
import os
import zipfile
from fractions import Fraction

import numpy as np
import pytest
from flint import fmpq, fmpq_mat
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from exactopen import kernel
from exactopen.certificate import dyadic_json
from exactopen.cli import main
from exactopen.exact.floats import to_exact
from exactopen.inputs import file_references
from exactopen.kernel.primitives import matrix
from exactopen.landscape.network import Network
from exactopen.numeric.validate import validate
from tests.helpers import validate_schema


def _problem(tmp_path, rows_x=False):
    rng = np.random.default_rng(7)
    Ws = [rng.standard_normal((5, 4)), rng.standard_normal((3, 5)), rng.standard_normal((4, 3))]
    X, Y = rng.standard_normal((4, 9)), rng.standard_normal((4, 9))
    w = tmp_path / "w.npz"
    np.savez(w, W1=Ws[0], W2=Ws[1], W3=Ws[2])
    xp, yp = tmp_path / "X.npy", tmp_path / "Y.npy"
    np.save(xp, X.T.copy() if rows_x else X)
    np.save(yp, np.asfortranarray(Y.T if rows_x else Y).astype(np.float32))
    Yexact = Y.T.astype(np.float32).T if rows_x else Y.astype(np.float32)
    return Ws, X, Yexact, str(w), str(xp), str(yp)


def _validated(tmp_path, rows_x=False):
    Ws, X, Y, w, xp, yp = _problem(tmp_path, rows_x)
    net = Network.build([to_exact(W) for W in Ws], to_exact(Y.astype(float)), to_exact(X))
    inputs, files = file_references(net, w, ["W1", "W2", "W3"], xp, yp, rows_x)
    v = validate(net, inputs=inputs, files=[w, xp, yp], always_descent=True)
    return net, v, [w, xp, yp], inputs


def test_by_digest_matches_embedded_and_needs_the_files(tmp_path):
    net, v, files, inputs = _validated(tmp_path)
    cert = v.certificate
    validate_schema(cert)
    assert kernel.check(cert, files) == cert["claim"]
    digests = [hashlib.sha256(open(f, "rb").read()).hexdigest() for f in files]
    assert all(d in cert["claim"] for d in digests)  # the statement names the files
    emb = validate(net, always_descent=True).certificate
    assert emb["result"] == cert["result"] and emb["evidence"] == cert["evidence"]
    with pytest.raises(kernel.Rejected, match="was not given"):
        kernel.check(cert)
    with pytest.raises(kernel.Rejected, match="was not given"):
        kernel.check(cert, files[:2])
    assert len(json.dumps(cert)) < len(json.dumps(emb))


def test_samples_as_rows_fortran_and_float32(tmp_path):
    _, v, files, inputs = _validated(tmp_path, rows_x=True)
    assert inputs["X"]["file"]["transpose"] and inputs["Y"]["file"]["transpose"]
    assert kernel.check(v.certificate, files) == v.certificate["claim"]


def test_tampered_references_and_files_are_rejected(tmp_path):
    net, v, files, inputs = _validated(tmp_path)
    cert = v.certificate
    bad = copy.deepcopy(cert)
    bad["inputs"]["layers"][0]["file"]["transpose"] = True  # a 5x4 array read as 4x5
    with pytest.raises(kernel.Rejected):
        kernel.check(bad, files)
    bad = copy.deepcopy(cert)
    bad["inputs"]["X"]["file"]["sha256"] = bad["inputs"]["Y"]["file"]["sha256"]  # Y's file as X (same shape)
    with pytest.raises(kernel.Rejected):
        kernel.check(bad, files)
    bad = copy.deepcopy(cert)
    bad["inputs"]["layers"][0]["file"]["array"] = "W9"
    with pytest.raises(kernel.Rejected, match="no array 'W9'"):
        kernel.check(bad, files)
    bad = copy.deepcopy(cert)
    bad["inputs"]["layers"][0]["file"]["extra"] = 1
    with pytest.raises(kernel.Rejected, match="unknown field"):
        kernel.check(bad, files)
    # the same data with one float changed in the last bit: another digest, and the claimed
    # loss is not the loss of the changed data
    X = np.load(files[1])
    X[0, 0] = np.nextafter(X[0, 0], np.inf)
    other = tmp_path / "X2.npy"
    np.save(other, X)
    bad = copy.deepcopy(cert)
    bad["inputs"]["X"]["file"]["sha256"] = hashlib.sha256(other.read_bytes()).hexdigest()
    with pytest.raises(kernel.Rejected, match="result.loss"):
        kernel.check(bad, [files[0], str(other), files[2]])


def test_the_memo_is_keyed_by_the_exact_encoding(tmp_path):
    """The generator asks the kernel for the loss; the memo must not serve it to a certificate
    whose inputs differ in one entry."""
    net, v, files, inputs = _validated(tmp_path)
    emb = validate(net, always_descent=True).certificate  # embedded: dyadic inputs, memo filled
    bad = copy.deepcopy(emb)
    Y = net.Y.tolist()
    Y[0][0] += fmpq(1, 2 ** 30)
    from exactopen.certificate import matrix_json

    bad["inputs"]["Y"] = matrix_json(fmpq_mat(Y), True)
    with pytest.raises(kernel.Rejected, match="result.loss"):
        kernel.check(bad)


def _npy_bytes(arr, fortran=False) -> bytes:
    buf = io.BytesIO()
    np.save(buf, np.asfortranarray(arr) if fortran else arr)
    return buf.getvalue()


def _read(tmp_path, data: bytes, shape, array=None, transpose=False, suffix=".npy"):
    from exactopen.kernel.files import clear, provide

    p = tmp_path / f"a{suffix}"
    p.write_bytes(data)
    obj = {"shape": list(shape), "file": {"sha256": hashlib.sha256(data).hexdigest(), "array": array,
                                          "transpose": transpose}}
    provide([str(p)], 2 ** 30)
    try:
        M = matrix(obj, "inputs.X")
        return M.M if hasattr(M, "M") else M
    finally:
        clear()


finite = st.floats(allow_nan=False, allow_infinity=False, width=64, min_value=-1e30, max_value=1e30)


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 4)), elements=finite),
       st.booleans(), st.booleans(), st.sampled_from(["<f8", ">f8", "<f4", "<i8", ">i4", "|i1"]))
def test_the_reader_gives_the_exact_values(tmp_path_factory, arr, fortran, transpose, dtype):
    """Cross-check against Python's own exact conversion (fractions), every dtype and order."""
    tmp = tmp_path_factory.mktemp("npy")
    if dtype[1] == "i":
        arr = np.clip(np.round(arr), -100, 100)
    a = arr.astype(dtype)
    M = _read(tmp, _npy_bytes(a, fortran), a.shape[::-1] if transpose else a.shape, transpose=transpose)
    want = a.T if transpose else a
    got = [[Fraction(int(x.p), int(x.q)) for x in row] for row in fmpq_mat(M).tolist()]
    assert got == [[Fraction(float(x)) if dtype[1] == "f" else Fraction(int(x)) for x in row] for row in want]


def test_the_reader_refuses_what_it_does_not_read(tmp_path):
    ok = _npy_bytes(np.ones((2, 3)))
    cases = {
        "3-D": (_npy_bytes(np.ones((2, 3, 1))), "not a 2-D array"),
        "float16": (_npy_bytes(np.ones((2, 3), dtype=np.float16)), "is not read"),
        "object header": (ok.replace(b"'descr'", b"'DESCR'"), "not a 2-D array"),
        "truncated": (ok[:-5], "holds"),
        "no magic": (b"PK" + ok[2:], "not a .npy file"),
        "nan": (_npy_bytes(np.array([[1.0, np.nan, 2.0], [0, 0, 0]])), "NaN or an infinity"),
    }
    for name, (data, msg) in cases.items():
        with pytest.raises(kernel.Rejected, match=msg):
            _read(tmp_path, data, (2, 3))
    with pytest.raises(kernel.Rejected, match="shape says"):
        _read(tmp_path, ok, (3, 2))


def test_npz_members_and_a_zip_bomb(tmp_path):
    buf = io.BytesIO()
    np.savez_compressed(buf, A=np.arange(6.0).reshape(2, 3))
    M = _read(tmp_path, buf.getvalue(), (2, 3), array="A", suffix=".npz")
    assert fmpq_mat(M) == fmpq_mat([[0, 1, 2], [3, 4, 5]])
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("B.npy", _npy_bytes(np.zeros((2000, 2000))))  # 32 MB of zeros, a few KB compressed
    with pytest.raises(kernel.Rejected, match="expand"):
        _read(tmp_path, bomb.getvalue(), (2000, 2000), array="B", suffix=".npz")
    with pytest.raises(kernel.Rejected, match="not an .npz"):
        _read(tmp_path, _npy_bytes(np.ones((2, 3))), (2, 3), array="A", suffix=".npz")


@settings(max_examples=40, deadline=None)
@given(st.integers(16, 24), st.integers(0, 2 ** 32), st.integers(-8, 8))
def test_lower_triangular_dyadic_form(n, seed, e):
    rng = np.random.default_rng(seed)
    L = np.tril(rng.integers(-300, 300, (n, n))).astype(float) * 2.0 ** e
    A = to_exact(L)
    j = dyadic_json(A)
    assert j["dyadic"].get("lower") is True
    assert fmpq_mat(matrix(json.loads(json.dumps(j)), "m").M) == A
    full = copy.deepcopy(j)
    del full["dyadic"]["lower"]
    with pytest.raises(kernel.Rejected, match="characters"):
        matrix(full, "m")
    j2 = copy.deepcopy(j)
    j2["shape"] = [n, n + 1]
    with pytest.raises(kernel.Rejected, match="square"):
        matrix(j2, "m")


def test_cli_by_digest_round_trip(tmp_path, capsys):
    Ws, X, Y, w, xp, yp = _problem(tmp_path)
    out = str(tmp_path / "c.json")
    assert main(["validate", "--weights", w, "--X", xp, "--Y", yp, "--inputs-by-digest", "--out", out,
                 "--quiet"]) == 0
    said = capsys.readouterr().out
    assert "verify with exactopen verify" in said and "--inputs" in said
    assert main(["verify", out, "--inputs", w, xp, yp]) == 0
    assert main(["verify", out]) == 1
    capsys.readouterr()
    assert main(["verify", out, "--inputs", str(tmp_path / "missing.npy")]) == 2
    assert "cannot read" in capsys.readouterr().err
    torch_like = tmp_path / "w.json"
    torch_like.write_text(json.dumps({"W1": Ws[0].tolist(), "W2": Ws[1].tolist(), "W3": Ws[2].tolist()}))
    assert main(["validate", "--weights", str(torch_like), "--X", xp, "--Y", yp, "--inputs-by-digest",
                 "--quiet"]) == 2
    assert "not an .npz or .npy file" in capsys.readouterr().err


def test_kernel_main_takes_inputs(tmp_path, capsys):
    from exactopen.kernel.__main__ import main as kmain

    Ws, X, Y, w, xp, yp = _problem(tmp_path)
    out = str(tmp_path / "c.json")
    assert main(["validate", "--weights", w, "--X", xp, "--Y", yp, "--inputs-by-digest", "--out", out,
                 "--quiet"]) == 0
    capsys.readouterr()
    assert kmain([out, "--inputs", w, xp, yp]) == 0
    assert kmain(["--inputs", w, xp, yp, "--", out]) == 0
    assert kmain([out]) == 1
    assert os.path.exists(out)


def test_the_hand_over_is_held_and_used_once(tmp_path):
    """The generator's kernel call hands its decoded inputs and values to the next check only:
    that check holds their memory and skips the products; the one after recomputes."""
    from exactopen.kernel import files as kf
    from exactopen.kernel.validate import exact_loss_gradient

    net, v, files, inputs = _validated(tmp_path)
    exact_loss_gradient(inputs, files)
    kept = sum(Z._bytes for Z, _ in kf._DECODED.values())
    assert kept > 0 and kf.MEMO
    first = kernel.explain(v.certificate, files)["work"]
    assert first["peak_bytes"] >= kept
    second = kernel.explain(v.certificate, files)["work"]
    assert second["work"] > first["work"]  # nothing handed over: the loss and gradient recomputed
    text = kernel.check(v.certificate, files)
    assert "inputs.layers[0] = array W1 of the file with SHA-256" in text
    assert "inputs.Y = the file with SHA-256" in text
