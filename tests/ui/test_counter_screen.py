"""The window on the screens shops have: 1366×768 less the Windows taskbar (1366×728).

Each check looks at where a widget really is on the X screen (winfo_rooty + height) against the
window's own rectangle: the status bar and each tab's primary button must be inside it, and
what a tab holds below the fold must be reachable by scrolling.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
import ttkbootstrap as ttk

from app.services.shop.context import Context
from tests.ui.conftest import pump

SMALL = "1366x728"


def counter_window(tk_root: Any, ctx: Context) -> Iterator[Any]:
    """The window at the counter's 1366×728 for `ctx`; afterwards the root back as it was."""
    from app.ui.app import build

    tk_root.geometry(f"{SMALL}+0+0")
    window = build(ctx, root=tk_root)
    tk_root.deiconify()
    pump(tk_root, 100)
    yield window
    end = time.monotonic() + 30  # work a tab started (a preview, the figures) ends first
    while window.desk.worker.running and time.monotonic() < end:
        pump(tk_root, 50)
    for child in list(tk_root.winfo_children()):
        child.destroy()
    tk_root.geometry("1360x860+0+0")
    pump(tk_root)


@pytest.fixture
def small_screen(tk_root: Any, demo_ctx: Context) -> Iterator[Any]:
    yield from counter_window(tk_root, demo_ctx)


def inside(window: Any, widget: Any) -> bool:
    """The whole widget is drawn inside the window (not cut off at the bottom or right)."""
    root = window.root
    root.update_idletasks()
    if not widget.winfo_ismapped():
        return False
    top, bottom = root.winfo_rooty(), root.winfo_rooty() + root.winfo_height()
    left, right = root.winfo_rootx(), root.winfo_rootx() + root.winfo_width()
    y, x = widget.winfo_rooty(), widget.winfo_rootx()
    return (
        top <= y
        and y + widget.winfo_height() <= bottom
        and left <= x
        and x + widget.winfo_width() <= right
    )


def off_screen(window: Any, section: Any) -> tuple[int, list[str]]:
    """The buttons, lists, fields and boxes shown in `section` (how many) and those of them cut
    off by the window's edge (buttons by their text)."""
    kinds = (ttk.Button, ttk.Treeview, ttk.Entry, ttk.Checkbutton)

    def mapped(widget: Any) -> list[Any]:
        found = []
        for child in widget.winfo_children():
            if isinstance(child, kinds) and child.winfo_ismapped():
                found.append(child)
            found.extend(mapped(child))
        return found

    widgets = mapped(section)
    cut = [
        str(w.cget("text")) if isinstance(w, ttk.Button) else w.winfo_class()
        for w in widgets
        if not inside(window, w)
    ]
    return len(widgets), cut


def test_the_window_is_1366_by_728(small_screen: Any) -> None:
    root = small_screen.root
    assert (root.winfo_width(), root.winfo_height()) == (1366, 728)


def test_status_bar_and_each_tabs_primary_button_are_visible(small_screen: Any) -> None:
    window = small_screen
    primary = {
        "intake": lambda t: t.save_button,
        "forms": lambda t: t.print_button,
        "reports": lambda t: t.print_button,
        "settings": lambda t: t.save_button,
        "lists": lambda t: t.nav_buttons["dealers"],  # each list's own: tests/ui/test_lists_tab
    }
    for tab_id in window.tabs:
        tab = window.show_tab(tab_id)
        pump(window.root, 50)
        assert inside(window, window.status), tab_id
        if tab_id in primary:
            assert inside(window, primary[tab_id](tab)), tab_id
        else:  # the browse tabs: the list and the record beside it
            assert inside(window, tab.browser), tab_id
            assert inside(window, tab.panel), tab_id


def test_settings_printing_save_is_reachable_and_the_section_scrolls(small_screen: Any) -> None:
    window = small_screen
    tab = window.show_tab("settings")
    tab.show_section("printing")
    pump(window.root, 400)  # the scroll frame re-measures its content
    assert inside(window, tab.save_button)
    assert tab.body_scroll.overflows(), "the printing section is taller than the room: it scrolls"
    last = max(tab.forms["printing"].winfo_children(), key=lambda w: w.winfo_y() + w.winfo_height())
    assert not inside(window, last)
    tab.body_scroll.see(last)
    pump(window.root, 50)
    assert inside(window, last)
    assert inside(window, tab.save_button)


def test_after_saving_an_intake_the_number_and_its_buttons_are_in_view(
    small_screen: Any, demo_ctx: Context
) -> None:
    window = small_screen
    tab = window.show_tab("intake")
    tab.customer_form.widgets["phone"].insert(0, "13912340088")
    tab.customer_form.widgets["name"].insert(0, "李四")
    tab.product_form.widgets["product"].insert(0, "测试手机 X1")
    number = tab.save()
    assert number, window.status.cget("text")
    pump(window.root, 400)
    for widget in (tab.result_number, tab.open_button, tab.print_button, tab.new_button):
        assert inside(window, widget)
    assert inside(window, window.status)
    assert number in window.status.cget("text")


def test_print_tabs_verify_box_is_reachable(small_screen: Any) -> None:
    window = small_screen
    tab = window.show_tab("forms")
    pump(window.root, 400)
    page = window.tabs.pages["forms"]
    page.scroll.see(tab.verify_button)
    pump(window.root, 50)
    assert inside(window, tab.verify_button)
    assert inside(window, window.status)
    end = time.monotonic() + 30  # the preview the tab started, before the window goes
    while window.desk.worker.running and time.monotonic() < end:
        pump(window.root, 50)


def test_the_wheel_scrolls_the_section_under_the_pointer(small_screen: Any) -> None:
    from app.ui.widgets.scrolling import scroller_for, wheel_units

    window = small_screen
    tab = window.show_tab("settings")
    tab.show_section("printing")
    pump(window.root, 400)
    inner = tab.forms["printing"]
    assert scroller_for(inner) is tab.body_scroll
    before = tab.body_scroll.canvas.yview()[0]
    tab.body_scroll.scroll_units(wheel_units(SimpleNamespace(num=5, delta=0)))
    pump(window.root, 20)
    assert tab.body_scroll.canvas.yview()[0] > before
    assert wheel_units(SimpleNamespace(num=None, delta=-120)) == 3  # Windows: down
    assert wheel_units(SimpleNamespace(num=None, delta=240)) == -6
    # a list scrolls itself: the wheel over it is not taken by the page
    cases = window.show_tab("cases")
    pump(window.root, 50)
    assert scroller_for(cases.browser.tree) is None


def test_a_dialog_stays_above_the_taskbar(small_screen: Any) -> None:
    import ttkbootstrap as ttk

    from app.ui.dialogs import TASKBAR_PX, place_over

    window = small_screen
    dialog = ttk.Toplevel(master=window)
    ttk.Frame(dialog, height=window.root.winfo_screenheight() - 200, width=300).pack()
    window.root.geometry(f"1366x728+0+{window.root.winfo_screenheight() - 728}")
    pump(window.root, 50)
    place_over(dialog)
    pump(window.root, 50)
    bottom = dialog.winfo_rooty() + dialog.winfo_reqheight()
    assert bottom <= dialog.winfo_screenheight() - TASKBAR_PX
    assert dialog.winfo_rooty() >= 0
    dialog.destroy()
