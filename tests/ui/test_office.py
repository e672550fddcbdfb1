"""The office tabs under a real Tk: Reports, Settings, Print; the language at start."""

from __future__ import annotations

import os
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from app import i18n
from app.domain.money import format_money
from app.domain.settings import Settings
from app.i18n.labels import KINDS, label
from app.i18n.setting_labels import SECTIONS, SETTINGS
from app.services.casework.cases import CaseFilter, list_cases
from app.services.paper.figures import month_figures
from app.services.shop.context import Context
from app.services.shop.setup import context_for, load_settings
from tests.conftest import row_counts
from tests.ui.conftest import press, pump

# --- reports -----------------------------------------------------------------------------------


def test_reports_show_the_figures_of_the_chosen_month(window: Any, demo_ctx: Context) -> None:
    tab = window.show_tab("reports")
    assert (tab.year, tab.month) == (2026, 3)  # the clock's month in Shanghai
    tab.prev_button.invoke()
    pump(window.root)
    assert tab.month_var.get() == "2026-02"
    fig = month_figures(demo_ctx, 2026, 2)
    assert fig.received > 0
    assert tab.cards["received"].value.cget("text") == str(fig.received)
    assert tab.cards["closed"].value.cget("text") == str(fig.closed)
    assert tab.cards["overdue"].value.cget("text") == str(fig.overdue_now)
    assert tab.cards["refunds"].value.cget("text") == format_money(fig.refund_total)
    assert tab.cards["claims_recovered"].value.cget("text") == format_money(
        fig.claims_recovered_total
    )
    kinds = [tab.tables["kinds"].item(i, "values") for i in tab.tables["kinds"].get_children()]
    assert {(k, int(n)) for k, n in kinds} == {
        (label(KINDS, k), n) for k, n in fig.received_by_kind.items()
    }
    bars = tab.chart.find_withtag("bar")
    assert len(bars) == sum(1 for n in fig.per_day if n)
    # The current month is the newest: "next" is disabled there.
    tab.this_month()
    pump(window.root)  # the figures are read on the tab's reader thread
    assert str(tab.next_button.cget("state")) == "disabled"
    assert tab.figures == month_figures(demo_ctx, 2026, 3)


# --- settings ----------------------------------------------------------------------------------


def test_every_setting_has_a_label_and_help_or_none() -> None:
    missing = [p for p in Settings.paths() if p not in SETTINGS]
    assert missing == []
    assert {p.split(".")[0] for p in Settings.paths()} <= set(SECTIONS)
    assert all(label_text.strip() for label_text, _help in SETTINGS.values())


def test_settings_checked_then_saved_through_the_widgets(window: Any, demo_ctx: Context) -> None:
    import ttkbootstrap as ttk

    tab = window.show_tab("settings")
    before = row_counts()
    # A bad value: the error is under the field, the page is shown, nothing is written.
    tab.show_section("shop")
    tab.set_value("shop.name", "城南手机维修")
    tab.set_value("promise.days_a", "abc")
    assert not tab.forms["promise"].check_field("promise.days_a")  # the live check
    assert "whole number" in tab.error_text("promise.days_a")
    tab.save_button.invoke()
    pump(window.root)
    assert "Class A customers (days)" in tab.error_text("promise.days_a")
    assert "whole number" in tab.error_text("promise.days_a")
    assert tab.nav_var.get() == "promise"
    assert row_counts() == before
    assert load_settings().shop.name == demo_ctx.settings.shop.name
    # Corrected: both values are saved, the header follows.
    tab.set_value("promise.days_a", "2")
    tab.save_button.invoke()
    pump(window.root)
    saved = load_settings()
    assert saved.shop.name == "城南手机维修"
    assert saved.promise.days_a == 2
    assert saved.promise.days_b == 2  # untouched values stay
    assert tab.error_text("promise.days_a") == ""
    assert window.desk.ctx.settings.shop.name == "城南手机维修"
    assert window.shop_label.cget("text") == "城南手机维修"
    assert "Saved 2 setting(s)" in tab.message.cget("text")
    # Undo brings back what is saved.
    tab.set_value("promise.days_b", "9")
    tab.revert_button.invoke()
    assert tab.values()["promise.days_b"] == "2"
    # Theme applies at once; language at the next start (and says so).
    tab.show_section("ui")
    tab.set_value("ui.theme", "dark")
    assert tab.apply_theme() == "dark"
    assert ttk.Style.get_instance().theme.name == "bootstrap-dark"
    tab.set_value("ui.language", "zh")
    assert tab.save()
    assert (load_settings().ui.theme, load_settings().ui.language) == ("dark", "zh")
    assert "next start" in tab.message.cget("text")
    assert i18n.current_language() == "en"  # the running window keeps its language
    tab.set_value("ui.theme", "light")
    tab.apply_theme()
    assert ttk.Style.get_instance().theme.name == "bootstrap-light"


