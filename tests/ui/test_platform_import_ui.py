"""The Returns tab takes a platform's after-sales export: Import… previews the Taobao/Tmall
sample (its bad row in words, nothing imported), the fixed file imports as cases, and the tab's
list and counts show them; at 1366x728 the buttons sit inside the tab."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.services.shop.context import Context
from app.store.models import Case
from tests.services.test_platform_orders import BAD_LINE, SAMPLE, fixed
from tests.ui.conftest import pump
from tests.ui.test_import_dialog import wait_for


@pytest.fixture
def window(tk_root: Any, ctx: Context) -> Iterator[Any]:
    from app.ui.app import build

    win = build(ctx, root=tk_root)
    tk_root.deiconify()
    pump(tk_root)
    yield win
    for child in list(tk_root.winfo_children()):
        child.destroy()
    pump(tk_root)


def test_the_returns_tab_imports_a_platform_export(
    window: Any, tk_root: Any, tmp_path: Path
) -> None:
    window.root.geometry("1366x728")
    tab = window.show_tab("returns")
    pump(tk_root, 100)
    bar = tab.platform_bar
    right = tab.winfo_rootx() + tab.winfo_width()
    for button in (bar.import_button, bar.export_button):
        assert button.winfo_ismapped()
        assert button.winfo_rootx() + button.winfo_width() <= right
    bar.start_import(SAMPLE)
    wait_for(tk_root, lambda: bar.dialog is not None)
    dialog = bar.dialog
    assert f"line {BAD_LINE}: Refund amount" in dialog.error_text
    assert str(dialog.ok_button.cget("state")) == "disabled"
    dialog.destroy()
    bar.dialog = None
    assert Case.select().count() == 0

    bar.start_import(fixed(tmp_path))
    wait_for(tk_root, lambda: bar.dialog is not None)
    dialog = bar.dialog
    assert len(dialog.table.get_children()) == 8 and not dialog.error_text
    dialog.confirm()
    wait_for(tk_root, lambda: bar.dialog is None)
    assert Case.select().where(Case.platform_refund_no != "").count() == 8
    pump(tk_root, 100)
    assert tab.counts is not None
