"""The Reports tab's full summary, its PDF/XLSX exports and printing; CSV from a case list."""

from __future__ import annotations

import csv
import os
import time
from pathlib import Path
from typing import Any

import pytest

from app.documents.signing import verify_pdf
from app.i18n.labels import KINDS, label
from app.services.casework.cases import CaseFilter, count_cases
from app.services.paper.report import month_period, summarize
from app.services.shop.context import Context
from app.services.shop.print_prefs import remember_printer
from app.ui.widgets import caselist
from tests.ui.conftest import press, pump


def _wait_for_worker(window: Any, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while window.desk.worker.running and time.monotonic() < end:
        pump(window.root, 50)
    pump(window.root)
    assert not window.desk.worker.running, "the worker did not finish"


def _section(tab: Any, title: str) -> dict[str, tuple[str, ...]]:
    tree = tab.summary_tree
    for item in tree.get_children():
        if tree.item(item, "text") == title:
            return {
                tree.item(row, "text"): tuple(tree.item(row, "values"))
                for row in tree.get_children(item)
            }
    raise AssertionError(f"no section {title!r}")


def test_full_summary_export_pdf_and_xlsx(window: Any, demo_ctx: Context, tmp_path: Path) -> None:
    tab = window.show_tab("reports")
    tab.prev_button.invoke()  # February 2026
    pump(window.root)
    tab.notebook.select(1)
    s = summarize(demo_ctx, month_period(demo_ctx, 2026, 2))
    prev = summarize(demo_ctx, month_period(demo_ctx, 2026, 1))
    overview = _section(tab, "Key figures")
    assert overview["Cases received (new)"][:2] == (str(s.received), str(prev.received))
    assert overview["Cases closed"][:2] == (str(s.closed), str(prev.closed))
    kinds = _section(tab, "Cases by kind")
    assert {k: int(v[0]) for k, v in kinds.items() if int(v[0])} == {
        label(KINDS, k): n for k, n in s.by_kind.items()
    }

    pdf = tmp_path / "summary.pdf"
    tab.export_pdf(pdf)
    assert window.desk.worker.running  # the work runs in the worker thread, the window stays live
    _wait_for_worker(window)
    assert tab.last_file == pdf, window.status.cget("text")
    assert verify_pdf(pdf.read_bytes(), demo_ctx.data_dir).ok
    xlsx = tmp_path / "summary.xlsx"
    tab.export_xlsx(xlsx)
    _wait_for_worker(window)
    assert tab.last_file == xlsx and "Saved" in window.status.cget("text")
    from openpyxl import load_workbook

    assert len(load_workbook(xlsx).sheetnames) >= 12


def test_print_summary_through_the_real_queue(window: Any, demo_ctx: Context) -> None:
    printer = os.environ.get("AFTERDESK_TEST_PRINTER")
    out_dir = os.environ.get("AFTERDESK_TEST_CUPS_OUT")
    if not printer or not out_dir:
        pytest.skip("AFTERDESK_TEST_PRINTER / AFTERDESK_TEST_CUPS_OUT not set (no CUPS queue)")
    window.desk.with_settings(remember_printer(demo_ctx, "report", printer))
    before = set(Path(out_dir).rglob("*.pdf"))
    tab = window.show_tab("reports")
    press(window.root, "<Control-p>")  # the window's shortcut → print_current()
    _wait_for_worker(window)
    assert "printer" in window.status.cget("text"), window.status.cget("text")
    assert tab.last_file is not None and tab.last_file.parent.parent.name == "reports"
    end = time.monotonic() + 60
    written: list[Path] = []
    while time.monotonic() < end and not written:
        time.sleep(0.5)
        written = [p for p in set(Path(out_dir).rglob("*.pdf")) - before if p.stat().st_size > 1000]
    assert written, "cups-pdf wrote no PDF for the job"


def test_csv_of_a_case_list_has_every_matching_row(
    window: Any, demo_ctx: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(caselist, "PAGE", 5)  # a short page: the list shows 5 rows at first
    tab = window.show_tab("cases")
    browser = tab.browser
    browser.open_only.set(True)
    browser.refresh()
    pump(window.root)
    expected = count_cases(demo_ctx, browser.current_filter())
    assert expected == count_cases(demo_ctx, CaseFilter(open_only=True)) > len(browser.rows) == 5
    out = tmp_path / "cases.csv"
    browser.export_csv(out)
    _wait_for_worker(window)
    assert browser.last_csv == out, window.status.cget("text")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads it as UTF-8
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][0] == "Number" and len(rows) - 1 == expected
    assert {r.number for r in browser.rows} < {r[0] for r in rows[1:]}
    assert any("\u4e00" <= ch <= "\u9fff" for r in rows[1:] for ch in r[5])  # Chinese names
