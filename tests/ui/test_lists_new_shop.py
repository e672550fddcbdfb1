"""The Lists tab as a real shop meets it on its first day (issue #17): an owner set up with a PIN,
no demo, no case, empty lists. The welcome says where to start (not "load demo data", which a
live shop refuses); every list's buttons fit at 1366×728 under the two banners a new shop can
show; an empty list says how to get its first row; the stock dialogs work with no supplier yet,
and the keyboard does what a counter clerk expects."""

from __future__ import annotations

import time
import tkinter.font as tkfont
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import ttkbootstrap as ttk

from app import i18n
from app.services.casework.intake import IntakeForm, take_intake
from app.services.paper.delivery import SummaryOffer
from app.services.shop import stock
from app.services.shop.accounts import create_owner
from app.services.shop.setup import context_for
from app.store.models import StockMovement
from app.ui.main_window import WELCOME_SHOP
from tests.conftest import Clock, make_user
from tests.ui.conftest import press, pump, wait_idle
from tests.ui.test_counter_screen import counter_window, inside, off_screen

SECTIONS = ("products", "customers", "parts", "suppliers", "dealers")
DATA = Path(__file__).parent.parent / "data" / "lists"


@pytest.fixture
def new_shop(tk_root: Any, backend: str, data_dir: Path, clock: Clock) -> Iterator[Any]:
    """The counter's 1366×728 window on a shop set up as on its first day: the owner with a
    PIN and the shop's details, nothing else (on SQLite, and on a shop server when one is set
    for the tests)."""
    create_owner(
        "boss",
        "王老板",
        "24681357",
        shop={"shop_name": "测试店", "shop_address": "上海市", "shop_hotline": "4001234567"},
        clock=clock,
    )
    ctx = context_for(data_dir, "boss", clock=clock)
    yield from counter_window(tk_root, ctx)


def wait_for(root: Any, what: Callable[[], object], seconds: float = 20) -> None:
    end = time.monotonic() + seconds
    while not what():
        assert time.monotonic() < end, "the worker did not answer"
        pump(root, 20)


def test_a_live_shop_is_welcomed_without_the_demo_and_without_a_summary(new_shop: Any) -> None:
    """Demo data is refused in a folder whose owner has a PIN: the welcome does not offer it,
    and says where the lists are. With no case there is no last month to report on, so the
    summary's offer (due on the 2nd) is not shown either."""
    window = new_shop
    assert window.banner.winfo_ismapped()
    assert str(window.banner_text.cget("text")) == i18n._(WELCOME_SHOP)
    assert not window.demo_button.winfo_ismapped()
    assert not window.summary_banner.winfo_ismapped()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_list_fits_under_two_banners(new_shop: Any, lang: str) -> None:
    """The welcome and the summary's offer together take ~90 pixels: the parts' Stock in…,
    Adjust… and Return… and the suppliers' statement must still be on the screen, and every
    column's heading whole."""
    i18n.setup(lang)
    window = new_shop
    window._show_empty_banner(True, True)
    window._show_summary_banner(SummaryOffer(2026, 2))
    pump(window.root, 50)
    assert window.banner.winfo_ismapped() and window.summary_banner.winfo_ismapped()
    tab = window.show_tab("lists")
    font = tkfont.nametofont("TkDefaultFont")
    for name in SECTIONS:
        section = tab.show_section(name)
        pump(window.root, 50)
        shown, cut = off_screen(window, section)
        assert shown > 5, name
        assert not cut, (name, cut)
        narrow = [
            section.tree.heading(c, "text")
            for c in section.tree["columns"]
            if font.measure(section.tree.heading(c, "text")) + 8 > section.tree.column(c, "width")
        ]
        assert not narrow, (name, narrow)
    parts = tab.section("parts")
    for button in (parts.stock_in_button, parts.adjust_button, parts.return_button):
        tab.show_section("parts")
        pump(window.root)
        assert inside(window, button), button.cget("text")
    # Each kind of dealer movement, with the case it was on, fits the statement's "What".
    from app.services.paper.statements import DEALER_REASONS, reason_label

    dealers = tab.show_section("dealers")
    room = dealers.lines.column("what", "width")
    long = [
        r for r in DEALER_REASONS if font.measure(f"{reason_label(r)} SH-2026-000222") + 8 > room
    ]
    assert not long, (room, long)


