"""Online-shop orders on a case (issue #17 item 5): the platform, the buyer's ID, the platform's
refund number and reason, the received date the 7-day periods may run from, and the platforms'
virtual and masked phone numbers. Each test walks the desk's steps through the services and
checks the records, the money and the paper at the end; SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from app.domain.errors import DomainError, ValidationError
from app.services.casework import cases
from app.services.casework.cases import CaseFilter, list_cases, show_case
from app.services.casework.intake import IntakeForm, find_customer_by_phone, take_intake
from app.services.casework.intake_help import customer_lookup, preview
from app.services.casework.records import find_case, refunded_total, rma_of
from app.services.casework.rules import update_settings, with_settings
from app.services.paper.documents import render_slip, slip_data
from app.services.remedies import money as money_svc
from app.services.remedies import returns
from app.services.shop.context import Context
from app.store.models import Case, Customer, SaleRef
from tests.conftest import row_counts
from tests.documents.slipdata import have_poppler, pdf_text, squash

# Today is 2026-03-02 (tests/conftest.py clock). Sold on 02-20, received on 02-25: the 7-day
# no-reason return ended on 02-27 counted from the sale, on 03-04 counted from receipt.
ONLINE: dict[str, Any] = {
    "kind": "return",
    "name": "王芳",
    "phone": "17012345678转1234",
    "product": "小米 14",
    "category": "phone",
    "sold": "2026-02-20",
    "amount": "3999.00",
    "order_no": "3905123456789012345",
    "channel": "online_shop",
    "platform": "jd",
    "buyer_id": "jd_wangfang88",
    "platform_refund_no": "JD-RF-0301-01",
    "platform_reason": "拍错订单/不想要了",
    "received": "2026-02-25",
    "unused": True,
}


def online(ctx: Context, **fields: Any) -> Case:
    return take_intake(ctx, IntakeForm(**{**ONLINE, **fields}))


def refused(form: IntakeForm, ctx: Context) -> list[tuple[str, str]]:
    before = row_counts()
    with pytest.raises(ValidationError) as e:
        take_intake(ctx, form)
    assert row_counts() == before  # nothing written
    return [(err.field, err.code) for err in e.value.errors]


# --- every field of an online order -------------------------------------------------------------


def test_an_online_order_is_taken_with_every_field(ctx: Context, tmp_path: Any) -> None:
    case = online(ctx)
    sale = SaleRef.get_by_id(case.sale_id)
    assert (sale.platform, sale.buyer_id, sale.received_date, sale.order_no) == (
        "jd",
        "jd_wangfang88",
        date(2026, 2, 25),
        "3905123456789012345",
    )
    assert sale.channel == "online"  # a platform named: the sale was online
    assert (case.platform_refund_no, case.platform_reason) == ("JD-RF-0301-01", "wrong_order")
    assert case.reason == "no_reason"  # the platform's reason says what the case's is
    # The platform's virtual number is kept with its extension, normalised.
    assert Customer.get_by_id(case.customer_id).phone == "17012345678-1234"
    d = show_case(ctx, case.number)
    assert (d.sale.platform, d.sale.buyer_id, d.sale.received_date) == (
        "jd",
        "jd_wangfang88",
        date(2026, 2, 25),
    )
    assert (d.platform_refund_no, d.platform_reason) == ("JD-RF-0301-01", "wrong_order")
    # The slips that show the sale show the platform, the order and the platform's refund no.
    for form in ("intake", "rma"):
        data = slip_data(ctx, case.number, form)
        assert data["platform"] == "京东"
        assert data["order_no"] == "3905123456789012345"
        assert data["platform_refund_no"] == "JD-RF-0301-01"
        assert data["platform_reason"] == "拍错订单/不想要了"
        assert data["order_received"] == "2026-02-25"
        assert data["customer_phone"] in ("170****5678-1234", "17012345678-1234")
    card = slip_data(ctx, case.number, "warranty-card")
    assert (card["platform"], card["order_received"]) == ("京东", "2026-02-25")
    if have_poppler():
        text = squash(pdf_text(render_slip(ctx, case.number, "rma"), tmp_path))
        assert "网店订单" in text and "京东" in text and "JD-RF-0301-01" in text
        assert "3905123456789012345" in text and "17012345678" not in text  # masked
    # The desk finds it by the buyer's ID too.
    found = list_cases(ctx, CaseFilter(search="jd_wangfang88"))
    assert [r.number for r in found] == [case.number]


def test_a_store_sale_prints_no_online_block(ctx: Context) -> None:
    case = online(
        ctx,
        channel="walk_in",
        platform="",
        buyer_id="",
        platform_refund_no="",
        platform_reason="",
        received="",
        phone="13912345678",
    )
    sale = SaleRef.get_by_id(case.sale_id)
    assert (sale.channel, sale.platform, sale.received_date) == ("store", "", None)
    data = slip_data(ctx, case.number, "rma")
    assert (data["platform"], data["order_received"], data["platform_reason"]) == ("", "", "")


def test_platforms_by_name_and_the_old_tmall_channel(ctx: Context) -> None:
    taobao = online(ctx, platform="天猫", platform_refund_no="TB-1", phone="13912345678")
    assert SaleRef.get_by_id(taobao.sale_id).platform == "taobao"
    # The old "tmall" sale channel is still accepted: an online sale on Taobao/Tmall.
    old = online(
        ctx, sale_channel="tmall", platform="", platform_refund_no="TB-2", phone="13912345678"
    )
    sale = SaleRef.get_by_id(old.sale_id)
    assert (sale.channel, sale.platform) == ("online", "taobao")
    # A sale stored before v11 with channel "tmall" and no platform reads as Taobao/Tmall.
    SaleRef.update(channel="tmall", platform="").where(SaleRef.id == old.sale_id).execute()
    assert show_case(ctx, old.number).sale.platform == "taobao"
    assert slip_data(ctx, old.number, "rma")["platform"] == "淘宝/天猫"
    got = refused(IntakeForm(**{**ONLINE, "platform": "亚马逊", "platform_reason": "心情"}), ctx)
    assert got == [("platform", "not_a_choice"), ("platform_reason", "not_a_choice")]


def test_the_received_date_cannot_come_before_the_sale_or_after_today(ctx: Context) -> None:
    assert refused(IntakeForm(**{**ONLINE, "received": "2026-02-19"}), ctx) == [
        ("received", "date_too_early")
    ]
    assert refused(IntakeForm(**{**ONLINE, "received": "2026-03-03"}), ctx) == [
        ("received", "date_in_future")
    ]


def test_one_platform_refund_one_case(ctx: Context) -> None:
    first = online(ctx)
    before = row_counts()
    with pytest.raises(DomainError) as e:
        online(ctx, phone="13912345678")
    assert e.value.code == "platform_refund_exists"
    assert e.value.params["case"] == first.number
    assert row_counts() == before
    # The same number on another platform is another refund.
    online(ctx, platform="pinduoduo", phone="13912345678")


# --- phones --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["17012345678-1234", "17012345678转1234", "17012345678,1234", "17012345678#1234"],
)
def test_virtual_numbers_are_stored_normalised(ctx: Context, typed: str) -> None:
    case = online(ctx, phone=typed)
    assert Customer.get_by_id(case.customer_id).phone == "17012345678-1234"
    again = online(ctx, phone="170 1234 5678 转 1234", platform_refund_no="JD-RF-2")
    assert again.customer_id == case.customer_id


def test_a_masked_number_needs_the_buyer_id(ctx: Context) -> None:
    known = take_intake(
        ctx, IntakeForm(kind="complaint", name="陈静", phone="13800001234")
    ).customer_id
    got = refused(IntakeForm(**{**ONLINE, "phone": "138****1234", "buyer_id": ""}), ctx)
    assert got == [("phone", "phone_masked")]
    first = online(ctx, phone="138****1234")
    buyer = Customer.get_by_id(first.customer_id)
    assert buyer.phone == "138****1234" and buyer.id != known  # never matched by its digits
    # Another buyer's masked number with the same digits is another customer ...
    other = online(ctx, phone="138****1234", buyer_id="jd_chenjing", platform_refund_no="R-2")
    assert other.customer_id not in (known, first.customer_id)
    # ... the same buyer on the same platform is the same customer.
    again = online(ctx, phone="138****1234", platform_refund_no="R-3")
    assert again.customer_id == first.customer_id
    assert find_customer_by_phone("138****1234") is None
    assert customer_lookup(ctx, "138****1234") is None
    assert find_customer_by_phone("13800001234").id == known


# --- the 7-day periods from the received date ---------------------------------------------------


def test_the_seven_days_run_from_receipt_when_the_shop_says_so(ctx: Context) -> None:
    # From the sale (the default): the no-reason return ended on 02-27.
    by_sale = online(ctx, platform_refund_no="JD-RF-A")
    ent = by_sale.entitlement
    assert (ent["no_reason_return"], ent["until"]["no_reason_return"]) == (False, "2026-02-27")
    assert (ent["periods_from"], ent["received"]) == ("sale", None)
    # The owner counts online orders' short periods from receipt.
    settings = update_settings(ctx, {"warranty.online_periods_from": "received"})
    ctx = with_settings(ctx, settings)
    form = IntakeForm(**{**ONLINE, "platform_refund_no": "JD-RF-B"})
    assert preview(ctx, form).entitlement.no_reason_return  # the desk sees it while typing
    by_receipt = take_intake(ctx, form)
    ent = by_receipt.entitlement
    assert (ent["no_reason_return"], ent["until"]["no_reason_return"]) == (True, "2026-03-04")
    assert ent["until"]["return"] == "2026-03-04"
    assert ent["until"]["exchange"] == "2026-03-12"  # 15 days from receipt
    assert ent["until"]["free_repair"] == "2027-02-20"  # months still run from the sale
    assert (ent["periods_from"], ent["received"]) == ("received", "2026-02-25")
    assert "periods_from_received" in {b["code"] for b in ent["basis"]}
    # The decision made before the change keeps what it said.
    assert find_case(by_sale.number).entitlement["periods_from"] == "sale"
    # A store sale's periods run from the sale whatever the setting.
    store = online(
        ctx,
        channel="walk_in",
        platform="",
        buyer_id="",
        platform_refund_no="",
        received="2026-02-25",
        phone="13912345678",
    )
    assert store.entitlement["periods_from"] == "sale"
    assert not store.entitlement["no_reason_return"]

    # The money at the end: the order counted from receipt is taken back and refunded ...
    returns.approve(ctx, by_receipt.number, "7天无理由，自签收起算")
    cases.move(ctx, by_receipt.number, "awaiting_goods")  # the buyer sends it back
    rma = rma_of(find_case(by_receipt.number))
    returns.receive(ctx, by_receipt.number, {ln.id: ln.qty_expected for ln in rma.lines})
    returns.inspect(ctx, by_receipt.number, "intact_resalable", "未拆封")
    money_svc.refund(ctx, by_receipt.number, "3999.00", "原路退回")
    assert refunded_total(find_case(by_receipt.number)) == Decimal("3999.00")
    # ... the one decided from the sale date is not eligible without the owner's override.
    with pytest.raises(DomainError) as e:
        returns.approve(ctx, by_sale.number)
    assert e.value.code == "not_eligible"
    assert refunded_total(find_case(by_sale.number)) == Decimal("0")


# --- the v11 step -------------------------------------------------------------------------------


def test_a_v10_database_gets_the_online_columns(tmp_path: Any) -> None:
    """A database at version 10 (no online columns, a Tmall sale of the old kind) upgrades:
    the columns are there, the old sale reads as Taobao/Tmall, the cases are intact."""
    from playhouse.migrate import SchemaMigrator, migrate

    from app.services.shop.setup import close_data_folder, context_for, open_data_folder
    from app.store import schema
    from app.store.db import database
    from app.store.models import User

    folder = open_data_folder(tmp_path / "v10")
    try:
        ctx = context_for(folder)
        number = take_intake(
            ctx,
            IntakeForm(
                kind="refund",
                name="赵磊",
                phone="13711112222",
                product="手机壳",
                amount="59.00",
                order_no="TB-OLD-1",
                sale_channel="store",
                channel="online_shop",
            ),
        ).number
        SaleRef.update(channel="tmall").execute()
        m = SchemaMigrator.from_database(database.obj)
        database.execute_sql('DROP INDEX IF EXISTS "sale_ref_buyer_id"')
        migrate(
            m.drop_column("sale_ref", "platform"),
            m.drop_column("sale_ref", "buyer_id"),
            m.drop_column("sale_ref", "received_date"),
            m.drop_column("case", "platform_reason"),
        )
        schema.SchemaInfo.update(version=10).execute()
        assert "platform" not in {c.name for c in database.get_columns("sale_ref")}
    finally:
        close_data_folder()
    open_data_folder(folder)
    try:
        assert schema.current_version() == schema.SCHEMA_VERSION
        assert {"platform", "buyer_id", "received_date"} <= {
            c.name for c in database.get_columns("sale_ref")
        }
        assert "platform_reason" in {c.name for c in database.get_columns("case")}
        owner = User.get(User.name == "system")
        ctx = context_for(folder, owner.name)
        d = show_case(ctx, number)
        assert (d.sale.channel, d.sale.platform, d.platform_reason) == ("tmall", "taobao", "")
        # New online intakes work on the migrated database.
        case = online(ctx, platform_refund_no="JD-AFTER-UPGRADE")
        assert SaleRef.get_by_id(case.sale_id).buyer_id == "jd_wangfang88"
    finally:
        close_data_folder()


def test_erasing_a_buyer_erases_their_platform_id(ctx: Context) -> None:
    from app.services.safekeeping.privacy import erase_customer, export_customer

    case = online(ctx, description="买家 jd_wangfang88 说拍错了")
    exported = export_customer(ctx, f"#{case.customer_id}")
    assert exported["sales"][0]["buyer_id"] == "jd_wangfang88"
    assert exported["sales"][0]["platform"] == "jd"
    erase_customer(ctx, f"#{case.customer_id}", confirm_owner=True)
    assert SaleRef.get_by_id(case.sale_id).buyer_id == ""
    assert "jd_wangfang88" not in find_case(case.number).description
    assert list_cases(ctx, CaseFilter(search="jd_wangfang88")) == []


def test_a_corrected_sale_date_keeps_the_received_date_the_periods_ran_from(
    ctx: Context,
) -> None:
    from app.services.casework.corrections import correct_case

    settings = update_settings(ctx, {"warranty.online_periods_from": "received"})
    ctx = with_settings(ctx, settings)
    case = online(ctx)
    assert case.entitlement["periods_from"] == "received"
    correct_case(ctx, case.number, {"sold": "2026-02-19"}, "付款日期看错了")
    ent = find_case(case.number).entitlement
    assert (ent["sold"], ent["periods_from"], ent["received"]) == (
        "2026-02-19",
        "received",
        "2026-02-25",
    )
    assert ent["until"]["no_reason_return"] == "2026-03-04"
    assert ent["until"]["free_repair"] == "2027-02-19"
