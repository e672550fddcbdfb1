"""The customer list (services.casework.customers): the desk finds a customer, reads their cases
and money, corrects them with a reason, and joins the two records one person got."""

from __future__ import annotations

from decimal import Decimal

from app.domain.errors import ValidationError
from app.services.casework.cases import show_case
from app.services.casework.customers import (
    edit_customer,
    list_customers,
    merge_customers,
    show_customer,
)
from app.services.casework.intake import IntakeForm, take_intake
from app.services.casework.search import search
from app.services.remedies import money as money_svc
from app.services.remedies.dealers import dealer_account, dealer_deposit
from app.services.remedies.return_help import deduct_dealer
from app.services.safekeeping.audit_check import changed_rows
from app.services.shop.context import Context
from app.store.history import verify_chain
from app.store.models import Customer, CustomerAccess, DealerMovement, Event, SaleRef
from tests.conftest import refused
from tests.conftest import row_counts as counts

ZHANG = {"name": "张三", "phone": "13800138000"}
ZHANG2 = {"name": "张 三", "phone": "13900139000"}


def _refund(ctx: Context, amount: str, **person: str) -> str:
    number = take_intake(
        ctx, IntakeForm(kind="refund", product="贴膜", amount=amount, **person)
    ).number
    money_svc.set_shipping_status(ctx, number, "not_shipped")
    money_svc.refund(ctx, number, amount)
    return number


def test_search_show_and_the_money_of_a_customer(ctx: Context) -> None:
    refunded = _refund(ctx, "30.00", **ZHANG)
    repair = take_intake(ctx, IntakeForm(kind="repair", product="小米 14", **ZHANG)).number
    charge = money_svc.record_entry(ctx, repair, "charge", "80.00", route="cash")
    money_svc.record_entry(ctx, repair, "charge", "20.00", route="cash")
    money_svc.reverse_money(ctx, charge.id, "收错了")
    take_intake(ctx, IntakeForm(kind="complaint", name="李四", phone="0571-87654321"))
    assert [c.name for c in list_customers(ctx)] == ["张三", "李四"]
    assert [c.name for c in list_customers(ctx, "张")] == ["张三"]
    (zhang,) = list_customers(ctx, "138001")  # a phone's first digits
    assert zhang.cases == 2
    assert [c.name for c in list_customers(ctx, f"#{zhang.id}")] == ["张三"]
    assert list_customers(ctx, "139") == []
    before = CustomerAccess.select().count()
    detail = show_customer(ctx, "13800138000")
    assert CustomerAccess.select().count() == before + 1  # opening it is logged
    assert {c.number for c in detail.cases} == {refunded, repair}
    assert detail.refunded == Decimal("30.00")
    assert detail.charged == Decimal("20.00")  # the 80.00 was reversed
    assert detail.money == {"charge": Decimal("20.00"), "refund": Decimal("30.00")}


def test_edit_needs_a_reason_and_logs_no_personal_values(ctx: Context) -> None:
    take_intake(ctx, IntakeForm(kind="complaint", **ZHANG))
    before = counts()
    err = refused(
        lambda: edit_customer(ctx, "13800138000", {"name": "", "kind": "vip"}, ""),
        "invalid_input",
    )
    assert isinstance(err, ValidationError)
    assert {e.field for e in err.errors} == {"name", "kind", "reason"}
    assert counts() == before
    detail = edit_customer(
        ctx,
        "13800138000",
        {"name": "张三丰", "service_class": "A", "kind": "business", "address": "杭州市"},
        "客户来电更正",
    )
    assert (detail.name, detail.service_class, detail.kind) == ("张三丰", "A", "business")
    event = Event.get((Event.entity == "customer") & (Event.action == "edited"))
    assert event.note == "客户来电更正"
    assert set(event.data["fields"]) == {"name", "service_class", "kind", "address"}
    assert event.data["service_class"] == ["B", "A"] and event.data["kind"] == [
        "consumer",
        "business",
    ]
    assert "张三丰" not in str(event.data) and "杭州" not in str(event.data)


def test_a_phone_another_customer_has_is_refused(ctx: Context, tech_ctx: Context) -> None:
    take_intake(ctx, IntakeForm(kind="complaint", **ZHANG))
    take_intake(ctx, IntakeForm(kind="complaint", **ZHANG2))
    before = counts()
    refused(
        lambda: edit_customer(ctx, "13900139000", {"phone": "13800138000"}, "换号"),
        "phone_taken",
    )
    refused(
        lambda: edit_customer(tech_ctx, "13900139000", {"notes": "x"}, "备注"),
        "permission_denied",
    )
    assert counts() == before


