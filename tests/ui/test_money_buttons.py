"""The window's buttons for issue 13: approving outside the three guarantees, ship first with a
deposit and the goods-owed list, goods not coming back, booking and reversing money, the freight
payer, damaged units on receipt. Real widgets; the database is checked through the services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from app.services.casework.cases import move
from app.services.casework.records import find_case, refunded_total
from app.services.remedies import returns
from app.services.shop.context import Context
from app.store.models import CarrierClaim, MoneyEntry
from tests.ui.conftest import pump
from tests.ui.test_returns import db, intake, open_record, press_ok, texts, window  # noqa: F401


def test_the_owner_approves_an_old_exchange_with_a_reason(window: Any, ctx: Context) -> None:  # noqa: F811
    number = intake(ctx, kind="exchange", sold="2023-01-01", amount="1999.00")
    panel = open_record(window, number)
    panel.press("return_approve")
    shown = texts(panel.dialog)
    assert "Outside the exchange period (ended 2023-01-16)" in shown
    panel.dialog.form.set("override_reason", "")
    assert not panel.dialog.ok().ok  # a reason is required
    press_ok(window, panel, "return_approve", override_reason="老顾客，店主特批")
    d = db(ctx, number)
    assert (d.status, d.rma.override_reason) == ("approved", "老顾客，店主特批")


def test_ship_first_with_deposit_then_goods_owed_list_and_waiver(
    window: Any,  # noqa: F811
    ctx: Context,
) -> None:
    number = intake(ctx, amount="129.00")
    panel = open_record(window, number)
    press_ok(window, panel, "ship_first", note="顺丰补发", deposit="200.00", route="wechat")
    d = db(ctx, number)
    assert d.status == "replacement_shipped" and d.rma.goods_due is not None
    assert [(m.kind, m.route) for m in d.money] == [("deposit", "wechat")]
    tab = window.tabs["returns"]
    tab.refresh_counts()
    pump(window.root)
    assert [b.cget("text").split()[0] for b in tab.owed.buttons] == [number]
    panel = open_record(window, number)
    assert "waive_goods" in panel.buttons
    press_ok(window, panel, "waive_goods", reason="快递丢件", lost=True)
    assert db(ctx, number).rma.goods_waived_reason == "快递丢件"
    tab.refresh_counts()
    pump(window.root)
    assert tab.owed.buttons == []


def test_book_money_and_reverse_it(window: Any, ctx: Context) -> None:  # noqa: F811
    number = intake(ctx)
    panel = open_record(window, number)
    press_ok(window, panel, "book_money", kind="price_difference", amount="100.00", route="alipay")
    entry = MoneyEntry.get(MoneyEntry.kind == "price_difference")
    assert (entry.amount, entry.route, entry.party) == (Decimal("100.00"), "alipay", "customer")
    panel = open_record(window, number)
    press_ok(window, panel, "reverse_money", entry=str(entry.id), note="录错")
    assert MoneyEntry.get(MoneyEntry.reverses == entry.id).amount == Decimal("100.00")
    panel = open_record(window, number)
    assert "reverse_money" not in panel.buttons  # nothing left standing to reverse


def test_freight_payer_change_and_damaged_units_on_receipt(
    window: Any,  # noqa: F811
    ctx: Context,
) -> None:
    number = intake(ctx)
    returns.set_freight(ctx, number, returns.FreightInput(payer="shop", amount="18.00"))
    panel = open_record(window, number)
    press_ok(window, panel, "freight_payer", payer="customer", reason="顾客原因")
    kinds = [(m.kind, m.reverses is not None) for m in db(ctx, number).money]
    assert kinds == [("freight", False), ("freight", True), ("freight_charge", False)]
    returns.approve(ctx, number)
    move(ctx, number, "awaiting_goods")
    panel.show(number)  # the services moved it behind the window's back
    pump(window.root)
    panel.press("receive")
    dialog = panel.dialog
    line = next(iter(dialog.damaged))
    dialog.damaged[line].set("1")
    dialog.form.set("package_damaged", True)
    assert dialog.ok().ok
    pump(window.root)
    claim = CarrierClaim.get()
    assert claim.amount_claimed == Decimal("300.00") and claim.deadline_at is not None
    assert refunded_total(find_case(number)) == Decimal("0.00")


def test_intake_warns_about_a_second_case_on_the_same_order(
    window: Any,  # noqa: F811
    ctx: Context,
) -> None:
    first = intake(ctx, kind="refund", order_no="TB99001", category="", sold=None)
    tab = window.tabs["intake"]
    tab.product_form.set("order_no", "TB99001")
    tab.update_preview()
    pump(window.root)
    assert any(
        first in line and "one order, one refund" in line for line in tab.entitlement.texts()
    )


def test_carrier_damage_replacement_asks_the_owner_above_the_threshold(
    window: Any,  # noqa: F811
    ctx: Context,
) -> None:
    number = intake(ctx, kind="carrier_damage", amount="800.00", category="", sold=None)
    move(ctx, number, "documented")
    panel = open_record(window, number)
    assert "damage_replacement" in panel.buttons and "move:replacement_shipped" not in panel.buttons
    panel.press("damage_replacement")
    assert "the owner must approve" in texts(panel.dialog)
    press_ok(window, panel, "damage_replacement", note="补发新品")
    assert db(ctx, number).status == "replacement_shipped"
