"""The last as-you-type reads leave the window's thread (issue #20, item 2): the intake's
customer and barcode lookups, the Print tab's record search, the part picker's search, and the
lists' Export (written on the worker).

A slow database is forced by holding the older query on an event until the newer one was asked,
as in test_list_readers: the window keeps answering, and the older answer is never shown.
"""

from __future__ import annotations

import gc
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from app.services.casework.cases import CaseFilter, list_cases
from app.services.casework.customers import list_customers
from app.services.casework.intake_help import barcode_lookup, customer_lookup, product_choices
from app.services.shop.context import Context
from tests.ui.conftest import pump, wait_idle
from tests.ui.test_list_readers import _run_until, _type, _wait_started


def _two_customers(ctx: Context) -> tuple[Any, Any]:
    """Two returning customers with different names, as the lookup finds them by phone."""
    found: list[Any] = []
    for c in list_customers(ctx):
        summary = customer_lookup(ctx, c.phone or "")
        if summary is not None and all(s.name != summary.name for s in found):
            found.append(summary)
        if len(found) == 2:
            return found[0], found[1]
    raise AssertionError("the demo shop has no two customers with phones")


def test_a_slow_customer_lookup_never_freezes_the_intake_and_the_newest_phone_wins(
    window: Any, demo_ctx: Context, monkeypatch: pytest.MonkeyPatch, backend: str
) -> None:
    """The clerk types one phone number and, while its lookup is slow, another: the window keeps
    answering, the first customer arriving late is never offered, the second one is."""
    from app.ui.tabs import intake as module

    older, newer = _two_customers(demo_ctx)
    tab = window.show_tab("intake")
    tab.new()
    pump(window.root)
    real = module.customer_lookup
    started: list[str] = []
    release = threading.Event()

    def slow(ctx: Context, phone: str) -> Any:
        started.append(phone)
        if phone == older.phone:
            release.wait(5)
        else:
            time.sleep(0.4)
        return real(ctx, phone)

    monkeypatch.setattr(module, "customer_lookup", slow)
    phone = tab.customer_form.widgets["phone"]
    _type(window, phone, older.phone)
    _wait_started(window, started)
    _type(window, phone, newer.phone)  # before the first number's customer arrived

    def offered() -> tuple[str, str]:
        card = tab.customer_card.summary
        return (card.name if card else "", tab.customer_form.get("name"))

    gaps, seen = _run_until(
        window,
        lambda: offered()[0] == newer.name and not tab.readers["customer"].busy,
        offered,
        release.set,
    )
    release.set()
    wait_idle(window.root)
    assert len(gaps) > 20 and max(gaps) < 0.05, max(gaps)
    assert started[0] == older.phone and newer.phone in started
    assert all(older.name not in state for state in seen)  # never offered, never filled in
    assert offered() == (newer.name, newer.name)
    assert [p.product for p in tab.customer_card.purchases] == [p.product for p in newer.purchases]


def test_a_slow_barcode_lookup_never_fills_a_stale_product(
    window: Any, demo_ctx: Context, monkeypatch: pytest.MonkeyPatch, backend: str
) -> None:
    """One barcode is scanned, then another before the first is found: the first product,
    arriving late, never lands in the product line; the second does."""
    from app.ui.tabs import intake as module

    known = [c for c in product_choices(demo_ctx, "", limit=200) if c.barcode]
    older = known[0]
    newer = next(c for c in known if c.name != older.name)
    assert barcode_lookup(demo_ctx, older.barcode) is not None
    tab = window.show_tab("intake")
    tab.new()
    pump(window.root)
    real = module.barcode_lookup
    started: list[str] = []
    release = threading.Event()

    def slow(ctx: Context, code: str) -> Any:
        started.append(code)
        if code == older.barcode:
            release.wait(5)
        else:
            time.sleep(0.4)
        return real(ctx, code)

    monkeypatch.setattr(module, "barcode_lookup", slow)
    barcode = tab.product_form.widgets["barcode"]
    _type(window, barcode, older.barcode)
    _wait_started(window, started)
    _type(window, barcode, newer.barcode)

    def product() -> str:
        return tab.product_form.get("product")

    gaps, seen = _run_until(
        window,
        lambda: product() == newer.name and not tab.readers["barcode"].busy,
        product,
        release.set,
    )
    release.set()
    wait_idle(window.root)
    assert len(gaps) > 20 and max(gaps) < 0.05, max(gaps)
    assert started[0] == older.barcode and newer.barcode in started
    assert older.name not in seen
    assert product() == newer.name
    assert tab.product_form.get("barcode") == newer.barcode


