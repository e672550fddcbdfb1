"""The shortcuts help (app/ui/help.py), F1: opens over the window, not in a corner."""

from __future__ import annotations

from typing import Any

from tests.ui.conftest import pump


def test_help_opens_over_the_window(window: Any) -> None:
    dialog = window.show_help()
    pump(window.root, 100)
    root = window.root
    assert dialog.winfo_rootx() > root.winfo_rootx() + 50
    dialog.destroy()
