"""Statuses are never cut off in the lists, in English either (issue #18 item 7): at the counter
PC's size the other text columns give way first."""

from __future__ import annotations

import tkinter.font as tkfont
from typing import Any

import pytest

from tests.ui.conftest import pump


@pytest.mark.parametrize("tab_id", ["returns", "repairs", "cases"])
def test_every_status_fits_its_column_at_1366(window: Any, tab_id: str) -> None:
    window.root.geometry("1366x728+0+0")
    tab = window.show_tab(tab_id)
    pump(window.root, 300)
    browser = tab.browser
    browser.refresh()
    pump(window.root, 300)
    tree = browser.tree
    font = tkfont.nametofont("TkDefaultFont")
    columns = [c[0] for c in browser.COLUMNS]
    width = int(tree.column("status", "width"))
    items = tree.get_children()
    assert items, "the demo has cases in this tab"
    for item in items:
        status = str(tree.item(item, "values")[columns.index("status")])
        assert font.measure(status) + 8 <= width, (status, width)
