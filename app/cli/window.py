"""``python main.py`` without a verb: open the window."""

from __future__ import annotations

import argparse
import sys

from app.cli.common import EXIT_FAIL
from app.domain.errors import DomainError
from app.i18n.messages import describe


def open_window(args: argparse.Namespace) -> int:
    sys.stderr.write(describe(DomainError("not_yet_available", verb="window")) + "\n")
    return EXIT_FAIL
