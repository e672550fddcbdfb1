"""Errors never reach the user as a traceback: they are logged to the data folder's log file
and shown as one translated sentence."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from tkinter import Tk
from types import TracebackType

from app.domain.errors import DomainError
from app.i18n import _
from app.i18n.messages import describe

log = logging.getLogger("afterdesk.ui")


def setup_log_file(logs_dir: Path) -> Path | None:
    """Log to <data>/logs/afterdesk.log; returns the file, or None when it cannot be written."""
    try:
        logs_dir.mkdir(parents=True, exist_ok=True)
        path = logs_dir / "afterdesk.log"
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("afterdesk")
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path


def user_text(exc: BaseException) -> str:
    """One sentence for the user; unexpected errors are logged with their traceback."""
    if isinstance(exc, DomainError):
        return describe(exc)
    log.error("unexpected error", exc_info=exc)
    return _("Something went wrong ({error}). The details are in the log file.").format(
        error=type(exc).__name__
    )


def install(root: Tk, show: Callable[[str], None]) -> None:
    """Route exceptions raised inside Tk callbacks to the log and a one-line message."""

    def report(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if not isinstance(exc, DomainError):
            log.error("error in a window callback", exc_info=(exc_type, exc, tb))
            show(
                _("Something went wrong ({error}). The details are in the log file.").format(
                    error=exc_type.__name__
                )
            )
            return
        show(describe(exc))

    root.report_callback_exception = report  # type: ignore[method-assign]
