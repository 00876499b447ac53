"""Tamper tests: every change that breaks a certificate's proof must be rejected.

For each kind (rank, nullspace, column_space, intersection, solve) a few certificates are
generated and then changed: one evidence number, a claimed rank/dimension, a dropped or
duplicated basis vector, a minor's indices, shapes, number syntax, missing fields, the input
matrices, and the file itself (truncated).  Each changed certificate must be rejected by
``exactopen.kernel.check`` with a non-empty reason, and ``exactopen verify`` must exit 1
(rejected) or 2 (malformed / unreadable / not a certificate).

Changes that leave the proof intact (scaling a null vector, another nonsingular minor) are
not tampering; where a test changes indices it computes itself whether the new minor is
singular and expects rejection exactly then.
"""

from __future__ import annotations

import copy
import itertools

import pytest
import sympy
from flint import fmpq, fmpq_mat

from exactopen import cli, kernel
from exactopen.certificate import dumps
from exactopen.exact import linalg
from exactopen.exact import matrix as mx
from exactopen.exact.numbers import rational_str
from exactopen.kernel import Malformed, Rejected
from tests.helpers import schema_errors, validate_schema

# ---------------------------------------------------------------------------------------
# the certificates under attack (matrices without zero rows or columns, so that changing
# any single evidence number really breaks a product identity)
# ---------------------------------------------------------------------------------------

A3 = [[1, 2, 3], [2, 4, 6], [1, 0, 1]]          # rank 2, rows 0 and 1 proportional
AW = [[1, 2, -1, 3], [2, 4, -2, 6]]             # rank 1, wide (left annihilator)
F1 = [[1, 2], [2, 4], [1, 1]]
F2 = [[1, 0, 1], [0, 1, 1]]
IA = [[1, 1, 0], [0, 0, 1]]                     # N(IA) = span(1, -1, 0)
IB = [[1, 0, 1], [-1, 1, 0], [0, 1, 1]]         # rank 2, C(IB) contains (1, -1, 0)
IA0 = IA
IB0 = [[1, 0, 1], [0, 1, 1], [1, 2, 3]]         # rank 2, C(IB0) misses (1, -1, 0): dim 0


def M(rows):
    return mx.from_rows(rows)


def _build():
    A3m, AWm = M(A3), M(AW)
    return {
        "rank_square": linalg.rank_certificate(A3m),
        "rank_wide": linalg.rank_certificate(AWm),
        "rank_factors": linalg.rank_certificate(factors=[M(F1), M(F2)]),
        "nullspace_right": linalg.nullspace_certificate(A3m),
        "nullspace_left": linalg.nullspace_certificate(A3m, "left"),
        "nullspace_left_wide": linalg.nullspace_certificate(AWm, "left"),
        "colspace_column": linalg.column_space_certificate(A3m),
        "colspace_row": linalg.column_space_certificate(A3m, "row"),
        "colspace_wide": linalg.column_space_certificate(AWm),
        "intersection": linalg.intersection_certificate(M(IA), M(IB)),
        "intersection_zero": linalg.intersection_certificate(M(IA0), M(IB0)),
        "solve_yes": linalg.solve_certificate(A3m, M([[6], [12], [2]])),
        "solve_no": linalg.solve_certificate(A3m, M([[1], [0], [0]])),
    }


BASE = _build()
NAMES = sorted(BASE)


def fresh(name: str) -> dict:
    return copy.deepcopy(BASE[name])


def test_base_certificates_are_accepted_and_as_intended():
    for name, cert in BASE.items():
        assert kernel.check(cert), name
        validate_schema(cert)
    assert BASE["rank_square"]["result"]["rank"] == 2
    assert BASE["rank_wide"]["evidence"]["annihilator"]["side"] == "left"
    assert BASE["intersection"]["result"]["dim"] == 1
    assert BASE["intersection_zero"]["result"]["dim"] == 0
    assert BASE["solve_yes"]["result"]["solvable"] is True
    assert BASE["solve_no"]["result"]["solvable"] is False
    for rows in (A3, AW, F1, F2, IA, IB, IA0, IB0):   # no zero row or column
        assert all(any(r) for r in rows) and all(any(c) for c in zip(*rows))


# ---------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------

