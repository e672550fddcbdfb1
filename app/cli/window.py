"""``python main.py`` without a verb: open the window."""

from __future__ import annotations

import argparse
import logging
import sys

from app.cli.common import EXIT_FAIL, EXIT_OK
from app.domain.errors import DomainError
from app.i18n import _
from app.i18n.messages import describe

log = logging.getLogger("afterdesk")


def open_window(args: argparse.Namespace) -> int:
    try:
        from app.paths import window_data_dir
        from app.ui.start_check import StartCheck

        folder = window_data_dir(args.data_dir)
        check = StartCheck(folder)  # reads the database file while the window's code loads
        from app.ui.app import run

        run(folder, lang=args.lang, check=check)
    except DomainError as exc:
        sys.stderr.write(describe(exc) + "\n")
        return EXIT_FAIL
    except Exception as exc:  # noqa: BLE001 - no display, no Tk: one line, details in the log
        log.exception("the window failed")
        sys.stderr.write(_("Cannot open the window: {error}").format(error=exc) + "\n")
        return EXIT_FAIL
    return EXIT_OK