def test_empty_lists_say_how_to_start(new_shop: Any) -> None:
    window = new_shop
    tab = window.show_tab("lists")
    for name in SECTIONS:
        section = tab.show_section(name)
        pump(window.root)
        assert section.empty_label.winfo_ismapped(), name
        assert str(section.empty_label.cget("text")) == i18n._(section.EMPTY_TEXT)
    parts = tab.show_section("parts")
    parts.below_var.set(True)
    parts.reload()
    pump(window.root)
    assert "reorder level" in str(parts.empty_label.cget("text"))
    parts.below_var.set(False)
    parts.search_var.set("no such part")
    parts.reload()
    pump(window.root)
    assert str(parts.empty_label.cget("text")) == "Nothing matches the search."
    # The first part: the words go.
    parts.search_var.set("")
    stock.create_part(window.desk.ctx, "HW-M60-BAT", "Mate 60 电池")
    parts.reload()
    pump(window.root)
    assert parts.tree.get_children() and not parts.empty_label.winfo_ismapped()


def test_the_first_parts_day_with_no_supplier_yet(new_shop: Any) -> None:
    """Return to supplier with no supplier on file says where one comes from (an empty choice
    was a dead end); Stock in… on the chosen part starts on the quantity; the stock's value
    shown follows the movements."""
    window = new_shop
    ctx = window.desk.ctx
    parts = window.show_tab("lists").show_section("parts")
    parts.new()
    parts.form.set("part_no", "HW-M60-BAT")
    parts.form.set("name", "Mate 60 电池")
    parts.form.set("cost", "120")
    assert parts.save()
    pump(window.root)
    assert parts.editing == "HW-M60-BAT"
    parts.show_value()
    pump(window.root)
    assert "0 units" in str(parts.value_text.cget("text"))

    parts.dialog = None
    parts.ask_return()
    pump(window.root)
    assert parts.dialog is None  # no dialog with an empty choice
    said = window.desk.messages[-1]
    assert said.level == "warning" and "Suppliers" in said.text

    window.root.focus_force()
    parts.ask_stock_in()
    d = parts.dialog
    pump(window.root, 50)
    assert d.focus_get() is d.form.widgets["qty"]
    d.form.set("qty", "10")
    d.form.set("supplier", "深圳华强配件行")
    assert d.ok()
    pump(window.root)
    assert "10 units" in str(parts.value_text.cget("text"))  # read again with the list
    assert "1,200.00" in str(parts.value_text.cget("text"))

    # An empty adjustment: each error names its field as the dialog labels it.
    parts.ask_adjust()
    d = parts.dialog
    assert not d.ok()
    for name in ("qty", "reason", "note"):
        label = i18n._(d.form.fields[name].label)
        assert d.form.error_text(name).startswith(label + ":"), (name, label)
    d.destroy()

    # The next delivery offers the supplier on file (a typo would add a second one); the
    # list box sits where the text field was, in the Tab order too.
    parts.ask_stock_in()
    pump(window.root)
    d = parts.dialog
    box = d.form.widgets["supplier"]
    assert isinstance(box, ttk.Combobox) and list(box.cget("values")) == ["深圳华强配件行"]
    assert d.form.widgets["cost"].tk_focusNext() is box
    assert box.tk_focusNext() is d.form.widgets["part_name"]
    d.destroy()

    parts.ask_return()
    pump(window.root)
    d = parts.dialog
    assert d.form.fields["supplier"].choices == (("深圳华强配件行", "深圳华强配件行"),)
    d.form.set("qty", "2")
    d.form.set("supplier", "深圳华强配件行")
    assert d.ok()
    pump(window.root)
    assert stock.part_view(ctx, "HW-M60-BAT").stock == 8
    assert "8 units" in str(parts.value_text.cget("text"))


