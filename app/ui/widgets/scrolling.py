"""A frame that scrolls when its content is taller than the room it gets, and the mouse wheel.

On a 1366×768 screen less the Windows taskbar (about 728 px) several tabs are taller than the
window: their lower part (the Save button, the saved number) must stay reachable. ScrollFrame
shows a scroll bar only when the content does not fit; when it does fit, the content is stretched
to the full height, so lists and previews inside still fill the window.

The wheel is bound once for the whole application (`install_wheel`): it scrolls the innermost
ScrollFrame under the pointer that has something to scroll. Widgets that scroll themselves (lists,
text boxes, canvases) keep their own wheel.
"""

from __future__ import annotations

import sys
import tkinter as tk
from typing import Any

import ttkbootstrap as ttk

#: Widget classes that handle the wheel themselves: the wheel over them is theirs.
OWN_WHEEL = frozenset({"Treeview", "Text", "Listbox", "Canvas", "TCombobox", "TSpinbox"})
#: How often a shown ScrollFrame checks whether its content grew or shrank (Tk sends no event
#: when a widget's requested size changes, e.g. when a result box appears after saving).
RECHECK_MS = 300


class ScrollFrame(ttk.Frame):
    """`interior` holds the content. The frame itself asks for little height (`height`), so it
    never pushes the status bar off the window; it takes whatever room its parent gives."""

    def __init__(
        self,
        master: tk.Misc,
        *,
        height: int = 120,
        width: int | None = None,
        lane: bool = False,
        **kwargs: Any,
    ) -> None:
        """`lane`: keep the scroll bar's room even when no bar is needed, so the content is
        never laid out again at another width when the bar comes or goes (a long form)."""
        super().__init__(master, **kwargs)
        self.fixed_width = width  # None: as wide as the content asks
        self.canvas = tk.Canvas(
            self, height=height, width=width or 1, highlightthickness=0, borderwidth=0
        )
        self._lane = lane
        holder: tk.Misc = self
        if lane:
            holder = ttk.Frame(self)
            holder.pack(side="right", fill="y")
        self.bar = ttk.Scrollbar(holder, orient="vertical", command=self.canvas.yview)
        if lane:
            holder.configure(width=self.bar.winfo_reqwidth())  # type: ignore[call-arg]
            holder.pack_propagate(False)
        self.canvas.configure(yscrollcommand=self.bar.set)
        self.canvas.pack(side="left", fill="both", expand=True)
        self.interior = ttk.Frame(self.canvas)
        self._item = self.canvas.create_window((0, 0), window=self.interior, anchor="nw")
        self._last: tuple[int, int, int, int, bool] | None = None
        self.interior.bind("<Configure>", lambda _e: self.sync(), add="+")
        self.canvas.bind("<Configure>", lambda _e: self.sync(), add="+")
        self.canvas.bind("<Map>", lambda _e: self.sync(), add="+")
        self._match_background()
        self.bind("<<ThemeChanged>>", lambda _e: self._match_background(), add="+")
        self.after(RECHECK_MS, self._recheck)

    def presize(self, width: int, height: int) -> None:
        """Lay the content out at the room it will get before it is built: otherwise a new
        tab is laid out at its natural size first and again at the window's (~twice the work
        of its first show)."""
        if width > 1 and height > 1:
            self.canvas.itemconfigure(self._item, width=width, height=height)

    def _match_background(self) -> None:
        style = ttk.Style.get_instance()
        bg = style.lookup("TFrame", "background") if style is not None else ""
        if bg:
            self.canvas.configure(background=bg)

    # --- geometry --------------------------------------------------------------------------

    def overflows(self) -> bool:
        """Whether the content is taller than the room shown (something to scroll)."""
        return self.interior.winfo_reqheight() > self.canvas.winfo_height() + 1

    def sync(self) -> None:
        """Content as wide as the room, at least as tall as the room; the bar only when needed."""
        if not self.winfo_exists():
            return
        width, room = self.canvas.winfo_width(), self.canvas.winfo_height()
        req_w, req_h = self.interior.winfo_reqwidth(), self.interior.winfo_reqheight()
        shown = bool(self.canvas.winfo_ismapped())
        state = (width, room, req_w, req_h, shown)
        if state == self._last:
            return
        self._last = state
        if self.fixed_width is None and int(self.canvas.cget("width")) != req_w:
            self.canvas.configure(width=req_w)  # the frame asks for its content's width
        height = max(req_h, room)
        self.canvas.itemconfigure(self._item, width=max(width, 1), height=max(height, 1))
        self.canvas.configure(scrollregion=(0, 0, width, height))
        if req_h > room + 1:
            # Only once on screen: before, the room is the frame's asked-for height, and a bar
            # shown then and taken away at the real height laid the content out twice more.
            if shown and not self.bar.winfo_manager():
                if self._lane:
                    self.bar.pack(fill="both", expand=True)
                else:
                    self.bar.pack(side="right", fill="y", before=self.canvas)
        else:
            if self.bar.winfo_manager():
                self.bar.pack_forget()
            self.canvas.yview_moveto(0)

    def _recheck(self) -> None:
        if not self.winfo_exists():
            return
        if self.winfo_ismapped():
            self.sync()
        self.after(RECHECK_MS, self._recheck)

    # --- scrolling -------------------------------------------------------------------------

    def scroll_units(self, units: int) -> None:
        self.canvas.yview_scroll(units, "units")

    def see(self, widget: tk.Misc) -> None:
        """Scroll so that `widget` (inside the interior) is in view."""
        self.update_idletasks()
        self.sync()
        top = widget.winfo_rooty() - self.interior.winfo_rooty()
        bottom = top + widget.winfo_height()
        shown_top = self.canvas.canvasy(0)
        room = self.canvas.winfo_height()
        total = max(self.interior.winfo_height(), 1)
        if top < shown_top:
            self.canvas.yview_moveto(top / total)
        elif bottom > shown_top + room:
            self.canvas.yview_moveto(max(0, bottom - room) / total)


