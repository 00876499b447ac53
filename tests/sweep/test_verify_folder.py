"""``exactopen verify DIR`` on a sweep directory verifies it as a whole: a tiny sweep made by the
real ``sweep jsonl`` command (three decided instances and one error line), then tampered with.
Each tampering is a rejection (exit 1) naming its line; the untouched directory verifies."""

from __future__ import annotations

import json
import shutil

import pytest

from exactopen.cli import main

pytest.importorskip("distributed")

INSTANCES = [
    {"id": "open", "W1": [[1], [1]], "W2": [[0, 0]]},                 # a pair: not locally open
    {"id": "bad-shape", "W1": [[1], [1]], "W2": [[0, 0], [1, 1]]},    # fails: an error line
    {"id": "saddle", "widths": [2, 1, 1, 2], "group": "g"},           # thm-12: a higher-order saddle
    {"id": "gmin", "layers": [[[1]], [[1]]], "Y": [[1]]},             # a global minimum
]


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    base = tmp_path_factory.mktemp("made")
    src = base / "in.jsonl"
    src.write_text("".join(json.dumps(x) + "\n" for x in INSTANCES), encoding="utf-8")
    out = base / "sweep"
    assert main(["sweep", "jsonl", str(src), "--out", str(out), "--workers", "1", "--no-progress"]) == 1  # the error
    return out


@pytest.fixture
def sweep(made, tmp_path, capsys):
    """A fresh copy of the sweep directory, and what the sweep printed cleared."""
    folder = tmp_path / "sweep"
    shutil.copytree(made, folder)
    capsys.readouterr()
    return folder


def lines(folder) -> list[dict]:
    return [json.loads(x) for x in (folder / "results.jsonl").read_text(encoding="utf-8").splitlines()]


def line_no(folder, iid: str) -> int:
    return next(i for i, x in enumerate(lines(folder), 1) if x["id"] == iid)


def write_lines(folder, objs) -> None:
    (folder / "results.jsonl").write_text("".join(json.dumps(x, sort_keys=True) + "\n" for x in objs),
                                          encoding="utf-8")


def edit_line(folder, iid: str, **changes) -> int:
    objs = lines(folder)
    for x in objs:
        if x["id"] == iid:
            x.update(changes)
    write_lines(folder, objs)
    return line_no(folder, iid)


def verify(capsys, folder, *flags) -> tuple[int, list[str], str]:
    code = main(["verify", "-q", *flags, str(folder)])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def rejected(capsys, folder) -> list[str]:
    """The rejection lines (exit 1), the last one being the directory's."""
    code, out, err = verify(capsys, folder)
    assert code == 1 and err == ""
    assert out[-1].startswith(f"{folder}: REJECTED as a sweep directory: ")
    return out[:-1]


