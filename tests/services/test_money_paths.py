"""Money and rights that hold on every path (issue 13): one scenario per rule, as a shop lives it.

Each test walks the desk's steps through the services (the window and the command line call the
same functions), then checks the money booked and, where the rule prints, the paper. Every test
runs on SQLite and, with AFTERDESK_TEST_PG set, on PostgreSQL.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from app import paths
from app.domain.errors import ValidationError
from app.services.casework import cases
from app.services.casework.cases import CaseFilter, list_cases, show_case
from app.services.casework.intake import IntakeForm, take_intake
from app.services.casework.intake_help import preview
from app.services.casework.records import find_case, refunded_total, rma_of
from app.services.paper import report
from app.services.paper.documents import render_slip
from app.services.paper.exports import render_report_pdf
from app.services.remedies import money as money_svc
from app.services.remedies import return_help, returns
from app.services.shop.context import Context
from app.services.shop.setup import close_data_folder, context_for, open_data_folder
from app.store.models import CarrierClaim, Customer, Event, MoneyEntry, ReturnLine, SaleRef
from tests.conftest import make_user, prepare_folder, refused
from tests.documents.slipdata import have_poppler, pdf_text, squash

REPO = Path(__file__).resolve().parents[2]
needs_poppler = pytest.mark.skipif(not have_poppler(), reason="needs poppler-utils (pdftotext)")


@pytest.fixture
def mgr_ctx(ctx: Context) -> Context:
    """A front-desk clerk flagged as manager on duty."""
    make_user("mgr", "front_desk", is_manager=True)
    return context_for(ctx.data_dir, "mgr", clock=ctx.clock)


def intake(ctx: Context, **fields: Any) -> str:
    base: dict[str, Any] = {"name": "赵磊", "phone": "13711112222"}
    return take_intake(ctx, IntakeForm(**{**base, **fields})).number


def quality_return(ctx: Context, **fields: Any) -> str:
    base: dict[str, Any] = {
        "kind": "return",
        "product": "OPPO Reno 11",
        "category": "phone",
        "sold": "2026-02-28",
        "reason": "quality",
        "amount": "300.00",
    }
    return intake(ctx, **{**base, **fields})


def receive_all(ctx: Context, number: str) -> None:
    rma = rma_of(find_case(number))
    returns.receive(ctx, number, {ln.id: ln.qty_expected for ln in rma.lines})


def entries(number: str) -> list[tuple[str, str, str, str, bool]]:
    """(kind, amount, route, party, is a reversal) of a case's money, in booking order."""
    case = find_case(number)
    return [
        (m.kind, str(m.amount), m.route, m.party, m.reverses_id is not None)
        for m in MoneyEntry.select().where(MoneyEntry.case == case).order_by(MoneyEntry.id)
    ]


def actions(number: str) -> list[str]:
    return [e.action for e in Event.select().where(Event.number == number).order_by(Event.id)]


# --- 1. approval follows the real amount -----------------------------------------------------


def test_line_added_after_approval_sends_the_return_back_for_the_owner(
    backend: str, ctx: Context, mgr_ctx: Context, desk_ctx: Context, tmp_path: Path
) -> None:
    # 30.00 typed at intake, then the clerk lists what really comes back: 430.00 in all.
    number = quality_return(ctx, product="数据线", category="accessory", amount="30.00")
    returns.add_line(desk_ctx, number, "蓝牙耳机", 2, "200.00")
    assert return_help.approval_for(ctx, number).amount == Decimal("430.00")
    returns.approve(mgr_ctx, number, "经理批准")
    assert rma_of(find_case(number)).approved_amount == Decimal("430.00")

    # After approval the clerk adds a line: 630.00 is above the manager's 500.00.
    returns.add_line(desk_ctx, number, "充电器", 1, "200.00")
    case = find_case(number)
    rma = rma_of(case)
    assert case.status == "requested"
    assert (rma.approved_by_id, rma.approval_level) == (None, "")
    voided = Event.get((Event.number == rma.number) & (Event.action == "approval_voided"))
    assert voided.data["value"] == "630.00" and voided.data["needs"] == "owner"
    back = Event.get(
        (Event.number == number) & (Event.action == "moved") & (Event.to_state == "requested")
    )
    assert back.from_state == "approved"

    # The manager cannot approve it again, and no refund can slip through meanwhile.
    refused(lambda: returns.approve(mgr_ctx, number), "permission_denied")
    refused(lambda: money_svc.refund(ctx, number, "630.00"), "refund_before_inspection")

    returns.approve(ctx, number, "店长复批")
    cases.move(ctx, number, "awaiting_goods")
    receive_all(ctx, number)
    returns.inspect(ctx, number, "confirmed_defect")
    # The cap is the value as it stands (630.00), not the 30.00 typed at intake.
    refused(lambda: money_svc.refund(ctx, number, "630.01"), "refund_exceeds_paid")
    money_svc.refund(ctx, number, "630.00", "原路退回")
    assert refunded_total(find_case(number)) == Decimal("630.00")
    assert rma_of(find_case(number)).approval_level == "owner"
    if have_poppler():  # the form shows the owner's approval on the value as it stands
        form = squash(pdf_text(render_slip(ctx, number, "rma", lang="zh"), tmp_path))
        assert "店主（¥630.00）" in form and "¥630.00" in form


