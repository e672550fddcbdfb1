"""Several PCs: `server connect|show|disconnect|import` — which database server this PC uses.

The address is kept in the data folder's ``server.json`` (the settings live in the database, so
they cannot say where the database is). See docs/MULTI-PC.md for setting up a shop's server.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from app.cli.common import EXIT_FAIL, EXIT_OK, AddVerb, BadInput, emit_json
from app.domain.errors import DomainError
from app.i18n import _
from app.i18n.messages import describe

ACTIONS = ("connect", "show", "disconnect", "import")


def register(add: AddVerb) -> None:
    p = add(
        "server",
        _("use the shop's database server (several PCs): connect, show, disconnect, import"),
        cmd_server,
        needs_data=False,
        anonymous_ok=True,
    )
    p.add_argument(
        "action",
        choices=ACTIONS,
        help=_(
            "connect URL: use that server from now on; show: the server in use and what it "
            "holds; disconnect: back to this PC's own database; import [URL]: copy this PC's "
            "records into an empty server database, then use it"
        ),
    )
    p.add_argument("address", nargs="?", default=None, metavar="URL")
    p.add_argument(
        "--no-save-password",
        action="store_true",
        help=_("keep the password out of the file (then it comes from AFTERDESK_DB_PASSWORD)"),
    )
    p.add_argument(
        "--from",
        dest="source",
        default=None,
        metavar="FILE",
        help=_("import: copy from this database file (a backup) instead of the folder's"),
    )
    p.add_argument(
        "--no-connect",
        action="store_true",
        help=_("import: copy only; keep using this PC's own database"),
    )
    p.add_argument("--json", action="store_true", help=_("print JSON"))


def _folder(args: argparse.Namespace) -> Path:
    from app import paths

    return Path(args.data_dir) if args.data_dir else paths.default_data_dir()


def _address(args: argparse.Namespace, folder: Path) -> Any:
    from app.services.safekeeping import server

    if args.address:
        address = server.parse_address(args.address)
        env = os.environ.get(server.PASSWORD_ENV, "")
        return replace(address, password=env) if env else address
    found = server.folder_address(folder)
    if found is None:
        raise BadInput(_("Give the server's address: postgresql://user@host:5432/afterdesk"))
    return found


def _facts_dict(facts: Any) -> dict[str, Any]:
    return {
        "version": facts.version,
        "encoding": facts.encoding,
        "schema": facts.schema,
        "cases": facts.cases,
        "events": facts.events,
        "users": facts.users,
        "empty": facts.empty,
    }


def _facts_line(facts: Any) -> str:
    version = " ".join(facts.version.split()[:2])
    if facts.schema == 0:
        return _("{version}; no AfterDesk records yet (made at the first start)").format(
            version=version
        )
    return _("{version}; {cases} cases, {events} history events").format(
        version=version, cases=facts.cases, events=facts.events
    )


def _owner_first(args: argparse.Namespace, folder: Path) -> None:
    """Switching databases changes what every later sign-in and record goes to: once the shop
    has an owner, only the owner (--user, PIN from AFTERDESK_PIN) may connect, disconnect or
    import. The accounts are read from the database in use; when its server cannot be reached,
    from this PC's own database file."""
    from app import paths
    from app.services.shop.accounts import needs_owner_setup
    from app.services.shop.permissions import Action, require
    from app.services.shop.setup import close_data_folder, open_data_folder

    if not paths.db_path(folder).exists() and not paths.server_file(folder).exists():
        return  # a new folder: nothing to protect yet
    try:
        open_data_folder(folder)
    except DomainError as exc:
        if not exc.code.startswith("server_") or not paths.db_path(folder).exists():
            raise
        open_data_folder(folder, local=True)
    try:
        if needs_owner_setup():
            return
        if not getattr(args, "user", None):
            raise DomainError("user_required", verb=f"server {args.action}")
        from app.cli.accounts import sign_in

        require(sign_in(folder, args.user), Action.SETTINGS)
    finally:
        close_data_folder()


