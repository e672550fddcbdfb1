"""What every list of the Lists tab shares: the search bar, the wait after a keystroke, the
table, and its reads on reader threads (issue #20: the window never waits on a query).

The list is read on one reader (`ui.worker.Latest`), the chosen row's details on another: a
newer search interrupts the older query, a newer pick drops the older record, and an answer
that is no longer the newest is never shown. What a read needs from the widgets (the search
text, a ticked filter) is taken on the Tk thread when it is asked; the reader thread only
calls the service.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable, Collection, Sequence
from typing import Any

import ttkbootstrap as ttk

from app.i18n import _
from app.ui.desk import Desk
from app.ui.worker import Latest

#: A read for the reader thread: ``fn(ctx, *args, **kwargs)``.
Read = tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]
#: (column id, N_ heading, width in pixels, anchor)
Columns = Sequence[tuple[str, str, int, str]]


def read(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Read:
    """A read as the sections hand it to `ListSection.reload`."""
    return fn, args, kwargs


class ListReaders:
    """The reader threads the sections of one Lists tab share: the list, the chosen row's
    details, and what a button asks for (a statement, the movements, the stock's value).

    Only one section is shown at a time, so a newer read of any of them may drop an older one
    (a section asks again when it is shown). Three threads for the tab instead of two or three
    per section: on a shop server each reader thread is a session of its own.
    """

    def __init__(self, owner: tk.Misc) -> None:
        self.list = Latest(owner, "lists")
        self.detail = Latest(owner, "list-detail")
        self.asks = Latest(owner, "list-asks")


def readers_for(master: tk.Misc, section: tk.Misc) -> ListReaders:
    """The readers ``master`` (the Lists tab's body) shares with its sections, or the
    section's own when it stands alone (a test builds one on its own)."""
    shared = getattr(master, "list_readers", None)
    return shared if isinstance(shared, ListReaders) else ListReaders(section)


class ListSection(ttk.Frame):
    """A bar with the search box on top; the subclass lays out the table (`make_table`) and
    its side panel, says what to read (`list_read`) and how to show it (`fill`), and what a
    picked row shows (`on_select`, reading through `read_detail`)."""

    DEBOUNCE_MS = 250
    #: Said over the empty table of a shop that has none yet: what to do to get the first one.
    EMPTY_TEXT = ""

    def __init__(
        self,
        master: tk.Misc,
        desk: Desk,
        *,
        search_width: int = 28,
        search_padx: tuple[int, int] = (6, 10),
    ) -> None:
        super().__init__(master)
        self.desk = desk
        readers = readers_for(master, self)
        self.reader = readers.list
        self.detail_reader = readers.detail
        self.asks = readers.asks  # what a button reads before it shows it
        self.loaded = False
        self.tree: ttk.Treeview
        self._typing: str | None = None
        self._asked_text: str | None = None  # the search text of the newest list read
        self._wanted: str | None = None  # a row to pick once the list being read has it
        self._asking = ""  # the row whose details are being read
        self._then: list[Callable[[], object]] = []  # to run once the list is shown
        self.bar = ttk.Frame(self)
        self.bar.pack(fill="x", pady=(0, 6))
        ttk.Label(self.bar, text=_("Search")).pack(side="left")
        self.search_var = tk.StringVar(self)
        self.search_entry = ttk.Entry(self.bar, textvariable=self.search_var, width=search_width)
        self.search_entry.pack(side="left", padx=search_padx)
        self.search_entry.bind("<KeyRelease>", self._typed, add="+")
        self.search_entry.bind("<Return>", lambda _e: self.reload(), add="+")

    def make_table(
        self, parent: tk.Misc, columns: Columns, *, stretch: Collection[str], **kw: Any
    ) -> ttk.Treeview:
        """The list's table with its scroll bar, in ``parent``; picking a row shows it."""
        tree = ttk.Treeview(
            parent, columns=[c[0] for c in columns], show="headings", selectmode="browse", **kw
        )
        for cid, heading, width, anchor in columns:
            tree.heading(cid, text=_(heading), anchor=anchor)  # type: ignore[arg-type]
            tree.column(cid, width=width, minwidth=40, anchor=anchor, stretch=cid in stretch)  # type: ignore[arg-type]
        scroll = ttk.Scrollbar(parent, orient="vertical", command=tree.yview)
        tree.configure(yscrollcommand=scroll.set)
        scroll.pack(side="right", fill="y")  # first: a narrow pane squeezes the table, not it
        tree.pack(side="left", fill="both", expand=True)
        tree.bind("<<TreeviewSelect>>", lambda _e: self._selected(), add="+")
        self.tree = tree
        # Over the table while it has no rows: a new shop's empty list says what to do.
        self.empty_label = ttk.Label(
            tree, text="", bootstyle="secondary", justify="center", wraplength=380
        )
        return tree

    # --- to fill in ----------------------------------------------------------------------------

    def list_read(self) -> Read:
        """The read that gives the rows, for the filters as they are now (Tk thread)."""
        raise NotImplementedError

    def fill(self, rows: list[Any]) -> None:
        """Show the rows that arrived (Tk thread)."""
        raise NotImplementedError

    def on_select(self, iid: str) -> None:
        """The user picked a row."""

    def empty_text(self) -> str:
        """What the empty table says: nothing matched the search or filter, or (none at all
        yet) how to add the first one."""
        if self.search_var.get().strip():
            return _("Nothing matches the search.")
        return _(self.EMPTY_TEXT) if self.EMPTY_TEXT else ""

    # --- reading -------------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """Whether the list or the chosen row's details are still awaited."""
        return self.reader.busy or self.detail_reader.busy

    def reload(self) -> None:
        """Read the list for the search and filters as they are now (shown when it arrives)."""
        if self._typing is not None:
            self.after_cancel(self._typing)
            self._typing = None
        self._asked_text = self.search_var.get()
        fn, args, kwargs = self.list_read()
        self.desk.read_later(
            self.reader, fn, *args, then=self._loaded, failed=lambda _e: self._loaded([]), **kwargs
        )

    def _loaded(self, rows: list[Any]) -> None:
        if not self.winfo_exists():
            return
        self.fill(rows)
        self.loaded = True
        self.show_empty(not self.tree.get_children())
        wanted, self._wanted = self._wanted, None
        if wanted is not None:
            self.select(wanted)
        then, self._then = self._then, []
        for fn in then:
            fn()

    def show_empty(self, empty: bool) -> None:
        """Say over the table why it is empty, or take the words away once it has rows."""
        text = self.empty_text() if empty else ""
        if text:
            self.empty_label.configure(text=text)
            self.empty_label.place(relx=0.5, y=70, anchor="n")
        else:
            self.empty_label.place_forget()

    def when_loaded(self, fn: Callable[[], object]) -> None:
        """Run ``fn`` once the list being read is shown (now if none is being read)."""
        if self.reader.busy:
            self._then.append(fn)
        else:
            fn()

    def read_detail(
        self,
        iid: str,
        fn: Callable[..., Any],
        *args: Any,
        then: Callable[[Any], None],
        **kwargs: Any,
    ) -> None:
        """Read what row ``iid`` shows on the details reader; ``then`` runs with it unless
        another row was picked meanwhile."""
        self._asking = iid

        def shown(value: Any) -> None:
            if self.winfo_exists():
                then(value)

        self.desk.read_later(self.detail_reader, fn, *args, then=shown, **kwargs)

    def forget_detail(self) -> None:
        """Nothing picked any more (New): a row's details or a pick still on the way are
        dropped."""
        self.detail_reader.cancel()
        self._wanted = None
        self._asking = ""

    def select(self, iid: str) -> None:
        """Pick row ``iid`` and show it; asked while the list is being read, once it is."""
        if self.reader.busy:
            self._wanted = iid
            return
        if self.tree.exists(iid):
            self.tree.selection_set(iid)
            self.tree.see(iid)
            self._selected()

    def _chosen(self) -> str:
        chosen = self.tree.selection()
        return str(chosen[0]) if chosen else ""

    def _selected(self) -> None:
        iid = self._chosen()
        if not iid or (iid == self._asking and self.detail_reader.busy):
            return  # already being read (the pick and its selection event both come here)
        self.on_select(iid)

    def _typed(self, _event: object) -> None:
        """A keystroke in the search box: the list still being read is for an older text, so
        its query stops and its answer is dropped now; the new text is read after a pause.
        A key that did not change the text (Enter, an arrow) leaves the read as it is."""
        if self.search_var.get() == self._asked_text:
            return
        self.reader.cancel()
        if self._typing is not None:
            self.after_cancel(self._typing)
        self._typing = self.after(self.DEBOUNCE_MS, self._search_now)

    def _search_now(self) -> None:
        self._typing = None
        if self.winfo_exists():
            self.reload()

    def on_shown(self) -> None:
        self.reload()

    def _changed(self) -> None:
        """Something was written: the list is read again if it is on the screen (a hidden one
        is read when it is shown, and would only take the shared reader from the one shown)."""
        if self.loaded and self.winfo_exists() and self.winfo_viewable():
            self.reload()