def test_a_manager_cannot_approve_a_large_return_typed_small(
    backend: str, ctx: Context, mgr_ctx: Context
) -> None:
    number = quality_return(ctx, product="数据线", category="accessory", amount="30.00")
    for i in range(26):
        returns.add_line(ctx, number, f"配件 {i + 1}", 1, "156.92")
    assert return_help.approval_for(ctx, number).level == "owner"
    err = refused(lambda: returns.approve(mgr_ctx, number), "permission_denied")
    assert err.params["needs"] == "owner"


# --- 2. exchanges and returns against the three guarantees ---------------------------------


@needs_poppler
def test_exchange_outside_the_window_needs_the_owner_with_a_reason(
    backend: str, ctx: Context, mgr_ctx: Context, tmp_path: Path
) -> None:
    number = intake(
        ctx,
        kind="exchange",
        product="华为 P40",
        category="phone",
        sold="2023-01-01",
        reason="quality",
        amount="2999.00",
    )
    need = return_help.approval_for(ctx, number)
    # The desk sees the entitlement sentence before approving.
    assert (need.rule, need.needs_override) == ("exchange_out_of_window", True)
    assert need.rule_params == {"until": "2023-01-16"}
    err = refused(lambda: returns.approve(mgr_ctx, number), "not_eligible")
    assert err.params["rule"] == "exchange_out_of_window"
    refused(lambda: returns.approve(mgr_ctx, number, override_reason="老顾客"), "permission_denied")
    refused(lambda: returns.approve(ctx, number), "not_eligible")
    returns.approve(ctx, number, override_reason="老顾客，店主特批换新")
    rma = rma_of(find_case(number))
    assert find_case(number).status == "approved"
    assert (rma.override_reason, rma.override_by_id) == ("老顾客，店主特批换新", ctx.actor.id)
    logged = Event.get((Event.number == rma.number) & (Event.action == "entitlement_override"))
    assert logged.note == "老顾客，店主特批换新" and logged.data["rule"] == "exchange_out_of_window"
    text = squash(pdf_text(render_slip(ctx, number, "rma", lang="zh"), tmp_path))
    assert "老顾客，店主特批换新" in text and "店主特批" in text


def test_a_gift_is_not_exchanged_without_the_owners_override(
    backend: str, ctx: Context, mgr_ctx: Context
) -> None:
    number = intake(
        ctx,
        kind="exchange",
        product="赠品耳机",
        category="headset",
        sold="2026-02-27",
        reason="quality",
        gift=True,
    )
    assert return_help.approval_for(ctx, number).rule == "exchange_gift"
    refused(lambda: returns.approve(mgr_ctx, number), "not_eligible")
    refused(lambda: returns.ship_first(mgr_ctx, number, "先发一副"), "not_eligible")
    returns.approve(ctx, number, override_reason="赠品质量问题，店主同意换")
    assert rma_of(find_case(number)).override_reason == "赠品质量问题，店主同意换"
    # An exchange inside the window needs no override.
    ok = intake(
        ctx,
        kind="exchange",
        product="OPPO A3",
        category="phone",
        sold="2026-02-25",
        reason="quality",
        amount="999.00",
        phone="13711113333",
    )
    returns.approve(ctx, ok)
    assert rma_of(find_case(ok)).override_reason == ""


