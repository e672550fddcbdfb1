"""The Returns tab and the actions of returns, refund-only cases, complaints and carrier claims,
driven through real widgets; the database is checked through the services after each step."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from app.services.casework.cases import move, show_case
from app.services.casework.intake import IntakeForm, take_intake
from app.services.casework.views import CaseDetail
from app.services.remedies import returns
from app.services.remedies.return_help import STRIP_STATUSES, ReturnCounts, return_counts
from app.services.shop.context import Context
from app.services.shop.setup import context_for
from tests.conftest import Clock, make_user, row_counts
from tests.ui.conftest import pump


@pytest.fixture
def window(tk_root: Any, ctx: Context) -> Iterator[Any]:
    """The main window on a fresh data folder (no demo data: these tests make their own cases),
    with a manager on duty ("mgr") and a clerk who is not a manager ("clerk")."""
    from app.ui.app import build

    make_user("mgr", "front_desk", is_manager=True)
    make_user("clerk", "front_desk")
    win = build(ctx, root=tk_root)
    tk_root.deiconify()
    pump(tk_root)
    yield win
    for child in list(tk_root.winfo_children()):
        child.destroy()
    pump(tk_root)


def intake(ctx: Context, **fields: Any) -> str:
    base: dict[str, Any] = {
        "kind": "return",
        "name": "陈静",
        "phone": "13512345678",
        "product": "荣耀 Magic6",
        "category": "phone",
        "sold": "2026-02-27",
        "reason": "quality",
        "amount": "300.00",
    }
    return take_intake(ctx, IntakeForm(**{**base, **fields})).number


def open_record(window: Any, number: str) -> Any:
    window.desk.open(number)
    pump(window.root)
    panel = window.current_tab().panel
    assert panel.detail.number == number
    return panel


def db(ctx: Context, number: str) -> CaseDetail:
    return show_case(ctx, number)


def press_ok(window: Any, panel: Any, key: str, **values: Any) -> Any:
    """Click a record button, fill its dialog and press OK; the dialog must close."""
    panel.press(key)
    dialog = panel.dialog
    for name, value in values.items():
        dialog.form.set(name, value)
    outcome = dialog.ok()
    assert outcome.ok, window.status.cget("text")
    pump(window.root)
    return outcome


def texts(widget: Any) -> str:
    """Every label's text in a dialog, to check what it explains."""
    found = []
    for child in widget.winfo_children():
        if child.winfo_class() == "TLabel":
            found.append(str(child.cget("text")))
        found.append(texts(child))
    return "\n".join(t for t in found if t)


def status_text(window: Any) -> str:
    return str(window.status.cget("text"))