def test_import_preview_says_what_it_found_and_enter_imports(new_shop: Any, tmp_path: Path) -> None:
    """The status line said "Reading …" until the next message: it now says the file's errors
    (or that it waits to be confirmed); Enter in a good file's preview imports it."""
    window = new_shop
    parts = window.show_tab("lists").show_section("parts")
    bad = tmp_path / "parts-bad.csv"
    good = (DATA / "parts.csv").read_text(encoding="utf-8")
    bad.write_text(good + "XM-13-CAM,小米 13 后摄,小米 13,八十,260,1,A-3,2\n", encoding="utf-8")
    parts.transfer.start_import(bad)
    wait_for(window.root, lambda: parts.transfer.dialog is not None)
    said = window.desk.messages[-1]
    assert said.level == "warning" and "parts-bad.csv: 1 row has errors" in said.text
    dialog = parts.transfer.dialog
    dialog.event_generate("<Return>")  # refused: the file has a bad row
    pump(window.root, 50)
    assert StockMovement.select().count() == 0
    dialog.destroy()

    parts.transfer.dialog = None
    parts.transfer.start_import(DATA / "parts.csv")
    wait_for(window.root, lambda: parts.transfer.dialog is not None)
    assert window.desk.messages[-1].level == "info"
    dialog = parts.transfer.dialog
    window.root.focus_force()
    dialog.focus_force()
    pump(window.root)
    dialog.event_generate("<Return>")
    wait_for(window.root, lambda: parts.transfer.dialog is None)
    assert StockMovement.select().count() > 0
    pump(window.root)
    assert len(parts.tree.get_children()) == 3


def _first_intake(ctx: Any) -> None:
    form = IntakeForm(kind="repair", product="荣耀 X50", name="张三", phone="13612345678")
    take_intake(ctx, form)


def test_no_summary_offer_in_the_shops_first_month(new_shop: Any, data_dir: Path) -> None:
    """The first intake ends the welcome; last month's summary is still not offered while the
    shop had no case by the end of last month, and is once it had one."""
    window = new_shop
    _first_intake(window.desk.ctx)
    window._summary_due = True
    window.desk.changed()
    wait_idle(window.root)
    assert not window.banner.winfo_ismapped()
    assert not window.summary_banner.winfo_ismapped()
    # A case taken in February (the shop used the program then): March 2nd offers February.
    february = context_for(data_dir, "boss", clock=Clock(datetime(2026, 2, 10, 2, tzinfo=UTC)))
    take_intake(
        february, IntakeForm(kind="repair", product="荣耀 X50", name="李四", phone="13712345678")
    )
    window._summary_due = True
    window.desk.changed()
    wait_idle(window.root)
    assert window.summary_banner.winfo_ismapped()


def test_ctrl_s_saves_the_lists_form_and_a_new_customer_needs_no_reason(new_shop: Any) -> None:
    """Ctrl+S is "save the form you are in": in the Lists tab it is the shown list's Save. A
    new customer is not asked for a reason for a change (the field shows for an edit only)."""
    window = new_shop
    tab = window.show_tab("lists")
    suppliers = tab.show_section("suppliers")
    suppliers.new()
    suppliers.form.set("name", "深圳华强配件行")
    press(window.root, "<Control-s>", suppliers.form.widgets["name"])
    pump(window.root)
    assert suppliers.tree.get_children(), "Ctrl+S added the supplier"

    customers = tab.show_section("customers")
    pump(window.root)
    assert not customers.reason_form.winfo_ismapped()
    customers.form.set("name", "李四数码")
    customers.form.set("phone", "13800138000")
    customers.form.set("kind", "dealer")
    press(window.root, "<Control-s>", customers.form.widgets["phone"])
    pump(window.root)
    assert customers.detail is not None and customers.detail.kind == "dealer"
    assert customers.reason_form.winfo_ismapped()  # an edit from now on: the reason is asked
    customers.new()
    pump(window.root)
    assert not customers.reason_form.winfo_ismapped()