def cmd_server(ctx: Any, args: argparse.Namespace) -> int:
    if args.action in ("connect", "disconnect"):  # import signs in itself (acting)
        _owner_first(args, _folder(args))
    handler = {
        "connect": _connect,
        "show": _show,
        "disconnect": _disconnect,
        "import": _import,
    }[args.action]
    return handler(args, _folder(args))


def _connect(args: argparse.Namespace, folder: Path) -> int:
    from app.services.safekeeping import server

    if not args.address:
        raise BadInput(_("Give the server's address: postgresql://user@host:5432/afterdesk"))
    address = _address(args, folder)
    facts = server.connect(folder, address, keep_password=not args.no_save_password)
    if args.json:
        emit_json({"server": address.label, "facts": _facts_dict(facts)})
        return EXIT_OK
    print(_("This PC now uses the shop server {server}.").format(server=address.label))
    print(_facts_line(facts))
    if args.no_save_password:
        print(_("The password is not saved: set AFTERDESK_DB_PASSWORD before each start."))
    return EXIT_OK


def _show(args: argparse.Namespace, folder: Path) -> int:
    from app import paths
    from app.services.safekeeping import server

    address = server.folder_address(folder)
    if address is None:
        if args.json:
            emit_json({"server": None, "database": str(paths.db_path(folder))})
        else:
            print(_("This PC uses its own database: {path}").format(path=paths.db_path(folder)))
        return EXIT_OK
    try:
        facts = server.check_server(address)
    except DomainError as exc:  # unreachable is an answer here, told as such
        if args.json:
            emit_json({"server": address.label, "reachable": False, "problem": describe(exc)})
        else:
            print(_("Shop server: {server}").format(server=address.label))
            print(describe(exc))
        return EXIT_FAIL
    if args.json:
        emit_json({"server": address.label, "reachable": True, "facts": _facts_dict(facts)})
        return EXIT_OK
    print(_("Shop server: {server}").format(server=address.label))
    print(_facts_line(facts))
    return EXIT_OK


def _disconnect(args: argparse.Namespace, folder: Path) -> int:
    from app import paths
    from app.services.safekeeping import server

    was = server.forget_address(folder)
    if args.json:
        emit_json({"disconnected": was, "database": str(paths.db_path(folder))})
        return EXIT_OK
    if was:
        print(
            _("This PC uses its own database again: {path} (as it was before connecting).").format(
                path=paths.db_path(folder)
            )
        )
    else:
        print(_("This PC was not using a shop server."))
    return EXIT_OK


def _import(args: argparse.Namespace, folder: Path) -> int:
    from app.cli import acting
    from app.services.safekeeping import server, server_import
    from app.services.shop.setup import close_data_folder, open_data_folder

    address = _address(args, folder)
    open_data_folder(folder, local=True)
    try:
        ctx = acting(folder, args)

        def progress(table: str, rows: int) -> None:
            if not args.json and sys.stderr.isatty():
                sys.stderr.write(f"\r{table}: {rows}   ")

        report = server_import.import_folder(
            ctx, address, Path(args.source) if args.source else None, progress
        )
    finally:
        close_data_folder()
    if not args.no_connect:
        server.save_address(folder, address, keep_password=not args.no_save_password)
    if args.json:
        emit_json(
            {
                "server": report.address,
                "rows": report.rows,
                "events": report.events,
                "head": report.head,
                "connected": not args.no_connect,
            }
        )
        return EXIT_OK
    if sys.stderr.isatty():
        sys.stderr.write("\n")
    total = sum(report.rows.values())
    print(
        _(
            "Copied {rows} rows to {server}; the history chain checks out there ({events} events, "
            "head {head})."
        ).format(rows=total, server=report.address, events=report.events, head=report.head)
    )
    if args.no_connect:
        print(_("This PC still uses its own database."))
    else:
        print(_("This PC now uses the shop server {server}.").format(server=report.address))
    return EXIT_OK
