"""维修单 Repairs: a board of open repairs by status and technician above the list, the ticket
beside it. A click on a count filters the list to those tickets."""

from __future__ import annotations

import tkinter as tk

import ttkbootstrap as ttk

from app.i18n import N_, _
from app.services.remedies.repair_help import BOARD_GROUPS, Board, BoardRow, board
from app.ui.tabs.base import BrowseTab
from app.ui.worker import Latest

GROUP_LABELS = {
    "intake": N_("Intake"),
    "waiting": N_("Waiting"),
    "bench": N_("On the bench"),
    "pickup": N_("Pickup"),
    "on_site": N_("On site"),
}
# Short column names: the board must fit beside the ticket.
SHORT = {
    "received": N_("Received"),
    "diagnosing": N_("Diagnosing"),
    "awaiting_approval": N_("Approval"),
    "awaiting_parts": N_("Parts"),
    "repairing": N_("Repairing"),
    "quality_check": N_("QC"),
    "ready_for_pickup": N_("Ready"),
    "scheduled": N_("Booked"),
    "visited": N_("Visited"),
    "revisit_scheduled": N_("Revisit"),
}
CELL_FONT = ("TkDefaultFont", 10, "bold")
SMALL = ("TkDefaultFont", 8)


class RepairBoard(ttk.Labelframe):
    """Counts of open repairs: one row per technician, columns grouped by stage."""

    def __init__(self, master: tk.Misc, tab: RepairsTab) -> None:
        super().__init__(master, text=_("Open repairs by stage and technician"), padding=(8, 4))
        self.tab = tab
        self.data: Board | None = None
        self.cells: dict[tuple[str, str], ttk.Label] = {}  # (row key, status) -> label
        self.selected: tuple[str, str] | None = None
        self.red: set[tuple[str, str]] = set()  # cells shown red: some repairs overdue
        self._row_keys: list[str] = []
        self.grid_frame = ttk.Frame(self)
        self.grid_frame.pack(fill="x")
        self.reader = Latest(self, "board")  # the counts are read off the window's thread
        legend = ttk.Frame(self)
        legend.pack(fill="x", pady=(4, 0))
        ttk.Label(
            legend,
            text=_("Click a number to list those repairs; red: some are overdue."),
            bootstyle="secondary",
            font=SMALL,
        ).pack(side="left")

    # --- building --------------------------------------------------------------------------

    def _rows(self, data: Board) -> list[tuple[str, str, BoardRow, bool]]:
        """(key, title, counts, clickable): technicians, unassigned, everyone."""
        rows = [(f"tech:{r.name}", r.display_name or r.name, r, True) for r in data.rows]
        rows.append(("unassigned", _("Unassigned"), data.unassigned, False))
        rows.append(("all", _("All"), data.totals, True))
        return rows

    def _build(self, data: Board) -> None:
        for child in self.grid_frame.winfo_children():
            child.destroy()
        self.cells = {}
        g = self.grid_frame
        col = 1
        for group, statuses in BOARD_GROUPS:
            pad = (12, 0) if col > 1 else (4, 0)
            ttk.Label(g, text=_(GROUP_LABELS[group]), font=("TkDefaultFont", 9, "bold")).grid(
                row=0, column=col, columnspan=len(statuses), sticky="w", padx=pad
            )
            ttk.Separator(g).grid(
                row=1, column=col, columnspan=len(statuses), sticky="we", padx=pad
            )
            for i, status in enumerate(statuses):
                ttk.Label(g, text=_(SHORT[status]), bootstyle="secondary", font=SMALL).grid(
                    row=2, column=col + i, sticky="e", padx=pad if i == 0 else (6, 0)
                )
            col += len(statuses)
        self._row_keys = []
        for r, (key, title, _counts, clickable) in enumerate(self._rows(data), start=3):
            self._row_keys.append(key)
            strong = key == "all"
            ttk.Label(
                g,
                text=title,
                font=("TkDefaultFont", 9, "bold") if strong else ("TkDefaultFont", 9),
                bootstyle="default" if clickable else "secondary",
            ).grid(row=r, column=0, sticky="w", pady=(4 if strong else 1, 1))
            col = 1
            for group_index, (_group, statuses) in enumerate(BOARD_GROUPS):
                for i, status in enumerate(statuses):
                    pad = (12 if group_index else 4, 0) if i == 0 else (6, 0)
                    cell = ttk.Label(g, text="", anchor="e", width=3, font=CELL_FONT)
                    cell.grid(row=r, column=col + i, sticky="e", padx=pad)
                    if clickable:
                        cell.bind("<Button-1>", lambda _e, k=key, s=status: self.click(k, s))
                    self.cells[(key, status)] = cell
                col += len(statuses)
        g.columnconfigure(0, weight=1)

    # --- data ------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Count again; the board changes when the counts arrive (a newer count wins)."""
        self.tab.desk.read_later(self.reader, board, then=self._show)

    def _show(self, data: Board) -> None:
        if not self.winfo_exists():
            return
        keys = [k for k, *_rest in self._rows(data)]
        if keys != self._row_keys:
            self._build(data)
        self.data = data
        self.red = set()
        for key, _title, counts, clickable in self._rows(data):
            for status in (s for _g, statuses in BOARD_GROUPS for s in statuses):
                n = counts.count(status)
                cell = self.cells[(key, status)]
                chosen = self.selected == (key, status)
                colour = (
                    "danger" if counts.late(status) else "primary" if clickable else "secondary"
                )
                style = f"@{colour}" if chosen else colour if n else "light"
                if counts.late(status):
                    self.red.add((key, status))
                cell.configure(
                    text=str(n) if n else "·",
                    bootstyle=style,
                    cursor="hand2" if clickable and n else "",
                )

    def late(self, key: str, status: str) -> bool:
        """True when the cell is marked red (some of its repairs are overdue)."""
        return (key, status) in self.red

    def count(self, key: str, status: str) -> int:
        """The number shown in one cell (0 for the dot)."""
        text = str(self.cells[(key, status)].cget("text"))
        return int(text) if text.isdigit() else 0

    def click(self, key: str, status: str) -> None:
        """Filter the list to this technician (or everyone) and status; again: clear."""
        if self.selected == (key, status):
            self.selected = None
            self.tab.filter_list("", "")
        else:
            self.selected = (key, status)
            self.tab.filter_list(status, key.removeprefix("tech:") if key != "all" else "")
        self.refresh()


class RepairsTab(BrowseTab):
    TAB = "repairs"
    ASSIGNEE_ROLES = ("technician",)

    def build_left(self, left: ttk.Frame) -> None:
        self.board = RepairBoard(left, self)
        self.board.pack(fill="x", pady=(0, 8))

    def filter_list(self, status: str, assignee: str) -> None:
        """Show the repairs in ``status`` of ``assignee`` ("" for any) in the list below."""
        b = self.browser
        b.status.current(b.status_codes.index(status) if status in b.status_codes else 0)
        b.assignee.current(b.assignee_codes.index(assignee) if assignee in b.assignee_codes else 0)
        b.overdue.set(False)
        b.open_only.set(False)
        b.search.set("")
        b.refresh()

    def reload(self) -> None:
        self.board.refresh()
        super().reload()
