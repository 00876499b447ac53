"""``exactopen audit``: regenerate and check the certificates of every claim of the paper."""

from __future__ import annotations

import os


def register(sub) -> None:
    p = sub.add_parser("audit", help="the paper audit: certificates for every claim id, with a verdict table")
    p.add_argument("--dir", default="certificates", help="output folder (default: certificates)")
    p.add_argument("--check", action="store_true",
                   help="re-verify the committed certificates and require a byte-identical regeneration")
    p.add_argument("--only", nargs="+", metavar="CLAIM", help="only these claim ids")
    p.add_argument("--html", metavar="DIR",
                   help="also write the audit as a static site into DIR (index, one page per claim and per "
                        "certificate, errata, counterexamples; works from file:// with no network)")
    p.set_defaults(func=run)


def run(args) -> int:
    from exactopen.errors import InputError
    from exactopen.report import audit, markdown

    if args.html is not None and not args.html.strip():
        raise InputError("--html: empty folder name")
    if not args.dir.strip():
        raise InputError("--dir: empty folder name")
    if args.check and not os.path.isdir(args.dir):
        raise InputError(f"--dir {args.dir}: no such directory (nothing to check)")
    existing = os.path.abspath(args.dir)
    while not os.path.exists(existing) and os.path.dirname(existing) != existing:
        existing = os.path.dirname(existing)
    if not os.path.isdir(existing):
        raise InputError(f"--dir {args.dir}: {existing} is not a directory")
    if args.only:
        unknown = [c for c in args.only if c not in {x.id for x in audit.CLAIMS}]
        if unknown:
            raise InputError(f"unknown claim id(s): {', '.join(unknown)}")
    if args.check:
        problems = audit.check(args.dir, args.only)
        for p in problems:
            print(f"audit --check: {p}")
        if problems:
            return 1
        print(f"audit --check: every certificate in {args.dir}/ is accepted and reproducible")
        return _site(args)
    rows = audit.run(args.dir, args.only)
    print(markdown.table_text(rows))
    if not args.only and os.path.basename(os.path.normpath(args.dir)) == "certificates":
        readme = os.path.join(os.path.dirname(os.path.abspath(args.dir)), "README.md")
        if markdown.update_readme(readme, rows):
            print(f"README table updated: {readme}")
    bad = [r for r in rows if r["checker"] not in ("accepted", "-")]
    print(f"\n{len(rows)} claims; certificates in {args.dir}/; table in {args.dir}/AUDIT.md")
    return 1 if bad else _site(args)


def _site(args) -> int:
    """``--html DIR``: the static site, built from the certificates folder just written or checked."""
    if not args.html:
        return 0
    from exactopen.errors import InputError
    from exactopen.report import site

    try:
        pages = site.build(args.dir, args.html)
    except OSError as exc:
        raise InputError(f"--html {args.html}: cannot write ({exc.strerror or exc})") from None
    print(f"site: {len(pages)} pages in {args.html}/ (open {os.path.join(args.html, 'index.html')})")
    return 0
