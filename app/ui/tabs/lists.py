"""The shop's own lists: products, customers, spare parts and stock, suppliers, dealers.

A shop that is not the demo keeps these by hand or brings them from Excel. Each list is a
section with its own module under `app.ui.lists`, built the first time it is shown (like the
tabs), so the tab opens at the cost of one list.
"""

from __future__ import annotations

import tkinter as tk
from importlib import import_module
from typing import Any

import ttkbootstrap as ttk

from app.i18n import N_, _
from app.ui.desk import Desk
from app.ui.lists.section import ListReaders

# (id, module, class, label): the order is the navigation order.
SECTIONS: tuple[tuple[str, str, str, str], ...] = (
    ("products", "app.ui.lists.products", "ProductsSection", N_("Products")),
    ("customers", "app.ui.lists.customers", "CustomersSection", N_("Customers")),
    ("parts", "app.ui.lists.parts", "PartsSection", N_("Spare parts and stock")),
    ("suppliers", "app.ui.lists.suppliers", "SuppliersSection", N_("Suppliers")),
    ("dealers", "app.ui.lists.dealers", "DealersSection", N_("Dealers' accounts")),
)


class ListsTab(ttk.Frame):
    """Navigation on the left, one list on the right."""

    scrolls_itself = True  # each list scrolls its own table

    def __init__(self, master: tk.Misc, desk: Desk) -> None:
        super().__init__(master, padding=(10, 8))
        self.desk = desk
        self.sections: dict[str, Any] = {}
        self.current = ""
        nav = ttk.Frame(self, padding=(0, 0, 12, 0))
        nav.pack(side="left", fill="y")
        self.nav_var = tk.StringVar(self, value=SECTIONS[0][0])
        self.nav_buttons: dict[str, ttk.Radiobutton] = {}
        for section, _module, _cls, label in SECTIONS:
            b = ttk.Radiobutton(
                nav,
                text=_(label),
                value=section,
                variable=self.nav_var,
                bootstyle="primary-outline-toolbutton",
                width=21,  # "Spare parts and stock" whole in English
                command=lambda s=section: self.show_section(s),
            )
            b.pack(fill="x", pady=2)
            self.nav_buttons[section] = b
        self.body = ttk.Frame(self)
        self.body.pack(side="left", fill="both", expand=True)
        # One set of reader threads for every section: only one is shown at a time.
        self.body.list_readers = ListReaders(self.body)  # type: ignore[attr-defined]
        self.show_section(SECTIONS[0][0])

    def section(self, section: str) -> Any:
        """The section's widget, built on first use."""
        if section not in self.sections:
            spec = next(s for s in SECTIONS if s[0] == section)
            cls = getattr(import_module(spec[1]), spec[2])
            self.sections[section] = cls(self.body, self.desk)
        return self.sections[section]

    def show_section(self, section: str) -> Any:
        shown = self.section(section)
        if self.current and self.current != section:
            self.sections[self.current].pack_forget()
        if self.current != section:
            shown.pack(fill="both", expand=True)
        self.current = section
        self.nav_var.set(section)
        if hasattr(shown, "on_shown"):
            shown.on_shown()
        return shown

    def save(self) -> Any:
        """Ctrl+S ("Save the form you are in"): the shown list's form, as its Save button."""
        fn = getattr(self.sections.get(self.current), "save", None)
        return fn() if callable(fn) else None

    def on_shown(self) -> None:
        current = self.sections.get(self.current)
        if current is not None and hasattr(current, "on_shown"):
            current.on_shown()

    def screenshot_pages(self) -> list[str]:
        return [s[0] for s in SECTIONS]

    def screenshot_setup(self, page: str = "") -> None:
        shown = self.show_section(page or SECTIONS[0][0])
        setup = getattr(shown, "screenshot_setup", None)
        if callable(setup):
            setup()
