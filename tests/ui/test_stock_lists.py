"""The Lists tab's spare parts, suppliers and dealers' accounts, driven like the counter does:
a part added in the form, stock booked, adjusted and sent back through the dialogs, the
below-reorder filter and the value at a date; a supplier added and its statement shown; a
dealer's deposit and the statement saved as a signed PDF. All three fit 1366×728."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from app import i18n
from app.documents.signing import verify_pdf
from app.services.shop import stock, suppliers
from app.store.models import Customer, DealerMovement
from app.ui.lists.dealers import DealersSection
from app.ui.lists.parts import PartsSection
from app.ui.lists.suppliers import SuppliersSection
from tests.ui.conftest import pump
from tests.ui.test_counter_screen import inside, small_screen  # noqa: F401

MINE = ("parts", "suppliers", "dealers")


def wait_for(root: Any, what: Callable[[], object], seconds: float = 30) -> None:
    end = time.monotonic() + seconds
    while not what():
        assert time.monotonic() < end, "the worker did not answer"
        pump(root, 20)


def _section(window: Any, cls: type) -> Any:
    section = cls(window.root, window.desk)
    section.pack(fill="both", expand=True)
    section.on_shown()
    pump(window.root)
    return section


def test_parts_add_stock_in_adjust_return_and_value(window: Any, tk_root: Any) -> None:
    ctx = window.desk.ctx
    parts = _section(window, PartsSection)
    assert len(parts.tree.get_children()) > 10  # the demo's shelf
    # A new part through the form.
    parts.new()
    for name, value in (("part_no", "XM-15-LCD"), ("name", "小米 15 屏幕"), ("cost", "700")):
        parts.form.set(name, value)
    parts.form.set("reorder_level", "2")
    assert parts.save()
    pump(window.root)  # the list and the part are read on reader threads
    assert parts.selected() == "XM-15-LCD" and parts.editing == "XM-15-LCD"
    # A bad edit shows next to its field and writes nothing.
    parts.form.set("cost", "七百")
    assert not parts.save()
    assert parts.form.error_text("cost")
    assert stock.part_view(ctx, "XM-15-LCD").cost == Decimal("700.00")
    parts.form.set("cost", "700")
    # Stock in from a new supplier, then adjust and send one back.
    parts.ask_stock_in()
    d = parts.dialog
    d.form.set("qty", "5")
    d.form.set("supplier", "小米配件")
    assert d.ok()
    assert stock.part_view(ctx, "XM-15-LCD").stock == 5
    parts.ask_adjust()
    d = parts.dialog
    d.form.set("qty", "-9")
    d.form.set("reason", "damage")
    d.form.set("note", "压裂")
    refused = d.ok()  # only 5 on the shelf: the dialog stays, nothing written
    assert not refused and refused.error.code == "out_of_stock"
    d.form.set("qty", "-1")
    assert d.ok()
    parts.ask_return()
    pump(window.root)  # the suppliers to choose from are read first
    d = parts.dialog
    d.form.set("qty", "2")
    d.form.set("supplier", "小米配件")
    assert d.ok()
    assert stock.part_view(ctx, "XM-15-LCD").stock == 2
    pump(window.root)
    assert parts.tree.set("XM-15-LCD", "stock") == "2"
    parts.show_movements()
    pump(window.root)
    assert len(parts.dialog.tree.get_children()) == 3
    parts.dialog.destroy()
    # Below the reorder level (2)? Not yet; after one more is lost, it is on the filtered list.
    stock.adjust_stock(ctx, "XM-15-LCD", -1, "loss", "丢失")
    window.desk.changed()
    parts.below_var.set(True)
    parts.reload()
    pump(window.root)
    assert "XM-15-LCD" in parts.tree.get_children()
    assert all(
        int(parts.tree.set(i, "stock")) < int(parts.tree.set(i, "reorder"))
        for i in parts.tree.get_children()
    )
    # The value at today: the valuation's total.
    parts.show_value()
    pump(window.root)
    total = stock.valuation(ctx).total
    assert f"{total:,.2f}" in str(parts.value_text.cget("text"))
    parts.value_on.set("2026-02-30")
    parts.show_value()
    pump(window.root)
    assert window.desk.messages[-1].level == "warning"  # the bad date, said in the status bar
    assert f"{total:,.2f}" in str(parts.value_text.cget("text"))


def test_suppliers_form_and_statement(window: Any) -> None:
    section = _section(window, SuppliersSection)
    section.new()
    section.form.set("name", "荣耀授权经销商")
    section.form.set("terms", "现结")
    assert section.save()
    pump(window.root)
    iid = section.selected()
    assert section.tree.set(iid, "terms") == "现结"
    section.form.set("phone", "020-3888")
    assert section.save()
    assert suppliers.supplier_view(window.desk.ctx, "荣耀授权经销商").phone == "020-3888"
    section.new()
    section.form.set("name", "荣耀授权经销商")
    assert not section.save()  # the name is taken
    assert section.form.error_text("name")
    section.select(iid)
    pump(window.root)
    section.date_from.set("2020-01-01")
    section.show_statement()
    pump(window.root)  # read on its reader thread, then shown in its window
    assert "outstanding" in str(section.dialog.total.cget("text"))


@pytest.mark.sqlite_only
def test_dealers_deposit_and_statement_pdf(window: Any, tk_root: Any, tmp_path: Path) -> None:
    section = _section(window, DealersSection)
    # The statement opens on last month and this month so far (never empty early in a month).
    today = window.desk.ctx.today()
    start = date.fromisoformat(section.date_from.get())
    last_month = (today.month - 2) % 12 + 1
    assert (start.day, start.month) == (1, last_month) and section.date_to.get() == str(today)
    first = section.tree.get_children()[0]
    section.select(first)
    pump(window.root)
    dealer = Customer.get_by_id(int(first.lstrip("#")))
    before = dealer.dealer_balance
    section.ask_deposit()
    d = section.dialog
    d.form.set("amount", "1000")
    d.form.set("route", "cash")
    assert d.ok()
    assert Customer.get_by_id(dealer.id).dealer_balance == before + 1000
    assert DealerMovement.select().where(DealerMovement.customer == dealer).count() >= 1
    pump(window.root)
    assert "1,000.00" in section.tree.set(first, "balance") or section.tree.set(first, "balance")
    section.date_from.set("2020-01-01")
    section.date_to.set(window.desk.ctx.today().isoformat())
    section.show_statement()
    pump(window.root)
    assert section.lines.get_children()
    assert "closing" in str(section.summary.cget("text"))
    out = tmp_path / "statement.pdf"
    section.save_pdf(out)
    wait_for(tk_root, out.exists)
    wait_for(tk_root, lambda: not window.desk.worker.running)
    assert verify_pdf(out.read_bytes(), window.desk.ctx.data_dir).ok


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_three_lists_fit_the_counter_screen(
    small_screen: Any,  # noqa: F811
    lang: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import ttkbootstrap as ttk

    from app.ui.tabs import lists

    monkeypatch.setattr(lists, "SECTIONS", tuple(s for s in lists.SECTIONS if s[0] in MINE))
    i18n.setup(lang)
    window = small_screen
    tab = window.show_tab("lists")
    for section in MINE:
        shown = tab.show_section(section)
        kids = shown.tree.get_children()
        if kids:
            shown.select(kids[0])
        pump(window.root, 50)
        widgets = []
        stack = [shown]
        while stack:
            w = stack.pop()
            stack.extend(w.winfo_children())
            if isinstance(w, ttk.Button | ttk.Treeview | ttk.Entry) and w.winfo_ismapped():
                widgets.append(w)
        assert widgets
        cut = [
            str(w.cget("text")) if isinstance(w, ttk.Button) else str(w)
            for w in widgets
            if not inside(window, w)
        ]
        assert not cut, (section, cut)
