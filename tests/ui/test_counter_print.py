"""Print means print, at the window: the intake's one key (save + receipt + a repair's label),
a refusal said in the status bar with no "printed" in the history, and the monthly summary's
printer choice and preview. Through the real CUPS queue (AFTERDESK_TEST_PRINTER)."""

from __future__ import annotations

import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from app.services.shop.context import Context
from app.services.shop.print_prefs import remember_printer
from app.store.models import Event
from tests.documents.test_printing import PRINTER, needs_cups
from tests.ui.conftest import press, pump


def _wait_for_worker(window: Any, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while window.desk.worker.running and time.monotonic() < end:
        pump(window.root, 50)
    pump(window.root)
    assert not window.desk.worker.running, "the worker did not finish"


def _events(number: str, action: str) -> list[Event]:
    return list(Event.select().where((Event.number == number) & (Event.action == action)))


def _fill(window: Any, phone: str) -> Any:
    tab = window.show_tab("intake")
    tab.customer_form.widgets["phone"].insert(0, phone)
    tab.customer_form.widgets["name"].insert(0, "赵六")
    tab.product_form.widgets["product"].insert(0, "测试手机 X2")
    tab.customer_form.widgets["phone"].focus_set()
    pump(window.root)
    return tab


def _a_repair(ctx: Context) -> str:
    from app.services.casework.cases import CaseFilter, list_cases

    return list_cases(ctx, CaseFilter(kind="repair"), limit=1)[0].number


def _remember(window: Any, ctx: Context, form: str, printer: str) -> Context:
    settings = remember_printer(ctx, form, printer)
    window.desk.with_settings(settings)
    return replace(ctx, settings=settings)


@needs_cups
def test_one_key_saves_and_prints_the_receipt_and_the_repair_label(
    window: Any, demo_ctx: Context
) -> None:
    _remember(window, demo_ctx, "intake", PRINTER)
    _remember(window, window.desk.ctx, "label", PRINTER)
    tab = _fill(window, "13912340091")
    press(window.root, "<Control-Shift-KeyPress-S>", tab.customer_form.widgets["phone"])
    pump(window.root)
    number = tab.saved_number
    assert number, window.status.cget("text")
    _wait_for_worker(window)
    assert "receipt and the device label" in window.status.cget("text"), window.status.cget("text")
    # the receipt under the case's number, the label under its repair ticket's
    printed = list(
        Event.select().where(Event.action == "printed").order_by(Event.id.desc()).limit(2)
    )
    assert sorted(e.data["form"] for e in printed) == ["intake", "label"]
    assert all(e.data["printer"] == PRINTER and e.data["job"] for e in printed)
    assert _events(number, "printed")


@needs_cups
def test_a_printer_that_is_gone_is_said_and_nothing_is_logged_printed(
    window: Any, demo_ctx: Context
) -> None:
    gone = "Gone-Printer-" + uuid.uuid4().hex[:6]
    _remember(window, demo_ctx, "intake", gone)
    tab = _fill(window, "13912340092")
    number = tab.save()
    assert number
    assert tab.print_current() is True
    _wait_for_worker(window)
    text = window.status.cget("text")
    assert gone in text and "not available" in text, text
    assert "success" not in str(window.status.cget("style")).lower()
    assert not _events(number, "printed")
    assert _events(number, "print_failed")


def test_printing_before_saving_says_save_first(window: Any) -> None:
    tab = window.show_tab("intake")
    assert tab.print_current() is False
    assert "Save the intake first" in window.status.cget("text")


@needs_cups
def test_the_monthly_summary_shows_its_pages_and_a_printer_choice(
    window: Any, demo_ctx: Context, tmp_path: Path
) -> None:
    _remember(window, demo_ctx, "report", PRINTER)
    tab = window.show_tab("reports")
    tab.ask_print()
    _wait_for_worker(window)
    dialog = tab.print_dialog
    assert dialog.page_count >= 1
    assert dialog.printer == PRINTER  # the remembered one is chosen
    assert PRINTER in dialog.printer_box.cget("values")
    saved = dialog.save_to(tmp_path / "summary.pdf")
    assert saved.read_bytes().startswith(b"%PDF-")
    dialog.printer_var.set("Gone-Printer-" + uuid.uuid4().hex[:6])
    dialog.print_now()
    _wait_for_worker(window)
    assert dialog.outcome == "failed" and "not available" in window.status.cget("text")
    assert dialog.winfo_exists()  # stays open to choose another printer
    dialog.printer_var.set(PRINTER)
    dialog.print_now()
    _wait_for_worker(window)
    assert dialog.outcome == "printed"
    assert PRINTER in window.status.cget("text")


@pytest.fixture(autouse=True)
def _no_work_left(window: Any) -> Any:
    yield
    _wait_for_worker(window)


def test_save_dialogs_open_in_documents_with_a_chinese_name(
    window: Any, demo_ctx: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 18 §8: export dialogs opened in the program's folder with an English file name."""
    import platformdirs

    from app import i18n, paths
    from app.ui.tabs import printing as printing_tab

    docs = tmp_path / "文档"
    docs.mkdir()
    monkeypatch.setattr(platformdirs, "user_documents_dir", lambda: str(docs))
    assert paths.documents_dir() == docs
    monkeypatch.setattr(platformdirs, "user_documents_dir", lambda: str(tmp_path / "gone"))
    assert paths.documents_dir() == Path.home()
    monkeypatch.setattr(platformdirs, "user_documents_dir", lambda: str(docs))
    asked: dict[str, Any] = {}

    def ask(**kw: Any) -> str:
        asked.update(kw)
        return ""  # the user cancels

    monkeypatch.setattr(printing_tab.filedialog, "asksaveasfilename", ask)
    i18n.setup("zh")
    try:
        tab = window.show_tab("forms")
        _wait_for_worker(window)
        tab.set_form("repair-ticket")
        tab.set_number(_a_repair(demo_ctx))
        tab.ask_save()
    finally:
        i18n.setup("en")
        _wait_for_worker(window)
    assert asked["initialdir"] == str(docs)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in asked["initialfile"]), asked["initialfile"]
