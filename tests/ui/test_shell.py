"""The window's frame: tabs, search, scanner, record view, status bar, shortcuts, theme."""

from __future__ import annotations

import gc
import threading
import time
from typing import Any

import pytest

from app.services.casework.cases import CaseFilter, list_cases
from app.services.shop.context import Context
from tests.ui.conftest import pump


def test_tabs_are_there(window: Any) -> None:
    texts = [window.notebook.tab(t, "text").strip() for t in window.notebook.tabs()]
    assert "All cases" in texts


def test_only_the_front_tab_is_built_at_start_and_hidden_lists_wait(
    window: Any, demo_ctx: Context
) -> None:
    """Start-up builds the Intake tab only; a list hidden during a change reloads when shown."""
    assert [t for t in window.tabs if window.tabs.is_built(t)] == ["intake"]
    assert len(window.notebook.tabs()) == len(window.tabs) == 8  # with the Lists tab
    repairs = window.show_tab("repairs")
    pump(window.root)
    shown = len(repairs.browser.rows)
    window.show_tab("intake")
    pump(window.root)
    number = _take_repair(demo_ctx)
    window.desk.changed()
    assert repairs.stale and len(repairs.browser.rows) == shown  # not read while hidden
    window.show_tab("repairs")
    pump(window.root)
    assert not repairs.stale and repairs.browser.rows[0].number == number


def test_the_other_tabs_are_built_ahead_and_read_only_when_shown(
    window: Any, demo_ctx: Context
) -> None:
    """Once the window has settled the other tabs are built one by one (a first click then
    only brings one to the front); building reads no list: each tab reads when shown."""
    from app.ui import worker

    window.prebuild_tabs()
    end = time.monotonic() + 30
    while not all(window.tabs.is_built(t) for t in window.tabs) and time.monotonic() < end:
        pump(window.root, 20)
    assert all(window.tabs.is_built(t) for t in window.tabs)
    assert window.current_tab() is window.tabs["intake"]  # the clerk's tab stays in front
    repairs = window.tabs["repairs"]
    assert repairs.stale and repairs.browser.rows == []
    assert window.tabs["reports"].figures is None
    assert worker.idle()
    window.show_tab("repairs")
    pump(window.root)
    assert not repairs.stale and repairs.browser.rows


def _take_repair(ctx: Context) -> str:
    from app.services.casework.intake import IntakeForm, take_intake

    form = IntakeForm(
        kind="repair",
        name="新客户",
        phone="13900139001",
        product="小米 14",
        category="phone",
        fault="不开机",
    )
    return take_intake(ctx, form).number


def test_search_finds_by_serial_and_opens_the_record(window: Any, demo_ctx: Context) -> None:
    row = next(r for r in list_cases(demo_ctx, CaseFilter(kind="repair")) if r.serial)
    box = window.search
    box.focus()
    box.var.set(row.serial[-8:])
    box.run()
    hits = _settled(window, box)
    assert any(h.number == row.number for h in hits)
    box.choose(next(i for i, h in enumerate(hits) if h.number == row.number))
    pump(window.root)
    tab = window.current_tab()
    assert tab.panel.detail.number == row.number


def test_scanned_code_opens_its_record(window: Any, demo_ctx: Context) -> None:
    row = list_cases(demo_ctx, CaseFilter(kind="complaint"), limit=1)[0]
    box = window.search
    box.focus()
    box.var.set(row.number.lower() + " ")  # scanners add spaces; case does not matter
    box._enter()
    pump(window.root)
    assert window.current_tab().panel.detail.number == row.number


def test_plain_move_updates_the_database(window: Any, demo_ctx: Context) -> None:
    from app.services.casework.cases import show_case

    row = next(r for r in list_cases(demo_ctx, CaseFilter(kind="complaint", status="logged")))
    window.desk.open(row.number)
    pump(window.root)
    panel = window.current_tab().panel
    assert "move:acknowledged" in panel.buttons
    panel.press("move:acknowledged")
    dialog = panel.dialog
    dialog.form.set("note", "called back")
    assert dialog.ok().ok
    pump(window.root)
    assert show_case(demo_ctx, row.number).status == "acknowledged"
    assert "move:acknowledged" not in panel.buttons
    assert "acknowledged" in window.status.cget("text").lower()


def test_shortcuts_dialog_lists_the_command_table(window: Any) -> None:
    dialog = window.show_help()
    keys = [k for k, _t in dialog.rows]
    assert {"Ctrl+F", "Ctrl+S", "Ctrl+P", "F1"} <= set(keys)
    dialog.destroy()


def test_theme_toggles(window: Any) -> None:
    assert window.toggle_theme() == "dark"
    assert window.toggle_theme() == "light"


def test_errors_in_callbacks_are_logged_not_shown_as_tracebacks(window: Any) -> None:
    def boom() -> None:
        raise RuntimeError("kaboom")

    window.root.report_callback_exception(RuntimeError, RuntimeError("kaboom"), None)
    text = window.status.cget("text")
    assert "RuntimeError" in text and "Traceback" not in text


def test_print_from_a_record_previews_its_slip(window: Any, demo_ctx: Context) -> None:
    row = next(r for r in list_cases(demo_ctx, CaseFilter(kind="repair")))
    window.desk.open(row.number)
    pump(window.root)
    window.current_tab().panel.press("print")
    tab = window.current_tab()
    assert tab is window.tabs["forms"]
    assert tab.form == "repair-ticket"
    for _ in range(200):  # the preview renders in the worker thread
        pump(window.root, 50)
        if tab.pages:
            break
    assert tab.pages


def _settled(window: Any, box: Any, seconds: float = 10) -> list[Any]:
    """Let the window run until the search box's answer has arrived."""
    end = time.monotonic() + seconds
    while box.busy and time.monotonic() < end:
        pump(window.root, 10)
    assert not box.busy
    return box.hits


def test_the_window_answers_while_a_slow_search_runs_and_shows_only_the_newest(
    window: Any, demo_ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A clerk types while the database is slow: every `update` of the window runs within
    50 ms, an older query is overtaken by the newer keystroke, and its answer never shows."""
    from app.services.casework import search as search_service

    real = search_service.search
    started: list[str] = []
    release = threading.Event()

    def slow(ctx: Context, text: str, **kw: Any) -> list[Any]:
        started.append(text)
        if text == "13":  # the older query: holds its thread until released
            release.wait(5)
            return [search_service.Hit("case", "STALE", "repair", "logged", "stale", "")]
        time.sleep(0.4)
        return real(ctx, text, **kw)

    monkeypatch.setattr(search_service, "search", slow)
    box = window.search
    box.focus()
    gc.collect()  # the whole suite's garbage, not the program's: collected before timing
    gaps: list[float] = []

    def type_key(text: str) -> None:
        box.var.set(text)
        box.entry.event_generate("<KeyRelease>", keysym="3")

    type_key("13")
    box.run()
    while not started:  # not `pump`: that would wait for the held query's answer
        window.root.update()
        time.sleep(0.005)
    type_key("138")  # the newer keystroke while "13" is still running
    box.run()
    end = time.monotonic() + 1.5
    last = time.monotonic()
    while time.monotonic() < end:
        window.root.update()
        now = time.monotonic()
        gaps.append(now - last)
        last = now
        if len(gaps) == 20:
            release.set()  # the old query finishes late, after the newer one was asked
        time.sleep(0.005)
    hits = _settled(window, box)
    assert max(gaps) < 0.05, max(gaps)
    assert started[0] == "13" and "138" in started
    assert all(h.number != "STALE" for h in hits)
    assert box.var.get() == "138" and hits == real(demo_ctx, "138")
