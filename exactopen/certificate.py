"""Certificate envelope, deterministic serialisation and atomic writing (generator side).

Format (version 2), a JSON object with exactly these keys:

    format      "exactopen-certificate"
    version     2
    kind        what is certified ("rank", "nullspace", "openness", ...)
    claim       the statement in words: exactly the sentence the checker derives from what it
                verified (the generator asks the checker for it, see :func:`envelope`)
    claim_id    id of the claims catalogue (docs/claims.md) the certificate is filed under, or
                null: a label, restricted per kind by the checker, not a checked statement
    generator   {"name": "exactopen", "version": ...}
    inputs      the data the claim is about (matrices as {"shape": [m, n], "rows": [[...]]})
    result      what is asserted (a rank, a basis, a verdict)
    evidence    what lets the checker re-derive the result from the inputs

Rationals are strings "p" or "p/q" (q > 1, lowest terms).  The JSON Schema is
``certificates/schema.json``; the checker is :mod:`exactopen.kernel`.
"""

from __future__ import annotations

import json
import os
import tempfile

from exactopen import __version__

FORMAT = "exactopen-certificate"
FORMAT_VERSION = 2


def envelope(kind: str, claim: str | None, inputs: dict, result: dict, evidence: dict,
             claim_id: str | None = None) -> dict:
    """The certificate; its ``claim`` is the statement the checker derives from the rest.

    The ``claim`` argument is ignored (kept so call sites read as before).  If the checker
    refuses the certificate, the claim says so and the caller's check will reject it.
    """
    cert = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "kind": kind,
        "claim": "",
        "claim_id": claim_id,
        "generator": {"name": "exactopen", "version": __version__},
        "inputs": inputs,
        "result": result,
        "evidence": evidence,
    }
    from exactopen import kernel

    try:
        cert["claim"] = kernel.statement(cert)
    except kernel.Rejected as exc:
        cert["claim"] = f"(refused by the checker: {exc})"
    return cert


def dumps(cert: dict) -> str:
    """Deterministic text of a certificate (same input, same bytes)."""
    return json.dumps(cert, indent=1, ensure_ascii=False) + "\n"


def write_atomic(path: str, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file in the same folder and a rename."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".exactopen-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_certificate(path: str, cert: dict) -> None:
    write_atomic(path, dumps(cert))


class Certificate(dict):
    """A certificate (a plain dict) with conveniences for notebooks and scripts.

    ``verify()`` runs the independent checker; ``render(fmt)`` gives the step-by-step proof
    ("md", "tex", "html"); in Jupyter the object displays as its rendered proof.
    """

    @classmethod
    def load(cls, path: str) -> "Certificate":
        import json

        with open(path, encoding="utf-8") as fh:
            return cls(json.load(fh))

    def save(self, path: str) -> None:
        write_certificate(path, dict(self))

    def verify(self) -> str:
        from exactopen import kernel

        return kernel.check(dict(self))

    def render(self, fmt: str = "md") -> str:
        from exactopen.report.render import render

        return render(dict(self), fmt)

    @property
    def verdict(self):
        return self.get("result", {}).get("verdict")

    def _repr_markdown_(self) -> str:
        return self.render("md")

    def _repr_latex_(self) -> str:
        return self.render("tex")

    def _repr_html_(self) -> str:
        from exactopen.report.render import blocks, to_html

        from exactopen import kernel

        return to_html(blocks(dict(self), kernel.explain(dict(self))), standalone=False)
