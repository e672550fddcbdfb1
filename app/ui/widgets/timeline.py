"""A record's history: who did what, when (shop time), oldest first."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable, Sequence
from datetime import datetime

import ttkbootstrap as ttk

from app.i18n import _
from app.i18n.labels import EVENT_ACTIONS, STATUSES, label
from app.services.views import EventView


def describe_event(e: EventView) -> str:
    if e.to_state:
        change = f"{label(STATUSES, e.from_state) if e.from_state else '—'} → " + label(
            STATUSES, e.to_state
        )
    else:
        change = event_label(e.action)
    return f"{change}  {e.note}".strip()


def event_label(action: str) -> str:
    """The event's name as people read it; an unknown action shows its code."""
    return label(EVENT_ACTIONS, action) if action in EVENT_ACTIONS else action.replace("_", " ")


class Timeline(ttk.Frame):
    def __init__(self, master: tk.Misc, local: Callable[[datetime], datetime]) -> None:
        super().__init__(master)
        self._local = local
        cols = ("when", "who", "what")
        self.tree = ttk.Treeview(self, columns=cols, show="headings", height=8)
        for col, text, width, stretch in (
            ("when", _("When"), 130, False),
            ("who", _("Who"), 90, False),
            ("what", _("What"), 420, True),
        ):
            self.tree.heading(col, text=text, anchor="w")
            self.tree.column(col, width=width, stretch=stretch, anchor="w")
        bar = ttk.Scrollbar(self, orient="vertical", command=self.tree.yview)
        self.tree.configure(yscrollcommand=bar.set)
        self.tree.pack(side="left", fill="both", expand=True)
        bar.pack(side="right", fill="y")

    def show(self, events: Sequence[EventView]) -> None:
        self.tree.delete(*self.tree.get_children())
        for e in events:
            when = self._local(e.at).strftime("%Y-%m-%d %H:%M")
            self.tree.insert("", "end", values=(when, e.actor, describe_event(e)))
        children = self.tree.get_children()
        if children:
            self.tree.see(children[-1])

    def rows(self) -> list[tuple[str, ...]]:
        return [tuple(self.tree.item(i, "values")) for i in self.tree.get_children()]
