"""A scanner anywhere: a fast burst of keys ending in Enter opens the record from any tab, in
any field; the same keys typed by hand do nothing. Key events are synthesized with controlled
timestamps (the X event's time), so the speed is exact and the test never waits on a clock."""

from __future__ import annotations

import time
from typing import Any

import pytest

from app.services.casework.cases import CaseFilter, list_cases
from app.services.shop.context import Context
from tests.ui.conftest import pump

KEYSYMS = {"-": "minus", " ": "space"}


class Keys:
    """Types into whatever has the focus, with X timestamps it chooses."""

    def __init__(self, window: Any) -> None:
        self.window = window
        self.t = 1_000_000

    def type(self, text: str, gap_ms: int, *, enter: bool = True) -> None:
        root = self.window.root
        for ch in text:
            self.t += gap_ms
            target = root.focus_get() or root
            target.event_generate("<KeyPress>", keysym=KEYSYMS.get(ch, ch), time=self.t)
        if enter:
            self.t += gap_ms
            target = root.focus_get() or root
            target.event_generate("<KeyPress>", keysym="Return", time=self.t)
        pump(root)


@pytest.fixture(autouse=True)
def _settled_after(window: Any) -> Any:
    yield
    _settle(window)


def _a_case(ctx: Context, kind: str) -> str:
    return list_cases(ctx, CaseFilter(kind=kind), limit=1)[0].number


def _focus(window: Any, widget: Any) -> None:
    window.root.focus_force()
    widget.focus_force()
    pump(window.root)


def test_a_scan_into_an_intake_field_opens_the_record_and_leaves_the_field_as_it_was(
    window: Any, demo_ctx: Context
) -> None:
    number = _a_case(demo_ctx, "complaint")
    tab = window.show_tab("intake")
    name = tab.customer_form.widgets["name"]
    name.insert(0, "张")
    name.icursor("end")
    _focus(window, name)
    Keys(window).type(number, gap_ms=8)
    assert window.scanner.opened == [number]
    assert window.current_tab().panel.detail.number == number
    assert name.get() == "张"  # the burst's characters were taken back out


def test_a_scan_with_focus_on_a_list_in_another_tab_opens_it(
    window: Any, demo_ctx: Context
) -> None:
    number = _a_case(demo_ctx, "repair")
    reports = window.show_tab("reports")
    _focus(window, reports.print_button)  # not a text field, not the search box
    Keys(window).type(number.lower(), gap_ms=5)
    assert window.scanner.opened == [number]
    assert window.current_tab() is window.tabs["repairs"]
    assert window.tabs["repairs"].panel.detail.number == number


def test_the_same_keys_typed_by_hand_open_nothing(window: Any, demo_ctx: Context) -> None:
    number = _a_case(demo_ctx, "complaint")
    tab = window.show_tab("intake")
    name = tab.customer_form.widgets["name"]
    _focus(window, name)
    Keys(window).type(number, gap_ms=120)  # a quick typist: 120 ms between keys
    assert window.scanner.opened == []
    assert window.current_tab() is tab
    assert name.get() == number  # what was typed stays typed


def test_a_short_burst_or_a_code_that_is_no_record_is_left_alone(
    window: Any, demo_ctx: Context
) -> None:
    tab = window.show_tab("intake")
    serial = tab.product_form.widgets["serial"]
    _focus(window, serial)
    Keys(window).type("490154203237518", gap_ms=4)  # an IMEI scanned into the serial field
    assert window.scanner.opened == []
    assert serial.get() == "490154203237518"
    serial.delete(0, "end")
    Keys(window).type("SH-1", gap_ms=4)  # too short to be a scan
    assert window.scanner.opened == []
    # a burst, then a pause before Enter (a person pressing Enter after a paste) is no scan
    keys = Keys(window)
    keys.type(_a_case(demo_ctx, "complaint"), gap_ms=4, enter=False)
    keys.t += 500
    window.root.focus_get().event_generate("<KeyPress>", keysym="Return", time=keys.t)
    pump(window.root)
    assert window.scanner.opened == []


def test_the_print_tabs_number_field_keeps_its_scan(window: Any, demo_ctx: Context) -> None:
    number = _a_case(demo_ctx, "repair")
    tab = window.show_tab("forms")
    _focus(window, tab.number_entry)
    tab.number_entry.delete(0, "end")
    Keys(window).type(number, gap_ms=5)
    assert window.scanner.opened == []
    assert window.current_tab() is tab
    _settle(window)


def _settle(window: Any, seconds: float = 30) -> None:
    """Let a preview the Print tab started finish before the window is torn down."""
    end = time.monotonic() + seconds
    while window.desk.worker.running and time.monotonic() < end:
        pump(window.root, 50)


def test_leaving_the_search_for_a_dropdown_list_is_no_error(window: Any) -> None:
    """Issue 18 §8: KeyError 'popdown' after using the search, then a dropdown: the focus was in
    the combobox's own list, which has no Python widget."""
    box = window.search
    box.focus()
    box.var.set("SH-")
    pump(window.root)
    combo = window.show_tab("intake").request_form.widgets["reason"]
    window.root.tk.call("ttk::combobox::Post", str(combo))  # the list drops down, focused
    pump(window.root)
    with pytest.raises(KeyError):
        window.root.focus_get()  # what tkinter does here: the reason for the guard
    box._leave()  # raised KeyError('popdown') before
    assert not box.is_open()
    window.root.tk.call("ttk::combobox::Unpost", str(combo))
