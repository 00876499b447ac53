"""The checker (exactopen.kernel) imports nothing from the generator (de Bruijn criterion).

Three independent views: the import statements of every kernel file (ast), the modules a
fresh interpreter has loaded after ``import exactopen.kernel``, and a run of the checker in
a process where importing any generator module is an error.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import exactopen
from tests.helpers import ROOT, check_with_generator_blocked

PKG = Path(exactopen.__file__).resolve().parent
KERNEL = PKG / "kernel"
ALLOWED_THIRD_PARTY = {"flint"}
STDLIB = set(sys.stdlib_module_names) | {"__future__"}


def kernel_files():
    files = sorted(KERNEL.rglob("*.py"))
    assert files and (KERNEL / "__init__.py") in files
    return files


def imports_of(path: Path):
    """(line, absolute module name or None, relative level, names) for every import."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                yield node.lineno, a.name, 0, []
        elif isinstance(node, ast.ImportFrom):
            yield node.lineno, node.module, node.level, [a.name for a in node.names]


def allowed(module: str | None, level: int, path: Path) -> bool:
    if level:
        # relative imports must stay inside exactopen.kernel
        depth = len(path.relative_to(KERNEL).parts) - 1  # 0 for kernel/x.py
        return level - 1 <= depth
    top = module.split(".")[0]
    if top in STDLIB or top in ALLOWED_THIRD_PARTY:
        return True
    return module == "exactopen.kernel" or module.startswith("exactopen.kernel.")


@pytest.mark.parametrize("path", kernel_files(), ids=lambda p: p.name)
def test_kernel_file_imports_only_stdlib_flint_and_kernel(path):
    bad = [(line, mod, lvl) for line, mod, lvl, _ in imports_of(path) if not allowed(mod, lvl, path)]
    assert not bad, f"{path.name} imports outside stdlib/flint/exactopen.kernel: {bad}"


@pytest.mark.parametrize("path", kernel_files(), ids=lambda p: p.name)
def test_kernel_file_has_no_dynamic_imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
            assert name not in ("__import__", "import_module", "exec", "eval"), \
                f"{path.name}:{node.lineno} calls {name}"


def test_the_classifier_itself():
    """Guard: the rule above really rejects generator imports."""
    p = KERNEL / "core.py"
    assert not allowed("exactopen.exact.linalg", 0, p)
    assert not allowed("exactopen", 0, p)
    assert not allowed("exactopen.kernelx", 0, p)
    assert not allowed("numpy", 0, p)
    assert not allowed("sympy.polys", 0, p)
    assert not allowed(None, 2, p)          # from .. import linalg
    assert allowed("primitives", 1, p) and allowed("flint", 0, p) and allowed("json", 0, p)
    assert allowed("exactopen.kernel.primitives", 0, p)


def test_package_root_imports_nothing():
    """exactopen/__init__.py is loaded with the kernel; it must not pull in the generator. Imports
    are allowed only inside the module-level ``__getattr__`` (lazy attributes such as
    ``exactopen.Certificate``), never at import time."""
    tree = ast.parse((PKG / "__init__.py").read_text(encoding="utf-8"))
    lazy = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "__getattr__"]
    lazy_lines = {id(x) for f in lazy for x in ast.walk(f)}
    mods = [(node.lineno, ast.unparse(node)) for node in ast.walk(tree)
            if isinstance(node, (ast.Import, ast.ImportFrom)) and id(node) not in lazy_lines
            and not (isinstance(node, ast.ImportFrom) and node.module == "__future__")]
    assert not mods, f"exactopen/__init__.py imports {mods} outside __getattr__"
    probe = ("import json, sys; before = set(sys.modules); import exactopen; "
             "print(json.dumps(sorted(set(sys.modules) - before)))")
    r = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    new = json.loads(r.stdout)
    heavy = [m for m in new if m.startswith("exactopen.") or m.split(".")[0] in ("numpy", "sympy", "flint")]
    assert new == ["exactopen"] or not heavy, f"import exactopen loaded {heavy}"


_PROBE = r"""
import json, sys
before = set(sys.modules)
import exactopen.kernel
new = sorted(set(sys.modules) - before)
print(json.dumps(new))
"""


