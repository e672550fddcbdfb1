"""A record's history: who did what, when (shop time), oldest first.

Drawn in a Text widget rather than a list, so a long note wraps under its own column instead
of being cut off at the pane's edge.
"""

from __future__ import annotations

import re
import tkinter as tk
import tkinter.font as tkfont
from collections.abc import Callable, Sequence
from datetime import datetime

import ttkbootstrap as ttk

from app.i18n import _
from app.i18n.event_texts import describe
from app.services.casework.views import EventView

# Chinese, Japanese and full-width text has no spaces to break at: such lines wrap by character.
_CJK = re.compile("[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")


def has_cjk(text: str) -> bool:
    """True when the text needs wrapping by character (it holds CJK characters)."""
    return bool(_CJK.search(text))


def describe_event(e: EventView) -> str:
    return describe(e.action, e.note, e.data, e.from_state, e.to_state)


def theme_colours() -> tuple[str, str]:
    """(muted text, rule line) colours readable in the current light or dark theme."""
    try:
        c = ttk.Style.get_instance().colors
        return str(c.secondary), str(c.border)
    except Exception:  # noqa: BLE001 - no style yet (a bare Tk): fall back to neutral greys
        return "#6c757d", "#dee2e6"


class Timeline(ttk.Frame):
    """Three columns (when, who, what); the "what" wraps with a hanging indent."""

    def __init__(self, master: tk.Misc, local: Callable[[datetime], datetime]) -> None:
        super().__init__(master)
        self._local = local
        self._rows: list[tuple[str, str, str]] = []
        self._font = tkfont.nametofont("TkDefaultFont")
        self._who_x = self._font.measure("2026-11-23 88:88") + 18
        self._what_x = self._who_x + self._font.measure("王王王王") + 14
        self.text = ttk.Text(
            self,
            height=6,
            width=40,
            wrap="word",
            relief="flat",
            borderwidth=0,
            highlightthickness=0,
            padx=6,
            pady=4,
            cursor="arrow",
            tabs=(self._who_x, self._what_x),
            spacing1=3,
            spacing3=3,
        )
        # The column names stay put above the scrolling rows.
        self.head = ttk.Text(
            self,
            height=1,
            width=40,
            relief="flat",
            borderwidth=0,
            highlightthickness=0,
            padx=6,
            pady=2,
            cursor="arrow",
            font=("TkDefaultFont", 9),
            takefocus=False,
        )
        self.head.pack(side="top", fill="x")
        ttk.Separator(self).pack(side="top", fill="x")
        bar = ttk.Scrollbar(self, orient="vertical", command=self.text.yview)
        self.text.configure(yscrollcommand=bar.set)
        bar.pack(side="right", fill="y")
        self.text.pack(side="left", fill="both", expand=True)
        self.text.tag_configure("row", lmargin2=self._what_x)
        self.text.tag_configure("cjk", wrap="char")
        self.text.tag_configure("when", font=("TkDefaultFont", 9))
        self._colour()
        self.text.configure(state="disabled")

    def _colour(self) -> None:
        muted, _rule = theme_colours()
        self.head.configure(foreground=muted)
        self.text.tag_configure("when", foreground=muted)
        self.text.tag_configure("empty", foreground=muted)

    def show(self, events: Sequence[EventView]) -> None:
        self._rows = [
            (self._local(e.at).strftime("%Y-%m-%d %H:%M"), e.actor, describe_event(e))
            for e in events
        ]
        self._draw()

    def restyle(self) -> None:
        """Pick up the colours of a new theme."""
        self._colour()
        self._draw()

    def _columns(self) -> None:
        """Room for the longest name (within reason), so the "what" column lines up."""
        names = [_("Who"), "王王王", *(who for _w, who, _x in self._rows)]
        width = min(max(self._font.measure(n) for n in names), self._font.measure("M" * 14))
        self._what_x = self._who_x + width + 16
        self.text.configure(tabs=(self._who_x, self._what_x))
        self.head.configure(tabs=(self._who_x, self._what_x), state="normal")
        self.head.delete("1.0", "end")
        when, who, what = _("When"), _("Who"), _("What")
        self.head.insert("end", f"{when}\t{who}\t{what}")
        self.head.configure(state="disabled")
        self.text.tag_configure("row", lmargin2=self._what_x)

    def _draw(self) -> None:
        t = self.text
        self._columns()
        t.configure(state="normal")
        t.delete("1.0", "end")
        for when, who, what in self._rows:
            tags: tuple[str, ...] = ("row", "cjk") if has_cjk(what) else ("row",)
            t.insert("end", when, (*tags, "when"))
            t.insert("end", f"\t{who}\t{what}\n", tags)
        t.configure(state="disabled")
        t.see("end")

    def rows(self) -> list[tuple[str, ...]]:
        return list(self._rows)