def test_merging_customers_from_the_keyboard(new_shop: Any) -> None:
    """The merge dialog: its button with no row chosen says so (it did nothing); Down from the
    search box reaches the rows; Enter in the reason merges."""
    window = new_shop
    customers = window.show_tab("lists").show_section("customers")
    pump(window.root)
    for name, phone in (("李四", "13900139000"), ("李四数码", "13800138000")):
        customers.new()
        customers.form.set("name", name)
        customers.form.set("phone", phone)
        assert customers.save() is not None
        pump(window.root)
    dialog = customers.ask_merge()  # into 李四数码, shown last
    assert dialog is not None
    pump(window.root)
    assert not dialog.ok()
    said = window.desk.messages[-1]
    assert said.level == "warning" and "Choose a row" in said.text
    press(window.root, "<Down>", dialog.search_entry)
    pump(window.root)
    assert dialog.tree.selection() and dialog.focus_get() is dialog.tree
    dialog.reason.set("同一人两个号码")
    press(window.root, "<Return>", dialog.reason_entry)
    pump(window.root)
    assert not dialog.winfo_exists()
    assert customers.detail is not None and customers.detail.phone2 == "13900139000"


def test_one_row_is_said_in_the_singular(new_shop: Any, tmp_path: Path) -> None:
    window = new_shop
    parts = window.show_tab("lists").show_section("parts")
    one = tmp_path / "one.csv"
    one.write_text("配件编码,配件名称\nGEN-SIM,SIM 卡托\n", encoding="utf-8")
    parts.transfer.start_import(one)
    wait_for(window.root, lambda: parts.transfer.dialog is not None)
    assert parts.transfer.dialog.ok_button.cget("text") == "Import 1 row"
    parts.transfer.dialog.destroy()


def test_a_desk_clerk_is_told_before_a_stock_dialog(
    tk_root: Any, backend: str, data_dir: Path, clock: Clock
) -> None:
    """Stock moves are the manager's or the owner's: a clerk who is neither learns it on the
    button, instead of after filling in the dialog; nothing is written."""
    from app.ui.app import build

    create_owner("boss", "王老板", "24681357", clock=clock)
    owner = context_for(data_dir, "boss", clock=clock)
    stock.create_part(owner, "HW-M60-BAT", "Mate 60 电池")
    make_user("xiaoli", "front_desk")
    window = build(context_for(data_dir, "xiaoli", clock=clock), root=tk_root)
    try:
        pump(tk_root)
        parts = window.show_tab("lists").show_section("parts")
        pump(tk_root)
        parts.select("HW-M60-BAT")
        pump(tk_root)
        for ask in (parts.ask_stock_in, parts.ask_adjust, parts.ask_return):
            parts.dialog = None
            ask()
            pump(tk_root)
            assert parts.dialog is None, ask.__name__
            said = window.desk.messages[-1]
            assert said.level == "warning" and "manager" in said.text
        assert StockMovement.select().count() == 0
    finally:
        for child in list(tk_root.winfo_children()):
            child.destroy()
        pump(tk_root)


