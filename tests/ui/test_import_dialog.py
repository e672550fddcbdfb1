"""The window's Import… and Export…: a preview dialog with every row and every bad row, Import
offered only for a good file, the list in the database only after Import, and an XLSX out."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from app.services.shop import tables
from app.store.models import Product
from app.ui.lists.transfer import ImportExportBar
from tests.services.test_tables import GOOD
from tests.ui.conftest import pump


@pytest.fixture(autouse=True)
def _registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setitem(tables.TABLES, "gadgets", "tests.services.test_tables:GADGETS")
    yield


def wait_for(root: Any, what: Callable[[], object], seconds: float = 20) -> None:
    end = time.monotonic() + seconds
    while not what():
        assert time.monotonic() < end, "the worker did not answer"
        pump(root, 20)


def test_preview_then_import_then_export(window: Any, tk_root: Any, tmp_path: Path) -> None:
    bar = ImportExportBar(window.root, window.desk, "gadgets")
    bar.pack()
    f = tmp_path / "products.csv"
    f.write_bytes(GOOD.replace("电水壶,,89.5", "电水壶,,八十").encode("gbk"))
    before = Product.select().count()
    bar.start_import(f)
    wait_for(tk_root, lambda: bar.dialog is not None)
    dialog = bar.dialog
    assert "line 3: Price" in dialog.error_text
    assert str(dialog.ok_button.cget("state")) == "disabled"
    dialog.confirm()  # refused: nothing is imported from a file with a bad row
    pump(tk_root, 50)
    assert Product.select().count() == before
    dialog.destroy()

    f.write_bytes(GOOD.encode("gbk"))
    bar.dialog = None
    bar.start_import(f)
    wait_for(tk_root, lambda: bar.dialog is not None)
    dialog = bar.dialog
    assert len(dialog.table.get_children()) == 3 and not dialog.error_text
    assert dialog.ok_button.cget("text") == "Import 3 rows"
    dialog.confirm()
    wait_for(tk_root, lambda: bar.dialog is None)
    assert Product.select().count() == before + 3
    assert any("Imported products.csv" in m.text for m in window.desk.messages)

    out = tmp_path / "out.xlsx"
    bar.export_to(out)
    wait_for(tk_root, lambda: not window.desk.worker.running)
    assert any("Saved" in m.text and "out.xlsx" in m.text for m in window.desk.messages)
    assert len(list(load_workbook(out).active.iter_rows())) == Product.select().count() + 1
