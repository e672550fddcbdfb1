"""What every command module shares: exit codes, the verb registry type, output helpers."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn, Protocol

from app.i18n import _

EXIT_OK, EXIT_FAIL, EXIT_BAD_INPUT = 0, 1, 2

Handler = Callable[[Any, argparse.Namespace], int]


class BadInput(Exception):
    """Command-line input that argparse accepted but the command cannot use."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line on stderr and exit 2, like every other bad input.
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: {message}\n")


@dataclass(frozen=True)
class Verb:
    """One command: its handler, whether it needs the data folder opened first, and whether it
    may run without ``--user`` once the shop has an owner (it neither writes nor shows anyone's
    data: verify, entitlement, owner-setup). Until an owner exists every verb may, as before.
    """

    handler: Handler
    needs_data: bool = True
    anonymous_ok: bool = False


class AddVerb(Protocol):
    """Registers a verb and returns its sub-parser for the module to add arguments to."""

    def __call__(
        self,
        name: str,
        help_text: str,
        handler: Handler,
        *,
        needs_data: bool = True,
        anonymous_ok: bool = False,
    ) -> argparse.ArgumentParser: ...


def emit_json(obj: Any) -> None:
    from app.services.casework.views import jsonable

    sys.stdout.write(json.dumps(jsonable(obj), ensure_ascii=False, indent=2) + "\n")


def print_status(ctx: Any, args: argparse.Namespace, number: str) -> int:
    """After a step: the case's new status (or the whole case with --json)."""
    from app.i18n.labels import STATUSES, label
    from app.services.casework.cases import show_case

    detail = show_case(ctx, number)
    if args.json:
        emit_json(detail.to_dict())
    else:
        print(f"{detail.number}: {label(STATUSES, detail.status)} ({detail.status})")
    return EXIT_OK


def global_options(p: argparse.ArgumentParser, *, top: bool) -> None:
    """The options every verb takes (also after the verb, and after a nested action)."""
    default = None if top else argparse.SUPPRESS
    p.add_argument("--data-dir", metavar="DIR", default=default, help=_("data folder to use"))
    p.add_argument(
        "--db",
        metavar="URL",
        default=default,
        help=_(
            "use this PostgreSQL server for this run (postgresql://user@host:5432/afterdesk) "
            "instead of the data folder's own database or saved server"
        ),
    )
    p.add_argument("--lang", choices=("zh", "en"), default=default, help=_("language (zh or en)"))
    p.add_argument(
        "--user",
        metavar="NAME",
        default=default,
        help=_("act as this staff account (PIN from AFTERDESK_PIN or a prompt)"),
    )