def test_merging_moves_cases_sales_and_money_and_keeps_the_history(ctx: Context) -> None:
    first = _refund(ctx, "30.00", **ZHANG)
    second = take_intake(
        ctx,
        IntakeForm(kind="repair", product="小米 14", sold="2026-01-10", order_no="T-9", **ZHANG2),
    ).number
    money_svc.record_entry(ctx, second, "charge", "50.00", route="cash")
    kept, dup = (
        Customer.get(Customer.phone == ZHANG["phone"]),
        Customer.get(Customer.phone == ZHANG2["phone"]),
    )
    history = [e.action for e in show_case(ctx, second).events]
    refused(lambda: merge_customers(ctx, f"#{kept.id}", f"#{dup.id}", ""), "invalid_input")
    result = merge_customers(ctx, f"#{kept.id}", f"#{dup.id}", "同一人两个号码")
    assert result.cases == (second,)
    assert result.sales == 1 and SaleRef.get().customer_id == kept.id
    detail = result.kept
    assert {c.number for c in detail.cases} == {first, second}
    assert detail.money == {"charge": Decimal("50.00"), "refund": Decimal("30.00")}
    assert detail.phone2 == "13900139000"
    gone = Customer.get_by_id(dup.id)
    assert gone.merged_into_id == kept.id
    assert [c.id for c in list_customers(ctx)] == [kept.id]
    # The case keeps its history and says whose it was.
    events = show_case(ctx, second).events
    assert [e.action for e in events][: len(history)] == history
    assert events[-1].action == "customer_merged"
    merged = Event.get((Event.entity == "customer") & (Event.action == "merged"))
    assert merged.note == "同一人两个号码" and merged.data["cases"] == [second]
    # The duplicate's phone finds the kept customer, at intake and in look-ups.
    assert show_customer(ctx, "13900139000").id == kept.id
    again = take_intake(ctx, IntakeForm(kind="complaint", **ZHANG2))
    assert again.customer_id == kept.id
    hits = [h.customer_id for h in search(ctx, "张") if h.kind == "customer"]
    assert hits == [kept.id]  # the search box no longer offers the duplicate
    refused(lambda: merge_customers(ctx, f"#{kept.id}", f"#{dup.id}", "再来"), "customer_merged")
    refused(lambda: merge_customers(ctx, f"#{kept.id}", f"#{kept.id}", "同一个"), "merge_same")
    assert verify_chain()[0]


def test_merging_dealers_adds_up_their_accounts(ctx: Context) -> None:
    a = take_intake(
        ctx,
        IntakeForm(kind="complaint", name="鑫达通讯", phone="13906571288", customer_kind="dealer"),
    )
    b = take_intake(
        ctx,
        IntakeForm(
            kind="complaint", name="鑫达通讯刘总", phone="13906571299", customer_kind="dealer"
        ),
    )
    consumer = take_intake(ctx, IntakeForm(kind="complaint", **ZHANG))
    dealer_deposit(ctx, "13906571288", "10000", "bank")
    dealer_deposit(ctx, "13906571299", "3000", "cash")
    deduct_dealer(ctx, b.number, "500.00", "人为损坏")
    # A dealer's account cannot go into a consumer's record.
    refused(
        lambda: merge_customers(ctx, f"#{consumer.customer_id}", f"#{b.customer_id}", "错"),
        "merge_into_dealer",
    )
    merge_customers(ctx, f"#{a.customer_id}", f"#{b.customer_id}", "同一经销商")
    account = dealer_account(ctx, f"#{a.customer_id}")
    assert account.balance == Decimal("12500.00")
    assert account.deposited == Decimal("13000.00")
    rows = DealerMovement.select().where(DealerMovement.customer == a.customer_id)
    assert sum(m.amount for m in rows) == account.balance
    assert Customer.get_by_id(b.customer_id).dealer_balance == 0
    assert changed_rows() == ()  # both accounts sealed as they are after the merge
    refused(
        lambda: edit_customer(ctx, f"#{a.customer_id}", {"kind": "consumer"}, "改类型"),
        "dealer_has_balance",
    )


def test_erasing_a_customer_erases_the_records_merged_into_them(ctx: Context) -> None:
    from app.services.safekeeping.privacy import erase_customer

    take_intake(ctx, IntakeForm(kind="complaint", **ZHANG))
    take_intake(ctx, IntakeForm(kind="complaint", **ZHANG2))
    kept = Customer.get(Customer.phone == ZHANG["phone"])
    dup = Customer.get(Customer.phone == ZHANG2["phone"])
    merge_customers(ctx, f"#{kept.id}", f"#{dup.id}", "同一人")
    erase_customer(ctx, f"#{kept.id}", confirm_owner=True)
    gone = Customer.get_by_id(dup.id)
    assert (gone.name, gone.phone, gone.phone2) == (f"已删除客户 #{dup.id}", None, None)
    assert list_customers(ctx, "139") == [] and list_customers(ctx, "张") == []


def test_a_customer_without_a_case_is_added_by_hand(ctx: Context, tech_ctx: Context) -> None:
    from app.services.casework.customers import add_customer

    before = counts()
    refused(lambda: add_customer(ctx, {"name": "", "phone": "123"}), "invalid_input")
    refused(
        lambda: add_customer(tech_ctx, {"name": "某公司", "phone": "0571-88886666"}),
        "permission_denied",
    )
    assert counts() == before
    added = add_customer(ctx, {"name": "某公司", "phone": "0571-88886666", "kind": "business"})
    assert added.kind == "business" and added.cases == []
    refused(lambda: add_customer(ctx, {"name": "另一家", "phone": "057188886666"}), "phone_taken")