def test_return_from_approval_to_close(window: Any, ctx: Context) -> None:
    number = intake(ctx, qty=2, amount="300.00")  # two handsets at 150.00
    panel = open_record(window, number)
    assert window.current_tab() is window.tabs["returns"]
    # The approve action replaces the plain move; the intro says who may approve.
    assert "return_approve" in panel.buttons and "move:approved" not in panel.buttons
    panel.press("return_approve")
    assert "the manager on duty may approve" in texts(panel.dialog)
    panel.dialog.form.set("note", "同意退货")
    assert panel.dialog.ok().ok
    pump(window.root)
    d = db(ctx, number)
    assert d.status == "approved"
    assert (d.rma.approval_level, d.rma.approved_by) == ("manager", "Boss")
    assert d.rma.expected_by is not None

    press_ok(
        window,
        panel,
        "freight",
        carrier="顺丰",
        tracking_no="SF1234567890",
        payer="shop",
        amount="12.00",
    )
    d = db(ctx, number)
    assert (d.rma.freight_carrier, d.rma.tracking_no, d.rma.freight_payer) == (
        "顺丰",
        "SF1234567890",
        "shop",
    )
    assert [(m.kind, m.amount) for m in d.money] == [("freight", Decimal("12.00"))]

    press_ok(window, panel, "move:awaiting_goods")
    assert db(ctx, number).status == "awaiting_goods"

    # Receive: one short; the difference shows while typing and is stored.
    panel.press("receive")
    dialog = panel.dialog
    (line_id,) = dialog.lines
    assert dialog.discrepancy(line_id) == 0
    dialog.set_qty(line_id, "x")
    pump(window.root)
    assert dialog.discrepancy(line_id) is None and dialog.line_errors[line_id].cget("text")
    dialog.set_qty(line_id, 1)
    pump(window.root)
    assert dialog.discrepancy(line_id) == -1
    assert dialog.diff_labels[line_id].cget("text") == "−1"
    assert "1 short" in dialog.summary.cget("text")
    dialog.form.set("note", "少一台")
    assert dialog.ok().ok
    pump(window.root)
    d = db(ctx, number)
    assert d.status == "received"
    assert [(ln.qty_expected, ln.qty_received, ln.discrepancy) for ln in d.rma.lines] == [
        (2, 1, -1)
    ]

    press_ok(window, panel, "inspect", result="confirmed_defect", report="屏幕闪烁,非人为")
    d = db(ctx, number)
    assert (d.status, d.rma.inspection_result) == ("inspected", "confirmed_defect")

    panel.press("liability")
    dialog = panel.dialog
    assert dialog.form.get("liability") == "shop"  # a confirmed defect suggests the shop
    assert "shop bears the cost" in dialog.route_label.cget("text")
    dialog.form.set("liability", "supplier")
    dialog.form.widgets["liability"].event_generate("<<ComboboxSelected>>")
    pump(window.root)
    assert "supplier" in dialog.route_label.cget("text")
    dialog.form.set("liability", "shop")
    assert dialog.ok().ok
    pump(window.root)
    d = db(ctx, number)
    assert (d.status, d.rma.liability) == ("liability_decided", "shop")

    panel.press("disposition")
    dialog = panel.dialog
    assert dialog.form.get("disposition") == "repair_restock"  # the usual one for a defect
    assert dialog.ok().ok
    pump(window.root)
    d = db(ctx, number)
    assert (d.status, d.rma.disposition) == ("disposition_done", "repair_restock")

    # Refund: the cap is shown and pre-filled; more than was paid is refused, nothing written.
    panel.press("refund")
    dialog = panel.dialog
    assert dialog.form.get("amount") == "300.00"
    dialog.form.set("amount", "300.01")
    before = row_counts()
    assert not dialog.ok().ok
    assert row_counts() == before
    assert "exceed" in status_text(window)
    dialog.form.set("amount", "300.00")
    dialog.form.set("note", "原路退回")
    assert dialog.ok().ok
    pump(window.root)
    d = db(ctx, number)
    assert d.status == "refunded"
    refunds = [m.amount for m in d.money if m.kind == "refund"]
    assert refunds == [Decimal("300.00")]
    assert d.refunded_total <= d.amount

    press_ok(
        window,
        panel,
        "capa",
        corrective="更换供应商批次",
        preventive="来货抽检",
        report_sent=True,
    )
    d = db(ctx, number)
    assert d.rma.capa_corrective == "更换供应商批次"
    assert d.rma.report_sent_at is not None

    press_ok(window, panel, "reply", customer_reply="接受处理结果")
    assert db(ctx, number).rma.customer_reply == "接受处理结果"

    press_ok(window, panel, "move:closed")
    assert db(ctx, number).status == "closed"
    assert not [k for k in panel.buttons if k.startswith("move:")]


def test_above_threshold_the_refusal_names_the_owner(window: Any, ctx: Context) -> None:
    number = intake(ctx, amount="800.00")
    manager = context_for(ctx.data_dir, "mgr", clock=ctx.clock)  # manager on duty
    window.desk.set_context(manager)
    panel = open_record(window, number)
    panel.press("return_approve")
    dialog = panel.dialog
    assert "the owner must approve" in texts(dialog)
    before = row_counts()
    assert not dialog.ok().ok
    assert row_counts() == before
    assert "owner" in status_text(window).lower()
    assert dialog.winfo_exists()  # stays open for the owner
    assert db(ctx, number).status == "requested"
    dialog.destroy()


def test_ship_first_needs_the_manager_then_goods_come_back(window: Any, ctx: Context) -> None:
    number = intake(ctx, kind="exchange", amount="260.00")
    clerk = context_for(ctx.data_dir, "clerk", clock=ctx.clock)  # not a manager
    window.desk.set_context(clerk)
    panel = open_record(window, number)
    assert "ship_first" in panel.buttons and "move:replacement_shipped" not in panel.buttons
    panel.press("ship_first")
    before = row_counts()
    assert not panel.dialog.ok().ok
    assert row_counts() == before
    assert "owner" in status_text(window).lower()  # the owner's PIN may allow it instead
    window.desk.owner_dialog.destroy()
    panel.dialog.destroy()

    window.desk.set_context(context_for(ctx.data_dir, "mgr", clock=ctx.clock))
    press_ok(window, panel, "ship_first", note="补发同型号 顺丰 SF99887766")
    d = db(ctx, number)
    assert d.status == "replacement_shipped"
    assert d.ship_first_by == "Mgr"
    assert d.rma.approval_level == "manager"  # approved at its level on the way

    press_ok(window, panel, "move:awaiting_goods")
    panel.press("receive")
    assert panel.dialog.ok().ok  # everything as expected
    pump(window.root)
    d = db(ctx, number)
    assert d.status == "received"
    assert [ln.discrepancy for ln in d.rma.lines] == [0]