def test_slow_product_suggestions_never_offer_an_older_texts_products(
    window: Any, demo_ctx: Context, monkeypatch: pytest.MonkeyPatch, backend: str
) -> None:
    """The product field's suggestions: the older text's list arriving late is never offered."""
    from app.ui.tabs import intake as module

    names = [c.name for c in product_choices(demo_ctx, "", limit=200)]
    # Parts of names, as the clerk types them (a whole name is picked from the list shown).
    typed = [n[:2] for n in names if n[:2] not in names]
    older = typed[0]
    newer = next(t for t in typed if older not in t and t not in older)
    older_offer = tuple(dict.fromkeys(c.name for c in product_choices(demo_ctx, older)))
    newer_offer = tuple(dict.fromkeys(c.name for c in product_choices(demo_ctx, newer)))
    assert older_offer != newer_offer
    tab = window.show_tab("intake")
    tab.new()
    pump(window.root)
    real = module.product_choices
    started: list[str] = []
    release = threading.Event()

    def slow(ctx: Context, text: str = "", **kw: Any) -> Any:
        started.append(text)
        if text == older:
            release.wait(5)
        else:
            time.sleep(0.4)
        return real(ctx, text, **kw)

    monkeypatch.setattr(module, "product_choices", slow)
    combo = tab.product_form.widgets["product"]
    _type(window, combo, older)
    _wait_started(window, started)
    _type(window, combo, newer)

    def offered() -> tuple[str, ...]:
        return tuple(combo.cget("values"))

    gaps, seen = _run_until(
        window,
        lambda: offered() == newer_offer and not tab.readers["products"].busy,
        offered,
        release.set,
    )
    release.set()
    wait_idle(window.root)
    assert len(gaps) > 20 and max(gaps) < 0.05, max(gaps)
    assert started[0] == older and newer in started
    assert older_offer not in seen
    assert offered() == newer_offer


def test_a_slow_record_search_on_the_print_tab_never_freezes_it(
    window: Any, demo_ctx: Context, monkeypatch: pytest.MonkeyPatch, backend: str
) -> None:
    """The Print tab's record search: the older text's hits arriving late are never listed."""
    from app.ui.tabs import printing as module

    cases = list_cases(demo_ctx, CaseFilter(kind="repair"), limit=50)
    older = cases[0].number
    newer = next(c.number for c in cases if c.number[-6:] != older[-6:])
    older_text, newer_text = older[-6:], newer[-6:]
    tab = window.show_tab("forms")
    tab.set_form("intake")
    pump(window.root)
    real = module.search
    started: list[str] = []
    release = threading.Event()

    def slow(ctx: Context, text: str, **kw: Any) -> Any:
        started.append(text)
        if text == older_text:
            release.wait(5)
        else:
            time.sleep(0.4)
        return real(ctx, text, **kw)

    monkeypatch.setattr(module, "search", slow)
    _type(window, tab.number_entry, older_text)
    _wait_started(window, started)
    _type(window, tab.number_entry, newer_text)

    def hits() -> tuple[str, ...]:
        return tuple(h.number for h in tab._hits)

    gaps, seen = _run_until(
        window, lambda: newer in hits() and not tab.finder.busy, hits, release.set
    )
    release.set()
    wait_idle(window.root)
    assert len(gaps) > 20 and max(gaps) < 0.05, max(gaps)
    assert started[0] == older_text and newer_text in started
    assert all(older not in state for state in seen)
    assert newer in hits() and tab.hit_list.size() == len(hits())