def test_a_clerk_sees_the_refusal(window: Any, demo_ctx: Context) -> None:
    clerk = context_for(demo_ctx.data_dir, "desk2", clock=demo_ctx.clock)
    window.desk.set_context(clerk)
    tab = window.show_tab("settings")
    before = row_counts()
    tab.set_value("approval.owner_threshold", "800.00")
    assert tab.save() is False
    assert row_counts() == before
    assert load_settings().approval.owner_threshold == demo_ctx.settings.approval.owner_threshold
    assert "owner" in window.status.cget("text").lower()
    assert "owner" in tab.message.cget("text").lower()
    # The owner types their PIN at the clerk's desk: saved once, the clerk stays signed in.
    dialog = tab.owner_dialog
    dialog.form.set("owner", "owner")
    dialog.form.set("pin", "123456")
    assert dialog.ok().ok
    assert load_settings().approval.owner_threshold == Decimal("800.00")
    assert window.desk.ctx.actor.name == "desk2"


# --- language at start -------------------------------------------------------------------------


def test_language_at_start(monkeypatch: pytest.MonkeyPatch) -> None:
    from app.ui.app import start_language

    monkeypatch.setenv("AFTERDESK_LANG", "zh")  # the "system" language for this test
    assert start_language("en", "zh") == "en"  # --lang wins over the setting
    assert start_language(None, "en") == "en"  # then the setting
    assert i18n.current_language() == "en"
    assert start_language(None, "") == "zh"  # then the system's language
    monkeypatch.setenv("AFTERDESK_LANG", "en")
    assert start_language(None, "") == "en"
    assert start_language(None, "zh") == "zh"
    i18n.setup("en")


# --- print -------------------------------------------------------------------------------------


def _wait_for_worker(window: Any, seconds: float = 90) -> None:
    end = time.monotonic() + seconds
    while window.desk.worker.running and time.monotonic() < end:
        pump(window.root, 50)
    pump(window.root)
    assert not window.desk.worker.running, "the worker did not finish"


def _a_case(ctx: Context, kind: str = "repair") -> str:
    return list_cases(ctx, CaseFilter(kind=kind), limit=1)[0].number


def test_preview_shows_the_pages_of_a_slip(window: Any, demo_ctx: Context) -> None:
    number = _a_case(demo_ctx)
    tab = window.show_tab("forms")
    tab.set_form("intake")
    tab.number_var.set(number[-6:])  # the hint list, as the user types
    tab.find(tab.number_var.get())
    pump(window.root)
    hits = tab._hits
    index = next(i for i, h in enumerate(hits) if h.number == number)
    tab.hit_list.selection_set(index)
    tab._hit_chosen()
    assert tab.number_var.get() == number
    tab.preview_button.invoke()
    _wait_for_worker(window)
    assert len(tab.pages) >= 1
    assert tab.pages[0].width > 500  # rendered, not a thumbnail stub
    assert len(tab.canvas.find_withtag("page")) == len(tab.pages) == len(tab.photos)
    assert tab.pdf is not None and tab.pdf.startswith(b"%PDF")
    assert number in tab.preview_title.cget("text")
    # A label is never blank; without a number nothing starts and the desk is told why.
    tab.set_form("label")
    assert str(tab.blank_check.cget("state")) == "disabled"
    tab.set_number("")
    tab.preview()
    assert not window.desk.worker.running
    assert "fill this in" in window.status.cget("text")
    first = tab.pdf
    tab.set_form("warranty-card")
    tab.blank_var.set(True)
    tab._blank_changed()
    tab.preview()
    _wait_for_worker(window)
    assert tab.pdf is not None and tab.pdf != first, window.status.cget("text")
    assert len(tab.pages) >= 1
    assert "blank form" in tab.preview_title.cget("text")


def test_printing_goes_through_the_real_queue(window: Any, demo_ctx: Context) -> None:
    printer = os.environ.get("AFTERDESK_TEST_PRINTER")
    out_dir = os.environ.get("AFTERDESK_TEST_CUPS_OUT")
    if not printer or not out_dir:
        pytest.skip("AFTERDESK_TEST_PRINTER / AFTERDESK_TEST_CUPS_OUT not set (no CUPS queue)")
    out = Path(out_dir)
    before = set(out.rglob("*.pdf"))
    number = _a_case(demo_ctx)
    tab = window.show_tab("forms")
    tab.set_form("intake")
    tab.set_number(number)
    tab.select_printer(printer)
    press(window.root, "<Control-p>")  # the window's shortcut → print_current()
    _wait_for_worker(window)
    assert "Sent" in window.status.cget("text"), window.status.cget("text")
    assert tab.last_slip is not None and tab.last_slip.path.exists()
    end = time.monotonic() + 60
    written: list[Path] = []
    while time.monotonic() < end and not written:  # cups-pdf writes the file in steps
        time.sleep(0.5)
        written = [p for p in set(out.rglob("*.pdf")) - before if p.stat().st_size > 1000]
    assert written, "cups-pdf wrote no PDF for the job"
    assert written[0].read_bytes().startswith(b"%PDF")
    assert load_settings().printing.intake == printer  # remembered for this form
    assert window.tabs["settings"].values()["printing.intake"] == printer
    tab.set_form("rma")
    assert tab.printer == ""
    tab.set_form("intake")
    assert tab.printer == printer