def test_refund_only_after_the_parcel_is_intercepted(window: Any, ctx: Context) -> None:
    number = intake(ctx, kind="refund", reason="not_received", amount="199.00", category="")
    panel = open_record(window, number)
    assert "shipping" in panel.buttons and "move:verifying" not in panel.buttons
    press_ok(
        window,
        panel,
        "shipping",
        shipping_status="in_transit",
        carrier="中通",
        tracking_no="ZT7788990011",
    )
    d = db(ctx, number)
    assert (d.status, d.shipping_status) == ("verifying", "in_transit")

    panel.press("refund")
    dialog = panel.dialog
    assert "neither unshipped, intercepted nor lost" in texts(dialog)
    before = row_counts()
    assert not dialog.ok().ok
    assert row_counts() == before
    dialog.destroy()

    press_ok(window, panel, "move:intercepting", note="已联系快递拦截")
    press_ok(window, panel, "shipping_update", shipping_status="intercepted")
    assert db(ctx, number).shipping_status == "intercepted"
    press_ok(window, panel, "refund", amount="199.00")
    d = db(ctx, number)
    assert d.status == "refunded"
    assert d.refunded_total == Decimal("199.00")


def test_complaint_resolved_followed_up_and_spawned(window: Any, ctx: Context) -> None:
    number = intake(ctx, kind="complaint", reason="service_attitude", category="", amount=None)
    panel = open_record(window, number)
    assert window.current_tab() is window.tabs["cases"]
    press_ok(window, panel, "move:acknowledged", note="已回电致歉")

    press_ok(window, panel, "spawn", kind="return", description="客户要求退货")
    d = db(ctx, number)
    assert len(d.children) == 1
    child = db(ctx, d.children[0])
    assert (child.kind, child.parent, child.customer.name) == ("return", number, "陈静")

    assert "resolve" in panel.buttons and "move:resolved" not in panel.buttons
    press_ok(window, panel, "resolve", resolution="门店经理道歉并赠送贴膜")
    d = db(ctx, number)
    assert (d.status, d.resolution) == ("resolved", "门店经理道歉并赠送贴膜")

    press_ok(window, panel, "follow_up", satisfaction="4", follow_up="满意")
    d = db(ctx, number)
    assert (d.status, d.satisfaction, d.follow_up) == ("closed", 4, "满意")


def test_carrier_damage_files_a_claim_and_moves_it(window: Any, ctx: Context) -> None:
    number = intake(ctx, kind="carrier_damage", reason="transit_damage", amount="120.00")
    panel = open_record(window, number)
    press_ok(window, panel, "move:documented", note="外箱破损照片已存")
    press_ok(window, panel, "refund", amount="120.00")
    assert db(ctx, number).status == "refunded"
    press_ok(
        window, panel, "file_claim", carrier="韵达", tracking_no="YD5566778899", amount="120.00"
    )
    d = db(ctx, number)
    assert d.status == "claim_filed"
    (claim,) = d.claims
    assert (claim.carrier, claim.tracking_no, claim.amount_claimed) == (
        "韵达",
        "YD5566778899",
        Decimal("120.00"),
    )
    press_ok(window, panel, "move_claim", target="filed")
    assert db(ctx, number).claims[0].status == "filed"


def test_counts_strip_filters_the_list(window: Any, ctx: Context, clock: Clock) -> None:
    waiting = [intake(ctx), intake(ctx, kind="exchange")]
    intake(ctx, kind="refund", reason="not_received", category="")  # requested too
    late = intake(ctx)
    returns.approve(ctx, late)
    move(ctx, late, "awaiting_goods")
    intake(ctx, kind="repair", fault="不开机")  # a repair is "received": not to inspect
    intake(ctx, kind="parts", category="")  # missing parts "requested": not a return
    clock.advance(days=12)  # past the 7 working days the goods were expected in
    tab = window.show_tab("returns")
    window.desk.changed()
    pump(window.root)  # the strip is read on the tab's reader thread
    assert tab.counts == return_counts(ctx) == ReturnCounts(3, 1, 1, 0, 0)
    assert "1 late" in str(tab.chips["awaiting_goods"].cget("text"))
    assert str(tab.chips["awaiting_approval"].cget("text")).endswith("3")
    for key, status in STRIP_STATUSES.items():
        tab.toggle_chip(key)
        pump(window.root)
        rows = tab.browser.rows
        assert len(rows) == getattr(tab.counts, key)
        assert all(r.status == status and r.kind in tab.kinds() for r in rows)
    tab.toggle_chip("awaiting_approval")
    pump(window.root)
    assert {r.number for r in tab.browser.rows} >= set(waiting)
    tab.toggle_chip("awaiting_approval")  # clicking the active chip clears the filter
    pump(window.root)
    assert tab.browser.current_filter().status == ""
    assert len(tab.browser.rows) == 4  # "All kinds" means the tab's kinds only
    intake(ctx)
    window.desk.changed()
    pump(window.root)
    assert tab.counts.awaiting_approval == 4


