"""退货跟踪: returns, exchanges and refund-only cases, with a strip of what waits on the desk."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from typing import Any

import ttkbootstrap as ttk

from app.i18n import N_, _
from app.services.remedies.replies import awaiting_reply
from app.services.remedies.return_help import (
    STRIP_STATUSES,
    ReturnCounts,
    return_counts,
)
from app.services.remedies.returns import goods_owed
from app.ui.desk import Desk
from app.ui.lists.transfer import ImportExportBar
from app.ui.tabs.base import BrowseTab
from app.ui.worker import Latest

#: The chips of the counts strip, in order: (key in STRIP_STATUSES, label).
CHIPS: tuple[tuple[str, str], ...] = (
    ("awaiting_approval", N_("Awaiting approval")),
    ("awaiting_goods", N_("Awaiting goods")),
    ("to_inspect", N_("To inspect")),
    ("to_settle", N_("To settle")),
)


#: Rows of each waiting list shown above the returns list (the rest: `goods-owed`, `replies`).
OWED_SHOWN = 5


def _waiting(ctx: Any) -> tuple[ReturnCounts, list[Any], list[Any]]:
    """What waits on the desk: the strip's counts, goods owed, replies awaited (one read)."""
    return return_counts(ctx), goods_owed(ctx), awaiting_reply(ctx)


class WaitingList(ttk.Frame):
    """A titled list of links above the returns list (hidden when empty); a click opens one."""

    def __init__(self, master: tk.Misc, open_record: Callable[[str], object]) -> None:
        super().__init__(master)
        self.pack(fill="x", pady=(0, 6))
        self.open_record = open_record
        self.title = ttk.Label(self, font=("TkDefaultFont", 9, "bold"))
        self.buttons: list[ttk.Button] = []

    def show(self, title: str, rows: list[tuple[str, bool, str]]) -> None:
        """``rows``: (text, urgent, case number), most urgent first."""
        for b in self.buttons:
            b.destroy()
        self.buttons = []
        if not rows:
            self.title.pack_forget()
            return
        self.title.configure(text=title)
        self.title.pack(anchor="w")
        for text, urgent, number in rows[:OWED_SHOWN]:
            button = ttk.Button(
                self,
                text=text,
                bootstyle="danger-link" if urgent else "secondary-link",
                command=lambda n=number: self.open_record(n),
            )
            button.pack(anchor="w")
            self.buttons.append(button)


class ReturnsTab(BrowseTab):
    TAB = "returns"
    ASSIGNEE_ROLES = ("front_desk", "owner")

    def __init__(self, master: tk.Misc, desk: Desk) -> None:
        super().__init__(master, desk)
        self.browser.status.bind("<<ComboboxSelected>>", self._status_picked, add="+")

    def _status_picked(self, _event: object = None) -> None:
        """A status chosen in the filter lights the chip that matches it, if any."""
        status = self.browser.current_filter().status
        self.active_chip = next((k for k, s in STRIP_STATUSES.items() if s == status), "")
        self.refresh_counts()

    def build_left(self, left: ttk.Frame) -> None:
        """The counts strip: one chip per waiting step; a click filters the list by it."""
        self.counts: ReturnCounts | None = None
        self.reader = Latest(self, "returns-strip")  # read off the window's thread
        self.active_chip = ""
        self.chips: dict[str, ttk.Button] = {}
        strip = ttk.Frame(left)
        strip.pack(fill="x", pady=(0, 6))
        for i, (key, _text) in enumerate(CHIPS):
            button = ttk.Button(
                strip, bootstyle="secondary-outline", command=lambda k=key: self.toggle_chip(k)
            )
            button.grid(row=0, column=i, sticky="we", padx=(0 if i == 0 else 6, 0))
            strip.columnconfigure(i, weight=1, uniform="chips")
            self.chips[key] = button
        # A platform's after-sales export (Taobao/Tmall 千牛 退款管理 → 批量导出) in as cases,
        # previewed row by row first; the online orders' cases out to Excel.
        platform = ttk.Frame(left)
        platform.pack(fill="x", pady=(0, 6))
        ttk.Label(platform, text=_("Platform after-sales export:"), bootstyle="secondary").pack(
            side="left"
        )
        self.platform_bar = ImportExportBar(
            platform, self.desk, "platform-orders", on_done=self._imported
        )
        self.platform_bar.pack(side="left", padx=(8, 0))
        # 先补发: replacements shipped first whose old goods are not back, most overdue first.
        self.owed = WaitingList(left, self.show_record)
        # 002 §4.9: reports sent, the customer's reply awaited; silence closes the case.
        self.replies = WaitingList(left, self.show_record)

    def _imported(self) -> None:
        self.reload()
        self.refresh_counts()

    def refresh_counts(self) -> None:
        """Read the strip and both waiting lists on the tab's reader thread (one request: a
        newer one interrupts it); they are shown when they arrive."""
        if not self.winfo_exists():
            return
        self.desk.read_later(self.reader, _waiting, then=self._show_waiting)

    def _show_waiting(self, got: tuple[ReturnCounts, list[Any], list[Any]]) -> None:
        if not self.winfo_exists():
            return
        self.counts, owed, replies = got
        for key, text in CHIPS:
            n = getattr(self.counts, key)
            caption = f"{_(text)}  {n}"
            style = "primary" if key == self.active_chip else "secondary-outline"
            if key == "awaiting_goods" and self.counts.goods_late:
                caption += "  · " + _("{n} late").format(n=self.counts.goods_late)
                if key != self.active_chip:
                    style = "danger-outline"
            elif n and key != self.active_chip:
                style = "primary-outline"
            self.chips[key].configure(text=caption, bootstyle=style)
        self._show_owed(owed)
        self._show_replies(replies)

    def _show_owed(self, rows: list[Any]) -> None:
        """The list "shipped first, goods not back" with days overdue; a click opens the case."""
        self.owed.show(
            _("Shipped first, goods not back: {n}").format(n=len(rows)),
            [
                (
                    f"{row.number}  {row.customer_name}  ·  "
                    + (
                        _("{days} days overdue").format(days=row.days_overdue)
                        if row.days_overdue
                        else _("due {date}").format(date=row.due.isoformat() if row.due else "—")
                    ),
                    bool(row.days_overdue),
                    row.number,
                )
                for row in rows
            ],
        )

    def _show_replies(self, rows: list[Any]) -> None:
        """Reports sent, reply awaited: days left before the case closes as accepted."""
        self.replies.show(
            _("Awaiting the customer's reply: {n}").format(n=len(rows)),
            [
                (
                    f"{row.number}  {row.customer_name}  ·  "
                    + _("{days} days left (closes as accepted on {date})").format(
                        days=row.days_left, date=row.closes_on.isoformat()
                    ),
                    row.days_left <= 3,
                    row.number,
                )
                for row in rows
            ],
        )

    def toggle_chip(self, key: str) -> None:
        """Filter the list by the chip's status; clicking the active chip shows all again."""
        self.active_chip = "" if self.active_chip == key else key
        status = STRIP_STATUSES.get(self.active_chip, "")
        browser = self.browser
        index = browser.status_codes.index(status) if status in browser.status_codes else 0
        browser.status.current(index)
        browser.refresh()
        self.refresh_counts()

    def reload(self) -> None:
        super().reload()
        self.refresh_counts()
