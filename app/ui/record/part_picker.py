"""Choosing a spare part for a repair: parts with stock on hand and price, quantity, charged or
free. Adding it takes the quantity out of stock (the service does that in one transaction)."""

from __future__ import annotations

import tkinter as tk
from typing import Any

import ttkbootstrap as ttk

from app.domain.money import format_money, parse_money
from app.domain.validation import validate_qty
from app.i18n import N_, _
from app.services.remedies.repair_help import PartView, part_stock, spare_parts
from app.services.remedies.repairs import add_part
from app.ui.desk import Desk, Outcome
from app.ui.dialogs import place_over
from app.ui.widgets.fields import Field, FormFrame
from app.ui.worker import Latest

FIELDS = (
    Field("qty", N_("Quantity"), required=True, width=8, default="1", check=validate_qty),
    Field(
        "unit_price",
        N_("Unit price"),
        width=12,
        check=lambda v: parse_money(v, "unit_price"),
        hint=N_("The part's list price unless you change it"),
    ),
    Field("charged", N_("Charge the customer"), kind="check"),
    Field(
        "description",
        N_("Or a part not kept in stock"),
        width=30,
        hint=N_("Free text; no stock is taken"),
    ),
)


class PartPicker(ttk.Toplevel):
    """A searchable list of spare parts over the repair; Add uses the chosen one."""

    COLUMNS = (
        ("part_no", N_("Part number"), 130),
        ("name", N_("Name"), 220),
        ("stock", N_("In stock"), 70),
        ("price", N_("Price"), 90),
    )

    def __init__(
        self, master: tk.Misc, desk: Desk, number: str, *, in_warranty: bool = False
    ) -> None:
        super().__init__(title=_("Add a part"), transient=master.winfo_toplevel(), master=master)
        self.desk = desk
        self.number = number
        self.parts: dict[str, PartView] = {}
        self.result: Outcome | None = None
        self.reader = Latest(self, "part-picker")  # the list, read as the clerk types
        self._asked: str | None = None  # the search text of the newest list read
        self._wanted: str | None = None  # a part to pick once the list being read has it
        body = ttk.Frame(self, padding=14)
        body.pack(fill="both", expand=True)
        top = ttk.Frame(body)
        top.pack(fill="x")
        ttk.Label(top, text=_("Find part")).pack(side="left")
        self.search = tk.StringVar(self)
        self.search_entry = ttk.Entry(top, textvariable=self.search, width=30)
        self.search_entry.pack(side="left", fill="x", expand=True, padx=(6, 0))
        self.search_entry.bind("<KeyRelease>", self._typed, add="+")
        self.search_entry.bind("<Down>", self._to_list, add="+")
        box = ttk.Frame(body)
        box.pack(fill="both", expand=True, pady=(8, 6))
        self.tree = ttk.Treeview(
            box,
            columns=[c[0] for c in self.COLUMNS],
            show="headings",
            selectmode="browse",
            height=9,
        )
        for col, text, width in self.COLUMNS:
            anchor = "e" if col in ("stock", "price") else "w"
            self.tree.heading(col, text=_(text), anchor=anchor)
            self.tree.column(col, width=width, anchor=anchor, stretch=col == "name")
        self.tree.tag_configure("empty", foreground="#a0a5ad")
        bar = ttk.Scrollbar(box, orient="vertical", command=self.tree.yview)
        self.tree.configure(yscrollcommand=bar.set)
        self.tree.pack(side="left", fill="both", expand=True)
        bar.pack(side="right", fill="y")
        self.tree.bind("<<TreeviewSelect>>", self._selected, add="+")
        self.tree.bind("<Double-1>", lambda _e: self.ok(), add="+")
        self.form = FormFrame(body, FIELDS, columns=2)
        self.form.pack(fill="x")
        self.form.set("charged", not in_warranty)
        buttons = ttk.Frame(body)
        buttons.pack(fill="x", pady=(12, 0))
        self.ok_button = ttk.Button(
            buttons, text=_("Add part"), bootstyle="primary", command=self.ok
        )
        self.ok_button.pack(side="right")
        ttk.Button(
            buttons, text=_("Cancel"), bootstyle="secondary-outline", command=self.destroy
        ).pack(side="right", padx=(0, 8))
        self.note = ttk.Label(buttons, bootstyle="secondary")
        self.note.pack(side="left")
        self.bind("<Escape>", lambda _e: self.destroy())
        self.bind("<Return>", self._on_return)
        self.refresh()
        self.after_idle(self._place)

    def _place(self) -> None:
        place_over(self, self.search_entry)

    def _to_list(self, _event: object) -> str:
        children = self.tree.get_children()
        if children:
            self.tree.focus_set()
            self.tree.focus(children[0])
            self.tree.selection_set(children[0])
        return "break"

    def _on_return(self, _event: object) -> str:
        self.ok()
        return "break"

    # --- list ------------------------------------------------------------------------------

    def _typed(self, _event: object) -> None:
        if self.search.get().strip() != self._asked:  # Enter, an arrow: the list stands
            self.refresh()

    def refresh(self) -> None:
        """Read the parts for the search as it is now on the picker's reader thread (the
        window never waits for it): a newer keystroke interrupts the older read, whose answer
        is never shown."""
        text = self.search.get().strip()
        self._asked = text
        self.desk.read_later(
            self.reader, spare_parts, text, then=lambda got: self._loaded(text, got)
        )

    def _loaded(self, text: str, parts: list[PartView]) -> None:
        if not self.winfo_exists() or text != self.search.get().strip():
            return
        self.tree.delete(*self.tree.get_children())
        self.parts = {p.part_no: p for p in parts}
        for p in parts:
            self.tree.insert(
                "",
                "end",
                iid=p.part_no,
                values=(p.part_no, p.name, p.stock, format_money(p.price)),
                tags=("empty",) if p.stock <= 0 else (),
            )
        wanted, self._wanted = self._wanted, None
        if wanted is not None:
            self.choose(wanted)

    @property
    def busy(self) -> bool:
        """Whether the list is still being read."""
        return self.reader.busy

    def _selected(self, _event: object = None) -> None:
        part = self.chosen()
        if part is None:
            return
        self.form.set("unit_price", f"{part.price:.2f}")
        self.form.set("description", "")
        self.note.configure(
            text=_("{name}: {stock} in stock").format(name=part.name, stock=part.stock),
            bootstyle="secondary",
        )

    def chosen(self) -> PartView | None:
        sel = self.tree.selection()
        return self.parts.get(sel[0]) if sel else None

    def choose(self, part_no: str) -> None:
        """Select a part by number (what a click on its row does)."""
        if self.reader.busy or not self.tree.exists(part_no):
            if not self.tree.exists(part_no) and self.search.get().strip() != part_no:
                self.search.set(part_no)
                self.refresh()
            if self.reader.busy:
                self._wanted = part_no  # picked once the list being read is shown
                return
            if not self.tree.exists(part_no):
                return
        self.tree.selection_set(part_no)
        self.tree.see(part_no)
        self._selected()

    # --- adding ----------------------------------------------------------------------------

    def ok(self) -> Outcome:
        values = self.form.values()
        part = self.chosen()
        price = values["unit_price"].strip() or None
        kwargs: dict[str, Any] = {
            "qty": values["qty"],
            "unit_price": price,
            "charged": bool(values["charged"]),
        }
        if part is None and not values["description"].strip():
            self.note.configure(
                text=_("Choose a part from the list, or describe one."), bootstyle="danger"
            )
            self.result = Outcome(False)
            return self.result
        if part is not None and not values["description"].strip():
            kwargs["part_no"] = part.part_no
        else:
            kwargs["description"] = values["description"]
        outcome = self.desk.call(add_part, self.number, form=self.form, **kwargs)
        self.result = outcome
        if outcome.ok:
            self.desk.notify(
                self._done_text(part if "part_no" in kwargs else None, values), "success"
            )
            self.destroy()
        return outcome

    def _done_text(self, part: PartView | None, values: dict[str, Any]) -> str:
        if part is None:
            return _("{number}: part “{name}” ×{qty} added").format(
                number=self.number, name=values["description"].strip(), qty=values["qty"]
            )
        left = self.desk.read(part_stock, part.part_no)
        return _("{number}: {name} ×{qty} added; {left} left in stock").format(
            number=self.number,
            name=part.name,
            qty=values["qty"],
            left=left.value if left.ok else "?",
        )
