"""A list of cases beside the selected record: the shape of the Repairs, Returns and All tabs."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Sequence

import ttkbootstrap as ttk

from app.domain import kinds as case_kinds
from app.services.casework.views import CaseDetail
from app.ui.desk import Desk
from app.ui.record.panel import RecordPanel
from app.ui.widgets.caselist import CaseBrowser
from app.ui.worker import Latest


def read_staff_names(browser: CaseBrowser, desk: Desk, roles: Sequence[str] = ()) -> None:
    """Fill ``browser``'s assignee filter with the active staff (services, never the store),
    read on a reader thread of its own that ends once they arrived: the tab is drawn first and
    the window never waits for them."""
    from app.services.casework.cases import staff

    reader = Latest(browser, "staff")

    def arrived(names: Sequence[str]) -> None:
        reader.close()
        browser.set_assignees(list(names))

    desk.read_later(reader, staff, tuple(roles), then=arrived, failed=lambda _e: reader.close())


class BrowseTab(ttk.Frame):
    """Filters and list on the left, the record on the right.

    What it shows is read when it comes to the front (`on_shown`) and, while in front, on every
    change. A change while it is hidden only marks it stale: at 200,000 cases each list costs
    ~0.1 s to read, which a save at the counter should not wait for. Subclasses put what a
    refresh reads in `reload`.
    """

    TAB = ""  # its id in the kind descriptors (app.domain.kinds): which kinds it lists
    ASSIGNEE_ROLES: tuple[str, ...] = ()

    def __init__(self, master: tk.Misc, desk: Desk) -> None:
        super().__init__(master, padding=6)
        self.desk = desk
        self.stale = True
        self.panes = ttk.Panedwindow(self, orient="horizontal")
        self.panes.pack(fill="both", expand=True)
        left = ttk.Frame(self.panes)
        self.build_left(left)
        self.browser = CaseBrowser(
            left,
            desk,
            kinds=self.kinds(),
            on_select=self.show_record,
        )
        read_staff_names(self.browser, desk, self.ASSIGNEE_ROLES)
        self.browser.follows_changes = False  # this tab refreshes it (see `refresh`)
        desk.on("changed", self.refresh)
        self.browser.pack(fill="both", expand=True)
        self.panel = RecordPanel(self.panes, desk)
        self.panes.add(left, weight=3)
        self.panes.add(self.panel, weight=2)
        self._split_done = False
        self.panes.bind("<Configure>", self._split, add="+")

    def _split(self, event: tk.Event) -> None:
        """Once, when first shown: the record gets about 580 px, the list the rest (both
        requests together are wider than a 1360 px window, and Tk would cut the list)."""
        if self._split_done or event.width < 200:
            return
        self._split_done = True
        self.panes.sashpos(0, max(event.width // 2, event.width - 580))

    def build_left(self, left: ttk.Frame) -> None:
        """Room above the list for a tab's own widgets (a board, a summary)."""

    @classmethod
    def owns(cls, kind: str) -> bool:
        """Whether a record of this kind opens here (asked before the tab is built)."""
        return case_kinds.opened_in(kind) == cls.TAB

    @classmethod
    def kinds(cls) -> tuple[str, ...]:
        """The kinds this tab lists, as their descriptors say."""
        return case_kinds.listed_in(cls.TAB)

    def on_shown(self) -> None:
        if self.stale:
            self.stale = False
            self.reload()

    def show_record(self, number: str, detail: CaseDetail | None = None) -> None:
        """Show a record beside the list and select its row; ``detail`` when it was read
        already. Both are read on reader threads: the window never waits for them."""
        self.on_shown()
        if detail is not None:
            self.panel.show_detail(detail)
        elif self.panel.wanted != number:
            self.panel.show(number)
        if number not in self.browser.tree.selection():
            self.browser.select(number)

    def refresh(self) -> None:
        if self.winfo_ismapped():
            self.stale = False
            self.reload()
        else:
            self.stale = True

    def reload(self) -> None:
        self.browser.refresh()

    def print_current(self) -> None:
        """Ctrl+P: the open record's usual slip, in the Print tab."""
        from app.ui.record.common_actions import default_form

        if self.panel.detail is not None:
            self.desk.emit("print", self.panel.detail.number, default_form(self.panel.detail))

    def screenshot_setup(self) -> None:
        """Show a record that has some history, for the documentation screenshots."""
        self.on_shown()
        if self.browser.busy:  # the list is still being read: once it is there
            self.after(50, self.screenshot_setup)
            return
        rows = [r for r in self.browser.rows if not r.overdue] or self.browser.rows
        if rows:
            self.show_record(rows[min(3, len(rows) - 1)].number)
