"""The two costs taken out of the window's start (issue #20 item 5): the window's own size
handlers running for every widget inside it, and a drop-down list window made for every
combobox. What they did must still happen: the window tracks its own size, and a combobox's
list opens styled, with the shop's entries, and with Intake's Tab order."""

from __future__ import annotations

import time
from typing import Any

import ttkbootstrap as ttk

from app.ui.widgets.combo import Combobox
from app.ui.window_events import keep_to_itself, own_tag
from tests.ui.conftest import pump


def _descendants(widget: Any) -> list[Any]:
    out = []
    for child in widget.winfo_children():
        out.append(child)
        out.extend(_descendants(child))
    return out


def test_the_windows_own_handlers_run_for_the_window_only(window: Any) -> None:
    root = window.root
    tag = own_tag(root)
    assert root.bindtags()[0] == tag
    for sequence in ("<Map>", "<Configure>"):
        assert not str(root.tk.call("bind", ".", sequence)).strip()
        assert str(root.tk.call("bind", tag, sequence)).strip()  # still there, for the window
    assert "on_map_child" not in str(root.tk.call("bind", "all", "<Map>"))
    assert all(tag not in w.bindtags() for w in _descendants(root))
    # A read-only field still shows the arrow pointer, by a Tcl line rather than Python.
    assert "on_disabled_readonly_state" not in str(root.tk.call("bind", "TEntry", "<Configure>"))
    frame = ttk.Frame(root)
    frame.place(x=0, y=0)
    try:
        fixed, free = Combobox(frame, state="readonly"), ttk.Entry(frame)
        fixed.pack()
        free.pack()
        pump(root)
        assert str(fixed.cget("cursor")) == "arrow"
        assert str(free.cget("cursor")) != "arrow"
    finally:
        frame.destroy()
    # Calling it again (the program calls it at start and after building) changes nothing.
    before = str(root.tk.call("bind", tag, "<Configure>"))
    keep_to_itself(root)
    assert str(root.tk.call("bind", tag, "<Configure>")) == before
    assert root.bindtags().count(tag) == 1


def test_the_window_still_follows_its_own_size(window: Any) -> None:
    """ttkbootstrap forgets a size it was asked for once the window has been seen at a size:
    that needs the window's own map and size events."""
    root = window.root
    root.geometry("1300x800")
    assert root._applied_size == (1300, 800)  # noqa: SLF001 - the library's own record
    pump(root, 100)
    assert root._applied_size is None  # noqa: SLF001
    root.geometry("1360x860")
    pump(root, 100)


def test_intake_makes_no_list_windows_until_one_is_opened(window: Any) -> None:
    tab = window.show_tab("intake")
    pump(window.root)
    combos = [w for w in _descendants(tab) if w.winfo_class() == "TCombobox"]
    assert len(combos) >= 10
    assert all(isinstance(c, Combobox) for c in combos)
    assert not any(c.has_popdown() for c in combos)
    combo = tab.product_form.widgets["product"]
    combo.tk.call("ttk::combobox::Post", str(combo))
    pump(window.root, 50)
    assert combo.has_popdown()
    listbox = f"{combo.popdown()}.f.l"
    # Styled as ttkbootstrap styles it, and Intake's Tab order bound on the list.
    colors = ttk.Style.get_instance().colors
    assert str(combo.tk.call(listbox, "cget", "-background")).lower() == colors.inputbg.lower()
    assert str(combo.tk.call("bind", listbox, "<Tab>")).endswith("; break")
    combo.tk.call("ttk::combobox::Unpost", str(combo))
    pump(window.root)


def test_a_combobox_list_opens_with_what_its_postcommand_filled(tk_root: Any) -> None:
    frame = ttk.Frame(tk_root)
    frame.pack()
    try:
        calls: list[str] = []
        box = Combobox(frame, values=["old"])
        box.configure(postcommand=lambda: (calls.append("post"), box.configure(values=["a", "b"])))
        box.when_opened(lambda path: calls.append("opened " + path.rsplit(".", 1)[-1]))
        box.pack()
        pump(tk_root)
        assert calls == [] and not box.has_popdown()
        box.tk.call("ttk::combobox::Post", str(box))
        pump(tk_root, 50)
        listbox = f"{box.popdown()}.f.l"
        assert box.tk.splitlist(box.tk.call(listbox, "get", 0, "end")) == ("a", "b")
        assert calls == ["opened popdown", "post"]
        box.tk.call("ttk::combobox::Unpost", str(box))
        box.tk.call("ttk::combobox::Post", str(box))  # the second time: the hook ran once
        pump(tk_root, 50)
        assert calls == ["opened popdown", "post", "post"]
        box.tk.call("ttk::combobox::Unpost", str(box))
        later: list[str] = []
        box.when_opened(later.append)  # registered after it exists: runs at once
        assert later == [box.popdown()]
        # Asking for a query still answers as ttk does.
        assert box.configure("values")[0] == "values"
        assert str(box.cget("style")) == "TCombobox"
    finally:
        frame.destroy()