def wheel_units(event: tk.Event) -> int:
    """Lines to scroll for one wheel event: Windows/macOS send a delta, X11 buttons 4 and 5."""
    num = getattr(event, "num", None)
    if num == 4:
        return -3
    if num == 5:
        return 3
    delta = int(getattr(event, "delta", 0) or 0)
    if not delta:
        return 0
    if sys.platform == "darwin":
        return -delta
    return -3 * max(1, abs(delta) // 120) * (1 if delta > 0 else -1)


def scroller_for(widget: tk.Misc | None) -> ScrollFrame | None:
    """The innermost ScrollFrame holding `widget` that has something to scroll; None when the
    widget under the pointer scrolls itself (a list, a text box, a canvas of its own)."""
    w = widget
    while w is not None:
        if isinstance(w, ScrollFrame):
            if w.overflows():
                return w
        elif w.winfo_class() in OWN_WHEEL and not _is_scroll_canvas(w):
            return None
        w = getattr(w, "master", None)
    return None


def _is_scroll_canvas(widget: tk.Misc) -> bool:
    return isinstance(getattr(widget, "master", None), ScrollFrame) and widget is getattr(
        widget.master, "canvas", None
    )


def install_wheel(root: tk.Misc) -> None:
    """Bind the wheel once for the application (Windows/macOS `<MouseWheel>`, X11 buttons)."""
    if getattr(root, "_afterdesk_wheel", False):
        return
    root._afterdesk_wheel = True  # type: ignore[attr-defined]

    def wheel(event: tk.Event) -> str | None:
        try:
            widget = root.winfo_containing(event.x_root, event.y_root)
        except (KeyError, tk.TclError):  # a menu or a popdown under the pointer
            return None
        target = scroller_for(widget)
        units = wheel_units(event)
        if target is None or not units:
            return None
        target.scroll_units(units)
        return "break"

    for sequence in ("<MouseWheel>", "<Button-4>", "<Button-5>"):
        root.bind_all(sequence, wheel, add="+")
