"""Taking a request at the counter (app.services.casework.intake) against a real SQLite file."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from app.domain.errors import DomainError, ValidationError
from app.services.casework.cases import show_case
from app.services.casework.intake import IntakeForm, find_customer_by_phone, take_intake
from app.services.casework.records import repair_of, rma_of
from app.services.casework.rules import update_settings
from app.services.shop.context import Context
from app.services.shop.setup import context_for
from app.store.models import Case, Customer, Event, RepairTicket, ReturnAuth, ReturnLine
from tests.conftest import row_counts as counts
from tests.conftest import unsealed

GOOD_IMEI = "490154203237518"  # a published example IMEI; its Luhn digit is right
BAD_IMEI = "490154203237519"


def form(**fields: Any) -> IntakeForm:
    base: dict[str, Any] = {"kind": "complaint", "name": "李娜", "phone": "13912345678"}
    return IntakeForm(**{**base, **fields})


def phone_form(**fields: Any) -> IntakeForm:
    return form(kind="repair", product="华为 nova 12", category="phone", **fields)


# --- customers -----------------------------------------------------------------------------------


def test_new_customer_is_created_with_the_clean_phone(ctx: Context) -> None:
    case = take_intake(ctx, form(phone="139 1234 5678", service_class="A", address="上海"))
    customer = Customer.get_by_id(case.customer_id)
    assert (customer.name, customer.phone, customer.service_class) == ("李娜", "13912345678", "A")
    assert customer.kind == "consumer"
    events = Event.select().where((Event.entity == "customer") & (Event.action == "created"))
    assert [e.entity_id for e in events] == [customer.id]


@pytest.mark.parametrize(
    "typed",
    [
        "+86 139 1234 5678",
        "0086-139-1234-5678",
        "１３９１２３４５６７８",
        "＋８６ １３９１２３４５６７８",
    ],
)
def test_repeat_customer_is_found_by_normalised_phone(ctx: Context, typed: str) -> None:
    first = take_intake(ctx, form())
    again = take_intake(ctx, form(phone=typed, name="李娜"))
    assert again.customer_id == first.customer_id
    assert Customer.select().count() == 1
    assert find_customer_by_phone("13912345678").id == first.customer_id


def test_repeat_customer_changes_are_recorded(ctx: Context) -> None:
    first = take_intake(ctx, form())
    take_intake(ctx, form(service_class="A", customer_kind="dealer"))
    customer = Customer.get_by_id(first.customer_id)
    assert (customer.service_class, customer.kind) == ("A", "dealer")
    upd = Event.get((Event.entity == "customer") & (Event.action == "updated"))
    assert unsealed(upd.data) == {
        "fields": ["service_class", "kind"]
    }  # which fields, never the values


# --- validation ----------------------------------------------------------------------------------


def test_bad_imei_checksum_names_serial_and_writes_nothing(ctx: Context) -> None:
    take_intake(ctx, phone_form(serial=GOOD_IMEI))  # counters and customer already exist
    before = counts()
    with pytest.raises(ValidationError) as info:
        take_intake(ctx, phone_form(serial=BAD_IMEI))
    assert [(e.field, e.code) for e in info.value.errors] == [("serial", "imei_checksum")]
    assert info.value.params["fields"] == ["serial"]
    assert counts() == before


def test_imei_is_stored_clean(ctx: Context) -> None:
    case = take_intake(ctx, phone_form(serial="49-015420-323751-8"))
    assert case.serial == GOOD_IMEI
    assert repair_of(case).serial == GOOD_IMEI


def test_every_bad_field_is_reported_at_once(ctx: Context) -> None:
    before = counts()
    with pytest.raises(ValidationError) as info:
        take_intake(
            ctx,
            IntakeForm(
                kind="repair",
                name="123",
                phone="12345",
                product="华为 P60",
                serial=BAD_IMEI,
                sold="2026-02-30",
                amount="12.345",
                qty="0",
                channel="fax",
            ),
        )
    got = {(e.field, e.code) for e in info.value.errors}
    assert got == {
        ("name", "name_invalid"),
        ("phone", "phone_invalid"),
        ("serial", "imei_checksum"),
        ("sold", "date_invalid"),
        ("amount", "money_too_many_decimals"),
        ("qty", "qty_too_small"),
        ("channel", "not_a_choice"),
    }
    assert counts() == before


def test_product_required_for_repair_and_return(ctx: Context) -> None:
    for kind in ("repair", "return", "exchange"):
        with pytest.raises(ValidationError) as info:
            take_intake(ctx, form(kind=kind))
        assert ("product", "required") in {(e.field, e.code) for e in info.value.errors}
    with pytest.raises(ValidationError) as info:
        take_intake(ctx, form(kind="repair", product="x", on_site=True))
    assert ("site_address", "required") in {(e.field, e.code) for e in info.value.errors}
    assert Case.select().count() == 0


def test_sale_date_in_the_future_is_refused(ctx: Context) -> None:
    with pytest.raises(ValidationError) as info:
        take_intake(ctx, phone_form(sold="2026-03-03"))
    assert [(e.field, e.code) for e in info.value.errors] == [("sold", "date_in_future")]


# --- entitlement snapshot ------------------------------------------------------------------------


def test_entitlement_snapshot_is_stored_and_kept_when_settings_change(ctx: Context) -> None:
    case = take_intake(ctx, phone_form(serial=GOOD_IMEI, sold="2026-02-26"))
    stored = Case.get_by_id(case.id).entitlement
    assert stored["category"] == "phone"
    assert stored["sold"] == "2026-02-26" and stored["on"] == "2026-03-02"
    assert stored["return"] is True and stored["free_repair"] is True
    assert stored["until"]["return"] == "2026-03-05"
    assert repair_of(case).in_warranty is True
    created = Event.get((Event.number == case.number) & (Event.action == "created"))
    assert created.data["entitlement"] == stored

    update_settings(ctx, {"warranty.return_days": "3", "warranty.repair_months": 1})
    assert Case.get_by_id(case.id).entitlement == stored  # the decision is not rewritten

    # A new intake decides with the new settings.
    fresh = context_for(ctx.data_dir, "boss", clock=ctx.clock)
    later = take_intake(fresh, phone_form(serial="356938035643809", sold="2026-02-26"))
    now_ent = Case.get_by_id(later.id).entitlement
    assert now_ent["until"]["return"] == "2026-03-01"
    assert now_ent["return"] is False
    assert now_ent["until"]["free_repair"] == "2026-03-26"


def test_no_sale_date_means_no_entitlement_and_paid_repair(ctx: Context) -> None:
    case = take_intake(ctx, phone_form())
    assert Case.get_by_id(case.id).entitlement is None
    assert repair_of(case).in_warranty is False


def test_man_made_damage_gives_no_free_repair(ctx: Context) -> None:
    case = take_intake(ctx, phone_form(sold="2026-01-01", man_made=True))
    ent = Case.get_by_id(case.id).entitlement
    assert ent["free_repair"] is False
    assert repair_of(case).in_warranty is False


# --- promise dates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("klass", "due"),
    [("A", date(2026, 3, 2)), ("B", date(2026, 3, 3)), ("C", date(2026, 3, 4)), ("", None)],
)
def test_promise_date_by_class(ctx: Context, klass: str, due: date | None) -> None:
    case = take_intake(ctx, form(service_class=klass))
    stored = Case.get_by_id(case.id)
    assert stored.promise_date == (due or date(2026, 3, 3))  # new customers default to B
    # 24 hours, but never after the promise day: A is promised today, so answered today (23:59)
    expected = datetime(2026, 3, 2, 15, 59, tzinfo=UTC) if klass == "A" else None
    assert stored.first_answer_due == (expected or datetime(2026, 3, 3, 2, 0, tzinfo=UTC))


def test_promise_uses_the_shop_date_not_the_utc_date(ctx: Context, clock: Any) -> None:
    clock.now = datetime(2026, 3, 2, 17, 30, tzinfo=UTC)  # 01:30 on 3 March in Shanghai
    case = take_intake(ctx, form(service_class="A"))
    assert Case.get_by_id(case.id).promise_date == date(2026, 3, 3)


# --- detail records and numbering ----------------------------------------------------------------


def test_repair_creates_a_repair_ticket(ctx: Context) -> None:
    case = take_intake(
        ctx,
        phone_form(
            serial=GOOD_IMEI,
            brand="华为",
            device_model="nova 12",
            accessories=["charger", "box"],
            condition="背壳划痕",
            fault="充不进电",
        ),
    )
    assert case.number == "SH-2026-000001"
    assert case.status == "received"
    t = RepairTicket.get(RepairTicket.case == case)
    assert t.number == "WX-2026-000001"
    assert (t.brand, t.model, t.accessories, t.condition, t.fault) == (
        "华为",
        "nova 12",
        ["charger", "box"],
        "背壳划痕",
        "充不进电",
    )
    assert t.on_site is False and t.contact_due_at is None
    created = Event.get((Event.number == case.number) & (Event.action == "created"))
    assert created.data["repair"] == "WX-2026-000001"
    assert created.to_state == "received"


def test_onsite_repair_starts_scheduled_with_contact_deadline(ctx: Context) -> None:
    case = take_intake(ctx, phone_form(on_site=True, site_address="徐汇区漕溪北路 1 号"))
    assert case.status == "scheduled"
    t = repair_of(case)
    assert t.on_site is True
    assert t.contact_due_at == datetime(2026, 3, 3, 2, 0, tzinfo=UTC)


def test_return_creates_an_rma_with_one_line(ctx: Context) -> None:
    case = take_intake(
        ctx,
        form(
            kind="return",
            product="蓝牙耳机",
            model_spec="FreeBuds 5",
            category="bluetooth-headset",
            sold="2026-02-28",
            reason="quality",
            amount="398.00",
            qty=2,
        ),
    )
    rma = ReturnAuth.get(ReturnAuth.case == case)
    assert rma.number == "RMA-2026-000001"
    lines = list(ReturnLine.select().where(ReturnLine.rma == rma))
    assert len(lines) == 1
    line = lines[0]
    assert (line.description, line.spec, line.qty_expected, line.unit_price, line.reason) == (
        "蓝牙耳机",
        "FreeBuds 5",
        2,
        Decimal("199.00"),
        "quality",
    )
    assert rma_of(case).id == rma.id
    assert RepairTicket.select().count() == 0


def test_amount_must_divide_by_quantity(ctx: Context) -> None:
    with pytest.raises(ValidationError) as info:
        take_intake(ctx, form(kind="return", product="数据线", amount="100.00", qty=3))
    assert [(e.field, e.code) for e in info.value.errors] == [("amount", "amount_not_divisible")]


def test_numbers_are_sequential_and_gap_free_after_failures(ctx: Context) -> None:
    first = take_intake(ctx, form())
    # Refused before the transaction (bad input) ...
    with pytest.raises(ValidationError):
        take_intake(ctx, form(phone="1"))
    # ... and refused inside it, after customer, product and sale were written.
    before = counts()
    with pytest.raises(DomainError) as info:
        take_intake(
            ctx,
            form(
                kind="repair",
                phone="13700001111",
                product="新产品",
                sold="2026-01-01",
                parent_number="SH-2026-999999",
            ),
        )
    assert info.value.code == "not_found"
    assert counts() == before  # no orphan customer, product, sale or used number
    second = take_intake(ctx, form(kind="repair", product="华为 P60"))
    third = take_intake(ctx, form(kind="return", product="华为 P60", sold="2026-03-01"))
    assert [first.number, second.number, third.number] == [
        "SH-2026-000001",
        "SH-2026-000002",
        "SH-2026-000003",
    ]
    assert repair_of(second).number == "WX-2026-000001"
    assert rma_of(third).number == "RMA-2026-000001"


def test_year_rollover_starts_a_new_series_in_shop_time(ctx: Context, clock: Any) -> None:
    clock.now = datetime(2026, 12, 31, 15, 30, tzinfo=UTC)  # 23:30 on 31 Dec in Shanghai
    a = take_intake(ctx, form())
    b = take_intake(ctx, form(kind="repair", product="华为 P60"))
    clock.now = datetime(2026, 12, 31, 16, 10, tzinfo=UTC)  # 00:10 on 1 Jan 2027 in Shanghai
    c = take_intake(ctx, form())
    d = take_intake(ctx, form(kind="repair", product="华为 P60"))
    assert [a.number, b.number, c.number, d.number] == [
        "SH-2026-000001",
        "SH-2026-000002",
        "SH-2027-000001",
        "SH-2027-000002",
    ]
    assert repair_of(b).number == "WX-2026-000001"
    assert repair_of(d).number == "WX-2027-000001"


def test_intake_event_and_first_answer(ctx: Context) -> None:
    case = take_intake(ctx, form(description="店员态度差"))
    ev = Event.get((Event.number == case.number) & (Event.action == "created"))
    assert (ev.entity, ev.entity_id, ev.actor_id, ev.to_state) == (
        "case",
        case.id,
        ctx.actor.id,
        "logged",
    )
    stored = Case.get_by_id(case.id)
    assert stored.first_answered_at is None
    assert (stored.reason, stored.request) == ("other", "other")


def test_amount_for_several_items_gives_the_unit_price(ctx: Context) -> None:
    case = take_intake(
        ctx,
        IntakeForm(
            kind="return",
            name="批发客户",
            phone="13600001111",
            product="原装数据线",
            category="accessory",
            sold="2026-02-20",
            reason="quality",
            amount="90.00",
            qty=3,
        ),
    )
    assert case.sale.unit_price == Decimal("30.00")
    assert case.product.price == Decimal("30.00")
    detail = show_case(ctx, case.number)
    assert detail.rma.lines[0].unit_price == Decimal("30.00")
    assert detail.rma.total == Decimal("90.00")