def test_intakes_form_keeps_its_width_when_its_scroll_bar_comes_and_goes(window: Any) -> None:
    """The bar has its own lane: the form is not laid out again at another width (a reflow of
    the whole form each time) when the window's height makes the bar come or go."""
    root = window.root
    tab = window.show_tab("intake")
    try:
        widths = {}
        for height in (1400, 700):
            root.geometry(f"1366x{height}")
            pump(root, 150)
            widths[tab.scroll.bar.winfo_ismapped()] = tab.scroll.interior.winfo_width()
        assert set(widths) == {0, 1}  # the bar was seen both ways
        assert widths[0] == widths[1]
    finally:
        root.geometry("1360x860")
        pump(root, 100)


def test_a_scroll_frame_shows_its_bar_only_once_it_is_on_screen(tk_root: Any) -> None:
    """Built off screen, its room is the height it asked for; a bar shown then and taken away
    at the real height made the page be laid out twice more."""
    from app.ui.widgets.scrolling import ScrollFrame

    holder = ttk.Frame(tk_root)
    try:
        frame = ScrollFrame(holder, height=50, width=200)
        frame.pack(fill="both", expand=True)
        ttk.Frame(frame.interior, height=300, width=100).pack()
        frame.sync()
        tk_root.update_idletasks()
        frame.sync()
        assert not frame.bar.winfo_manager()  # not on screen: no bar yet
        holder.place(x=0, y=0, width=220, height=100)
        pump(tk_root, 50)
        assert frame.bar.winfo_ismapped()  # on screen and taller than its room
        holder.place_configure(height=600)
        pump(tk_root, 50)
        assert not frame.bar.winfo_manager()
    finally:
        holder.destroy()


def test_the_reads_asked_at_start_begin_after_the_window_is_laid_out(
    tk_root: Any, demo_ctx: Any, monkeypatch: Any
) -> None:
    """The window asks for its banners' facts and Intake's product suggestions while it is
    built. Those reads begin once the window has stopped moving, not between two rounds of its
    first layout: a reader thread running then made every size handler of the first draw wait
    for it (issue #20, item 5)."""
    from app.ui import main_window
    from app.ui.app import build
    from app.ui.tabs import intake

    root = tk_root
    moved: list[float] = []
    marker = root.bind_all("<Configure>", lambda _e: moved.append(time.monotonic()), add="+")
    began: dict[str, float] = {}

    def noted(name: str, real: Any) -> Any:
        def read(*args: Any, **kw: Any) -> Any:
            began[name] = time.monotonic()  # on the reader thread
            return real(*args, **kw)

        return read

    answered: list[float] = []
    show = main_window.MainWindow._show_banners

    def shown(self: Any, *args: Any) -> None:
        answered.append(time.monotonic())  # the banner moves the tabs down: moves from here on
        show(self, *args)

    monkeypatch.setattr(main_window, "_banner_facts", noted("banners", main_window._banner_facts))
    monkeypatch.setattr(intake, "product_choices", noted("products", intake.product_choices))
    monkeypatch.setattr(main_window.MainWindow, "_show_banners", shown)
    try:
        window = build(demo_ctx, root=root)
        pump(root)
        assert set(began) == {"banners", "products"} and answered
        first_layout = [t for t in moved if t < answered[0]]
        assert len(first_layout) > 50, "the window was laid out"
        assert min(began.values()) > first_layout[-1]  # it was over before a read began
        assert window.demo_banner.winfo_ismapped()  # and the answers arrived
    finally:
        script = str(root.tk.call("bind", "all", "<Configure>"))
        kept = [line for line in script.splitlines() if marker not in line]
        root.tk.call("bind", "all", "<Configure>", "\n".join(kept))
        for child in list(root.winfo_children()):
            child.destroy()
        pump(root)
