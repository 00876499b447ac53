"""A sweep directory verified as a whole (``exactopen verify DIR``).

Every certificate being accepted is not enough: readers go by ``results.jsonl`` and
``summary.md``.  A sweep directory is consistent when

* every line of ``results.jsonl`` is a JSON object ending in a newline, with a valid id, and
  no id has two lines;
* a decided line names ``certificates/<id>.json`` (that path, nothing else, nothing outside
  ``certificates/``), that file exists, the checker accepted it, and every field of the line
  that restates the certificate equals what the accepted certificate proves: the verdict, the
  statement (if the line has one), the summary figures and the parameters that follow from
  the certificate (``h``, ``regime``, ``size``, ``kind``);
* an error line (an instance that failed) names no certificate; it is not a rejection, but it
  is counted and named, since it proves nothing;
* every certificate file under ``certificates/`` is named by a decided line (no orphans);
* ``summary.md`` is :func:`exactopen.sweep.store.summary_markdown` of the lines, with the title
  and preamble it was written with.

The caller checks each certificate once (``check(path)``: an entry with ``status`` and, when
accepted, ``statement`` and the parsed ``tree``); this module only compares.  What is checked
about a line's fields mirrors what :func:`exactopen.sweep.task.decide` writes into them.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

from exactopen.sweep import store

# the fields a result line may have (see exactopen.sweep.task.run_instance and engine.run_sweep)
LINE_FIELDS = ("id", "family", "params", "verdict", "summary", "certificate", "statement", "error")
ERROR = "error"


class Unreadable(Exception):
    """The directory's structure cannot be read (no certificates/, no summary.md, ...)."""


@dataclass
class Problem:
    where: str              # DIR/results.jsonl:17, DIR/certificates/x.json, DIR/summary.md:5
    text: str
    id: str | None = None

    def __str__(self) -> str:
        return f"{self.where}: REJECTED: " + (f"id {self.id}: " if self.id else "") + self.text


@dataclass
class FolderReport:
    folder: str
    certificates: list = field(default_factory=list)   # the check entries, in file order
    lines: int = 0
    decided: int = 0
    error_ids: list = field(default_factory=list)
    problems: list = field(default_factory=list)


@dataclass
class Line:
    no: int
    obj: object = None          # the parsed JSON value, None if unreadable
    problem: str | None = None  # why the line cannot be read


def is_sweep_folder(path: str) -> bool:
    return os.path.isdir(path) and os.path.exists(os.path.join(path, store.RESULTS))


def verify_folder(folder: str, check) -> FolderReport:
    """Check every certificate under ``folder/certificates`` once with ``check`` and compare
    the lines and the summary with them.  Raises :class:`Unreadable`."""
    summary_text = _read_structure(folder)
    rep = FolderReport(folder)
    proved, by_rel = _check_certificates(folder, check, rep)
    lines = read_lines(folder)
    rep.lines = len(lines)
    named = _check_lines(folder, lines, proved, by_rel, rep)
    rep.problems += orphan_problems(by_rel, named, set(rep.error_ids))
    rep.problems += summary_problems(folder, lines, summary_text)
    return rep


# ---------------------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------------------

def _read_structure(folder: str) -> str:
    """The text of summary.md, once results.jsonl and certificates/ are there (else Unreadable)."""
    if not os.path.isfile(os.path.join(folder, store.RESULTS)):
        raise Unreadable(f"{store.RESULTS} is not a file")
    if not os.path.isdir(os.path.join(folder, store.CERTS)):
        raise Unreadable(f"no {store.CERTS}/ directory")
    try:
        with open(os.path.join(folder, store.SUMMARY), "rb") as fh:
            return fh.read().decode("utf-8", errors="replace")
    except OSError as exc:
        raise Unreadable(f"cannot read {store.SUMMARY}: {exc.strerror or exc}") from None