def test_a_slow_part_search_never_freezes_the_record(
    window: Any, demo_ctx: Context, monkeypatch: pytest.MonkeyPatch, backend: str
) -> None:
    """The part picker over a repair: the older search's parts are never listed."""
    from app.services.remedies import repair_help
    from app.ui.record import part_picker as module

    parts = repair_help.spare_parts(demo_ctx, "")
    older = parts[0]
    newer = next(
        p for p in parts if older.part_no not in p.part_no and p.part_no not in older.part_no
    )
    number = list_cases(demo_ctx, CaseFilter(kind="repair"), limit=1)[0].number
    real = module.spare_parts
    started: list[str] = []
    release = threading.Event()

    def slow(ctx: Context, text: str = "", **kw: Any) -> Any:
        started.append(text)
        if text == older.part_no:
            release.wait(5)
        elif text:
            time.sleep(0.4)
        return real(ctx, text, **kw)

    monkeypatch.setattr(module, "spare_parts", slow)
    picker = module.PartPicker(window.root, window.desk, number)
    try:
        pump(window.root)
        assert picker.tree.get_children()  # the whole list, read when it opened
        started.clear()
        _type(window, picker.search_entry, older.part_no)
        _wait_started(window, started)
        _type(window, picker.search_entry, newer.part_no)

        def rows() -> tuple[str, ...]:
            return tuple(picker.tree.get_children())

        gaps, seen = _run_until(
            window, lambda: rows() == (newer.part_no,) and not picker.busy, rows, release.set
        )
        release.set()
        wait_idle(window.root)
        assert len(gaps) > 20 and max(gaps) < 0.05, max(gaps)
        assert started[0] == older.part_no and newer.part_no in started
        older_rows = tuple(p.part_no for p in real(demo_ctx, older.part_no))
        assert older_rows != (newer.part_no,) and older_rows not in seen  # never listed
        assert rows() == (newer.part_no,)
        picker.choose(newer.part_no)
        assert picker.chosen() is not None and picker.chosen().part_no == newer.part_no
    finally:
        picker.destroy()


def test_a_long_export_runs_on_the_worker_and_the_window_keeps_answering(
    window: Any, demo_ctx: Context, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, backend: str
) -> None:
    """Export… of a long list writes the file on the worker thread: the window answers while
    it writes, the status line says when it is saved, and the file is there after."""
    from app.services.shop import tables
    from app.ui.lists.transfer import ImportExportBar

    real = tables.export
    writing = threading.Event()
    release = threading.Event()

    def slow(ctx: Context, kind: str, path: Path) -> Path:
        writing.set()
        release.wait(5)
        return real(ctx, kind, path)

    monkeypatch.setattr(tables, "export", slow)
    bar = ImportExportBar(window.root, window.desk, "customers")
    out = tmp_path / "customers.xlsx"
    try:
        bar.export_to(out)
        gc.collect()  # the whole suite's garbage, not the program's: collected before timing
        gaps: list[float] = []
        last = time.monotonic()
        end = last + 10
        rounds = 0
        while window.desk.worker.running and time.monotonic() < end:
            window.root.update()
            now = time.monotonic()
            if not release.is_set():
                gaps.append(now - last)
            last = now
            rounds += 1
            if rounds == 20:
                assert writing.is_set() and not out.exists()  # writing, and the window answers
                release.set()
            time.sleep(0.005)
        release.set()
        pump(window.root)
        assert not window.desk.worker.running
        assert len(gaps) >= 19 and max(gaps) < 0.05, max(gaps)
        rows = list(load_workbook(out).active.iter_rows())
        assert len(rows) == len(list_customers(demo_ctx)) + 1
        assert any("customers.xlsx" in m.text for m in window.desk.messages)
    finally:
        bar.destroy()