def test_dialogs_state_the_shops_settings(window: Any, ctx: Context) -> None:
    """Sentences that state a deadline read it from the settings (docs/DOMAIN.md, "Settings")."""
    from app.services.casework.rules import update_settings

    changed = update_settings(
        ctx, {"returns.goods_expected_working_days": "10", "returns.carrier_claim_hours": "48"}
    )
    window.desk.with_settings(changed)
    panel = open_record(window, intake(ctx))
    panel.press("return_approve")
    said = texts(panel.dialog)
    assert "within 10 working days" in said and "7 working days" not in said
    panel.dialog.form.set("note", "同意退货")
    assert panel.dialog.ok().ok
    pump(window.root)
    assert db(ctx, panel.detail.number).rma.expected_by is not None

    damaged = open_record(
        window, intake(ctx, kind="carrier_damage", reason="transit_damage", amount="120.00")
    )
    press_ok(window, damaged, "move:documented", note="外箱破损照片已存")
    press_ok(window, damaged, "refund", amount="120.00")
    damaged.press("file_claim")
    assert "within 48 h of receipt" in texts(damaged.dialog)


def test_a_batch_is_inspected_on_counts_by_the_technician(window: Any, ctx: Context) -> None:
    """12 cables received: the clerk has no inspection button; the technician's dialog proposes
    the least sample and the whole batch as usable, refuses a split that does not add up next to
    the field, and saves the counts."""
    import os
    import subprocess

    make_user("tech", "technician")
    number = intake(ctx, product="数据线", category="accessory", amount="120.00", qty=12)
    returns.approve(ctx, number)
    move(ctx, number, "awaiting_goods")
    lines = show_case(ctx, number).rma.lines
    returns.receive(ctx, number, {ln.id: ln.qty_expected for ln in lines})

    window.desk.set_context(context_for(ctx.data_dir, "clerk", clock=ctx.clock))
    panel = open_record(window, number)
    assert "inspect" not in panel.buttons  # a quality check is not the desk's

    window.desk.set_context(context_for(ctx.data_dir, "tech", clock=ctx.clock))
    panel = open_record(window, number)
    panel.press("inspect")
    dialog = panel.dialog
    form = dialog.form
    assert [form.get(k) for k in ("qc_sampled", "qc_failed", "qc_usable")] == ["2", "0", "12"]
    assert "at least 2 unit(s) (10%)" in texts(dialog)
    if os.environ.get("AFTERDESK_SHOT"):  # a look at the dialog: AFTERDESK_SHOT=path.png
        pump(window.root)
        subprocess.run(["import", "-window", "root", os.environ["AFTERDESK_SHOT"]], check=False)
    form.set("result", "confirmed_defect")
    form.set("qc_failed", "1")
    form.set("qc_usable", "8")
    form.set("qc_to_supplier", "2")
    before = row_counts()
    assert not dialog.ok().ok
    assert row_counts() == before
    assert "add up to the 12 units received (now 10)" in form.errors["qc_usable"].cget("text")
    form.set("qc_scrap", "2")
    assert dialog.ok().ok
    pump(window.root)
    rma = db(ctx, number).rma
    assert (rma.qc_sampled, rma.qc_failed, rma.qc_usable, rma.qc_scrap) == (2, 1, 8, 2)
    assert rma.qc_by == "Tech"


def test_the_returns_list_shows_what_each_approval_is_for(window: Any, ctx: Context) -> None:
    """Returns waiting for approval show their amounts in the list (the approver's first
    question); the Repairs tab keeps its staff column instead."""
    number = intake(ctx, amount="1299.00")
    tab = window.show_tab("returns")
    tab.browser.refresh()
    pump(window.root)
    tree = tab.browser.tree
    shown = list(tree.cget("displaycolumns"))
    assert "amount" in shown and "assignee" not in shown
    values = dict(
        zip([c[0] for c in tab.browser.COLUMNS], tree.item(number, "values"), strict=True)
    )
    assert values["amount"] == "¥1,299.00"
    repairs_tree = window.show_tab("repairs").browser.tree
    assert "amount" not in list(repairs_tree.cget("displaycolumns"))
