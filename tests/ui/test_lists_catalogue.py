"""The Products and Customers lists of the Lists tab, driven like the desk drives them: search,
pick a row, correct it and Save, Merge… a duplicate, open a customer's case; every button and
table inside the counter's 1366×728 window, in Chinese and in English."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from app import i18n
from app.services.casework.customers import show_customer
from app.services.casework.intake import IntakeForm, take_intake
from app.services.shop.products import add_product, get_product
from app.store.models import Customer, Event, Product
from tests.ui.conftest import pump
from tests.ui.test_counter_screen import off_screen, small_screen  # noqa: F401


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_both_lists_fit_the_counter_screen(small_screen: Any, lang: str) -> None:  # noqa: F811
    i18n.setup(lang)
    tab = small_screen.show_tab("lists")
    for section in ("products", "customers"):
        shown = tab.show_section(section)
        shown.screenshot_setup()  # a row chosen: the form and the cases are filled
        pump(small_screen.root, 50)
        shown_count, cut = off_screen(small_screen, shown)
        assert shown_count > 10, section
        assert not cut, (section, cut)


def test_products_search_edit_add_and_merge(small_screen: Any) -> None:  # noqa: F811
    window = small_screen
    ctx = window.desk.ctx
    section = window.show_tab("lists").show_section("products")
    section.query.set("vivo X100")
    section.reload()
    pump(window.root)  # the list is read on its reader thread
    (row,) = section.rows.values()
    section.select(row.id)
    assert section.form.get("name") == "vivo X100"
    section.form.set("price", "3799")
    section.form.set("barcode", "6935117862341")
    assert section.save() is not None
    assert get_product(ctx, "6935117862341").price == Decimal("3799.00")
    # A bad value stays under its field; nothing is written.
    section.form.set("warranty_months", "0")
    assert section.save() is None
    assert section.form.error_text("warranty_months")
    # New: an empty form, Save adds the product.
    section.new_button.invoke()
    assert section.selected is None and section.form.get("name") == ""
    section.form.set("name", "vivo X100 Pro")
    section.form.set("model_spec", "V2324A")
    section.form.set("category", "phone")
    section.form.set("price", "4999")
    added = section.save()
    assert added is not None and added.category == "phone"
    # The desk typed the phone once more under another spelling: merge it into the kept one.
    dup = add_product(ctx, "VIVO X100", "12+256 星迹蓝")
    take_intake(
        ctx,
        IntakeForm(
            kind="repair",
            product="VIVO X100",
            model_spec="12+256 星迹蓝",
            name="张三",
            phone="13800138000",
        ),
    )
    section.query.set("")
    section.reload()
    section.select(row.id)  # picked once the list arrives
    pump(window.root)
    assert section.selected is not None and section.selected.id == row.id
    dialog = section.ask_merge()
    assert dialog is not None
    pump(window.root)
    assert dialog.rows and str(row.id) not in dialog.rows  # the kept one is not offered
    dialog.choose(dup.id)
    assert dialog.ok()
    pump(window.root)
    gone = Product.get_by_id(dup.id)
    assert gone.merged_into_id == row.id and gone.active is False
    assert get_product(ctx, f"#{row.id}").cases >= 1


def test_customers_show_cases_edit_with_a_reason_and_merge(small_screen: Any) -> None:  # noqa: F811
    window = small_screen
    ctx = window.desk.ctx
    opened: list[str] = []
    window.desk.on("open", opened.append)
    section = window.show_tab("lists").show_section("customers")
    section.screenshot_setup()
    pump(window.root)  # the list, then the chosen customer, each read on its reader
    detail = section.detail
    assert detail is not None and len(detail.cases) >= 1
    assert len(section.cases.get_children()) == len(detail.cases)
    first = section.cases.get_children()[0]
    section.cases.selection_set(first)
    section.open_case()
    assert opened == [first]
    # Save without a reason: the reason field says so; nothing is written.
    section.form.set("service_class", "A" if detail.service_class != "A" else "C")
    assert section.save() is None
    assert section.reason_form.error_text("reason")
    section.reason_form.set("reason", "客户升级为 A 类")
    saved = section.save()
    assert saved is not None and saved.service_class in ("A", "C")
    event = Event.select().where(Event.action == "edited").order_by(Event.id.desc()).get()
    assert event.note == "客户升级为 A 类"
    # A second record of the same person, merged with a reason.
    other = take_intake(
        ctx, IntakeForm(kind="complaint", name=detail.name, phone="13912345678")
    ).customer_id
    section.reload()
    dialog = section.ask_merge()
    assert dialog is not None
    dialog.query.set("13912345678")
    dialog.refresh()
    pump(window.root)
    dialog.choose(other)
    assert not dialog.ok()  # no reason yet: refused, the dialog stays
    dialog.reason.set("同一人的新号码")
    assert dialog.ok()
    pump(window.root)
    assert Customer.get_by_id(other).merged_into_id == detail.id
    assert show_customer(ctx, "13912345678").id == detail.id
    assert section.detail is not None and section.detail.phone2 in ("13912345678", detail.phone2)
    # New: a business that has no case yet.
    section.new_button.invoke()
    assert section.detail is None and str(section.merge_button.cget("state")) == "disabled"
    section.form.set("name", "市第二中学")
    section.form.set("phone", "0571-88001234")
    section.form.set("kind", "business")
    added = section.save()
    assert added is not None and added.kind == "business"
    assert section.detail is not None and section.detail.id == added.id


def test_intake_scans_a_barcode_and_adds_a_typed_product(window: Any) -> None:
    """At the counter: the barcode typed by the scanner fills the product line from the
    catalogue; a product the catalogue lacks is added by ticking "Add to the catalogue"."""
    ctx = window.desk.ctx
    add_product(
        ctx,
        "华为 Mate 60",
        "BRA-AL00 12+512G",
        category="phone",
        barcode="6941487303214",
        price="5999",
        warranty_months="24",
    )
    tab = window.show_tab("intake")
    tab.new()
    tab.customer_form.set("phone", "13912340001")
    tab.customer_form.set("name", "韩梅梅")
    entry = tab.product_form.widgets["barcode"]
    entry.focus_force()
    pump(window.root)
    entry.insert(0, "6941487303214")
    entry.event_generate("<KeyRelease>")
    pump(window.root, tab.LOOKUP_MS + 150)
    for _ in range(60):  # until the debounced look-ups have run (at most 3 s)
        if not tab._timers:
            break
        pump(window.root, 50)
    form = tab.product_form
    assert (form.get("product"), form.get("model_spec"), form.get("category")) == (
        "华为 Mate 60",
        "BRA-AL00 12+512G",
        "phone",
    )
    assert (form.get("amount"), form.get("warranty_months")) == ("5999.00", "24")
    number = tab.save()
    assert number is not None
    mate = get_product(ctx, "6941487303214")
    assert mate.cases == 1
    # The next customer's phone is not in the catalogue: typed, and added with its barcode.
    tab.new()
    tab.customer_form.set("phone", "13912340002")
    tab.customer_form.set("name", "李雷")
    form.set("product", "荣耀 90")
    form.set("category", "phone")
    form.set("barcode", "6936520812345")
    form.set("add_to_catalogue", True)
    assert tab.save() is not None
    assert get_product(ctx, "6936520812345").active is True
