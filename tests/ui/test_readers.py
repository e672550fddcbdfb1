"""The window never waits on the case lists or on loading a record (issue #20, item 2).

Both read on reader threads (`app.ui.worker.Latest`); a slow database is forced here by holding
the older query until the newer one was asked, as in test_shell's search test.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from app.services.casework.cases import CaseFilter, list_cases
from app.services.shop.context import Context
from tests.ui.conftest import pump, wait_idle


def _gaps_while(window: Any, busy: Callable[[], bool], release: Callable[[], None]) -> list[float]:
    """Run the window by hand while a query is pending: the time each `update` took to come
    round again. The update that delivers the answer is not counted: drawing the list or the
    record is the work the clerk asked for, not a wait on the database."""
    gc.collect()  # the whole suite's garbage, not the program's: collected before timing
    gaps: list[float] = []
    end = time.monotonic() + 5
    last = time.monotonic()
    while busy() and time.monotonic() < end:
        window.root.update()
        now = time.monotonic()
        if busy():
            gaps.append(now - last)
        last = now
        if len(gaps) == 20:
            release()  # the older query finishes late, after the newer one was asked
        time.sleep(0.005)
    return gaps


def _wait_started(window: Any, started: list[Any]) -> None:
    while not started:  # not `pump`: that would wait for the held query's answer
        window.root.update()
        time.sleep(0.005)


def test_a_slow_list_filter_never_freezes_the_window_and_the_newest_filter_wins(
    window: Any, demo_ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A clerk picks "complaints" and, while that is slow, "repairs": the window keeps
    answering, and the complaints arriving late are never shown."""
    from app.ui.widgets import caselist

    tab = window.show_tab("cases")
    pump(window.root)
    browser = tab.browser
    real = caselist.list_cases
    started: list[str] = []
    release = threading.Event()

    def slow(ctx: Context, f: CaseFilter, **kw: Any) -> list[Any]:
        started.append(f.kind)
        if f.kind == "complaint":  # the older filter: holds its thread until released
            release.wait(5)
        else:
            time.sleep(0.4)
        return real(ctx, f, **kw)

    monkeypatch.setattr(caselist, "list_cases", slow)

    def pick(kind: str) -> None:
        browser.kind.current(browser.kind_codes.index(kind))
        browser.kind.event_generate("<<ComboboxSelected>>")

    pick("complaint")
    _wait_started(window, started)
    pick("repair")  # the newer filter while the older query still runs
    gaps = _gaps_while(window, lambda: browser.busy, release.set)
    wait_idle(window.root)
    assert len(gaps) > 20 and max(gaps) < 0.05, max(gaps)
    assert started[0] == "complaint" and "repair" in started
    assert browser.rows and {r.kind for r in browser.rows} == {"repair"}
    newest = real(demo_ctx, CaseFilter(kind="repair", kinds=browser.kinds), limit=caselist.PAGE)
    assert [r.number for r in browser.rows] == [r.number for r in newest]
    assert list(browser.tree.get_children()) == [r.number for r in newest]


def test_a_slow_record_never_freezes_the_window_and_the_last_picked_is_shown(
    window: Any, demo_ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The clerk clicks record A, then B before A arrived: the window keeps answering, A's late
    answer is dropped and B is the record shown, with B's buttons."""
    from app.ui.record import panel as panel_module

    tab = window.show_tab("cases")
    pump(window.root)
    a, b = (r.number for r in list_cases(demo_ctx, CaseFilter(), limit=2))
    real = panel_module.show_case
    started: list[str] = []
    release = threading.Event()

    def slow(ctx: Context, number: str) -> Any:
        started.append(number)
        if number == a:
            release.wait(5)
        else:
            time.sleep(0.4)
        return real(ctx, number)

    monkeypatch.setattr(panel_module, "show_case", slow)
    tree = tab.browser.tree
    tree.selection_set(a)
    _wait_started(window, started)
    tree.selection_set(b)  # the newer pick while A is still being read
    gaps = _gaps_while(window, lambda: tab.panel.busy, release.set)
    wait_idle(window.root)
    assert len(gaps) > 20 and max(gaps) < 0.05, max(gaps)
    assert started[0] == a and b in started
    assert tab.panel.detail.number == b == tab.panel.wanted
    assert tab.panel.number_label.cget("text") == b
    assert tree.selection() == (b,)


def test_opening_a_record_selects_it_in_a_list_not_yet_shown(
    window: Any, demo_ctx: Context
) -> None:
    """Opened from the search box before its tab was ever shown: the list arrives, then the row
    is selected (and an old record off the first page is looked up by its number)."""
    rows = list_cases(demo_ctx, CaseFilter(kind="complaint"))
    newest, oldest = rows[0].number, rows[-1].number
    window.desk.open(newest)
    pump(window.root)
    tab = window.current_tab()
    assert tab.panel.detail.number == newest
    assert tab.browser.tree.selection() == (newest,)
    assert len(tab.browser.rows) > 1  # the whole list, not only this number
    window.desk.open(oldest)
    pump(window.root)
    assert tab.panel.detail.number == oldest
    assert tab.browser.tree.selection() == (oldest,)


def test_a_tab_is_drawn_before_its_list_is_read(
    window: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first show of a tab paints it, then its reader starts (not while it is being built,
    when the reader thread would share the interpreter with the building)."""
    from app.ui.widgets import caselist

    real = caselist.list_cases
    started: list[str] = []

    def noted(ctx: Context, f: CaseFilter, **kw: Any) -> list[Any]:
        started.append(f.kind)
        return real(ctx, f, **kw)

    monkeypatch.setattr(caselist, "list_cases", noted)
    tab = window.show_tab("cases")  # built and asked for its list; Tk has not drawn it yet
    time.sleep(0.2)
    assert started == [] and tab.browser.busy
    wait_idle(window.root)  # the window draws, then the list is read and shown
    assert started and tab.browser.rows
