"""exactopen: exact, certified checks of the local-openness framework of
"Learning Deep Models: Critical Points and Local Openness" (claims catalogue: exactopen/report/claims.md).

The package is split in two (see README.md):

* the *generator* (everything outside ``exactopen.kernel``) decides questions and
  writes certificates; it may use clever or even numeric methods;
* the *checker* ``exactopen.kernel`` re-verifies a certificate from its JSON alone and
  imports nothing from the generator.

Heavy libraries (SymPy, numpy, plotting) are imported lazily so the CLI starts fast.
"""

__version__ = "0.1.0"

__all__ = ["__version__", "openness", "chain", "classify", "validate", "verify", "Certificate", "Result"]

_API = {"chain": "exactopen.openness.decide", "classify": "exactopen.api", "validate": "exactopen.api", "verify": "exactopen.api",
        "Result": "exactopen.result", "Certificate": "exactopen.report.notebook"}


def __getattr__(name):
    """The Python API, imported on first use so that ``import exactopen`` stays light.
    ``exactopen.openness`` is the package of the openness code and is callable:
    ``exactopen.openness(W1, W2)`` decides local openness (see :mod:`exactopen.api`)."""
    import importlib

    if name == "openness":
        return importlib.import_module("exactopen.openness")
    if name in _API:
        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module 'exactopen' has no attribute {name!r}")
