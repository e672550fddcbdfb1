"""The case lists (app/ui/widgets/caselist.py) at 1360×860: every column fits beside the record."""

from __future__ import annotations

from typing import Any

from tests.ui.conftest import pump


def test_every_list_column_fits_beside_the_record(window: Any) -> None:
    for tab_id in ("repairs", "returns", "cases"):
        tab = window.show_tab(tab_id)
        pump(window.root, 100)
        tree = tab.browser.tree
        shown = tree.cget("displaycolumns")
        shown = tree["columns"] if tuple(shown) == ("#all",) else shown
        used = sum(int(tree.column(c, "width")) for c in shown)
        assert used <= tree.winfo_width() + 2, (tab_id, used, tree.winfo_width())
        assert int(tree.column("product", "width")) >= 100
        # the record beside it keeps room for its facts and buttons
        assert tab.panel.winfo_width() >= 520
    assert "kind" not in window.tabs["repairs"].browser.tree.cget("displaycolumns")
