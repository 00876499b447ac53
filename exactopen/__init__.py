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

__all__ = ["__version__"]
