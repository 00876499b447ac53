"""The documentation: the README's shape and size, links that resolve, no reference outside
the repository, the claims catalogue in step with the audit, every CLI command documented."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from exactopen import kernel
from exactopen.report import audit, markdown
from exactopen.report.claims import catalogue
from tests.helpers import ROOT

README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
COMMANDS = ["pip install -e . && exactopen audit", "pip install -e '.[test]' && python -m pytest -q"]


def test_readme_is_short():
    assert len(README.read_bytes()) <= 12 * 1024


def test_readme_starts_with_the_two_commands():
    lines = README.read_text(encoding="utf-8").splitlines()
    body = [ln for ln in lines if ln.strip()]
    if body[0].startswith("# "):  # the title
        body = body[1:]
    assert body[:4] == ["```", *COMMANDS, "```"]


def test_ci_runs_the_second_command_verbatim():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert COMMANDS[1] in ci.splitlines()


def repository_files() -> list[Path]:
    """Tracked and untracked-but-not-ignored files (every file when git is unavailable)."""
    try:
        out = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True,
                             text=True, timeout=60, check=True).stdout.splitlines()
        files = [ROOT / f for f in out]
    except (OSError, subprocess.SubprocessError):
        skip = {".git", "__pycache__", "exactopen.egg-info"}
        files = [p for p in ROOT.rglob("*") if p.is_file() and not skip & set(p.relative_to(ROOT).parts)]
    return [p for p in files if p.is_file() and p.relative_to(ROOT).parts[0] != "certificates"]


def test_nothing_refers_outside_the_repository():
    needles = ["shared" + "/", "../" + "shared", "CLAIMS" + ".md"]
    offenders = []
    for p in repository_files():
        text = p.read_bytes().decode("utf-8", errors="ignore")
        offenders += [f"{p.relative_to(ROOT)}: {n}" for n in needles if n in text]
    assert offenders == []


def links(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"```.*?```", "", text, flags=re.S)   # code blocks
    text = re.sub(r"`[^`\n]*`", "", text)                # inline code
    return re.findall(r"\]\(([^)\s]+)\)", text)


@pytest.mark.parametrize("page", [README, *DOCS, ROOT / "exactopen" / "report" / "claims.md"],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(page):
    targets = [t for t in links(page) if not re.match(r"[a-z]+:", t) and not t.startswith("#")]
    missing = [t for t in targets if not (page.parent / t.split("#")[0]).exists()]
    assert missing == []


def test_readme_links_the_docs():
    text = README.read_text(encoding="utf-8")
    for page in ("docs/cli.md", "docs/api.md", "docs/certificates.md", "docs/checker.md", "docs/claims.md",
                 "certificates/AUDIT.md"):
        assert f"]({page})" in text, page


def test_catalogue_and_audit_have_the_same_ids():
    ids = set(catalogue())
    assert ids == {c.id for c in audit.CLAIMS}
    assert ids == set(markdown.table_rows((ROOT / "certificates" / "AUDIT.md").read_text(encoding="utf-8")))
    readme_block = README.read_text(encoding="utf-8").split(markdown.README_START)[1]
    assert ids == set(re.findall(r"^\| `([a-z0-9-]+)` \|", readme_block, re.M))


def test_the_checker_files_certificates_under_catalogue_ids():
    allowed = {cid for ids in kernel.CLAIM_IDS.values() for cid in ids}
    assert allowed and allowed <= set(catalogue())


def cli_sections() -> dict[str, list[str]]:
    """docs/cli.md: command -> the lines of its example block."""
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    out = {}
    for m in re.finditer(r"^### `([a-z0-9]+)`\n(.*?)(?=^##|\Z)", text, re.S | re.M):
        blocks = re.findall(r"```sh\n(.*?)```", m.group(2), re.S)
        out[m.group(1)] = [ln for b in blocks for ln in b.splitlines() if ln.strip()]
    return out


def test_every_command_is_documented_with_an_example():
    from exactopen import cli

    parser = cli.build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    sections = cli_sections()
    assert set(sections) == set(sub.choices)
    for name, lines in sections.items():
        assert any(ln.startswith(f"exactopen {name}") for ln in lines), name


@pytest.mark.slow
def test_cli_examples_run():
    for lines in cli_sections().values():
        for line in lines:
            argv = shlex.split(line)
            if argv[0] == "exactopen":
                argv = [sys.executable, "-m", "exactopen", *argv[1:]]
            elif argv[0] == "python":
                argv[0] = sys.executable
            p = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=600)
            assert p.returncode == 0, f"{line}\n{p.stderr}"
