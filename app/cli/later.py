"""Verbs whose capability has not landed yet: they say so and exit 1."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from app.cli.common import EXIT_FAIL, AddVerb
from app.domain.errors import DomainError
from app.i18n import _
from app.i18n.messages import describe


def _not_yet(ctx: Any, args: argparse.Namespace) -> int:
    sys.stderr.write(describe(DomainError("not_yet_available", verb=args.verb)) + "\n")
    return EXIT_FAIL


def register(add: AddVerb) -> None:
    add("selftest", _("check the installation"), _not_yet, needs_data=False)