def walk(obj, path=()):
    yield path, obj
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from walk(v, path + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from walk(v, path + (i,))


def get(obj, path):
    for p in path:
        obj = obj[p]
    return obj


def put(obj, path, value):
    get(obj, path[:-1])[path[-1]] = value


def rational_paths(cert, sections=("result", "evidence")):
    """Paths of the rational strings inside matrices (…, 'rows', i, j) in the given sections."""
    return [p for p, v in walk(cert) if p and p[0] in sections and len(p) >= 3 and p[-3] == "rows"
            and isinstance(v, str)]


def matrix_paths(cert, sections=("result", "evidence")):
    return [p for p, v in walk(cert) if p and p[0] in sections and isinstance(v, dict)
            and set(v) == {"shape", "rows"}]


def to_mat(obj) -> fmpq_mat:
    return mx.from_json(obj)


def num(text: str) -> fmpq:
    return to_mat({"shape": [1, 1], "rows": [[text]]})[0, 0]


def put_mat(cert, path, A: fmpq_mat):
    put(cert, path, mx.to_json(A))


def rejected(cert) -> str:
    """The checker rejects ``cert``; return the (non-empty) reason."""
    with pytest.raises(Rejected) as info:
        kernel.check(cert)
    reason = str(info.value).strip()
    assert reason, "rejection without a reason"
    return reason


def accepted(cert) -> bool:
    try:
        kernel.check(cert)
    except Rejected:
        return False
    return True


def nonsingular(A: fmpq_mat, rows, cols) -> bool:
    if len(rows) != len(cols):
        return False
    if any(not (0 <= i < A.nrows()) for i in rows) or any(not (0 <= j < A.ncols()) for j in cols):
        return False
    if len(set(rows)) != len(rows) or len(set(cols)) != len(cols):
        return False
    return mx.submatrix(A, list(rows), list(cols)).det() != 0


def find_minor_rows(N: fmpq_mat) -> list[int] | None:
    """Brute force: rows of a nonsingular maximal minor of N (None if N has dependent columns)."""
    for rows in itertools.combinations(range(N.nrows()), N.ncols()):
        if nonsingular(N, rows, range(N.ncols())):
            return list(rows)
    return None


def subject(cert) -> fmpq_mat:
    inp = cert["inputs"]
    if "A" in inp:
        return to_mat(inp["A"])
    P = to_mat(inp["factors"][0])
    for F in inp["factors"][1:]:
        P = P * to_mat(F)
    return P


# ---------------------------------------------------------------------------------------
# 1. one evidence (or result) number changed
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_changing_any_evidence_number_is_rejected(name):
    paths = rational_paths(BASE[name])
    if not paths:
        pytest.skip("no numbers in result/evidence")
    for path in paths:
        cert = fresh(name)
        put(cert, path, rational_str(num(get(cert, path)) + 1))
        rejected(cert)


def test_every_kind_has_numbers_to_tamper():
    kinds = {BASE[n]["kind"] for n in NAMES if rational_paths(BASE[n])}
    assert kinds == {"rank", "nullspace", "column_space", "intersection", "solve"}


# ---------------------------------------------------------------------------------------
# 2. claimed rank / dimension / verdict changed
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", [n for n in NAMES if n.startswith("rank")])
@pytest.mark.parametrize("delta", [-1, 1, 5])
def test_claimed_rank_changed(name, delta):
    cert = fresh(name)
    cert["result"]["rank"] += delta
    rejected(cert)


@pytest.mark.parametrize("bad", ["2", 2.0, True, None, -1])
def test_claimed_rank_wrong_type(bad):
    cert = fresh("rank_square")
    cert["result"]["rank"] = bad
    rejected(cert)


@pytest.mark.parametrize("name", ["intersection", "intersection_zero"])
@pytest.mark.parametrize("delta", [-1, 1])
def test_claimed_dimension_changed(name, delta):
    cert = fresh(name)
    if cert["result"]["dim"] + delta < 0:
        pytest.skip("negative dimension")
    cert["result"]["dim"] += delta
    rejected(cert)


def test_solve_verdict_flipped():
    for name, flag in (("solve_yes", False), ("solve_no", True)):
        cert = fresh(name)
        cert["result"]["solvable"] = flag
        rejected(cert)
    # a 'solution' smuggled into an unsolvable system
    cert = fresh("solve_no")
    cert["result"] = {"solvable": True, "X": mx.to_json(fmpq_mat(3, 1, [1, 0, 0]))}
    rejected(cert)
    # an obstruction vector y with y^T B = 0 (no contradiction)
    cert = fresh("solve_no")
    cert["evidence"]["y"] = mx.to_json(fmpq_mat(3, 1, [0, 0, 0]))
    rejected(cert)


def test_nullspace_and_space_labels_swapped():
    for name, key, other in (("nullspace_right", "side", "left"), ("nullspace_left", "side", "right"),
                             ("colspace_column", "space", "row"), ("colspace_row", "space", "column")):
        cert = fresh(name)
        cert["result"][key] = other
        rejected(cert)
        cert["result"][key] = "sideways"
        rejected(cert)


# ---------------------------------------------------------------------------------------
# 3. a basis vector dropped or duplicated
# ---------------------------------------------------------------------------------------

def _basis_sites(name):
    """(basis path, minor-rows path, companion paths that move with the columns, oriented?)"""
    kind = BASE[name]["kind"]
    sites = []
    ev = BASE[name]["evidence"]
    if kind == "rank":
        sites.append((("evidence", "annihilator", "basis"), ("evidence", "annihilator", "minor_rows"), [], False))
    if kind == "nullspace":
        sites.append((("result", "basis"), ("evidence", "basis_minor_rows"), [], False))
    if kind == "column_space":
        row = BASE[name]["result"]["space"] == "row"
        sites.append((("result", "basis"), ("evidence", "basis_minor_rows"), [("evidence", "preimage")], row))
        sites.append((("evidence", "annihilator", "basis"), ("evidence", "annihilator", "minor_rows"), [], False))
    if kind == "intersection":
        if BASE[name]["result"]["dim"]:
            sites.append((("result", "basis"), ("evidence", "basis_minor_rows"), [("evidence", "preimage")], False))
        if ev["rank_B"]["basis"]["shape"][1]:
            sites.append((("evidence", "rank_B", "basis"), ("evidence", "rank_B", "minor_rows"), [], False))
    return [s for s in sites if get(BASE[name], s[0])["shape"][1 if not s[3] else 0]]


def _vectors(A: fmpq_mat, oriented: bool) -> fmpq_mat:
    return A.transpose() if oriented else A


def _set_vectors(cert, path, V: fmpq_mat, oriented: bool):
    put_mat(cert, path, V.transpose() if oriented else V)


DROP_CASES = [(n, i) for n in NAMES for i in range(len(_basis_sites(n)))]


@pytest.mark.parametrize("name,site", DROP_CASES)
def test_dropping_a_basis_vector_is_rejected(name, site):
    """Drop the last vector, keep everything else consistent (minor rows recomputed by brute
    force), so that only the dimension count can catch it."""
    bpath, mpath, companions, oriented = _basis_sites(name)[site]
    cert = fresh(name)
    V = _vectors(to_mat(get(cert, bpath)), oriented)
    keep = list(range(V.ncols() - 1))
    V2 = mx.submatrix(V, None, keep)
    _set_vectors(cert, bpath, V2, oriented)
    for cpath in companions:
        C = _vectors(to_mat(get(cert, cpath)), oriented)
        _set_vectors(cert, cpath, mx.submatrix(C, None, keep), oriented)
    rows = find_minor_rows(V2)
    assert rows is not None
    put(cert, mpath, rows)
    if cert["kind"] == "intersection" and bpath[0] == "result":
        cert["result"]["dim"] -= 1
    rejected(cert)


@pytest.mark.parametrize("name,site", DROP_CASES)
def test_duplicating_a_basis_vector_is_rejected(name, site):
    bpath, mpath, companions, oriented = _basis_sites(name)[site]
    cert = fresh(name)
    V = _vectors(to_mat(get(cert, bpath)), oriented)
    V2 = mx.hstack(V, mx.submatrix(V, None, [0]))
    _set_vectors(cert, bpath, V2, oriented)
    for cpath in companions:
        C = _vectors(to_mat(get(cert, cpath)), oriented)
        _set_vectors(cert, cpath, mx.hstack(C, mx.submatrix(C, None, [0])), oriented)
    rows = list(get(cert, mpath))
    spare = [i for i in range(V2.nrows()) if i not in rows]
    if spare:
        rows.append(spare[0])
    put(cert, mpath, rows)
    if cert["kind"] == "intersection" and bpath[0] == "result":
        cert["result"]["dim"] += 1
    assert find_minor_rows(V2) is None  # really dependent
    rejected(cert)


def test_scaling_a_null_vector_is_not_tampering():
    """Sanity: a change that keeps the proof valid is accepted (so the tests above are about
    the proof, not about byte equality)."""
    cert = fresh("nullspace_right")
    N = to_mat(cert["result"]["basis"]) * fmpq(-7, 3)
    put_mat(cert, ("result", "basis"), N)
    assert accepted(cert)


# ---------------------------------------------------------------------------------------
# 4. a minor's indices replaced / swapped
# ---------------------------------------------------------------------------------------

def _minor_sites(cert):
    """(rows path, cols path or None, the matrix the minor is taken of) for each minor."""
    kind = cert["kind"]
    ev, res = cert["evidence"], cert["result"]
    out = []
    if kind == "rank":
        out.append((("evidence", "minor", "rows"), ("evidence", "minor", "cols"), subject(cert)))
        out.append((("evidence", "annihilator", "minor_rows"), None, to_mat(ev["annihilator"]["basis"])))
    elif kind == "nullspace":
        A = subject(cert)
        out.append((("evidence", "minor", "rows"), ("evidence", "minor", "cols"),
                    A if res["side"] == "right" else A.transpose()))
        out.append((("evidence", "basis_minor_rows"), None, to_mat(res["basis"])))
    elif kind == "column_space":
        B = to_mat(res["basis"])
        out.append((("evidence", "basis_minor_rows"), None, B if res["space"] == "column" else B.transpose()))
        out.append((("evidence", "annihilator", "minor_rows"), None, to_mat(ev["annihilator"]["basis"])))
    elif kind == "intersection":
        A, B = to_mat(cert["inputs"]["A"]), to_mat(cert["inputs"]["B"])
        out.append((("evidence", "AB_minor", "rows"), ("evidence", "AB_minor", "cols"), A * B))
        out.append((("evidence", "rank_B", "minor_rows"), None, to_mat(ev["rank_B"]["basis"])))
        if res["dim"]:
            out.append((("evidence", "basis_minor_rows"), None, to_mat(res["basis"])))
    return out


def _index_variants(cert):
    """Every single-index replacement (and rows<->cols swap) of every minor, with whether the
    resulting minor is nonsingular."""
    for rpath, cpath, A in _minor_sites(cert):
        rows = list(get(cert, rpath))
        cols = list(get(cert, cpath)) if cpath else list(range(A.ncols()))
        for which, idx, bound in (("rows", rows, A.nrows()), ("cols", cols, A.ncols())):
            if which == "cols" and cpath is None:
                continue
            path = rpath if which == "rows" else cpath
            for pos in range(len(idx)):
                for v in range(bound):
                    if v == idx[pos]:
                        continue
                    new = list(idx)
                    new[pos] = v
                    r2, c2 = (new, cols) if which == "rows" else (rows, new)
                    yield path, new, nonsingular(A, r2, c2)
        if cpath and rows != cols:
            yield ("swap", rpath, cpath), (cols, rows), nonsingular(A, cols, rows)


@pytest.mark.parametrize("name", [n for n in NAMES if _minor_sites(BASE[n])])
def test_replacing_a_minor_index_is_rejected_exactly_when_the_minor_is_singular(name):
    for path, new, ok in _index_variants(BASE[name]):
        cert = fresh(name)
        if path[0] == "swap":
            put(cert, path[1], new[0])
            put(cert, path[2], new[1])
        else:
            put(cert, path, new)
        if ok:
            assert accepted(cert), (name, path, new)
        else:
            rejected(cert)


def test_index_replacements_include_genuinely_singular_minors():
    """Guard for the test above: for every kind with minors, some in-range replacements of
    distinct indices give a singular minor (not only out-of-range or non-square ones)."""
    seen = {}
    for name in NAMES:
        for path, new, ok in _index_variants(BASE[name]):
            if path[0] != "swap" and not ok:
                seen[BASE[name]["kind"]] = seen.get(BASE[name]["kind"], 0) + 1
    assert set(seen) == {"rank", "nullspace", "column_space", "intersection"}, seen


def test_a_row_replaced_by_a_proportional_row_makes_the_rank_minor_singular():
    cert = fresh("rank_square")
    assert cert["evidence"]["minor"]["rows"] == [0, 2]
    cert["evidence"]["minor"]["rows"] = [1, 2]      # row 1 = 2 * row 0: still nonsingular
    assert accepted(cert)
    cert["evidence"]["minor"]["rows"] = [0, 1]      # rows 0 and 1 are proportional
    assert "singular" in rejected(cert)


@pytest.mark.parametrize("bad", [[0, 0], [0, 3], [0, -1], [0], [0, 1, 2], [True, 2], "0,2", [0.0, 2]])
def test_malformed_minor_indices(bad):
    cert = fresh("rank_square")
    cert["evidence"]["minor"]["rows"] = bad
    rejected(cert)


# ---------------------------------------------------------------------------------------
# 5. wrong shapes
# ---------------------------------------------------------------------------------------

ALL_MATRIX_CASES = [(n, p) for n in NAMES for p in matrix_paths(BASE[n], ("inputs", "result", "evidence"))]


@pytest.mark.parametrize("name,path", ALL_MATRIX_CASES)
def test_shape_field_disagreeing_with_rows_is_rejected(name, path):
    m, n = get(BASE[name], path)["shape"]
    variants = [[m + 1, n], [m + 2, n + 1], [m], [m, n, 1], [-1, n], [m, "n"], [True, n], [m, None],
                "2x3", None]
    if m > 0:
        variants += [[m, n + 1], [m - 1, n]]
    for shape in variants:
        cert = fresh(name)
        get(cert, path)["shape"] = shape
        rejected(cert)
    cert = fresh(name)
    rows = get(cert, path)["rows"]
    if rows:
        rows[0].append("0")          # ragged
        rejected(cert)
        cert = fresh(name)
        get(cert, path)["rows"] = get(cert, path)["rows"][:-1]
        rejected(cert)


@pytest.mark.parametrize("name,path", [(n, p) for n, p in ALL_MATRIX_CASES if p[0] != "inputs"])
def test_consistent_extra_zero_row_or_column_in_evidence_is_rejected(name, path):
    """A well-formed matrix of the wrong size (evidence and results only: an input matrix of
    another size is simply another question)."""
    A = to_mat(get(BASE[name], path))
    for B in (mx.vstack(A, fmpq_mat(1, A.ncols())), mx.hstack(A, fmpq_mat(A.nrows(), 1))):
        cert = fresh(name)
        put_mat(cert, path, B)
        rejected(cert)


def test_matrix_not_an_object():
    for bad in ([[1, 2]], "[[1]]", None, 3):
        cert = fresh("rank_square")
        cert["inputs"]["A"] = bad
        rejected(cert)


# ---------------------------------------------------------------------------------------
# 6. non-canonical numbers
# ---------------------------------------------------------------------------------------

NON_CANONICAL = ["1.5", "1/0", 1, -1, 0, 1.0, "0x1", " 1", "1 ", "+1", "1/-2", "", "1e3", "--1",
                 "1/2/3", "½", "١", "nan", "inf", None, True, [1], {"p": 1}]


@pytest.mark.parametrize("bad", NON_CANONICAL, ids=repr)
def test_non_canonical_number_in_evidence(bad):
    for name in ("rank_square", "intersection", "solve_no"):
        cert = fresh(name)
        put(cert, rational_paths(cert)[0], bad)
        rejected(cert)


@pytest.mark.parametrize("bad", NON_CANONICAL, ids=repr)
def test_non_canonical_number_in_inputs(bad):
    cert = fresh("rank_square")
    cert["inputs"]["A"]["rows"][0][0] = bad
    rejected(cert)


def test_non_canonical_numbers_also_fail_the_schema():
    for bad in ("1.5", 1, "+1", "1/-2", "", "0x1"):
        cert = fresh("rank_square")
        cert["inputs"]["A"]["rows"][0][0] = bad
        assert schema_errors(cert), bad


# ---------------------------------------------------------------------------------------
# 7. missing fields and envelope damage
# ---------------------------------------------------------------------------------------

# Deleting these leaves the proof intact: claim_id defaults to null; the generator block is
# provenance, not proof (the schema still requires all of them); with dim 0 there is no basis
# whose independence needs a minor.
KERNEL_OPTIONAL = {("claim_id",), ("generator", "name"), ("generator", "version")}


def _deletable(cert):
    return [p for p, _ in walk(cert) if p and isinstance(get(cert, p[:-1]), dict)]


@pytest.mark.parametrize("name", NAMES)
def test_deleting_any_field_is_rejected(name):
    optional = set(KERNEL_OPTIONAL)
    if BASE[name]["kind"] == "intersection" and BASE[name]["result"]["dim"] == 0:
        optional.add(("evidence", "basis_minor_rows"))
    paths = _deletable(BASE[name])
    assert len(paths) > 8
    for path in paths:
        cert = fresh(name)
        del get(cert, path[:-1])[path[-1]]
        assert schema_errors(cert), f"schema accepts a certificate without {path}"
        if path in optional:
            continue
        rejected(cert)


@pytest.mark.parametrize("field,value,malformed", [
    ("format", "exactopen-certificat", True),
    ("format", None, True),
    ("version", 1, False),
    ("version", 3, False),
    ("version", "2", False),
    ("version", True, False),
    ("version", 2.0, True),   # a JSON float: refused while reading (exact numbers are strings)
    ("kind", "rnak", False),
    ("kind", 7, False),
    ("claim", None, False),
    ("claim_id", 4, False),
    ("inputs", [], False),
    ("result", "rank 2", False),
    ("evidence", None, False),
    ("generator", "exactopen", False),
])
def test_envelope_damage(field, value, malformed):
    cert = fresh("rank_square")
    cert[field] = value
    with pytest.raises(Rejected) as info:
        kernel.check(cert)
    assert str(info.value).strip()
    assert isinstance(info.value, Malformed) == malformed
    # the schema cannot tell 2.0 from 2 (same JSON number), and lets unknown kinds through
    # (kinds of other families are appended to it later)
    if not (field == "version" and value == 2.0) and value != "rnak":
        assert schema_errors(cert)


@pytest.mark.parametrize("doc", [[], "certificate", 3, None, {}, {"kind": "rank"}])
def test_not_a_certificate_is_malformed(doc):
    with pytest.raises(Malformed):
        kernel.check(doc)


# ---------------------------------------------------------------------------------------
# 8. the inputs changed under the evidence
# ---------------------------------------------------------------------------------------

def S(A: fmpq_mat) -> sympy.Matrix:
    return sympy.Matrix(A.nrows(), A.ncols(), [sympy.Rational(int(x.p), int(x.q)) for x in A.entries()])


def srank(A: fmpq_mat) -> int:
    return 0 if A.nrows() == 0 or A.ncols() == 0 else S(A).rank()


def claim_holds(cert) -> bool:
    """Is the certificate's claim true (computed with SymPy, not with the evidence)?"""
    kind, res = cert["kind"], cert["result"]
    if kind == "rank":
        return srank(subject(cert)) == res["rank"]
    if kind == "nullspace":
        A = subject(cert)
        A = A if res["side"] == "right" else A.transpose()
        N = to_mat(res["basis"])
        return mx.is_zero(A * N) and srank(N) == N.ncols() == A.ncols() - srank(A)
    if kind == "column_space":
        A, B = subject(cert), to_mat(res["basis"])
        if res["space"] == "row":
            A, B = A.transpose(), B.transpose()
        return srank(B) == B.ncols() == srank(A) == srank(mx.hstack(A, B))
    A, B = to_mat(cert["inputs"]["A"]), to_mat(cert["inputs"]["B"])
    if kind == "intersection":
        V = to_mat(res["basis"])
        return (mx.is_zero(A * V) and srank(V) == V.ncols() == res["dim"] == srank(B) - srank(A * B)
                and srank(mx.hstack(B, V)) == srank(B))
    if kind == "solve":
        if res["solvable"]:
            return A * to_mat(res["X"]) == B
        return srank(mx.hstack(A, B)) > srank(A)
    raise AssertionError(kind)


@pytest.mark.parametrize("name", NAMES)
def test_changing_an_input_entry_that_falsifies_the_claim_is_rejected(name):
    falsified = 0
    for path in rational_paths(BASE[name], ("inputs",)):
        for delta in (1, -3):
            cert = fresh(name)
            put(cert, path, rational_str(num(get(cert, path)) + delta))
            if not claim_holds(cert):
                falsified += 1
                rejected(cert)
    assert falsified > 0


# ---------------------------------------------------------------------------------------
# 9. through the CLI: `exactopen verify`
# ---------------------------------------------------------------------------------------

def _verify(capsys, *paths):
    code = cli.main(["verify", *map(str, paths)])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_verify_accepts_every_base_certificate(tmp_path, capsys):
    paths = []
    for name in NAMES:
        p = tmp_path / f"{name}.json"
        p.write_text(dumps(BASE[name]))
        paths.append(p)
    code, out, err = _verify(capsys, *paths)
    assert code == 0, out + err
    assert out.count("accepted") == len(NAMES)


def _tampered_examples():
    """A sample of the tampering above, one of each sort per kind."""
    for name in NAMES:
        c = fresh(name)
        p = rational_paths(c)
        if p:
            put(c, p[0], "12345")
            yield f"{name}-number", c
        c = fresh(name)
        put(c, ("evidence",), None)
        yield f"{name}-noevidence", c
        c = fresh(name)
        m = matrix_paths(c, ("inputs",))[0]
        get(c, m)["shape"][0] += 1
        yield f"{name}-shape", c
        c = fresh(name)
        get(c, m)["rows"][0][0] = "1.5"
        yield f"{name}-decimal", c
    c = fresh("rank_square")
    c["result"]["rank"] = 3
    yield "rank-claim", c
    c = fresh("rank_square")
    c["evidence"]["minor"]["rows"] = [0, 1]
    yield "rank-minor", c


@pytest.mark.parametrize("label,cert", list(_tampered_examples()), ids=lambda x: x if isinstance(x, str) else "")
def test_verify_rejects_tampered_file_with_exit_1(label, cert, tmp_path, capsys):
    p = tmp_path / "t.json"
    p.write_text(dumps(cert))
    code, out, err = _verify(capsys, p)
    assert code == 1, (label, out, err)
    lines = out.strip().splitlines()
    assert len(lines) == 1 and "REJECTED" in lines[0] and len(lines[0].split("REJECTED:", 1)[1].strip()) > 0


@pytest.mark.parametrize("name", NAMES)
def test_truncated_file_is_malformed(name, tmp_path, capsys):
    text = dumps(BASE[name])
    for cut in (len(text) // 2, len(text) - 3, 1):
        p = tmp_path / "cut.json"
        p.write_text(text[:cut])
        with pytest.raises(Malformed):
            kernel.check_file(str(p))
        code, out, err = _verify(capsys, p)
        assert code == 2 and "MALFORMED" in err and "Traceback" not in err


@pytest.mark.parametrize("content", [b"", b"not json", b"\xff\xfe\x00garbage", b"[1, 2]",
                                     b'{"format": "something-else"}', b"null", b"NaN"])
def test_unreadable_or_not_a_certificate_exits_2(content, tmp_path, capsys):
    p = tmp_path / "x.json"
    p.write_bytes(content)
    code, out, err = _verify(capsys, p)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_verify_missing_file_and_directory(tmp_path, capsys):
    code, out, err = _verify(capsys, tmp_path / "nope.json")
    assert code == 2 and "MALFORMED" in err
    code, out, err = _verify(capsys, tmp_path)
    assert code == 2 and "MALFORMED" in err


def test_verify_mixed_files_worst_exit_code(tmp_path, capsys):
    good = tmp_path / "good.json"
    good.write_text(dumps(BASE["rank_square"]))
    bad = tmp_path / "bad.json"
    c = fresh("rank_square")
    c["result"]["rank"] = 1
    bad.write_text(dumps(c))
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    assert _verify(capsys, good, good)[0] == 0
    code, out, err = _verify(capsys, good, bad, good)
    assert code == 1 and out.count("accepted") == 2 and out.count("REJECTED") == 1
    assert _verify(capsys, bad, broken)[0] == 2
    assert _verify(capsys, broken, bad)[0] == 2
    code, out, err = _verify(capsys, "-q", good, bad)
    assert code == 1 and "accepted" not in out and "REJECTED" in out


def test_verify_as_a_subprocess(tmp_path):
    """The real entry point: exit codes and one-line messages, no traceback."""
    import subprocess
    import sys

    good = tmp_path / "good.json"
    good.write_text(dumps(BASE["intersection"]))
    bad = tmp_path / "bad.json"
    c = fresh("intersection")
    c["result"]["dim"] = 0
    bad.write_text(dumps(c))
    cut = tmp_path / "cut.json"
    cut.write_text(dumps(BASE["intersection"])[:40])
    run = lambda *f: subprocess.run([sys.executable, "-m", "exactopen", "verify", *map(str, f)],
                                    capture_output=True, text=True, timeout=120)
    r = run(good)
    assert r.returncode == 0 and "accepted" in r.stdout
    r = run(bad)
    assert r.returncode == 1 and "REJECTED" in r.stdout and "Traceback" not in r.stderr
    r = run(cut)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
