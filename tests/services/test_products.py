"""The products catalogue (services.shop.products): a shop moving in adds what it sells, the desk
scans a barcode at intake and the product line fills in, and two records of one product are
merged without losing a case's history."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.domain.errors import ValidationError
from app.i18n.event_texts import describe
from app.services.casework.cases import show_case
from app.services.casework.intake import IntakeForm, take_intake
from app.services.casework.intake_help import barcode_lookup, preview, product_choices
from app.services.shop import products
from app.services.shop.context import Context
from app.store.history import verify_chain
from app.store.models import Case, Event, Product, ReturnLine, SaleRef
from tests.conftest import refused
from tests.conftest import row_counts as counts

PERSON = {"name": "张三", "phone": "13800138000"}


def _catalogue(ctx: Context) -> tuple[products.ProductRow, products.ProductRow]:
    mate = products.add_product(
        ctx,
        "华为 Mate 60",
        "BRA-AL00 12+512G",
        brand="华为",
        category="phone",
        barcode="6941487303214",
        price="5999",
        warranty_months="24",
    )
    buds = products.add_product(
        ctx, "FreeBuds 5", "", brand="华为", category="bluetooth-headset", price="999.00"
    )
    return mate, buds


def test_add_search_and_look_up_by_barcode(ctx: Context) -> None:
    mate, buds = _catalogue(ctx)
    assert (mate.price, mate.warranty_months, mate.unit, mate.active) == (
        Decimal("5999.00"),
        24,
        "台",
        True,
    )
    assert buds.unit == "件" and buds.barcode == ""
    names = [p.name for p in products.list_products(ctx)]
    assert names == ["FreeBuds 5", "华为 Mate 60"]
    assert [p.name for p in products.list_products(ctx, "BRA")] == ["华为 Mate 60"]  # model
    assert len(products.list_products(ctx, "华为")) == 2  # brand
    assert [p.id for p in products.list_products(ctx, "694148")] == [mate.id]  # barcode prefix
    assert products.list_products(ctx, "7303214") == []  # not a prefix
    assert (
        products.product_by_barcode(ctx, "６９４１４８７３０３２１４").id == mate.id
    )  # full-width
    assert products.product_by_barcode(ctx, "0000") is None
    assert products.get_product(ctx, "6941487303214").name == "华为 Mate 60"
    event = Event.get((Event.entity == "product") & (Event.entity_id == mate.id))
    assert event.action == "created" and event.data["price"] == "5999.00"


def test_bad_and_duplicate_products_are_refused_and_write_nothing(ctx: Context) -> None:
    _catalogue(ctx)
    before = counts()
    err = refused(
        lambda: products.add_product(
            ctx, "", category="fridge", barcode="69 41?", price="-1", warranty_months="0"
        ),
        "invalid_input",
    )
    assert isinstance(err, ValidationError)
    assert {e.field for e in err.errors} == {
        "name",
        "category",
        "barcode",
        "price",
        "warranty_months",
    }
    refused(lambda: products.add_product(ctx, "华为 Mate 60", "BRA-AL00 12+512G"), "product_exists")
    refused(lambda: products.add_product(ctx, "荣耀 90", barcode="6941487303214"), "barcode_taken")
    assert counts() == before


def test_edit_is_logged_with_before_and_after_and_needs_the_manager(
    ctx: Context, desk_ctx: Context
) -> None:
    mate, _buds = _catalogue(ctx)
    refused(
        lambda: products.edit_product(desk_ctx, f"#{mate.id}", {"price": "1"}),
        "permission_denied",
    )
    after = products.edit_product(ctx, f"#{mate.id}", {"price": "5799", "brand": "HUAWEI"})
    assert (after.price, after.brand) == (Decimal("5799.00"), "HUAWEI")
    event = Event.select().where(Event.action == "edited").get()
    assert event.data["price"] == ["5999.00", "5799.00"]
    assert event.data["brand"] == ["华为", "HUAWEI"]
    products.deactivate_product(ctx, f"#{mate.id}")
    assert [p.name for p in products.list_products(ctx)] == ["FreeBuds 5"]
    assert [p.active for p in products.list_products(ctx, inactive=True)] == [True, False]
    refused(lambda: products.edit_product(ctx, f"#{mate.id}", {"colour": "x"}), "invalid_input")


def test_a_scanned_barcode_fills_the_product_line_at_intake(ctx: Context) -> None:
    mate, _buds = _catalogue(ctx)
    choice = barcode_lookup(ctx, "6941487303214")
    assert choice is not None
    assert (choice.name, choice.model_spec, choice.category) == (
        "华为 Mate 60",
        "BRA-AL00 12+512G",
        "phone",
    )
    assert (choice.price, choice.warranty_months) == (Decimal("5999.00"), 24)
    form = IntakeForm(kind="repair", barcode="6941487303214", sold="2025-06-01", **PERSON)
    # The preview knows the product (and its 24 months) from the barcode alone.
    seen = preview(ctx, form)
    assert seen.known_product is not None and seen.known_product.name == "华为 Mate 60"
    assert seen.entitlement is not None
    case = take_intake(ctx, form)
    assert case.product_id == mate.id
    assert Product.select().count() == 2  # nothing new was made
    # A barcode naming another product than the one typed, or an unknown one alone: refused.
    before = counts()
    refused(
        lambda: take_intake(
            ctx, IntakeForm(kind="repair", barcode="6941487303214", product="小米 14", **PERSON)
        ),
        "barcode_other_product",
    )
    refused(
        lambda: take_intake(ctx, IntakeForm(kind="repair", barcode="123456789", **PERSON)),
        "invalid_input",
    )
    assert counts() == before


def test_a_product_typed_at_the_desk_is_added_only_when_asked(ctx: Context) -> None:
    """Intake works without a catalogue: the product is kept for the case, off the catalogue;
    ticking "Add to the catalogue" puts it there with its barcode, price and warranty."""
    typed = take_intake(
        ctx, IntakeForm(kind="repair", product="OPPO Reno 11", category="phone", **PERSON)
    )
    assert typed.product.active is False
    assert products.list_products(ctx) == []
    assert [c.name for c in product_choices(ctx, "OPPO")] == ["OPPO Reno 11"]  # still offered
    added = take_intake(
        ctx,
        IntakeForm(
            kind="refund",
            product="vivo X100",
            model_spec="V2309A",
            category="phone",
            barcode="6935117862341",
            amount="3999",
            add_to_catalogue=True,
            **PERSON,
        ),
    )
    row = products.get_product(ctx, "6935117862341")
    assert (row.id, row.active, row.price, row.cases) == (
        added.product_id,
        True,
        Decimal("3999.00"),
        1,
    )
    event = Event.get((Event.entity == "product") & (Event.entity_id == row.id))
    assert event.data["source"] == "intake"
    # The same product typed again with the box ticked puts the first one in the catalogue.
    take_intake(
        ctx,
        IntakeForm(
            kind="repair",
            product="OPPO Reno 11",
            category="phone",
            barcode="6932169334567",
            add_to_catalogue=True,
            **PERSON,
        ),
    )
    again = Product.get_by_id(typed.product_id)
    assert (again.active, again.barcode) == (True, "6932169334567")
    assert Product.select().count() == 2


def test_merging_duplicates_moves_cases_sales_and_return_lines(ctx: Context) -> None:
    mate, _buds = _catalogue(ctx)
    # The desk typed the same phone twice in another spelling before the catalogue existed.
    first = take_intake(
        ctx,
        IntakeForm(
            kind="return",
            product="华为mate60",
            category="phone",
            sold="2026-02-20",
            order_no="T-1001",
            amount="5999",
            **PERSON,
        ),
    ).number
    second = take_intake(
        ctx, IntakeForm(kind="repair", product="华为mate60", category="phone", **PERSON)
    ).number
    dup = Case.get(Case.number == first).product
    history = [e.action for e in show_case(ctx, first).events]
    before = counts()
    result = products.merge_products(ctx, f"#{mate.id}", f"#{dup.id}")
    assert set(result.cases) == {first, second}
    assert (result.sales, result.return_lines) == (1, 1)
    assert {Case.get(Case.number == n).product_id for n in (first, second)} == {mate.id}
    assert SaleRef.get().product_id == mate.id
    assert ReturnLine.get().product_id == mate.id
    gone = Product.get_by_id(dup.id)
    assert (gone.active, gone.merged_into_id) == (False, mate.id)
    after = counts()
    assert after["Product"] == before["Product"]  # the duplicate stays: events name it
    # Each case keeps its history and says which product it was taken on.
    events = show_case(ctx, first).events
    assert [e.action for e in events][: len(history)] == history
    assert events[-1].action == "product_merged"
    assert events[-1].data["from"] == dup.id
    assert describe(events[-1].action, "", events[-1].data) == (
        "product record merged: now 华为 Mate 60"
    )
    merged = Event.get((Event.entity == "product") & (Event.action == "merged"))
    assert merged.data["from"] == dup.id and set(merged.data["cases"]) == {first, second}
    assert Event.get(Event.action == "merged_into").entity_id == dup.id
    assert products.get_product(ctx, f"#{mate.id}").cases == 2
    assert [p.name for p in products.list_products(ctx, "mate", inactive=True)] == ["华为 Mate 60"]
    # The old spelling typed again lands on the kept product.
    again = take_intake(
        ctx, IntakeForm(kind="repair", product="华为mate60", category="phone", **PERSON)
    )
    assert again.product_id == mate.id
    refused(lambda: products.merge_products(ctx, f"#{mate.id}", f"#{mate.id}"), "merge_same")
    refused(lambda: products.merge_products(ctx, f"#{mate.id}", f"#{dup.id}"), "product_merged")
    assert verify_chain()[0]


def test_merge_takes_the_duplicates_barcode_when_the_kept_one_has_none(ctx: Context) -> None:
    mate, buds = _catalogue(ctx)
    other = products.add_product(ctx, "华为 FreeBuds5", barcode="6941487299999")
    products.merge_products(ctx, f"#{buds.id}", "6941487299999")
    assert products.get_product(ctx, "6941487299999").id == buds.id
    assert Product.get_by_id(other.id).barcode == ""
    with pytest.raises(Exception):  # noqa: B017, PT011 - not found
        products.get_product(ctx, "#99999")
    assert mate.id != buds.id