def test_the_untouched_directory_verifies_and_names_its_error_line(sweep, capsys):
    assert {x["verdict"] for x in lines(sweep)} == {"not_locally_open", "error", "higher_order_saddle",
                                                     "global_minimum"}
    code, out, err = verify(capsys, sweep)
    assert (code, err) == (0, "")
    assert out == [f"{sweep}: 1 error line(s), instances not proved: bad-shape"]
    assert main(["verify", str(sweep)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len([x for x in out if ": accepted: " in x]) == 3
    assert out[-1].startswith(f"{sweep}: sweep directory verified: 4 lines, 3 certificates accepted")
    assert "## Errors" in (sweep / "summary.md").read_text(encoding="utf-8")


def test_json_reports_the_directory(sweep, capsys):
    assert main(["verify", "--json", str(sweep)]) == 0
    rep = json.loads(capsys.readouterr().out)
    assert rep["verdict"] == "accepted" and rep["summary"]["accepted"] == 3
    (folder,) = rep["folders"]
    assert folder["status"] == "accepted" and folder["problems"] == []
    counts = (folder["lines"], folder["decided"], folder["certificates"], folder["error_lines"])
    assert counts == (4, 3, 3, ["bad-shape"])
    edit_line(sweep, "gmin", verdict="strict_saddle")
    assert main(["verify", "--json", str(sweep)]) == 1
    rep = json.loads(capsys.readouterr().out)
    assert rep["verdict"] == "rejected" and rep["folders"][0]["status"] == "rejected"
    first, second = rep["folders"][0]["problems"]  # the line, and the summary it no longer matches
    assert first == {"where": f"{sweep}/results.jsonl:{line_no(sweep, 'gmin')}", "id": "gmin",
                     "problem": "verdict strict_saddle, but the certificate proves global_minimum"}
    assert second["where"].startswith(f"{sweep}/summary.md:") and second["id"] is None


def test_a_changed_verdict(sweep, capsys):
    no = edit_line(sweep, "saddle", verdict="global_minimum")
    got = rejected(capsys, sweep)
    assert got[0] == (f"{sweep}/results.jsonl:{no}: REJECTED: id saddle: verdict global_minimum, "
                      "but the certificate proves higher_order_saddle")
    assert len(got) == 2 and got[1].startswith(f"{sweep}/summary.md:")  # summary.md counted the old verdict


def test_a_changed_verdict_in_a_consistent_summary_is_still_rejected(sweep, capsys):
    """The summary rewritten from the tampered lines agrees with them: the line is what is wrong."""
    from exactopen.sweep import store
    from exactopen.sweep.consistency import read_lines, results_by_id, summary_header

    no = edit_line(sweep, "open", verdict="locally_open")
    text = (sweep / "summary.md").read_text(encoding="utf-8")
    results = results_by_id(read_lines(str(sweep)))
    (sweep / "summary.md").write_text(store.summary_markdown(results, *summary_header(text, results)),
                                      encoding="utf-8")
    assert rejected(capsys, sweep) == [f"{sweep}/results.jsonl:{no}: REJECTED: id open: verdict locally_open, "
                                       "but the certificate proves not_locally_open"]


@pytest.mark.parametrize("iid, key, value, proved", [
    ("saddle", "loss", "1/3", "1/2"),
    ("saddle", "descent_order", 2, "4"),
    ("saddle", "widths", [2, 1, 2], "[2, 1, 1, 2]"),
    ("open", "rank_W2", 1, "0"),
    ("open", "theorem", "prop-4", "thm-5"),
])
def test_a_changed_summary_figure(sweep, capsys, iid, key, value, proved):
    summary = next(x for x in lines(sweep) if x["id"] == iid)["summary"]
    no = edit_line(sweep, iid, summary={**summary, key: value})
    got = rejected(capsys, sweep)
    shown = value if isinstance(value, str) else json.dumps(value)
    assert got[0] == (f"{sweep}/results.jsonl:{no}: REJECTED: id {iid}: summary.{key} {shown}, "
                      f"but the certificate proves {proved}")
    assert all("summary.md" in x for x in got[1:])  # descent_order is also tabulated


def test_a_summary_figure_dropped_or_added(sweep, capsys):
    summary = next(x for x in lines(sweep) if x["id"] == "saddle")["summary"]
    del summary["witness_loss"]
    no = edit_line(sweep, "saddle", summary={**summary, "rank": 1})
    assert rejected(capsys, sweep) == [
        f"{sweep}/results.jsonl:{no}: REJECTED: id saddle: summary.rank 1: not something the certificate states",
        f"{sweep}/results.jsonl:{no}: REJECTED: id saddle: summary.witness_loss missing, "
        "but the certificate proves 249/512"]


def test_params_that_follow_from_the_certificate(sweep, capsys):
    no = edit_line(sweep, "gmin", params={"kind": "pair"})
    got = rejected(capsys, sweep)
    assert got[0] == (f"{sweep}/results.jsonl:{no}: REJECTED: id gmin: params.kind pair, but the certificate gives "
                      "network or thm12")


def test_a_statement_on_a_line_must_be_the_checked_one(sweep, capsys):
    from exactopen import kernel

    cert = (sweep / "certificates" / "gmin.json").read_text(encoding="utf-8")
    statement = kernel.check(cert)
    edit_line(sweep, "gmin", statement=statement)
    code, out, _ = verify(capsys, sweep)
    assert code == 0, out
    no = edit_line(sweep, "gmin", statement=statement.replace("global minimum", "local minimum"))
    assert rejected(capsys, sweep)[0].startswith(f"{sweep}/results.jsonl:{no}: REJECTED: id gmin: statement ")


def test_a_missing_certificate(sweep, capsys):
    (sweep / "certificates" / "saddle.json").unlink()
    no = line_no(sweep, "saddle")
    assert rejected(capsys, sweep) == [
        f"{sweep}/results.jsonl:{no}: REJECTED: id saddle: its certificate certificates/saddle.json does not exist"]


def test_an_orphan_certificate(sweep, capsys):
    shutil.copy(sweep / "certificates" / "gmin.json", sweep / "certificates" / "gmin2.json")
    assert rejected(capsys, sweep) == [
        f"{sweep}/certificates/gmin2.json: REJECTED: an orphan certificate: no line of results.jsonl names it"]


def test_a_certificate_beside_an_error_line_is_an_orphan(sweep, capsys):
    shutil.copy(sweep / "certificates" / "gmin.json", sweep / "certificates" / "bad-shape.json")
    assert rejected(capsys, sweep) == [
        f"{sweep}/certificates/bad-shape.json: REJECTED: an orphan certificate: no line of results.jsonl names it "
        "(the line of id bad-shape is an error line)"]


def test_an_error_line_naming_a_certificate(sweep, capsys):
    shutil.copy(sweep / "certificates" / "gmin.json", sweep / "certificates" / "bad-shape.json")
    no = edit_line(sweep, "bad-shape", certificate="certificates/bad-shape.json")
    got = rejected(capsys, sweep)
    assert got[0] == (f"{sweep}/results.jsonl:{no}: REJECTED: id bad-shape: an error line has a 'certificate' "
                      "(a failed instance proves nothing)")


def test_a_duplicated_id(sweep, capsys):
    objs = lines(sweep)
    first = line_no(sweep, "open")
    write_lines(sweep, objs + [objs[first - 1]])
    assert rejected(capsys, sweep) == [
        f"{sweep}/results.jsonl:5: REJECTED: id open: a second line for this id (the first is line {first})"]


def test_a_torn_and_an_unparseable_line(sweep, capsys):
    text = (sweep / "results.jsonl").read_text(encoding="utf-8")
    (sweep / "results.jsonl").write_text(text + "{not json\n" + '{"certificate":"certificates/sad', encoding="utf-8")
    got = rejected(capsys, sweep)
    assert got[0].startswith(f"{sweep}/results.jsonl:5: REJECTED: not JSON")
    assert got[1].startswith(f"{sweep}/results.jsonl:6: REJECTED: a torn line")
    assert len(got) == 2


@pytest.mark.parametrize("path, problem", [
    ("../outside.json", "certificate ../outside.json lies outside DIR/certificates/"),
    ("certificates/../../outside.json", "certificate certificates/../../outside.json lies outside DIR/certificates/"),
    ("{abs}", "certificate {abs} lies outside DIR/certificates/"),
    ("outside.json", "certificate outside.json lies outside DIR/certificates/"),
    ("certificates/gmin.json", "names certificate certificates/gmin.json, but the certificate of this id is "
                               "certificates/saddle.json"),
])
def test_a_line_pointing_elsewhere(sweep, capsys, path, problem):
    outside = sweep.parent / "outside.json"
    shutil.copy(sweep / "certificates" / "saddle.json", outside)  # a valid certificate, but not this folder's
    shutil.copy(sweep / "certificates" / "saddle.json", sweep / "outside.json")
    path, problem = path.replace("{abs}", str(outside)), problem.replace("{abs}", str(outside))
    no = edit_line(sweep, "saddle", certificate=path)
    got = rejected(capsys, sweep)
    assert got[0] == f"{sweep}/results.jsonl:{no}: REJECTED: id saddle: {problem}"
    # and its own certificate is now named by no line
    assert got[1:] == [f"{sweep}/certificates/saddle.json: REJECTED: an orphan certificate: no line of results.jsonl "
                       "names it"]


def _flip(text: str, i: int) -> str:
    """``text`` with character i changed (a digit to another digit, else to 'x' or 'y')."""
    c = text[i]
    new = str((int(c) + 1) % 10) if c.isdigit() else ("x" if c != "x" else "y")
    return text[:i] + new + text[i + 1:]


@pytest.mark.parametrize("where", ["count", "table", "total", "errors", "last"])
def test_summary_edited_by_one_character(sweep, capsys, where):
    path = sweep / "summary.md"
    text = path.read_text(encoding="utf-8")
    rows = text.split("\n")
    targets = {"count": next(i for i, r in enumerate(rows) if r.startswith("4 instances; ")),
               "table": next(i for i, r in enumerate(rows) if r.startswith("| g | thm12 | ")),
               "total": next(i for i, r in enumerate(rows) if r.startswith("| **all** |")),
               "errors": next(i for i, r in enumerate(rows) if r.startswith("* `bad-shape`")),
               "last": len(rows) - 1}
    row = targets[where]
    start = sum(len(r) + 1 for r in rows[:row])
    if where == "last":  # the final newline dropped
        edited, row = text[:-1], row - 1
    else:
        col = next(i for i, c in enumerate(rows[row]) if c.isdigit()) if where != "errors" else len(rows[row]) - 3
        edited = _flip(text, start + col)
    assert edited != text and len(edited) >= len(text) - 1
    path.write_text(edited, encoding="utf-8")
    got = rejected(capsys, sweep)
    assert len(got) == 1
    assert got[0].startswith(f"{sweep}/summary.md:{row + 1}: REJECTED: not the summary of results.jsonl")


def test_summary_keeps_its_title_and_preamble_and_checks_the_rest(sweep, capsys):
    """The title and preamble are what the sweep command wrote (its command line); the rest is the lines'."""
    text = (sweep / "summary.md").read_text(encoding="utf-8")
    assert text.startswith("# Sweep `jsonl`\n\nProduced by `exactopen sweep jsonl ")
    (sweep / "summary.md").write_text(text.replace("\n\n## `jsonl`: verdicts", "\n\n## `jsonl`: verdict"),
                                      encoding="utf-8")
    assert rejected(capsys, sweep)[0].startswith(f"{sweep}/summary.md:")


def test_each_certificate_is_checked_once(sweep, capsys, monkeypatch):
    from exactopen import kernel

    calls = []
    real = kernel.explain
    monkeypatch.setattr(kernel, "explain", lambda text, inputs=None: calls.append(1) or real(text, inputs))
    assert main(["verify", "-q", str(sweep)]) == 0
    assert len(calls) == 3


def test_a_rejected_certificate_is_a_rejection(sweep, capsys):
    path = sweep / "certificates" / "gmin.json"
    cert = json.loads(path.read_text(encoding="utf-8"))
    cert["result"]["verdict"] = "strict_saddle"
    path.write_text(json.dumps(cert), encoding="utf-8")
    got = rejected(capsys, sweep)
    assert len(got) == 1 and got[0].startswith(f"{path}: REJECTED: ")


@pytest.mark.parametrize("remove", ["certificates", "summary.md"])
def test_an_unreadable_directory_is_exit_2_with_one_line(sweep, capsys, remove):
    target = sweep / remove
    shutil.rmtree(target) if target.is_dir() else target.unlink()
    code, out, err = verify(capsys, sweep)
    assert code == 2 and out == []
    assert err.count("\n") == 1 and err.startswith(f"{sweep}: MALFORMED: not a readable sweep directory: ")
