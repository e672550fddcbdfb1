"""A customer's personal data: the access log, export on request, erasure on request, correction."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import peewee as pw
import pytest

from app import paths
from app.domain.errors import DomainError, ValidationError
from app.i18n.messages import describe
from app.services.casework import cases
from app.services.casework.intake import IntakeForm, take_intake
from app.services.remedies import money as money_svc
from app.services.remedies import repairs
from app.services.safekeeping.privacy import (
    access_log,
    correct_customer,
    erase_customer,
    export_customer,
    find_customer,
)
from app.services.shop.context import Context
from app.store.db import pragma
from app.store.history import verify_chain
from app.store.models import Case, Customer, CustomerAccess, Event, MoneyEntry, RepairTicket
from tests.conftest import refused, row_counts, unsealed

NAME, PHONE, ADDRESS = "张三丰", "13800138000", "上海市宝山区友谊路 9 号"


@pytest.fixture
def customer(ctx: Context) -> dict[str, str]:
    """张三丰 with an on-site repair and a paid refund; their details repeated in the texts."""
    repair = take_intake(
        ctx,
        IntakeForm(
            kind="repair",
            name=NAME,
            phone=PHONE,
            address=ADDRESS,
            product="vivo Y100",
            category="phone",
            on_site=True,
            site_address=ADDRESS,
            description=f"{NAME}来电({PHONE}),屏幕不亮",
        ),
    ).number
    refund = take_intake(
        ctx,
        IntakeForm(kind="refund", name=NAME, phone=PHONE, product="贴膜", amount="30.00"),
    ).number
    money_svc.set_shipping_status(ctx, refund, "not_shipped")
    money_svc.refund(ctx, refund, "30.00")
    repairs.update_ticket(ctx, repair, diagnosis=f"已电话联系 {NAME}")
    return {"repair": repair, "refund": refund}


def test_viewing_a_case_is_logged(ctx: Context, customer: dict[str, str]) -> None:
    assert CustomerAccess.select().count() == 0
    cases.show_case(ctx, customer["repair"])
    row = CustomerAccess.get()
    assert (row.actor.name, row.what, row.number) == ("boss", "view", customer["repair"])
    assert row.customer.name == NAME
    # The access log is append-only, like the event log.
    with pytest.raises(pw.IntegrityError, match="append-only"):
        CustomerAccess.update(what="x").execute()
    with pytest.raises(pw.IntegrityError, match="append-only"):
        CustomerAccess.delete().execute()


def test_export_holds_everything_and_is_logged(ctx: Context, customer: dict[str, str]) -> None:
    data = export_customer(ctx, "138 0013 8000")
    text = json.dumps(data, ensure_ascii=False)  # JSON-safe as it is
    assert data["customer"]["name"] == NAME and data["customer"]["phone"] == PHONE
    assert sorted(c["number"] for c in data["cases"]) == sorted(customer.values())
    refund = next(c for c in data["cases"] if c["number"] == customer["refund"])
    assert [(m["kind"], m["amount"]) for m in refund["money"]] == [("refund", "30.00")]
    assert any(e["action"] == "created" for e in data["customer_events"])
    assert "屏幕不亮" in text and data["exported_by"] == "boss"
    assert [r["what"] for r in access_log(ctx, PHONE)] == ["export"]
    # The same customer by #id or by one of their record numbers.
    cid = data["customer"]["id"]
    assert find_customer(f"#{cid}").id == find_customer(customer["repair"]).id == cid


def test_export_and_erase_are_the_owners(desk_ctx: Context, customer: dict[str, str]) -> None:
    refused(lambda: export_customer(desk_ctx, PHONE), "permission_denied")
    refused(lambda: erase_customer(desk_ctx, PHONE, confirm_owner=True), "permission_denied")
    refused(lambda: access_log(desk_ctx, PHONE), "permission_denied")


def test_unknown_and_ambiguous_customers(ctx: Context, customer: dict[str, str]) -> None:
    refused(lambda: export_customer(ctx, "13900000000"), "not_found")
    refused(lambda: export_customer(ctx, "#999"), "not_found")
    refused(lambda: export_customer(ctx, "nobody"), "not_found")
    refused(lambda: export_customer(ctx, " "), "invalid_input")
    first = Customer.get()
    Customer.create(
        name="张三", phone2=PHONE, created_at=first.created_at, updated_at=first.updated_at
    )
    err = refused(lambda: export_customer(ctx, PHONE), "customer_ambiguous")
    assert "#1" in describe(err)


def test_erase_anonymises_and_keeps_money_and_history(
    ctx: Context, customer: dict[str, str]
) -> None:
    refused(lambda: erase_customer(ctx, PHONE, confirm_owner=False), "erase_not_confirmed")
    money_before = [(m.kind, m.amount) for m in MoneyEntry.select()]
    events_before = Event.select().count()
    done = erase_customer(ctx, PHONE, confirm_owner=True)
    c = Customer.get_by_id(done["customer"])
    assert (c.name, c.phone, c.phone2, c.address, c.notes) == (
        f"已删除客户 #{c.id}",
        None,
        None,
        "",
        "",
    )
    for case in Case.select():
        assert NAME not in case.description and PHONE not in case.description
        assert case.customer_id == c.id
    ticket = RepairTicket.get()
    assert ticket.site_address == "" and NAME not in ticket.diagnosis
    assert [(m.kind, m.amount) for m in MoneyEntry.select()] == money_before
    assert Event.select().count() == events_before + 1
    erased = Event.select().order_by(Event.id.desc()).first()
    assert (erased.entity, erased.action) == ("customer", "erased")
    assert NAME not in json.dumps(erased.data, ensure_ascii=False)
    assert verify_chain()[0]
    # A backup was written first, and it still holds the old data (to restore a mistake).
    backup = Path(done["backup"])
    assert backup.parent == paths.backups_dir(ctx.data_dir) and "before-erase" in backup.name
    con = sqlite3.connect(backup)
    try:
        assert con.execute("SELECT name FROM customer").fetchall() == [(NAME,)]
    finally:
        con.close()
    refused(lambda: erase_customer(ctx, f"#{c.id}", confirm_owner=True), "already_erased")
    # The record can no longer be found by the old phone.
    refused(lambda: export_customer(ctx, PHONE), "not_found")
    assert [r["what"] for r in access_log(ctx, f"#{c.id}")] == ["erase"]


@pytest.mark.sqlite_only
def test_secure_delete_is_on(data_dir: Path) -> None:
    # Overwritten text is zeroed in the file, not left in free pages.
    assert pragma("secure_delete") == 1


def test_desk_corrects_a_customer(
    desk_ctx: Context, tech_ctx: Context, customer: dict[str, str]
) -> None:
    refused(lambda: correct_customer(tech_ctx, PHONE, {"name": "张三"}), "permission_denied")
    with pytest.raises(ValidationError) as info:
        correct_customer(desk_ctx, PHONE, {"phone": "12", "email": "x"})
    assert {e.field: e.code for e in info.value.errors} == {
        "phone": "phone_invalid",
        "email": "unknown_field",
    }
    before = row_counts()
    view = correct_customer(desk_ctx, PHONE, {"name": "张三", "phone2": "010-12345678"})
    assert (view["name"], view["phone2"]) == ("张三", "010-12345678")
    event = Event.select().order_by(Event.id.desc()).first()
    assert unsealed(event.data) == {"fields": ["name", "phone2"]}  # which fields, never the values
    assert row_counts()["Event"] == before["Event"] + 1
    with pytest.raises(DomainError):
        correct_customer(desk_ctx, "010-12345678", {"notes": "x" * 2001})


def test_the_event_log_never_holds_the_customers_details(
    ctx: Context, customer: dict[str, str]
) -> None:
    """Erasure cannot touch the append-only log, so nothing personal may be written into it."""
    # A repeat visit with a new address (an "updated" event) and a signature under their name.
    take_intake(
        ctx, IntakeForm(kind="complaint", name=NAME, phone=PHONE, address="北京市朝阳区 1 号")
    )
    repairs.sign(ctx, customer["repair"], [[[0.1, 0.1], [0.9, 0.9]]], NAME)
    updated = Event.get((Event.entity == "customer") & (Event.action == "updated"))
    assert unsealed(updated.data) == {"fields": ["address"]}
    created = Event.get((Event.entity == "customer") & (Event.action == "created"))
    assert unsealed(created.data) == {"fields": ["name", "phone", "address"]}
    done = erase_customer(ctx, PHONE, confirm_owner=True)
    ticket = RepairTicket.get()
    assert ticket.signature["signer"] == f"已删除客户 #{done['customer']}"
    assert ticket.signature["strokes"]
    needles = (NAME, PHONE, ADDRESS, "北京市朝阳区", "张三")
    for event in Event.select():
        data = json.dumps(event.data, ensure_ascii=False)
        assert not [n for n in needles if n in data], (event.entity, event.action, data)
    assert verify_chain()[0]