def test_an_error_wraps_under_its_field_and_the_table_keeps_its_width(new_shop: Any) -> None:
    """A bad price and warranty in the products form: each message sits under its narrow field
    (wrapped), so the form does not widen and the table keeps its room."""
    window = new_shop
    section = window.show_tab("lists").show_section("products")
    pump(window.root, 50)
    before = section.tree.winfo_width()
    section.form.set("name", "荣耀 X50")
    section.form.set("price", "一千")
    section.form.set("warranty_months", "0")
    assert section.save() is None
    pump(window.root, 50)
    assert section.form.error_text("price") and section.form.error_text("warranty_months")
    assert section.tree.winfo_width() >= before - 4, (before, section.tree.winfo_width())
    for name in ("price", "warranty_months"):
        line, field = section.form.errors[name], section.form.widgets[name]
        assert line.winfo_width() <= field.winfo_width() + 2, name


def test_the_intakes_own_line_breaks_are_not_broken_again(new_shop: Any) -> None:
    """The intake breaks its messages itself (Chinese rules); Tk must not wrap them a second
    time, which left one character alone on a line."""
    i18n.setup("zh")
    window = new_shop
    tab = window.show_tab("intake")
    tab.request_form.set("channel", "online_shop")
    tab.customer_form.set("phone", "138****1234")
    tab.customer_form.set("name", "陈静")
    tab.product_form.set("product", "OPPO Find X7")
    assert tab.save() is None
    pump(window.root, 50)
    line = tab.customer_form.errors["phone"]
    assert "\n" in str(line.cget("text"))  # long enough to be wrapped by the intake
    probe = ttk.Label(line.master, text=line.cget("text"), font=line.cget("font"))
    assert line.winfo_reqheight() == probe.winfo_reqheight()
    probe.destroy()


def test_money_reads_as_money_and_a_dealers_buttons_wait_for_a_dealer(new_shop: Any) -> None:
    """Prices and balances read "¥5,999.00" in every list (products and customers showed a bare
    5999.00 beside the parts' and dealers' ¥ figures); Deposit…, Show, Save PDF… and Print are
    off until a dealer is chosen (they only said so in the status line)."""
    from app.services.casework.customers import add_customer
    from app.services.remedies.dealers import dealer_deposit
    from app.services.shop.products import add_product

    window = new_shop
    ctx = window.desk.ctx
    add_product(ctx, "华为 Mate 60", "BRA-AL00", price="5999", category="phone")
    add_customer(ctx, {"name": "鑫达通讯", "phone": "13906571288", "kind": "dealer"})
    dealer_deposit(ctx, "13906571288", "20000", "bank")
    tab = window.show_tab("lists")
    products = tab.show_section("products")
    products.reload()
    wait_for(window.root, lambda: products.tree.get_children())
    row = products.tree.get_children()[0]
    assert "¥5,999.00" in products.tree.item(row, "values")
    customers = tab.show_section("customers")
    customers.reload()
    wait_for(window.root, lambda: customers.tree.get_children())
    row = customers.tree.get_children()[0]
    assert "¥20,000.00" in customers.tree.item(row, "values")
    dealers = tab.show_section("dealers")
    dealers.reload()
    wait_for(window.root, lambda: dealers.tree.get_children())
    buttons = (dealers.deposit_button, dealers.show_button, dealers.save_pdf_button)
    assert all(str(b.cget("state")) == "disabled" for b in (*buttons, dealers.print_button))
    dealers.select(dealers.tree.get_children()[0])
    wait_for(window.root, lambda: dealers.dealer)
    assert all(str(b.cget("state")) == "normal" for b in (*buttons, dealers.print_button))


def test_a_product_saved_without_a_category_is_said_to_have_no_rights(new_shop: Any) -> None:
    """Stored as "Other", a phone saved without its category would quietly lose its
    three-guarantee rights at intake: the status line says so when it is saved."""
    window = new_shop
    products = window.show_tab("lists").show_section("products")
    products.new()
    products.form.set("name", "华为 Mate 60")
    saved = products.save()
    assert saved is not None and saved.category == "other"
    assert "“Other”" in str(window.status.cget("text"))
    products.form.set("category", "phone")
    saved = products.save()
    assert saved is not None and saved.category == "phone"
    assert "Saved:" in str(window.status.cget("text"))
