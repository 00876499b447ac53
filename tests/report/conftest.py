"""Fixtures shared by the Coq tests of tests/report/: the library coq/ compiled once per session
(test_coq.py, test_coq_global.py and test_coq_obstruction.py each built their own copy, about
20 s of coqc apiece).  Instance files are compiled in fresh folders beside it
(``coq.compile_one``), so the tests sharing it never write into it."""

from __future__ import annotations

import shutil

import pytest

from exactopen.report import coq


@pytest.fixture(scope="session")
def coq_lib(tmp_path_factory):
    if shutil.which("coqc") is None:
        pytest.skip("coqc is not installed")
    return coq.build_library(str(tmp_path_factory.mktemp("coq")))