def test_verify_a_saved_slip_and_a_tampered_copy(
    window: Any, demo_ctx: Context, tmp_path: Path
) -> None:
    number = _a_case(demo_ctx)
    tab = window.show_tab("forms")
    tab.set_form("repair-ticket")
    tab.set_number(number)
    saved = tmp_path / "slip.pdf"
    tab.save_pdf(saved)
    _wait_for_worker(window)
    assert saved.exists() and saved.read_bytes().startswith(b"%PDF")
    assert tab.verify_file(saved) is True
    assert "Genuine" in tab.verdict_label.cget("text")
    assert "success" in str(tab.verdict_label.cget("style")).lower()

    data = bytearray(saved.read_bytes())
    spot = data.index(b"stream", len(data) // 4) + 40  # inside the page content
    data[spot] = (data[spot] + 1) % 256
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(bytes(data))
    assert tab.verify_file(tampered) is False
    assert "Not valid" in tab.verdict_label.cget("text")
    assert "danger" in str(tab.verdict_label.cget("style")).lower()

    # The shop's certificate, for a third party who checks slips.
    settings = window.show_tab("settings")
    settings.show_section("certificate")
    assert str(settings.export_button.cget("state")) == "normal"
    exported = tmp_path / "shop.pem"
    assert settings.export_certificate(exported)
    assert exported.read_bytes().count(b"BEGIN CERTIFICATE") >= 2  # root and signing


def test_a_missing_chinese_font_is_shown_in_the_print_tab(window: Any, demo_ctx: Context) -> None:
    tab = window.show_tab("forms")
    assert tab.show_font_warning() == ""  # the shipped font is found
    bad = demo_ctx.settings.replace_path("printing.font_path", "/nowhere/font.ttf")
    window.desk.with_settings(bad)
    assert tab.show_font_warning()
    assert tab.font_note.winfo_manager() == "pack"


def test_report_figures_wait_until_the_tab_is_shown(window: Any) -> None:
    tab = window.tabs["reports"]
    assert tab.figures is None  # nothing worked out while the window was built
    window.show_tab("reports")
    pump(window.root)  # worked out on the tab's reader thread, shown when they arrive
    assert tab.figures is not None


def test_the_print_tab_warns_before_a_slip_prints_the_shops_details_empty(
    window: Any, demo_ctx: Context
) -> None:
    tab = window.show_tab("forms")
    empty = demo_ctx.settings.replace_path("shop.hotline", "").replace_path("shop.address", "")
    window.desk.with_settings(empty)
    tab.set_form("warranty-card")
    text = tab.show_blanks_warning()
    assert "Service hotline" in text or "服务热线" in text
    assert tab.blanks_note.winfo_manager() == "pack"
    filled = (
        empty.replace_path("shop.hotline", "0571-8888 6666")
        .replace_path("shop.address", "杭州市文三路 398 号")
        .replace_path("shop.consignee", "鑫达售后组")
        .replace_path("shop.consignee_phone", "0571-8888 7777")
    )
    window.desk.with_settings(filled)
    tab.set_form("warranty-card")
    assert tab.show_blanks_warning() == ""
    assert tab.blanks_note.winfo_manager() == ""
    # the slip's language is the shop's setting, whatever the window speaks
    assert tab.lang_var.get() == demo_ctx.settings.printing.slip_language == "zh"


def test_a_sale_registered_in_the_print_tab_gets_its_warranty_card(
    window: Any, demo_ctx: Context
) -> None:
    tab = window.show_tab("forms")
    dialog = tab.register_sale()
    pump(window.root)
    dialog.form.set("customer", "张三")
    dialog.form.set("phone", "13800138000")
    dialog.form.set("product", "原装充电器 67W")
    dialog.form.set("category", "charger")
    dialog.form.set("invoice_no", "FP-UI-0001")
    dialog.form.set("price", "abc")
    assert not dialog.ok().ok
    assert dialog.form.error_text("price")  # next to the field; nothing written
    dialog.form.set("price", "149")
    assert dialog.ok().ok
    assert tab.form == "warranty-card" and tab.number_var.get() == "FP-UI-0001"
    tab.preview()
    _wait_for_worker(window)
    assert tab.pdf is not None and len(tab.pages) >= 1
    assert "FP-UI-0001" in tab.preview_title.cget("text")


def test_the_print_tab_saves_the_how_to_check_guide(
    window: Any, demo_ctx: Context, tmp_path: Path
) -> None:
    tab = window.show_tab("forms")
    out = tmp_path / "guide.pdf"
    assert tab.save_guide(out)
    assert out.read_bytes().startswith(b"%PDF-")
    assert not tab.save_guide(tmp_path / "no-such-folder" / "guide.pdf")