def read_lines(folder: str) -> list[Line]:
    """The lines of results.jsonl, numbered from 1; each parsed, or with the reason it cannot be."""
    try:
        with open(os.path.join(folder, store.RESULTS), "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise Unreadable(f"cannot read {store.RESULTS}: {exc.strerror or exc}") from None
    chunks = data.split(b"\n")
    out = [_parse_line(no, raw) for no, raw in enumerate(chunks[:-1], 1)]
    if chunks[-1]:
        out.append(Line(len(chunks), problem="a torn line (no newline at its end: the sweep was interrupted; "
                                            "rerunning it drops the line)"))
    return out


def _parse_line(no: int, raw: bytes) -> Line:
    try:
        obj = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return Line(no, problem="not UTF-8 text")
    except ValueError as exc:
        return Line(no, problem=f"not JSON ({getattr(exc, 'msg', exc)})")
    if not isinstance(obj, dict):
        return Line(no, problem="not a JSON object")
    return Line(no, obj)


def results_by_id(lines: list[Line]) -> dict:
    """id -> line (the last for an id), as :func:`exactopen.sweep.store.read_results` reads them:
    what the sweep wrote summary.md from."""
    out: dict = {}
    for ln in lines:
        if ln.obj is not None and "id" in ln.obj:
            try:
                out[ln.obj["id"]] = ln.obj
            except TypeError:  # an unhashable id (reported with its line)
                continue
    return out


# ---------------------------------------------------------------------------------------
# certificates
# ---------------------------------------------------------------------------------------

def _rel(folder: str, path: str) -> str:
    return os.path.relpath(path, folder).replace(os.sep, "/")


def _check_certificates(folder: str, check, rep: FolderReport) -> tuple[dict, dict]:
    """Each certificate file checked once: (relative path -> what it proves, relative path ->
    check entry).  A file that resolves outside certificates/ (a link) is a problem, not read."""
    root = os.path.realpath(os.path.join(folder, store.CERTS))
    proved, by_rel = {}, {}
    for path in store.certificate_files(folder):
        rel = _rel(folder, path)
        if os.path.commonpath([root, os.path.realpath(path)]) != root:
            rep.problems.append(Problem(path, "a link to a file outside certificates/ (not read)"))
            continue
        entry = check(path)
        tree = entry.pop("tree", None)
        if entry["status"] == "accepted":
            proved[rel] = what_it_proves(tree, entry["statement"])
        rep.certificates.append(entry)
        by_rel[rel] = entry
    return proved, by_rel


def what_it_proves(cert: dict, statement: str) -> dict:
    """What an accepted certificate proves, in the terms of a result line: verdict, statement,
    summary figures (as :func:`exactopen.sweep.task.decide` writes them) and the parameters that
    follow from it (name -> the values a line may give)."""
    out = {"verdict": cert["result"].get("verdict"), "statement": statement, "summary": None, "params": {}}
    if cert["kind"] == "openness":
        out["summary"], out["params"] = _pair_figures(cert)
    elif cert["kind"] == "landscape_point":
        out["summary"], out["params"] = _network_figures(cert)
    return out


def _pair_figures(cert: dict) -> tuple[dict, dict]:
    inputs, res, ev = cert["inputs"], cert["result"], cert["evidence"]
    (m, k), n = inputs["W1"]["shape"], inputs["W2"]["shape"][1]
    summary = {"m": m, "k": k, "n": n, "rank_W1": ev["rank_W1"]["rank"], "rank_W2": ev["rank_W2"]["rank"],
               "dim_N_W1_cap_C_W2": ev["intersection"]["dim"], "theorem": res["theorem"]}
    return summary, {"regime": (res["regime"],), "size": (max(m, k, n),), "kind": ("pair",)}


NETWORK_RESULT_FIGURES = ("loss", "min_value", "descent_order", "witness_loss")


def _network_figures(cert: dict) -> tuple[dict, dict]:
    shapes = [W["shape"] for W in cert["inputs"]["layers"]]
    summary = {"widths": [shapes[0][1]] + [s[0] for s in shapes], "nparams": sum(r * c for r, c in shapes)}
    summary.update({k: cert["result"][k] for k in NETWORK_RESULT_FIGURES if k in cert["result"]})
    return summary, {"h": (len(shapes),), "kind": ("network", "thm12")}


# ---------------------------------------------------------------------------------------
# lines
# ---------------------------------------------------------------------------------------

def _check_lines(folder: str, lines: list[Line], proved: dict, by_rel: dict, rep: FolderReport) -> set:
    """Problems of each line (appended to ``rep``); the certificates named by decided lines."""
    where = os.path.join(folder, store.RESULTS)
    first: dict = {}
    named: set = set()
    for ln in lines:
        at = f"{where}:{ln.no}"
        if ln.problem:
            rep.problems.append(Problem(at, ln.problem))
            continue
        iid = ln.obj.get("id")
        if not (isinstance(iid, str) and _valid_id(iid)):
            rep.problems.append(Problem(at, "no valid id (a string of letters, digits, '.', '_', '-' that "
                                            "names the certificate file)"))
            continue
        if iid in first:
            rep.problems.append(Problem(at, f"a second line for this id (the first is line {first[iid]})", iid))
            continue
        first[iid] = ln.no
        texts = _field_problems(ln.obj)
        if ln.obj.get("verdict") == ERROR:
            rep.error_ids.append(iid)
            texts += error_line_problems(ln.obj)
        else:
            rep.decided += 1
            rel, path_problem = certificate_of(ln.obj)
            if path_problem:
                texts.append(path_problem)
            else:
                named.add(rel)
                texts += line_vs_certificate(ln.obj, rel, proved, by_rel)
        rep.problems += [Problem(at, t, iid) for t in texts]
    return named


def _valid_id(iid: str) -> bool:
    from exactopen.sweep.families import ID_RE

    return ID_RE.fullmatch(iid) is not None


def _field_problems(obj: dict) -> list[str]:
    return [f"field {k!r}: not a field of a result line" for k in obj if k not in LINE_FIELDS]


def error_line_problems(obj: dict) -> list[str]:
    """An instance that failed proves nothing: its line names no certificate and states no result."""
    return [f"an error line has a {k!r} (a failed instance proves nothing)"
            for k in ("certificate", "summary", "statement") if k in obj]


def certificate_of(obj: dict) -> tuple[str | None, str | None]:
    """(the certificate path the line names, None) if it is ``certificates/<id>.json``, else
    (None, the problem)."""
    from exactopen.sweep.task import certificate_path

    rel = obj.get("certificate")
    if not isinstance(rel, str):
        return None, "names no certificate (a decided line needs one)"
    parts = rel.replace("\\", "/").split("/")
    if os.path.isabs(rel) or rel.startswith(("/", "\\")) or ".." in parts or parts[0] != store.CERTS:
        return None, f"certificate {_show(rel)} lies outside DIR/{store.CERTS}/"
    expected = certificate_path(obj["id"])
    if rel != expected:
        return None, f"names certificate {_show(rel)}, but the certificate of this id is {expected}"
    return rel, None


def line_vs_certificate(obj: dict, rel: str, proved: dict, by_rel: dict) -> list[str]:
    """Each field of a decided line that restates its certificate, against what the checker accepted."""
    entry = by_rel.get(rel)
    if entry is None:
        return [f"its certificate {rel} does not exist"]
    if entry["status"] == "skipped":
        return [f"its certificate {rel} is a JSON Schema, not a certificate"]
    if rel not in proved:
        return []  # rejected or unreadable: reported with the certificate file
    p = proved[rel]
    out = []
    if obj.get("verdict") != p["verdict"]:
        out.append(f"verdict {_show(obj.get('verdict'))}, but the certificate proves {_show(p['verdict'])}")
    if "statement" in obj and obj["statement"] != p["statement"]:
        out.append(f"statement {_show(obj['statement'])}, but the certificate proves {_show(p['statement'])}")
    out += summary_field_problems(obj.get("summary"), p["summary"])
    out += params_problems(obj.get("params"), p["params"])
    return out


def summary_field_problems(given, proved: dict | None) -> list[str]:
    if proved is None:
        return [] if given is None else ["a summary, but the certificate's kind has no summary figures"]
    if not isinstance(given, dict):
        return [f"summary {_show(given)}, but the certificate proves {_show(proved)}"]
    out = []
    for key in sorted(set(given) | set(proved), key=str):
        if key not in proved:
            out.append(f"summary.{key} {_show(given[key])}: not something the certificate states")
        elif key not in given:
            out.append(f"summary.{key} missing, but the certificate proves {_show(proved[key])}")
        elif given[key] != proved[key] or type(given[key]) is not type(proved[key]):
            out.append(f"summary.{key} {_show(given[key])}, but the certificate proves {_show(proved[key])}")
    return out


def params_problems(given, proved: dict) -> list[str]:
    """The parameters that follow from the certificate (the others are labels: family, class, group)."""
    if given is None:
        return []
    if not isinstance(given, dict):
        return [f"params {_show(given)}: not a JSON object"]
    out = []
    for key, allowed in proved.items():
        if key in given and not any(given[key] == a and type(given[key]) is type(a) for a in allowed):
            out.append(f"params.{key} {_show(given[key])}, but the certificate gives "
                       + " or ".join(_show(a) for a in allowed))
    return out


def _show(value) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= 160 else text[:157] + "..."


# ---------------------------------------------------------------------------------------
# orphans and summary.md
# ---------------------------------------------------------------------------------------

def orphan_problems(by_rel: dict, named: set, error_ids: set) -> list[Problem]:
    """A certificate file no decided line names (a certificate beside an error line included)."""
    out = []
    for rel, entry in by_rel.items():
        if rel in named:
            continue
        stem = os.path.basename(rel)[:-len(".json")]
        why = (f" (the line of id {stem} is an error line)" if stem in error_ids and rel == f"{store.CERTS}/{stem}.json"
               else "")
        out.append(Problem(entry["path"], f"an orphan certificate: no line of {store.RESULTS} names it{why}"))
    return out


def summary_problems(folder: str, lines: list[Line], text: str) -> list[Problem]:
    """summary.md against :func:`store.summary_markdown` of the lines, with the title and
    preamble read from summary.md itself (the sweep command writes its command line there)."""
    where = os.path.join(folder, store.SUMMARY)
    results = results_by_id(lines)
    try:
        expected = store.summary_markdown(results, *summary_header(text, results))
    except (TypeError, ValueError, AttributeError, KeyError) as exc:
        return [Problem(where, f"cannot be recomputed from the lines ({type(exc).__name__}: {exc})")]
    if text == expected:
        return []
    got, want = _lines_with_ends(text), _lines_with_ends(expected)
    no = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
    a, b = (got[no] if no < len(got) else None), (want[no] if no < len(want) else None)
    col = next((i for i, (x, y) in enumerate(zip(a or "", b or "")) if x != y), min(len(a or ""), len(b or "")))
    return [Problem(f"{where}:{no + 1}", f"not the summary of {store.RESULTS}: the file has {_excerpt(a, col)}, "
                                         f"the lines give {_excerpt(b, col)} (a sweep rerun rewrites it)")]


def _lines_with_ends(text: str) -> list[str]:
    chunks = text.split("\n")
    return [c + "\n" for c in chunks[:-1]] + ([chunks[-1]] if chunks[-1] else [])


def _excerpt(line: str | None, col: int) -> str:
    """``line`` around column ``col``, quoted; or that there is no such line."""
    if line is None:
        return "no such line"
    lo = max(0, col - 40)
    return repr(("..." if lo else "") + line[lo:lo + 80] + ("..." if len(line) > lo + 80 else ""))


def summary_header(text: str, results: dict) -> tuple[str, list[str]]:
    """(title, preamble) of a summary.md: its first line, and the lines between it and the
    count line that :func:`store.summary_markdown` writes next (found by its words, whatever
    the count, so that a wrong count is reported on its own line)."""
    lines = text.split("\n")
    title = lines[0][2:] if lines[0].startswith("# ") else lines[0]
    words = store.summary_markdown(results, "", []).split("\n")[2].lstrip("0123456789")
    ends = [i for i, ln in enumerate(lines)
            if i >= 2 and ln[:1].isdigit() and ln.lstrip("0123456789") == words]
    return title, lines[2:ends[-1]] if ends else []
