"""Trust verbs: audit verify, backup (list), restore FILE, check."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from app.cli.common import EXIT_FAIL, EXIT_OK, AddVerb, emit_json
from app.i18n import _
from app.i18n.check_texts import history_verdict
from app.i18n.messages import describe


def register(add: AddVerb) -> None:
    p = add("audit", _("check the event log's hash chain"), cmd_audit)
    p.add_argument("action", choices=("verify",), help=_("verify: walk the whole chain"))
    p.add_argument("--anchor", default="", help=_("a head hash printed earlier (monthly summary)"))
    p.add_argument("--json", action="store_true", help=_("print JSON"))

    p = add("backup", _("back up the database now, or list the backups"), cmd_backup)
    p.add_argument("what", nargs="?", choices=("list",), help=_("list: show the backups"))
    p.add_argument("--out", default=None, help=_("write the backup to this file"))
    p.add_argument("--json", action="store_true", help=_("print JSON"))

    p = add(
        "restore",
        _("restore a backup (the current state is backed up first)"),
        cmd_restore,
        needs_data=False,
    )
    p.add_argument("file")
    p.add_argument(
        "--accept-keys",
        default=None,
        metavar="FINGERPRINT",
        help=_(
            "make the signing keys saved with the backup the shop's own: their certificate's "
            "SHA-256 fingerprint, as the refusal without it shows"
        ),
    )
    p.add_argument("--json", action="store_true", help=_("print JSON"))

    p = add(
        "check",
        _("quick-check the database file; when damaged, name the newest good backup"),
        cmd_check,
        needs_data=False,
        anonymous_ok=True,  # a damaged database has no accounts to sign in with
    )
    p.add_argument("--json", action="store_true", help=_("print JSON"))


def cmd_audit(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.safekeeping.audit_check import verify_history

    report = verify_history(ctx, args.anchor)
    if args.json:
        emit_json(report)
        return EXIT_OK if report.ok else EXIT_FAIL
    print(history_verdict(report, args.anchor))
    return EXIT_OK if report.ok else EXIT_FAIL


def _backup_dict(info: Any) -> dict[str, Any]:
    return {
        "path": str(info.path),
        "taken_at": info.taken_at.isoformat(),
        "reason": info.reason,
        "size": info.size,
        "second": info.second,
    }


def cmd_backup(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.safekeeping.backups import backup_now, list_backups

    if args.what == "list":
        found = list_backups(ctx)
        if args.json:
            emit_json([_backup_dict(b) for b in found])
            return EXIT_OK
        for b in found:
            when = ctx.local(b.taken_at).strftime("%Y-%m-%d %H:%M:%S")
            print(f"{when}  {b.size // 1024:>7} kB  {b.path}")
        if not found:
            print(_("No backups yet."))
        return EXIT_OK
    report = backup_now(ctx, "manual", out=Path(args.out) if args.out else None)
    for problem in report.problems:
        sys.stderr.write(describe(problem) + "\n")
    if args.json:
        emit_json(
            {
                "path": str(report.path),
                "copies": [str(c) for c in report.copies],
                "problems": [describe(p) for p in report.problems],
                "removed": [str(r) for r in report.removed],
                "keys": str(report.keys) if report.keys else None,
            }
        )
        return EXIT_OK
    print(_("Backup written: {path}").format(path=report.path))
    if report.keys:
        print(_("Signing keys saved with it: {path}").format(path=report.keys))
    for copy in report.copies:
        print(_("Copy in the second folder: {path}").format(path=copy))
    return EXIT_OK


def cmd_restore(ctx: Any, args: argparse.Namespace) -> int:
    """Needs no open data folder: a damaged database is put aside and replaced, a good one is
    restored by the owner through the service (which backs it up first).
    """
    from app import paths
    from app.cli import acting
    from app.services.safekeeping.backups import check_database, replace_damaged, restore
    from app.services.shop.setup import close_data_folder, open_data_folder

    folder = Path(args.data_dir) if args.data_dir else paths.default_data_dir()
    if not check_database(folder).ok:
        owner, pin = _owner_secret(args)
        aside = replace_damaged(folder, Path(args.file), owner, pin, accept_keys=args.accept_keys)
        out = {"restored": str(args.file), "damaged_moved_to": str(aside)}
        text = _("Restored {file}. The damaged database was moved to {aside}.").format(
            file=args.file, aside=aside
        )
    else:
        open_data_folder(folder, check_rows=False)
        try:
            safety = restore(acting(folder, args), Path(args.file), accept_keys=args.accept_keys)
        finally:
            close_data_folder()
        out = {"restored": str(args.file), "safety_backup": str(safety)}
        text = _("Restored {file}. The state before was saved as {safety}.").format(
            file=args.file, safety=safety
        )
    if args.json:
        emit_json(out)
    else:
        print(text)
    return EXIT_OK


def _owner_secret(args: argparse.Namespace) -> tuple[str, str]:
    """--user and its PIN for a restore over a damaged database (checked by the service)."""
    import os

    from app.cli.accounts import PIN_ENV, _prompt

    name = getattr(args, "user", None) or ""
    if not name:
        return "", ""
    secret = os.environ.get(PIN_ENV)
    if secret is None:
        secret = _prompt(_("PIN for {name}: ").format(name=name))
    return name, secret


def cmd_check(ctx: Any, args: argparse.Namespace) -> int:
    from app import paths
    from app.services.safekeeping.backups import HELD, check_database, held_error

    folder = Path(args.data_dir) if args.data_dir else paths.default_data_dir()
    health = check_database(folder)
    if args.json:
        emit_json(
            {
                "ok": health.ok,
                "db_path": str(health.db_path),
                "problem": health.problem,
                "detail": health.detail,
                "offer": str(health.offer.path) if health.offer else None,
            }
        )
        return EXIT_OK if health.ok else EXIT_FAIL
    if health.ok:
        print(_("Database OK: {path}").format(path=health.db_path))
        return EXIT_OK
    if health.problem in HELD:
        print(describe(held_error(health)))
        return EXIT_FAIL
    print(_("The database is damaged: {detail}").format(detail=health.detail or health.problem))
    if health.offer:
        print(
            _("Newest good backup: {path}. Restore it with: main.py restore {path}").format(
                path=health.offer.path
            )
        )
    else:
        print(_("No good backup was found."))
    return EXIT_FAIL
