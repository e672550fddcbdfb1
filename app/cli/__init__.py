"""The scriptable face of the services. The command contract is fixed: tools rely on it.

Exit codes: 0 ok, 2 bad input (one line on stderr, nothing written), 1 any other failure.
Each family of verbs lives in its own module with a ``register(add)`` function, so adding a verb
never touches another family's code.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from importlib import import_module
from pathlib import Path
from typing import NoReturn

from app import i18n
from app.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_FAIL,
    BadInput,
    Handler,
    Parser,
    Verb,
    global_options,
)
from app.domain import kinds, workflows
from app.domain.codes import Category, Reason
from app.domain.errors import DomainError
from app.i18n import _
from app.i18n.messages import describe

log = logging.getLogger("afterdesk")

# Verb families, in the order they appear in --help.
MODULES = (
    "app.cli.cases",
    "app.cli.actions",
    "app.cli.money",
    "app.cli.replies",
    "app.cli.follow_ups",
    "app.cli.incoming",
    "app.cli.products",
    "app.cli.customers",
    "app.cli.stock",
    "app.cli.transfer",
    "app.cli.documents",
    "app.cli.signing",
    "app.cli.trust",
    "app.cli.accounts",
    "app.cli.report",
    "app.cli.server",
    "app.cli.selftest",
)


def _codes_epilog() -> str:
    lines = [_("Kinds:")]
    lines += [f"  {k.code.replace('_', '-'):<16} {_(k.help)}" for k in kinds.all_kinds()]
    lines.append(_("Categories:") + " " + ", ".join(c.value for c in Category))
    lines.append(_("Reasons:") + " " + ", ".join(r.value for r in Reason))
    for wf in workflows.ALL:
        lines.append(
            _("Statuses ({workflow}):").format(workflow=wf.name) + " " + ", ".join(wf.states)
        )
    return "\n".join(lines)


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, Verb]]:
    parser = Parser(
        prog="main.py",
        description=_("AfterDesk — the after-sales desk. Without a command, opens the window."),
        epilog=_codes_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    global_options(parser, top=True)
    sub = parser.add_subparsers(dest="verb", parser_class=Parser)
    verbs: dict[str, Verb] = {}

    def add(
        name: str,
        help_text: str,
        handler: Handler,
        *,
        needs_data: bool = True,
        anonymous_ok: bool = False,
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text, epilog=_codes_epilog())
        p.formatter_class = argparse.RawDescriptionHelpFormatter
        global_options(p, top=False)
        verbs[name] = Verb(handler, needs_data, anonymous_ok)
        return p

    for module in MODULES:
        import_module(module).register(add)
    return parser, verbs


def _pre_lang(argv: Sequence[str]) -> str | None:
    for i, a in enumerate(argv):
        if a == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if a.startswith("--lang="):
            return a.split("=", 1)[1]
    return None


def _setup_logging(data_dir: Path) -> None:
    from app import paths

    folder = paths.logs_dir(data_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(folder / "afterdesk.log", encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)


class _Quiet(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise ValueError(message)


def _window_launch(args_list: list[str]) -> argparse.Namespace | None:
    """The options when the command line only opens the window (no verb, no --help), else None.

    The desktop icon starts the program this way: it then needs none of the verb families, whose
    modules (the PDF library among them) took 0.3 s to import before the window could start.
    """
    light = _Quiet(prog="main.py", add_help=False)
    global_options(light, top=True)
    try:
        args, rest = light.parse_known_args(args_list)
    except ValueError:  # a bad option: the full parser says so, with the usual message
        return None
    if rest:
        return None
    args.verb = None
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    from app.paths import private_files

    private_files()  # database, WAL, backups, slips and logs: 0600, folders 0700
    i18n.setup(_pre_lang(args_list))
    launch = _window_launch(args_list)
    if launch is not None:
        args = launch
        verbs: dict[str, Verb] = {}
    else:
        parser, verbs = build_parser()
        args = parser.parse_args(args_list)
    try:
        from app.services.safekeeping.server import use_for_this_run

        use_for_this_run(getattr(args, "db", None))
    except DomainError as exc:
        sys.stderr.write(describe(exc) + "\n")
        return EXIT_BAD_INPUT
    if args.verb is None:
        from app.cli.window import open_window

        return open_window(args)
    verb = verbs[args.verb]
    if not verb.needs_data:
        return _run(verb.handler, None, args)
    from app.services.shop.setup import close_data_folder, open_data_folder

    try:
        data_dir = open_data_folder(Path(args.data_dir) if args.data_dir else None)
    except Exception as exc:  # noqa: BLE001 - any failure to open is reported, not a traceback
        error = describe(exc) if isinstance(exc, DomainError) else exc
        if isinstance(exc, DomainError) and exc.code.startswith("server_"):
            sys.stderr.write(f"{error}\n")  # names the server: "the data folder" would mislead
            return EXIT_FAIL
        sys.stderr.write(_("Cannot open the data folder: {error}").format(error=error) + "\n")
        return EXIT_FAIL
    _setup_logging(data_dir)
    try:
        return _run(verb.handler, lambda: acting(data_dir, args, verb.anonymous_ok), args)
    finally:
        close_data_folder()


def acting(data_dir: Path, args: argparse.Namespace, anonymous_ok: bool = False) -> object:
    """The context for a command: the --user account after its PIN, else the built-in system.

    The built-in system has the owner's rights, so once a real owner account exists only verbs
    marked `anonymous_ok` may act as it; the others are refused (exit 2) until --user is given.
    Call with the data folder open.
    """
    from app.services.shop.setup import context_for

    if getattr(args, "user", None):
        from app.cli.accounts import sign_in

        ctx = sign_in(data_dir, args.user)
        _apply_reply_rule(ctx)
        _certificate_notice(ctx)
        return ctx
    if not anonymous_ok:
        from app.services.shop.accounts import needs_owner_setup

        if not needs_owner_setup():
            raise DomainError("user_required", verb=args.verb)
    return context_for(data_dir)


def _apply_reply_rule(ctx: object) -> None:
    """Returns whose customer stayed silent past the reply window close at the next command."""
    from app.i18n.check_texts import closed_by_rule_text
    from app.services.remedies.replies import apply_reply_rule

    try:
        closed = apply_reply_rule(ctx)  # type: ignore[arg-type]
    except Exception:  # noqa: BLE001 - the rule never blocks the command that was asked for
        log.exception("reply rule failed")
        return
    if closed:
        sys.stderr.write(closed_by_rule_text(ctx, closed) + "\n")


def _certificate_notice(ctx: object) -> None:
    """One line for the owner when the shop's certificate needs them (ends within 60 days and
    cannot be renewed here, a new root is near, the server's copy cannot be opened)."""
    from app.services.paper.certificates import sign_in_notice

    try:
        notice = sign_in_notice(ctx)  # type: ignore[arg-type]
    except Exception:  # noqa: BLE001 - a notice never blocks the command that was asked for
        log.exception("certificate notice failed")
        return
    if notice is not None:
        text = describe(notice)
        sys.stderr.write(_("Warning: {text}").format(text=text) + "\n")


def _run(handler: Handler, make_ctx: object, args: argparse.Namespace) -> int:
    try:
        ctx = make_ctx() if callable(make_ctx) else None
        return handler(ctx, args)
    except DomainError as exc:
        sys.stderr.write(describe(exc) + "\n")
        return EXIT_BAD_INPUT
    except BadInput as exc:
        sys.stderr.write(str(exc) + "\n")
        return EXIT_BAD_INPUT
    except Exception as exc:  # noqa: BLE001 - logged with traceback, one line to the user
        log.exception("command %s failed", args.verb)
        sys.stderr.write(_("Failed: {error} (details in the log)").format(error=exc) + "\n")
        return EXIT_FAIL
