"""The Repairs tab under a real Tk: a repair from diagnosis to collection through the record's
buttons, parts out of stock, the signature pad, refusals that change nothing, the board."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from app.documents.handwriting import strokes_to_image
from app.services.casework.cases import CaseFilter, count_cases, show_case
from app.services.casework.intake import IntakeForm, take_intake
from app.services.remedies import repair_help
from app.services.shop.context import Context
from app.services.shop.setup import context_for
from tests.conftest import Clock, make_user, row_counts
from tests.ui.conftest import pump


def _intake(ctx: Context, **extra: Any) -> str:
    form = {
        "kind": "repair",
        "name": "周晓梅",
        "phone": "13911112222",
        "product": "小米 14",
        "category": "phone",
        "serial": "490154203237518",
        "sold": "2024-01-10",  # long out of warranty: the customer pays, an estimate is needed
        "fault": "屏幕碎裂",
        **extra,
    }
    return take_intake(ctx, IntakeForm(**form)).number


def _open(window: Any, number: str) -> Any:
    window.desk.open(number)
    pump(window.root)
    tab = window.current_tab()
    assert tab is window.tabs["repairs"]
    assert tab.panel.detail.number == number
    return tab.panel


def _submit(panel: Any, button: str, **values: Any) -> Any:
    """Press a record button, fill its dialog and press OK; returns the Outcome."""
    panel.press(button)
    dialog = panel.dialog
    for name, value in values.items():
        dialog.form.set(name, value)
    outcome = dialog.ok()
    pump(panel.winfo_toplevel())
    return outcome


def _status(ctx: Context, number: str) -> str:
    return show_case(ctx, number).status


def _sign_on_canvas(pad: Any) -> None:
    """Pointer events on the canvas, as a mouse, pen or finger sends them."""
    c = pad.canvas
    pump(pad)
    for stroke in (
        [(40, 150), (70, 90), (100, 160), (140, 80), (180, 150), (230, 110)],
        [(260, 60), (270, 170)],
    ):
        x, y = stroke[0]
        c.event_generate("<ButtonPress-1>", x=x, y=y)
        for x, y in stroke[1:]:
            c.event_generate("<B1-Motion>", x=x, y=y, state=0x100)
        c.event_generate("<ButtonRelease-1>", x=x, y=y, state=0x100)
    pump(pad)


def test_repair_from_diagnosis_to_collection(window: Any, demo_ctx: Context) -> None:
    ctx = demo_ctx
    number = _intake(ctx)
    panel = _open(window, number)
    assert set(panel.buttons) >= {"move:diagnosing", "move:cancelled", "message"}

    assert _submit(panel, "move:diagnosing", note="开始检测").ok
    assert _status(ctx, number) == "diagnosing"
    # The estimate replaces the plain move to "awaiting approval".
    assert "repair.estimate" in panel.buttons and "move:awaiting_approval" not in panel.buttons

    assert _submit(panel, "repair.edit", diagnosis="屏幕总成损坏,需更换").ok
    assert show_case(ctx, number).repair.diagnosis == "屏幕总成损坏,需更换"

    # A bad amount stays under the field and writes nothing.
    before = row_counts()
    bad = _submit(panel, "repair.estimate", estimate="12.345")
    assert not bad.ok and panel.dialog.form.error_text("estimate")
    assert row_counts() == before
    panel.dialog.form.set("estimate", "680.00")
    assert panel.dialog.ok().ok
    pump(window.root)
    detail = show_case(ctx, number)
    assert detail.status == "awaiting_approval" and detail.repair.estimate == Decimal("680.00")
    assert {"repair.approve", "repair.decline", "repair.approve_parts"} <= set(panel.buttons)
    assert "move:repairing" not in panel.buttons

    assert _submit(panel, "repair.approve", note="客户电话同意").ok
    detail = show_case(ctx, number)
    assert detail.status == "repairing" and detail.repair.estimate_approved is True

    # A part from stock: the stock on hand drops by the quantity used.
    part = next(p for p in repair_help.spare_parts(ctx, in_stock=True) if p.stock >= 2)
    panel.press("repair.part")
    picker = panel.dialog
    picker.choose(part.part_no)
    pump(window.root)  # the list is read on the picker's reader thread
    assert picker.form.get("unit_price") == f"{part.price:.2f}"
    assert picker.form.get("charged") is True  # out of warranty: charged
    picker.form.set("qty", str(part.stock + 1))
    before = row_counts()
    assert not picker.ok().ok  # more than is on the shelf
    assert row_counts() == before
    assert repair_help.part_stock(ctx, part.part_no) == part.stock
    assert str(part.stock) in window.status.cget("text")
    picker.form.set("qty", "2")
    assert picker.ok().ok
    pump(window.root)
    assert repair_help.part_stock(ctx, part.part_no) == part.stock - 2
    lines = show_case(ctx, number).repair.parts
    assert [(p.part_no, p.qty, p.unit_price, p.charged) for p in lines] == [
        (part.part_no, 2, part.price, True)
    ]
    assert "left in stock" in window.status.cget("text")

    assert _submit(
        panel, "repair.labour", description="更换屏幕总成", amount="80.00", minutes="45"
    ).ok
    labour = show_case(ctx, number).repair.labour
    assert [(lb.description, lb.amount, lb.minutes) for lb in labour] == [
        ("更换屏幕总成", Decimal("80.00"), 45)
    ]

    assert _submit(panel, "move:quality_check", note="").ok
    assert _status(ctx, number) == "quality_check"
    assert _submit(panel, "repair.ready", result="更换屏幕总成,功能正常").ok
    detail = show_case(ctx, number)
    assert detail.status == "ready_for_pickup"
    assert detail.repair.result == "更换屏幕总成,功能正常"

    # Collected without the customer's signature: refused, the message shown, nothing written.
    before = row_counts()
    assert not _submit(panel, "move:collected", note="").ok
    assert row_counts() == before and _status(ctx, number) == "ready_for_pickup"
    assert "signature" in window.status.cget("text").lower()
    panel.dialog.destroy()

    # The customer signs on the pad (pointer events on the canvas).
    panel.press("repair.sign")
    pad = panel.dialog
    assert pad.form.get("signer") == "周晓梅"
    _sign_on_canvas(pad)
    assert len(pad.strokes) == 2 and len(pad.strokes[0]) == 6
    assert all(0 <= c <= 1 for s in pad.strokes for p in s for c in p)
    image = pad.image(300, 100)  # rendered with Pillow from the strokes, not a screen grab
    assert image.size == (300, 100)
    assert image.getchannel("A").getextrema()[1] > 200  # ink is there
    strokes = pad.strokes
    assert pad.save()
    pump(window.root)
    assert not pad.winfo_exists()
    stored = repair_help.signature_of(ctx, number)
    assert stored == [[[round(c, 4) for c in p] for p in s] for s in strokes]
    # What the pad previewed is what the slip prints from the stored strokes.
    assert strokes_to_image(stored, 300, 100).tobytes() == image.tobytes()
    assert show_case(ctx, number).repair.signed
    assert "repair.resign" in panel.buttons and "repair.sign" not in panel.buttons

    assert _submit(panel, "move:collected", note="客户已取机").ok
    detail = show_case(ctx, number)
    assert detail.status == "collected" and detail.final
    moves = [(e.from_state, e.to_state) for e in detail.events if e.to_state]
    assert moves[1:] == [
        ("received", "diagnosing"),
        ("diagnosing", "awaiting_approval"),
        ("awaiting_approval", "repairing"),
        ("repairing", "quality_check"),
        ("quality_check", "ready_for_pickup"),
        ("ready_for_pickup", "collected"),
    ]


def test_empty_signature_is_not_saved(window: Any, demo_ctx: Context) -> None:
    number = _intake(demo_ctx)
    panel = _open(window, number)
    _submit(panel, "move:diagnosing")
    _submit(panel, "repair.ready", result="无故障")
    panel.press("repair.sign")
    pad = panel.dialog
    before = row_counts()
    assert pad.save() is None and pad.error.cget("text")
    pad.add_stroke([(30, 30), (200, 120)])
    pad.undo()
    assert pad.strokes == [] and pad.save() is None
    assert row_counts() == before
    pad.add_stroke([(30, 30), (200, 120), (260, 90)])
    pad.clear()
    assert pad.strokes == [] and not show_case(demo_ctx, number).repair.signed
    pad.destroy()


def test_customer_declines_and_scrap_needs_the_owner(
    window: Any, demo_ctx: Context, data_dir: Any, clock: Clock
) -> None:
    number = _intake(demo_ctx)
    panel = _open(window, number)
    _submit(panel, "move:diagnosing")
    _submit(panel, "repair.estimate", estimate="1200")
    assert _submit(panel, "repair.decline", note="客户嫌贵,不修").ok
    detail = show_case(demo_ctx, number)
    assert detail.status == "ready_for_pickup" and detail.repair.estimate_approved is False
    assert detail.repair.result == "客户嫌贵,不修"

    make_user("wu", "technician")
    window.desk.set_context(context_for(data_dir, "wu", clock=clock))
    pump(window.root)
    # The record's buttons are the technician's now: no scrap approval (the service refuses
    # it too: tests/services/test_permission_matrix.py).
    assert "repair.scrap" not in panel.buttons
    assert show_case(demo_ctx, number).repair.scrap_report == ""

    window.desk.set_context(demo_ctx)
    pump(window.root)  # the record is read again for the owner: their buttons
    assert _submit(panel, "repair.scrap", scrap_report="主板进水,无法修复").ok
    detail = show_case(demo_ctx, number)
    assert detail.status == "scrapped" and detail.repair.scrap_approved_by


def test_on_site_visits_revisit_needs_a_reason(window: Any, demo_ctx: Context) -> None:
    number = _intake(demo_ctx, on_site=True, site_address="闵行区莘庄 8 号")
    panel = _open(window, number)
    assert _status(demo_ctx, number) == "scheduled"
    assert _submit(panel, "repair.appointment", appointment_at="2026-03-03 14:30").ok
    at = show_case(demo_ctx, number).repair.appointment_at
    assert demo_ctx.local(at).strftime("%Y-%m-%d %H:%M") == "2026-03-03 14:30"
    bad = _submit(panel, "repair.appointment", appointment_at="tomorrow afternoon")
    assert not bad.ok and panel.dialog.form.error_text("appointment_at")
    panel.dialog.destroy()

    assert _submit(panel, "repair.visit", outcome="天线故障,需订配件").ok
    assert _status(demo_ctx, number) == "visited"
    assert not _submit(panel, "repair.revisit", note="").ok
    assert _status(demo_ctx, number) == "visited"
    panel.dialog.form.set("note", "配件需订货,已告知客户")
    assert panel.dialog.ok().ok
    pump(window.root)
    assert _status(demo_ctx, number) == "revisit_scheduled"

    before = row_counts()
    assert not _submit(panel, "repair.visit", outcome="更换天线").ok  # no reason given
    assert row_counts() == before
    panel.dialog.form.set("reason", "配件到货")
    assert panel.dialog.ok().ok
    pump(window.root)
    panel.press("repair.sign")
    panel.dialog.add_stroke([(40, 100), (120, 60), (200, 140)])
    assert panel.dialog.save()
    assert _submit(panel, "move:done", note="").ok
    detail = show_case(demo_ctx, number)
    assert detail.status == "done" and len(detail.repair.visits) == 2


def test_assign_technician(window: Any, demo_ctx: Context) -> None:
    number = _intake(demo_ctx)
    panel = _open(window, number)
    techs = repair_help.technicians(demo_ctx)
    assert techs
    login, shown = techs[-1]
    assert _submit(panel, "repair.assign", technician=login).ok
    detail = show_case(demo_ctx, number)
    assert detail.repair.technician == shown or detail.assignee == shown


def test_board_counts_match_the_list_and_filter_it(window: Any, demo_ctx: Context) -> None:
    _intake(demo_ctx)  # one more unassigned repair, just received
    window.desk.changed()
    pump(window.root)
    tab = window.show_tab("repairs")
    pump(window.root)  # the counts are read on the board's reader thread
    board = tab.board
    data = repair_help.board(demo_ctx)
    assert data.rows, "demo data has technicians"
    for status in repair_help.BOARD_STATUSES:
        every = CaseFilter(kind="repair", status=status)
        assert board.count("all", status) == count_cases(demo_ctx, every)
        late = count_cases(demo_ctx, CaseFilter(kind="repair", status=status, overdue=True))
        assert data.totals.late(status) == late and board.late("all", status) == bool(late)
        for row in data.rows:
            mine = CaseFilter(kind="repair", status=status, assignee=row.name)
            assert board.count(f"tech:{row.name}", status) == count_cases(demo_ctx, mine)
    assert board.count("all", "received") >= 1

    key, status = next(
        (f"tech:{r.name}", s) for r in data.rows for s in repair_help.BOARD_STATUSES if r.count(s)
    )
    board.click(key, status)
    pump(window.root)
    rows = tab.browser.rows
    assert rows and len(rows) == board.count(key, status)
    assert {r.status for r in rows} == {status}
    board.click(key, status)  # again: the filter is cleared
    pump(window.root)
    assert len(tab.browser.rows) > board.count(key, status)


def test_overdue_repair_is_marked(window: Any, demo_ctx: Context, clock: Clock) -> None:
    number = _intake(demo_ctx)
    board = window.show_tab("repairs").board
    window.update()
    window.desk.changed()
    pump(window.root)
    assert not board.late("unassigned", "received")
    clock.advance(days=10)
    window.desk.changed()
    pump(window.root)
    assert board.late("unassigned", "received") and board.late("all", "received")
    panel = _open(window, number)
    assert show_case(demo_ctx, number).overdue
    # Shown in the header (the frame's panel packs it; see the report about narrow panes).
    assert panel.overdue_badge.winfo_manager() == "pack"
    tree = window.tabs["repairs"].browser.tree
    assert "overdue" in tree.item(number, "tags")