# --- 3. ship first never gives the customer both ------------------------------------------


def test_ship_first_refund_waits_for_the_goods_and_the_list_shows_them_overdue(
    backend: str, ctx: Context, mgr_ctx: Context, tmp_path: Path
) -> None:
    number = quality_return(ctx, amount="129.00")
    returns.ship_first(mgr_ctx, number, "顺丰 SF100 补发新机", deposit="200.00", route="wechat")
    rma = rma_of(find_case(number))
    assert rma.goods_due == ctx.today() + timedelta(days=7)
    # The 129.00 refund is refused while nothing came back (also on the plain path).
    refused(lambda: money_svc.refund(mgr_ctx, number, "129.00"), "refund_goods_owed")
    cases.move(mgr_ctx, number, "awaiting_goods")
    refused(lambda: money_svc.refund(ctx, number, "129.00"), "refund_goods_owed")

    ctx.clock.advance(days=10)
    owed = returns.goods_owed(ctx)
    assert [(g.number, g.days_overdue, g.deposit) for g in owed] == [(number, 3, Decimal("200.00"))]
    summary = report.summarize(ctx, report.month_period(ctx, 2026, 3))
    assert [(g.number, g.days_overdue) for g in summary.goods_owed] == [(number, 3)]
    if have_poppler():  # the owner's printed summary lists it too
        printed = pdf_text(
            render_report_pdf(ctx, report.month_report(ctx, 2026, 3)), tmp_path, layout=True
        )
        assert "Shipped first, goods not back" in printed
        row = next(line for line in printed.splitlines() if number in line)
        assert row.split()[-2:] == ["3", "200.00"]

    # The goods arrive: the deposit goes back the way it came, then the refund may be paid.
    receive_all(ctx, number)
    assert returns.goods_owed(ctx) == []
    money_svc.refund(ctx, number, "129.00")
    assert entries(number) == [
        ("deposit", "200.00", "wechat", "customer", False),
        ("deposit_refund", "200.00", "wechat", "customer", False),
        ("refund", "129.00", "original", "shop", False),
    ]


def test_only_the_owner_converts_goods_owed_so_a_refund_can_be_paid(
    backend: str, ctx: Context, mgr_ctx: Context
) -> None:
    number = quality_return(ctx, amount="129.00")
    returns.ship_first(mgr_ctx, number, "补发")
    refused(lambda: returns.waive_goods(mgr_ctx, number, "快递丢件"), "permission_denied")
    returns.waive_goods(ctx, number, "快递丢件，店主同意不再追回", lost=True)
    assert returns.goods_owed(ctx) == []
    money_svc.refund(ctx, number, "129.00")
    assert refunded_total(find_case(number)) == Decimal("129.00")
    assert "goods_waived" in actions(rma_of(find_case(number)).number)


# --- 4. one order, one refund --------------------------------------------------------------


def test_the_same_order_is_refunded_once_and_found_by_its_number(
    backend: str, ctx: Context
) -> None:
    first = intake(
        ctx,
        kind="refund",
        product="手机壳",
        amount="99.00",
        order_no="TB77001",
        channel="online_shop",
        platform_refund_no="RF-555001",
    )
    money_svc.set_shipping_status(ctx, first, "not_shipped")
    money_svc.refund(ctx, first, "99.00")
    # The desk is warned while typing the second intake, and both cases are linked.
    form = IntakeForm(kind="refund", name="赵磊", phone="13711112222", order_no="TB77001")
    assert preview(ctx, form).same_order == (first,)
    second = intake(
        ctx,
        kind="refund",
        product="手机壳",
        amount="99.00",
        order_no="TB77001",
        channel="online_shop",
    )
    assert show_case(ctx, second).same_order == [first]
    assert show_case(ctx, first).same_order == [second]
    assert "order_linked" in actions(first)
    # Searching the order number (or the platform's refund number) finds the cases.
    assert {r.number for r in list_cases(ctx, CaseFilter(search="TB77001"))} == {first, second}
    assert [r.number for r in list_cases(ctx, CaseFilter(search="RF-555001"))] == [first]
    money_svc.set_shipping_status(ctx, second, "not_shipped")
    err = refused(lambda: money_svc.refund(ctx, second, "99.00"), "order_refund_exceeds_paid")
    assert (err.params["paid"], err.params["refunded"]) == ("99.00", "99.00")
    summary = return_help.order_summary(ctx, "TB77001")
    assert (summary.paid, summary.refunded) == (Decimal("99.00"), Decimal("99.00"))
    assert MoneyEntry.select().where(MoneyEntry.kind == "refund").count() == 1


