"""The teaching notebooks of examples/notebooks/ (issue 22): committed without outputs, equal to
what build.py writes, and executed here with nbclient (no cell may fail; key verdicts appear)."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "examples" / "notebooks"
NAMES = ["01_local_openness.ipynb", "02_saddle_every_line_misses.ipynb", "03_from_pytorch.ipynb",
         "04_chains.ipynb"]


def _build():
    spec = importlib.util.spec_from_file_location("notebooks_build", FOLDER / "build.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_the_four_notebooks_are_listed():
    assert list(_build().NOTEBOOKS) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_committed_without_outputs_and_cells_small(name):
    nb = json.loads((FOLDER / name).read_text(encoding="utf-8"))
    assert nb["nbformat"] == 4
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code and any(c["cell_type"] == "markdown" for c in nb["cells"])
    for c in code:
        assert c["outputs"] == [] and c["execution_count"] is None, f"{name}: outputs committed"
        assert len("".join(c["source"]).splitlines()) <= 30, f"{name}: a code cell of more than 30 lines"


@pytest.mark.parametrize("name", NAMES)
def test_committed_notebook_is_what_build_writes(name):
    pytest.importorskip("nbformat")
    assert (FOLDER / name).read_text(encoding="utf-8") == _build().text(name), \
        f"{name} differs from build.py's output: run python examples/notebooks/build.py"


def test_build_check_catches_an_edited_notebook(tmp_path, capsys):
    pytest.importorskip("nbformat")
    import shutil

    copy = tmp_path / "notebooks"
    shutil.copytree(FOLDER, copy, ignore=shutil.ignore_patterns("__pycache__"))
    build = _build()
    build.HERE = str(copy)
    assert build.main(["--check"]) == 0
    nb = json.loads((copy / NAMES[1]).read_text(encoding="utf-8"))
    nb["cells"][1]["source"] = "print('edited by hand')"
    (copy / NAMES[1]).write_text(json.dumps(nb), encoding="utf-8")
    assert build.main(["--check"]) == 1 and NAMES[1] in capsys.readouterr().err
    assert build.main([]) == 0 and build.main(["--check"]) == 0
    assert (copy / NAMES[1]).read_text(encoding="utf-8") == (FOLDER / NAMES[1]).read_text(encoding="utf-8")


def _has_torch() -> bool:
    return importlib.util.find_spec("torch") is not None


#: strings every run must print (the verdicts the checker accepted, the rejected tampering, ...)
EXPECTED = {
    "01_local_openness.ipynb": ["'not_locally_open'", "theorem-free obstruction", "'locally_open'",
                                "locally open iff x ≠ 0 or y ≠ 0", "exponent 1/2", "0.500", "1.000"],
    "02_saddle_every_line_misses.ipynb": ["'higher_order_saddle'", "'hessian_psd': True", "t^2: d**2/2",
                                          "with d = 0 the loss along the line is 0",
                                          "t**8/2 + t**6 - t**4/2", "249/512 < 1/2", "accepted: the point W",
                                          "Rejected: lowest coefficient", "('higher_order_saddle', 5, True)",
                                          "- t**5"],
    "03_from_pytorch.ipynb": (["near_saddle", "model: a linear network W4 W3 W2 W1", "no bias, no activation",
                               "'relative_decrease'", "from the escape", "refused: model[1] is ReLU"]
                              if _has_torch() else ["PyTorch is not installed"]),
    "04_chains.ipynb": ["locally_open - non-degenerate", "not_locally_open - obstruction",
                        "W2 = [['1/1000']]:       locally_open  (lem-10)", "is not locally open at W",
                        "231 classes", "locally_open      by family"],
}


def _text(nb) -> str:
    out = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            if "text" in o:
                out.append(o["text"])
            for key in ("text/plain", "text/markdown"):
                if key in o.get("data", {}):
                    out.append(o["data"][key])
    return "\n".join(out)


def _execute(name: str, tmp_path, monkeypatch, shadow: list[str] = ()) -> str:
    """Run notebook ``name`` in a fresh kernel of this interpreter; its text outputs.  ``shadow``:
    modules made unimportable in the kernel (as if not installed)."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    path = [str(ROOT)] + [p for p in [os.environ.get("PYTHONPATH")] if p]
    if shadow:
        fake = tmp_path / "shadow"
        for mod in shadow:
            (fake / mod).mkdir(parents=True)
            (fake / mod / "__init__.py").write_text(f"raise ImportError('{mod} is hidden by the test')\n")
        path.insert(0, str(fake))
    # the kernel is a subprocess: it must import this checkout of exactopen ...
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(path))
    # ... and run this interpreter, whatever "python3" kernel the machine has installed
    spec = tmp_path / "jupyter" / "kernels" / "exactopen-test"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "exactopen tests", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    run = tmp_path / "run"
    run.mkdir()
    nb = nbformat.read(FOLDER / name, as_version=4)
    nbclient.NotebookClient(nb, timeout=240, kernel_name="exactopen-test",
                            resources={"metadata": {"path": str(run)}}).execute()  # raises on a cell error
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    assert list(run.iterdir()) == [], f"{name} wrote files"
    text = _text(nb)
    assert "this should not happen" not in text
    return text


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs(name, tmp_path, monkeypatch):
    text = _execute(name, tmp_path, monkeypatch)
    for s in EXPECTED[name]:
        assert s in text, f"{name}: {s!r} not in the outputs"


@pytest.mark.parametrize("name", NAMES[:3])
def test_notebook_runs_without_torch_and_matplotlib(name, tmp_path, monkeypatch):
    """Without the optional extras the figures become tables and the PyTorch cells are skipped."""
    text = _execute(name, tmp_path, monkeypatch, shadow=["torch", "matplotlib"])
    if name.startswith("03"):
        assert "PyTorch is not installed" in text and "near_saddle" not in text
    elif name.startswith("01"):
        assert "matplotlib not installed (pip install matplotlib)" in text and "smallest |Z21|" in text
    else:
        assert "matplotlib not installed: the table" in text and "'higher_order_saddle'" in text
