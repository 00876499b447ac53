"""Write the teaching notebooks of examples/notebooks/ from the cell lists in ``cells_*.py``.

    python examples/notebooks/build.py           # (re)write the .ipynb files, without outputs
    python examples/notebooks/build.py --check   # exit 1 if a committed .ipynb differs

The notebooks are generated so that they stay reviewable as Python source and are committed
without outputs (tests/test_notebooks.py executes them and checks that the committed files are
what this script writes).  Needs ``nbformat`` (``pip install nbformat``).
"""

from __future__ import annotations

import importlib.util
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

#: notebook file -> the module (in this folder) holding its CELLS
NOTEBOOKS = {
    "01_local_openness.ipynb": "cells_openness",
    "02_saddle_every_line_misses.ipynb": "cells_saddle",
    "03_from_pytorch.ipynb": "cells_pytorch",
    "04_chains.ipynb": "cells_chains",
}


def cells(name: str) -> list[tuple[str, str]]:
    """The (kind, source) pairs of notebook ``name``, kind "md" or "code"."""
    module = NOTEBOOKS[name]
    spec = importlib.util.spec_from_file_location(module, os.path.join(HERE, module + ".py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return [(kind, src.strip("\n")) for kind, src in mod.CELLS]


def build(name: str):
    """The notebook ``name`` as an nbformat 4 node, no outputs, deterministic cell ids."""
    import nbformat
    from nbformat import v4

    nb = v4.new_notebook()
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                   "language_info": {"name": "python"}}
    stem = name.split("_")[0]
    for i, (kind, src) in enumerate(cells(name)):
        cell = v4.new_markdown_cell(src) if kind == "md" else v4.new_code_cell(src)
        cell.id = f"nb{stem}-{i:02d}"
        nb.cells.append(cell)
    nbformat.validate(nb)
    return nb


def text(name: str) -> str:
    import nbformat

    return nbformat.writes(build(name)) + "\n"


def write_atomic(path: str, data: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(data)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    check = "--check" in argv
    stale = []
    for name in NOTEBOOKS:
        path = os.path.join(HERE, name)
        new = text(name)
        old = open(path, encoding="utf-8").read() if os.path.exists(path) else None
        if old == new:
            continue
        if check:
            stale.append(name)
        else:
            write_atomic(path, new)
            print("wrote", path)
    if stale:
        print("out of date (run python examples/notebooks/build.py):", ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