# --- 5. a gift is the sale's, not the product's ---------------------------------------------


def test_one_customers_gift_leaves_the_next_buyers_warranty(backend: str, ctx: Context) -> None:
    gift = intake(
        ctx, kind="repair", product="小米手环 8", category="other", sold="2026-02-01", gift=True
    )
    assert find_case(gift).sale.is_gift is True
    later = intake(
        ctx,
        kind="repair",
        product="小米手环 8",
        category="other",
        sold="2026-02-20",
        name="钱芳",
        phone="13922223333",
    )
    ent = find_case(later).entitlement
    assert ent["free_repair"] is True
    assert not any(b["code"] == "gift_no_warranty" for b in ent["basis"])
    assert find_case(later).sale.is_gift is False


@pytest.mark.sqlite_only
def test_migration_moves_the_gift_flag_to_the_sale(backend: str, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    dump = Path(__file__).resolve().parents[1] / "store" / "data" / "schema_v1.sql"
    con = sqlite3.connect(paths.db_path(folder))
    try:
        con.executescript(dump.read_text(encoding="utf-8"))
        con.execute('UPDATE "product" SET is_gift = 1')
        cur = con.execute('SELECT * FROM "case" WHERE id = 1')
        cols = [d[0] for d in cur.description]
        row = dict(zip(cols, cur.fetchone(), strict=True))
        ent = json.loads(row["entitlement"])
        gifted = {**ent, "basis": [{"code": "gift_no_warranty", "params": {}}]}
        gifted.update(free_repair=False, exchange=False, until=dict.fromkeys(ent["until"]))
        row.update(
            id=2,
            number="SH-2026-000002",
            customer_id=1,
            sale_id=None,
            entitlement=json.dumps(gifted),
            created_at="2026-01-06 03:00:00",
        )
        con.execute(
            f'INSERT INTO "case" ({", ".join(cols)}) VALUES ({", ".join("?" * len(cols))})',
            [row[c] for c in cols],
        )
        con.commit()
    finally:
        con.close()
    open_data_folder(folder)
    try:
        from app.store.db import database

        columns = {r[1] for r in database.execute_sql('PRAGMA table_info("product")').fetchall()}
        assert "is_gift" not in columns
        assert SaleRef.get_by_id(1).is_gift is True  # the first sale of the product: the gift
        later = find_case("SH-2026-000002")
        assert later.entitlement["free_repair"] is True
        assert later.entitlement["until"]["free_repair"] == ent["until"]["free_repair"]
        # Fresh and migrated tables have the same columns.
        migrated = _columns(database)
    finally:
        close_data_folder()
    open_data_folder(tmp_path / "fresh")
    try:
        from app.store.db import database

        assert _columns(database) == migrated
    finally:
        close_data_folder()


def _columns(database: Any) -> dict[str, list[tuple[str, str, int]]]:
    tables = [t for t in database.get_tables() if not t.startswith(("search_", "sqlite_"))]
    tables = [t for t in tables if not t.endswith(("_fts", "_data", "_idx", "_docsize", "_config"))]
    return {
        t: sorted(
            (r[1], r[2], r[3]) for r in database.execute_sql(f'PRAGMA table_info("{t}")').fetchall()
        )
        for t in tables
    }


# --- 6. the warranty card's end date is the program's own --------------------------------------


def _entitlement_json(tmp_path: Path, category: str, sold: str, on: str) -> dict[str, Any]:
    folder = tmp_path / "cli"
    prepare_folder(folder)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AFTERDESK_")}
    env.update(PYTHONIOENCODING="utf-8", PYTHONUTF8="1")
    proc = subprocess.run(
        [
            sys.executable,
            "main.py",
            "--data-dir",
            str(folder),
            "--lang",
            "en",
            "entitlement",
            "--category",
            category,
            "--sold",
            sold,
            "--on",
            on,
            "--json",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        encoding="utf-8",
        timeout=60,
        check=True,
    )
    return json.loads(proc.stdout)


@needs_poppler
@pytest.mark.parametrize(
    ("category", "sold", "right", "until"),
    [
        ("phone", "2026-03-01", "free_repair", "2027-03-01"),
        ("battery", "2025-09-03", "exchange", "2026-03-03"),
    ],
)
def test_warranty_card_prints_the_entitlements_own_end_date(
    backend: str, ctx: Context, tmp_path: Path, category: str, sold: str, right: str, until: str
) -> None:
    number = intake(ctx, kind="repair", product=f"测试 {category}", category=category, sold=sold)
    cli = _entitlement_json(tmp_path, category, sold, ctx.today().isoformat())
    assert cli["until"][right] == until
    card = squash(pdf_text(render_slip(ctx, number, "warranty-card", lang="zh"), tmp_path))
    assert "保修截止" + until in card, card
    intake_slip = squash(pdf_text(render_slip(ctx, number, "intake", lang="zh"), tmp_path))
    assert f"保修至{until}" in intake_slip, intake_slip


# --- 7. freight follows the decision --------------------------------------------------------


def test_an_agreed_split_survives_inspection_and_moves_only_on_purpose(
    backend: str, ctx: Context, mgr_ctx: Context, desk_ctx: Context
) -> None:
    number = quality_return(ctx)
    data = returns.FreightInput(
        carrier="中通", tracking_no="ZT1", payer="split", amount="20.00", agreed=True
    )
    returns.set_freight(desk_ctx, number, data)
    returns.approve(ctx, number)
    cases.move(ctx, number, "awaiting_goods")
    receive_all(ctx, number)
    returns.inspect(ctx, number, "no_fault_found", "未发现故障")
    rma = rma_of(find_case(number))
    assert (rma.freight_payer, rma.freight_agreed) == ("split", "split")
    assert entries(number) == [
        ("freight", "10.00", "", "shop", False),
        ("freight_charge", "10.00", "", "customer", False),
    ]
    refused(
        lambda: returns.change_freight_payer(desk_ctx, number, "customer", "无故障"),
        "permission_denied",
    )
    returns.change_freight_payer(mgr_ctx, number, "customer", "检测无故障，顾客同意承担全部运费")
    assert entries(number)[2:] == [
        ("freight", "10.00", "", "shop", True),
        ("freight_charge", "10.00", "", "customer", True),
        ("freight_charge", "20.00", "", "customer", False),
    ]
    assert "freight_payer_changed" in actions(rma.number)


def test_liability_moves_the_shops_freight_to_the_dealer_by_reversal(
    backend: str, ctx: Context
) -> None:
    number = quality_return(ctx, name="华强经销", phone="13855556666", customer_kind="dealer")
    returns.set_freight(ctx, number, returns.FreightInput(payer="shop", amount="18.00"))
    returns.approve(ctx, number)
    cases.move(ctx, number, "awaiting_goods")
    receive_all(ctx, number)
    returns.inspect(ctx, number, "confirmed_defect")
    assert entries(number) == [("freight", "18.00", "", "shop", False)]
    returns.decide_liability(ctx, number, "dealer", "经销商存储不当")
    assert entries(number)[1:] == [
        ("dealer_deduction", "300.00", "", "", False),
        ("freight", "18.00", "", "shop", True),
        ("freight_charge", "18.00", "", "dealer", False),
    ]
    original = MoneyEntry.get(MoneyEntry.kind == "freight")
    assert (original.amount, original.reverses_id) == (Decimal("18.00"), None)  # never edited
    dealer = Customer.get(Customer.phone == "13855556666")
    assert dealer.dealer_balance == Decimal("-318.00")
    summary = report.summarize(ctx, report.month_period(ctx, 2026, 3))
    assert summary.money["freight"] == Decimal("0.00")
    assert summary.money["freight_charge"] == Decimal("18.00")


# --- 8. carrier damage -------------------------------------------------------------------------


def test_carrier_damage_replacement_needs_the_refund_level_and_excludes_a_refund(
    backend: str, ctx: Context, mgr_ctx: Context
) -> None:
    number = intake(ctx, kind="carrier_damage", product="iPad Air", amount="800.00")
    cases.move(ctx, number, "documented", "外箱破损照片")
    err = refused(lambda: cases.move(mgr_ctx, number, "replacement_shipped"), "permission_denied")
    assert err.params["needs"] == "owner"
    cases.move(ctx, number, "replacement_shipped", "补发新机")
    refused(lambda: money_svc.refund(ctx, number, "800.00"), "refund_after_replacement")
    assert refunded_total(find_case(number)) == Decimal("0.00")


def test_the_carrier_claim_covers_only_damaged_and_missing_lines_with_its_deadline(
    backend: str, ctx: Context
) -> None:
    number = quality_return(ctx, amount="300.00")
    screen = returns.add_line(ctx, number, "钢化膜", 10, "15.00")
    case_line = returns.add_line(ctx, number, "手机壳", 4, "25.00")
    returns.approve(ctx, number)
    cases.move(ctx, number, "awaiting_goods")
    phone = rma_of(find_case(number)).lines.order_by(ReturnLine.id).first().id
    received_at = ctx.now()
    # Two films arrive broken, one case is missing; the phone is fine.
    returns.receive(
        ctx, number, {phone: 1, screen: 10, case_line: 3}, damaged={screen: 2}, package_damaged=True
    )
    claim = CarrierClaim.get()
    assert claim.amount_claimed == Decimal("55.00")  # 2 x 15.00 + 1 x 25.00, not 500.00
    assert [(ln["line"], ln["qty"]) for ln in claim.lines] == [(screen, 2), (case_line, 1)]
    assert claim.deadline_at == received_at + timedelta(hours=24)
    assert show_case(ctx, number).claims[0].overdue is False
    ctx.clock.advance(hours=25)
    assert show_case(ctx, number).claims[0].overdue is True
    assert [c.number for c in return_help.list_claims(ctx) if c.overdue] == [claim.number]


# --- 9. money that is not a refund ---------------------------------------------------------------


def test_other_money_is_booked_with_its_route_and_corrected_by_reversal(
    backend: str, ctx: Context, mgr_ctx: Context, desk_ctx: Context, tmp_path: Path
) -> None:
    number = quality_return(ctx, amount="300.00")
    with pytest.raises(ValidationError) as info:
        money_svc.record_entry(desk_ctx, number, "price_difference", "100.00")
    assert info.value.errors[0].field == "route"
    money_svc.record_entry(desk_ctx, number, "price_difference", "100.00", "alipay", "换高配差价")
    money_svc.record_entry(desk_ctx, number, "charge", "50.00", "cash", "维修费")
    money_svc.record_entry(ctx, number, "supplier_recovery", "260.00", "bank", "厂家返款")
    refused(
        lambda: money_svc.record_entry(desk_ctx, number, "freight_refund", "12.00", "wechat"),
        "permission_denied",
    )
    money_svc.record_entry(mgr_ctx, number, "freight_refund", "12.00", "wechat", "退还运费")
    with pytest.raises(ValidationError) as info:
        money_svc.record_entry(ctx, number, "deposit", "5.00", "cash")
    assert info.value.errors[0].code == "not_a_manual_entry"

    # A refund paid by mistake is taken back by a reversal, never an edit.
    returns.approve(ctx, number)
    cases.move(ctx, number, "awaiting_goods")
    receive_all(ctx, number)
    returns.inspect(ctx, number, "confirmed_defect")
    money_svc.refund(ctx, number, "300.00", "误退", route="wechat")
    wrong = MoneyEntry.get(MoneyEntry.kind == "refund")
    money_svc.reverse_money(desk_ctx, wrong.id, "退错了，已追回")
    refused(lambda: money_svc.reverse_money(ctx, wrong.id, "again"), "already_reversed")
    assert refunded_total(find_case(number)) == Decimal("0.00")
    assert entries(number) == [
        ("price_difference", "100.00", "alipay", "customer", False),
        ("charge", "50.00", "cash", "customer", False),
        ("supplier_recovery", "260.00", "bank", "supplier", False),
        ("freight_refund", "12.00", "wechat", "shop", False),
        ("refund", "300.00", "wechat", "shop", False),
        ("refund", "300.00", "wechat", "shop", True),
    ]
    by = {m.kind: m.by_id for m in MoneyEntry.select() if not m.reverses_id}
    assert by["freight_refund"] == mgr_ctx.actor.id and by["charge"] == desk_ctx.actor.id
    summary = report.summarize(ctx, report.month_period(ctx, 2026, 3))
    assert {
        k: summary.money[k]
        for k in ("price_difference", "charge", "supplier_recovery", "freight_refund", "refund")
    } == {
        "price_difference": Decimal("100.00"),
        "charge": Decimal("50.00"),
        "supplier_recovery": Decimal("260.00"),
        "freight_refund": Decimal("12.00"),
        "refund": Decimal("0.00"),
    }
    assert (summary.refunds, summary.refunds_reversed) == (1, 1)
    if have_poppler():
        printed = pdf_text(
            render_report_pdf(ctx, report.month_report(ctx, 2026, 3)), tmp_path, layout=True
        )
        for name, amount in (
            ("Price difference charged", "100.00"),
            ("Recovered from supplier", "260.00"),
            ("Freight refunded", "12.00"),
        ):
            line = next(x for x in printed.splitlines() if x.strip().startswith(name))
            assert amount in line.split(), (name, line)


def test_money_rows_are_written_by_one_function(backend: str) -> None:
    """Every MoneyEntry row is created in `ledger.book_entry` (one place for the trust hook)."""
    creators = []
    for path in (REPO / "app").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "MoneyEntry.create(" in text or "MoneyEntry.insert" in text:
            creators.append(path.relative_to(REPO).as_posix())
    assert creators == ["app/services/remedies/ledger.py"]
    text = (REPO / "app/services/remedies/ledger.py").read_text(encoding="utf-8")
    assert text.count("MoneyEntry.create(") == 1


@pytest.mark.pg_only
def test_the_v5_step_migrates_a_shop_server(backend: str, ctx: Context) -> None:
    """On PostgreSQL: a v4 database (gift on the product, none of the new columns) migrates."""
    from app.store import schema
    from app.store.db import database

    gift = intake(ctx, kind="repair", product="赠品手环", category="other", sold="2026-02-01")
    dropped = (
        ("sale_ref", "is_gift"),
        ("case", "platform_refund_no"),
        ("return_auth", "approved_amount"),
        ("return_auth", "override_by_id"),
        ("return_auth", "override_reason"),
        ("return_auth", "freight_agreed"),
        ("return_auth", "goods_due"),
        ("return_auth", "goods_waived_by_id"),
        ("return_auth", "goods_waived_at"),
        ("return_auth", "goods_waived_reason"),
        ("return_line", "qty_damaged"),
        ("carrier_claim", "deadline_at"),
        ("carrier_claim", "lines"),
        ("money_entry", "route"),
        ("money_entry", "party"),
    )
    for table, column in dropped:
        database.execute_sql(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')
    database.execute_sql('ALTER TABLE "product" ADD COLUMN is_gift BOOLEAN NOT NULL DEFAULT TRUE')
    database.execute_sql("UPDATE schema_info SET version = 4")
    close_data_folder()
    open_data_folder(ctx.data_dir)
    assert schema.current_version() == schema.SCHEMA_VERSION
    assert "is_gift" not in {c.name for c in database.get_columns("product")}
    assert find_case(gift).sale.is_gift is True
    assert {c.name for c in database.get_columns("money_entry")} >= {"route", "party"}
    indexes = {i.name for i in database.get_indexes("case")}
    assert "case_platform_refund_no" in indexes


def test_money_entries_cannot_be_edited_or_deleted_even_by_sql(backend: str, ctx: Context) -> None:
    """Append-only in the database itself, on SQLite and PostgreSQL: corrections are reversals."""
    import peewee as pw

    from app.store.db import database

    number = quality_return(ctx)
    money_svc.record_entry(ctx, number, "charge", "50.00", "cash", "维修费")
    for sql in ("UPDATE money_entry SET amount = 1", "DELETE FROM money_entry"):
        errors = (pw.IntegrityError, pw.OperationalError, pw.InternalError)
        with pytest.raises(errors) as info, database.atomic():
            database.execute_sql(sql)
        assert "append-only" in str(info.value)
    assert [e[:2] for e in entries(number)] == [("charge", "50.00")]
