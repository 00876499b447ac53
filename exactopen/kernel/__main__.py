"""Run the checker alone: ``python -m exactopen.kernel FILE...`` (standard library + python-flint).

Prints one line per file ("accepted: <statement>" or "REJECTED: <reason>"); ``--inputs
FILE... [--]`` gives the input files certificates refer to by digest; ``--explain``
adds the facts checked and the trusted theorems relied on; ``--theorems`` lists the trusted
theorems per kind and the work budgets.  Exit 0 if every file is accepted, 1 if any is
rejected, 2 if any is unreadable.
"""

from __future__ import annotations

import sys

from exactopen.kernel import (
    BUDGET,
    KIND_THEOREMS,
    LEMMAS,
    REFERENCES,
    THEOREMS,
    Malformed,
    Rejected,
    explain,
    read_file,
)


def theorems_text() -> str:
    """The trusted theorems (published results with their reference, then this project's lemmas
    with the docs section proving them), the kinds that may use each, and the budgets (Markdown)."""
    def kinds(tid):
        return ", ".join(f"`{k}`" for k, ts in KIND_THEOREMS.items() if tid in ts) or "-"

    lines = ["Published theorems:", "", "| theorem | statement | reference | kinds that may rely on it |",
             "|---|---|---|---|"]
    lines += [f"| `{t}` | {THEOREMS[t]} | {REFERENCES[t]} | {kinds(t)} |" for t in THEOREMS if t in REFERENCES]
    lines += ["", "Lemmas of this project (not published; proved in the docs section named):", "",
              "| lemma | statement | proof | kinds that may rely on it |", "|---|---|---|---|"]
    lines += [f"| `{t}` | {THEOREMS[t]} | {LEMMAS[t]} | {kinds(t)} |" for t in THEOREMS if t in LEMMAS]
    lines += ["", "| budget | limit |", "|---|---|"]
    lines += [f"| `{k}` | {v:,} |" for k, v in BUDGET.items()]
    return "\n".join(lines) + "\n"


def source(tid: str) -> str:
    """Where a trusted theorem comes from: its reference, or the docs section proving this project's lemma."""
    if tid in LEMMAS:
        return f"lemma of this project, proved in {LEMMAS[tid]}"
    return f"published: {REFERENCES[tid]}"


def main(argv=None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if "--theorems" in args:
        sys.stdout.write(theorems_text())
        return 0
    show = "--explain" in args
    args = [a for a in args if a != "--explain"]
    inputs = None
    if "--inputs" in args:  # --inputs FILE... up to "--" or the end
        i = args.index("--inputs")
        j = args.index("--", i) if "--" in args[i:] else len(args)
        inputs, args = args[i + 1:j], args[:i] + args[j + 1:]
    files = args
    if not files or any(a.startswith("--") for a in files) or inputs == []:
        print("usage: python -m exactopen.kernel [--explain] FILE... [--inputs INPUT... [--]] | --theorems",
              file=sys.stderr)
        return 2
    worst = 0
    for path in files:
        try:
            report = explain(read_file(path), inputs)
        except Malformed as exc:
            print(f"{path}: MALFORMED: {exc}", file=sys.stderr)
            worst = 2
        except Rejected as exc:
            print(f"{path}: REJECTED: {exc}")
            worst = max(worst, 1)
        except Exception as exc:  # noqa: BLE001 - never a traceback (MemoryError, RecursionError, a bug)
            print(f"{path}: REJECTED: the check failed ({type(exc).__name__}: {str(exc)[:200]})")
            worst = max(worst, 1)
        else:
            print(f"{path}: accepted: {report['statement']}")
            if show:
                for f in report["facts"]:
                    print(f"  checked: {f}")
                for t in report["theorems"]:
                    print(f"  trusted: {t['id']} ({source(t['id'])}): {t['statement']}")
                w = report["work"]
                print(f"  work: {w['work']:.3g} of {w['work_limit']:.3g} units; memory: "
                      f"{w['peak_bytes'] / 2 ** 20:.0f} of {w['memory_limit'] / 2 ** 20:.0f} MB held at the peak")
    return worst


if __name__ == "__main__":
    sys.exit(main())
