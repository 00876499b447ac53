"""Make ``tests/helpers.py`` importable both as ``helpers`` and as ``tests.helpers``."""

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
for _p in (str(_HERE), str(_HERE.parent)):
    if _p not in sys.path:
        sys.path.insert(0, _p)
