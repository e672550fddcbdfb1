"""The global search box (Ctrl+F): results as you type; a scanned code + Enter opens its record.

Results drop down under the box inside the main window (placed, not a separate window), so
focus never leaves the window and a barcode scanner's Enter lands where it should.
"""

from __future__ import annotations

import tkinter as tk

import ttkbootstrap as ttk

from app.domain.validation import mask_phone
from app.i18n import _
from app.i18n.labels import KINDS, STATUSES, label
from app.services.casework import search as search_service
from app.services.casework.search import Hit, resolve_code
from app.ui.desk import Desk
from app.ui.errors import user_text
from app.ui.worker import Latest


class SearchBox(ttk.Frame):
    """Queries run on a reader thread (`Latest`): the window keeps answering while one runs, a
    newer keystroke interrupts the older query, and a stale answer is never shown."""

    DELAY_MS = 120

    def __init__(self, master: tk.Misc, desk: Desk) -> None:
        super().__init__(master)
        self.desk = desk
        self.var = tk.StringVar(self)
        self.hits: list[Hit] = []
        self.entry = ttk.Entry(self, textvariable=self.var, width=34)
        self.entry.pack(fill="x")
        self._placeholder = _("Search: number, name, phone, IMEI, tracking …  (Ctrl+F)")
        self._show_placeholder()
        self.entry.bind("<FocusIn>", self._focus_in, add="+")
        self.entry.bind("<FocusOut>", self._focus_out, add="+")
        self.entry.bind("<KeyRelease>", self._typed, add="+")
        self.entry.bind("<Return>", self._enter, add="+")
        self.entry.bind("<KP_Enter>", self._enter, add="+")
        self.entry.bind("<Down>", lambda _e: self._move(1), add="+")
        self.entry.bind("<Up>", lambda _e: self._move(-1), add="+")
        self.entry.bind("<Escape>", lambda _e: self.close(), add="+")
        self.drop = ttk.Frame(self.winfo_toplevel(), bootstyle="secondary", padding=1)
        self.list = tk.Listbox(
            self.drop,
            height=10,
            activestyle="none",
            borderwidth=0,
            highlightthickness=0,
            font=("TkDefaultFont", 10),
        )
        self.list.pack(fill="both", expand=True)
        self.list.bind("<ButtonRelease-1>", lambda _e: self.choose(self._current()), add="+")
        self.list.bind("<Return>", lambda _e: self.choose(self._current()), add="+")
        self.list.bind("<Escape>", lambda _e: self.close(), add="+")
        self._pending: str | None = None
        self.reader = Latest(self, "search")
        self._choose_first = False

    # --- placeholder -----------------------------------------------------------------------

    def _show_placeholder(self) -> None:
        if not self.var.get():
            self.entry.configure(foreground="#8a8f98")
            self.var.set(self._placeholder)

    def _focus_in(self, _event: object = None) -> None:
        if self.var.get() == self._placeholder:
            self.var.set("")
            self.entry.configure(foreground="")

    def _focus_out(self, _event: object = None) -> None:
        self.after(150, self._leave)

    def _leave(self) -> None:
        try:
            focus = self.focus_get()
        except KeyError:  # a combobox's list is open: Tk's own popdown has no Python widget
            focus = None
        if focus is not self.list and focus is not self.entry:
            self.close()
            self._show_placeholder()

    def text(self) -> str:
        value = self.var.get()
        return "" if value == self._placeholder else value.strip()

    def focus(self) -> None:
        self.entry.focus_set()
        self._focus_in()
        self.entry.select_range(0, "end")

    # --- searching -------------------------------------------------------------------------

    def _typed(self, event: tk.Event) -> None:
        if event.keysym in ("Return", "KP_Enter", "Up", "Down", "Escape"):
            return
        if self._pending:
            self.after_cancel(self._pending)
        self._pending = self.after(self.DELAY_MS, self.run)

    def run(self) -> None:
        """Ask for the hits of what is typed now; they are shown when they arrive."""
        self._pending = None
        query = self.text()
        if not query:
            self.reader.cancel()
            self.close()
            return
        ctx = self.desk.ctx
        self.reader.ask(lambda: search_service.search(ctx, query), self._arrived, self._failed)

    @property
    def busy(self) -> bool:
        """Whether a keystroke's query is still pending or running."""
        return self._pending is not None or self.reader.busy

    def _arrived(self, hits: list[Hit]) -> None:
        self.hits = hits
        self._show()
        if self._choose_first and self.hits:
            self._choose_first = False
            self.choose(self._current())

    def _failed(self, exc: BaseException) -> None:
        self._choose_first = False
        self.hits = []
        self.desk.notify(user_text(exc), "warning")

    def _show(self) -> None:
        self.list.delete(0, "end")
        if not self.hits:
            self.list.insert("end", "  " + _("Nothing found"))
        for h in self.hits:
            if h.kind == "case":
                line = f"  {h.title}   {label(KINDS, h.case_kind)} · {label(STATUSES, h.status)}"
                if h.detail:
                    line += f"   {h.detail}"
            else:
                line = "  " + _("Customer: {name} {phone} ({count} records)").format(
                    name=h.title, phone=mask_phone(h.phone), count=h.cases
                )
            self.list.insert("end", line)
        root = self.winfo_toplevel()
        x = self.entry.winfo_rootx() - root.winfo_rootx()
        y = self.entry.winfo_rooty() - root.winfo_rooty() + self.entry.winfo_height() + 2
        width = max(560, self.entry.winfo_width())
        x = min(x, max(0, root.winfo_width() - width - 8))
        self.list.configure(height=min(12, max(1, len(self.hits))))
        self.drop.place(x=x, y=y, width=width)
        self.drop.lift()
        if self.hits:
            self.list.selection_clear(0, "end")
            self.list.selection_set(0)

    def is_open(self) -> bool:
        return bool(self.drop.winfo_ismapped()) or bool(self.drop.place_info())

    def close(self) -> None:
        self.drop.place_forget()

    def _current(self) -> int:
        sel = self.list.curselection()
        return int(sel[0]) if sel else 0

    def _move(self, step: int) -> str:
        if not self.hits:
            return "break"
        i = max(0, min(len(self.hits) - 1, self._current() + step))
        self.list.selection_clear(0, "end")
        self.list.selection_set(i)
        self.list.see(i)
        return "break"

    def _enter(self, _event: object = None) -> str:
        query = self.text()
        if self._pending:
            self.after_cancel(self._pending)
            self._pending = None
        number = resolve_code(query) if query else None
        if number:  # a scanned label or a typed record number: open it at once
            self.close()
            self.var.set("")
            self.desk.open(number)
            return "break"
        if not self.hits or not self.is_open() or self.reader.busy:
            self._choose_first = True  # Enter before the hits came: open the first when they do
            self.run()
        elif self.hits:
            self.choose(self._current())
        return "break"

    def choose(self, index: int) -> None:
        if not 0 <= index < len(self.hits):
            return
        hit = self.hits[index]
        self.close()
        if hit.kind == "case":
            self.desk.open(hit.number)
        else:
            self.desk.emit("customer", hit)