def test_importing_the_kernel_loads_no_generator_module():
    r = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    new = json.loads(r.stdout)
    assert "exactopen.kernel" in new
    ours = [m for m in new if m == "exactopen" or m.startswith("exactopen.")]
    outside = [m for m in ours if m != "exactopen" and not (m == "exactopen.kernel" or m.startswith("exactopen.kernel."))]
    assert not outside, f"importing exactopen.kernel loaded generator modules: {outside}"
    tops = {m.split(".")[0] for m in new}
    # flint is a Cython extension: it brings cython_runtime and _cython_* helper modules
    foreign = sorted(t for t in tops if t not in STDLIB and t not in ALLOWED_THIRD_PARTY and t != "exactopen"
                     and t != "cython_runtime" and not t.startswith("_cython"))
    assert not foreign, f"importing exactopen.kernel loaded third-party modules: {foreign}"


def test_checker_runs_with_the_generator_blocked():
    from exactopen.certificate import dumps
    from exactopen.exact import linalg
    from exactopen.exact import matrix as mx

    A = mx.from_rows([[1, 2, 3], [2, 4, 6], [1, 0, 1]])
    B = mx.from_rows([[1, 0, 1], [-1, 1, 0], [0, 1, 1]])
    certs = [linalg.rank_certificate(A), linalg.nullspace_certificate(A), linalg.column_space_certificate(A),
             linalg.intersection_certificate(mx.from_rows([[1, 1, 0], [0, 0, 1]]), B),
             linalg.solve_certificate(A, mx.from_rows([[1], [0], [0]]))]
    bad = json.loads(dumps(certs[0]))
    bad["result"]["rank"] = 3
    texts = [dumps(c) for c in certs] + [json.dumps(bad)]
    verdicts = check_with_generator_blocked(texts)
    assert verdicts == ["accepted"] * len(certs) + ["rejected"]


def test_readme_states_the_checker_size():
    """The README's line count of the trusted checker is the real one."""
    import re

    root = ROOT
    lines = 0
    for f in sorted((root / "exactopen" / "kernel").glob("*.py")):
        lines += sum(1 for ln in f.read_text().splitlines() if ln.strip() and not ln.strip().startswith("#"))
    readme = (root / "README.md").read_text()
    m = re.search(r"trusted part: (\d+) non-blank, non-comment lines", readme)
    assert m, "README does not state the checker's size"
    assert int(m.group(1)) == lines
    for f in sorted((root / "exactopen" / "kernel").glob("*.py")):
        n = sum(1 for ln in f.read_text().splitlines() if ln.strip() and not ln.strip().startswith("#"))
        assert re.search(rf"\b{re.escape(f.stem)} {n}\b", readme), f"README does not state {f.stem} {n}"


def test_docs_list_the_trusted_theorems_and_budgets():
    """docs/checker.md holds the checker's own table of trusted theorems and budgets."""

    from exactopen.kernel.__main__ import theorems_text

    root = ROOT
    assert theorems_text() in (root / "docs" / "checker.md").read_text()


def test_every_trusted_theorem_is_published_or_a_lemma_of_this_project():
    """Issue 24, item 4: each trusted theorem has exactly one source: a reference (published) or
    the docs section proving it (this project's lemma), and that section exists."""
    import re

    from exactopen.kernel.core import LEMMAS, REFERENCES, THEOREMS

    assert set(LEMMAS) | set(REFERENCES) == set(THEOREMS)
    assert not set(LEMMAS) & set(REFERENCES)
    assert {"chain-split", "chain-grouping", "interval-decomposition", "chain-rank-criterion"} <= set(LEMMAS)
    for where in LEMMAS.values():  # "docs/<page>.md, Lemma(s) X[ and Y]": a heading of that page names each
        m = re.match(r"(docs/[a-z]+\.md), (?:Lemmas?|Theorem) ", where)
        assert m, where
        docs = (ROOT / m.group(1)).read_text()
        lemmas = re.findall(r"\b(C\d+|S)\b", where[m.end() - 1:].split("(")[0])
        assert lemmas, where
        for lemma in lemmas:
            assert re.search(rf"^#+ .*\b(?:Lemma|Theorem) {lemma}\b", docs, re.M), (where, lemma)
