"""The Lists tab never waits on a query (issue #20, item 2): a section's search and the chosen
row's details are read on reader threads (`app.ui.lists.section.ListSection`).

A slow database is forced by holding the older query on an event until the newer one was asked,
as in test_readers: the window keeps answering, and the older answer is never shown.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from app.services.casework.customers import list_customers
from app.services.shop import stock
from app.services.shop.context import Context
from tests.ui.conftest import pump, wait_idle


def _type(window: Any, entry: Any, text: str) -> None:
    """The clerk types ``text`` into ``entry`` (key events go to the focused window only)."""
    window.root.focus_force()
    entry.focus_force()
    window.root.update()  # not `pump`: that would wait for the held query's answer
    entry.delete(0, "end")
    entry.insert(0, text)
    entry.event_generate("<KeyRelease>")


def _run_until(
    window: Any, done: Callable[[], bool], shown: Callable[[], object], release: Callable[[], None]
) -> tuple[list[float], list[object]]:
    """Run the window by hand until ``done()``: the time each `update` took to come round, and
    every state ``shown()`` had meanwhile. The update that draws an answer is not counted: that
    is the work the clerk asked for, not a wait on the database. ``release`` lets the held query
    finish after 20 rounds."""
    gc.collect()  # the whole suite's garbage, not the program's: collected before timing
    gaps: list[float] = []
    seen: list[object] = []
    end = time.monotonic() + 10
    last = time.monotonic()
    rounds = 0
    while not done() and time.monotonic() < end:
        before = shown()
        window.root.update()
        now = time.monotonic()
        after = shown()
        if after == before:
            gaps.append(now - last)
        seen.append(after)
        last = now
        rounds += 1
        if rounds == 20:
            release()  # the older query finishes late, after the newer one was asked
        time.sleep(0.005)
    return gaps, seen


def _wait_started(window: Any, started: list[Any]) -> None:
    end = time.monotonic() + 10
    while not started and time.monotonic() < end:
        window.root.update()
        time.sleep(0.005)
    assert started, "the query never started"


def test_typing_in_a_slow_list_never_freezes_the_window_and_the_newest_text_wins(
    window: Any, demo_ctx: Context, monkeypatch: pytest.MonkeyPatch, backend: str
) -> None:
    """The clerk types one customer's name and, while that search is slow, another's: the
    window keeps answering, and the first name's rows arriving late are never shown."""
    from app.ui.lists import customers as module

    section = window.show_tab("lists").show_section("customers")
    pump(window.root)
    everyone = list_customers(demo_ctx)
    older, newer = everyone[0].name, next(c.name for c in everyone if c.name != everyone[0].name)
    real = module.list_customers
    older_rows = [str(c.id) for c in real(demo_ctx, older)]
    newer_rows = [str(c.id) for c in real(demo_ctx, newer)]
    assert older_rows != newer_rows
    started: list[str] = []
    release = threading.Event()

    def slow(ctx: Context, text: str = "", **kw: Any) -> list[Any]:
        started.append(text)
        if text == older:  # the older search: holds its thread until released
            release.wait(5)
        else:
            time.sleep(0.4)
        return real(ctx, text, **kw)

    monkeypatch.setattr(module, "list_customers", slow)
    _type(window, section.search_entry, older)
    _wait_started(window, started)
    _type(window, section.search_entry, newer)  # before the older search answered

    def rows() -> tuple[str, ...]:
        return tuple(section.tree.get_children())

    gaps, seen = _run_until(
        window, lambda: rows() == tuple(newer_rows) and not section.busy, rows, release.set
    )
    release.set()
    wait_idle(window.root)
    assert len(gaps) > 20 and max(gaps) < 0.05, max(gaps)
    assert started[0] == older and newer in started
    assert tuple(older_rows) not in seen  # the stale rows were never on the screen
    assert list(section.tree.get_children()) == newer_rows
    assert set(section.rows) == set(newer_rows)


def test_a_slow_part_never_freezes_the_window_and_the_last_picked_is_shown(
    window: Any, demo_ctx: Context, monkeypatch: pytest.MonkeyPatch, backend: str
) -> None:
    """The clerk clicks part A, then B before A's details arrived: the window keeps answering,
    A's late answer is dropped and B's details are in the form (Save would edit B)."""
    from app.ui.lists import parts as module

    section = window.show_tab("lists").show_section("parts")
    pump(window.root)
    a, b = (p.part_no for p in stock.list_parts(demo_ctx)[:2])
    real = module.stock.part_view
    started: list[str] = []
    release = threading.Event()

    def slow(ctx: Context, part_no: str) -> Any:
        started.append(part_no)
        if part_no == a:
            release.wait(5)
        else:
            time.sleep(0.4)
        return real(ctx, part_no)

    monkeypatch.setattr(module.stock, "part_view", slow)
    section.tree.selection_set(a)
    _wait_started(window, started)
    section.tree.selection_set(b)  # the newer pick while A is still being read

    def form() -> tuple[str, str]:
        return section.editing, section.form.get("part_no")

    gaps, seen = _run_until(window, lambda: not section.busy, form, release.set)
    release.set()
    wait_idle(window.root)
    assert len(gaps) > 20 and max(gaps) < 0.05, max(gaps)
    assert started[0] == a and b in started
    assert (a, a) not in seen  # A's details were never shown
    assert section.editing == b and section.form.get("part_no") == b
    assert section.heading.cget("text").startswith(b)
    assert section.selected() == b


def test_a_change_refreshes_the_list_shown_though_the_sections_share_their_readers(
    window: Any, demo_ctx: Context, backend: str
) -> None:
    """The Lists tab's sections share three reader threads (one session each on a shop
    server): a change re-reads the list on the screen, and a hidden list is read when shown."""
    tab = window.show_tab("lists")
    for section in ("parts", "suppliers", "dealers"):  # each listens for changes, in this order
        tab.show_section(section)
        pump(window.root)
    tab.show_section("parts")
    pump(window.root)
    parts = tab.sections["parts"]
    assert parts.reader is tab.sections["dealers"].reader is tab.sections["products"].reader
    stock.create_part(demo_ctx, "ZZ-TEST-1", "测试配件", cost="10")
    window.desk.changed()  # written elsewhere (another PC, another tab)
    pump(window.root)
    assert "ZZ-TEST-1" in parts.tree.get_children()
    suppliers = tab.show_section("suppliers")
    pump(window.root)
    assert suppliers.tree.get_children()
