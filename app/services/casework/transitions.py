"""Moving a case along its workflow: the guards and the event, in one transaction.

Every status change in the program goes through `apply_transition`, called inside the caller's
write transaction, so the change and its event are written together or not at all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.domain import kinds, workflows
from app.domain.codes import Disposition, MoneyKind
from app.domain.errors import DomainError
from app.services.casework import follow_ups
from app.services.casework.records import find_case, refunded_total, repair_of, rma_of
from app.services.remedies.approvals import check_and_record_approval
from app.services.remedies.ledger import book_entry, live_entries
from app.services.shop import audit
from app.services.shop.context import Context
from app.services.shop.permissions import Action, require
from app.store.db import write_transaction
from app.store.history import record_event
from app.store.models import Case, MoneyEntry, RepairVisit, ReturnLine

Guard = Callable[[Context, Case, str, str], None]  # (ctx, case, from_status, note)


def _need_note(code: str = "reason_required") -> Guard:
    def guard(ctx: Context, case: Case, frm: str, note: str) -> None:
        if not note.strip():
            raise DomainError(code, field="note")

    return guard


def _repair_estimate_decided(ctx: Context, case: Case, frm: str, note: str) -> None:
    t = repair_of(case)
    if t is None:
        return
    in_scope = frm in ("diagnosing", "awaiting_approval") and not t.in_warranty
    if in_scope and t.estimate_approved is not True:
        raise DomainError("estimate_not_approved")


def _repair_estimate_given(ctx: Context, case: Case, frm: str, note: str) -> None:
    t = repair_of(case)
    if t is not None and t.estimate is None:
        raise DomainError("estimate_required", field="estimate")


def _repair_ready(ctx: Context, case: Case, frm: str, note: str) -> None:
    t = repair_of(case)
    if t is None:
        return
    if frm == "awaiting_approval" and t.estimate_approved is not False:
        raise DomainError("estimate_not_declined")
    if not (t.result.strip() or note.strip()):
        raise DomainError("result_required", field="result")
    if not t.result.strip():
        t.result = note.strip()
    t.finished_at = ctx.now()
    t.save()


def _onsite_finished(ctx: Context, case: Case, frm: str, note: str) -> None:
    """An on-site job is finished at its last visit's close: the ticket and the technician's
    monthly figures count it then (the result is the last visit's outcome unless written)."""
    t = repair_of(case)
    if t is None:
        return
    if t.finished_at is None:
        t.finished_at = ctx.now()
    if not t.result.strip():
        last = t.visits.order_by(RepairVisit.visited_at.desc(), RepairVisit.id.desc()).first()
        t.result = note.strip() or (last.outcome if last else "")
    t.save()


def _forget_passcode(ctx: Context, case: Case, frm: str, note: str) -> None:
    """The move that ends a repair: the device leaves the shop, its passcode is erased."""
    t = repair_of(case)
    if t is not None and t.passcode_sealed:
        t.passcode_sealed = ""
        t.save()
        audit.log(ctx, "repair", t, "passcode_erased", {})


def _signed(ctx: Context, case: Case, frm: str, note: str) -> None:
    t = repair_of(case)
    if t is not None and t.signed_at is None:
        raise DomainError("signature_required", field="signature")


def _scrap_approved(ctx: Context, case: Case, frm: str, note: str) -> None:
    t = repair_of(case)
    if t is not None and t.scrap_approved_by_id is None:
        raise DomainError("scrap_report_required", field="scrap_report")


def _money_recorded(kind: MoneyKind, code: str) -> Guard:
    def guard(ctx: Context, case: Case, frm: str, note: str) -> None:
        if kind is MoneyKind.REFUND:
            if refunded_total(case) <= 0:
                raise DomainError(code)
            return
        if (
            not MoneyEntry.select()
            .where((MoneyEntry.case == case) & (MoneyEntry.kind == kind.value))
            .exists()
        ):
            raise DomainError(code)

    return guard


def _return_approved(ctx: Context, case: Case, frm: str, note: str) -> None:
    r = rma_of(case)
    if r is not None and r.approved_by_id is not None:
        return  # approved a moment ago in this transaction by returns.approve (with its checks)
    check_and_record_approval(ctx, case)


def _approval_voided(ctx: Context, case: Case, frm: str, note: str) -> None:
    """Back to awaiting approval only when the approval no longer holds (value went up)."""
    r = rma_of(case)
    if r is None or r.approved_by_id is not None:
        raise DomainError("approval_still_valid", status=case.status)


def _return_rejected(ctx: Context, case: Case, frm: str, note: str) -> None:
    if not note.strip():
        raise DomainError("reason_required", field="note")
    r = rma_of(case)
    if r is not None:
        r.rejection_reason = note.strip()
        r.save()


def _ship_first(ctx: Context, case: Case, frm: str, note: str) -> None:
    """先补发: the manager confirms; an unapproved request is approved here at its level.

    The old goods are then owed back by a due date (settings: returns.ship_first_return_days);
    no refund is paid on the case until they are received or the owner waives them.
    """
    from datetime import timedelta

    require(ctx, Action.SHIP_FIRST)
    rma = rma_of(case)
    if rma is not None and rma.approved_by_id is None:
        check_and_record_approval(ctx, case)
    case.ship_first_by = ctx.actor.id
    case.ship_first_at = ctx.now()
    if rma is not None:
        days = ctx.settings.returns.ship_first_return_days
        rma.goods_due = ctx.local(ctx.now()).date() + timedelta(days=days)
        rma.save()


def _carrier_replacement(ctx: Context, case: Case, frm: str, note: str) -> None:
    """Carrier damage: shipping a replacement moves the same money as a refund, so it needs the
    same approval level (manager on duty up to the threshold, the owner above)."""
    from app.domain.rules.approval import ApprovalLevel, approval_needed

    level = approval_needed(case.amount or 0, ctx.settings.approval)
    require(ctx, Action.APPROVE_OWNER if level is ApprovalLevel.OWNER else Action.APPROVE_MANAGER)
    case.ship_first_by = ctx.actor.id
    case.ship_first_at = ctx.now()


def _goods_received(ctx: Context, case: Case, frm: str, note: str) -> None:
    r = rma_of(case)
    if r is None:
        return
    # A plain move means "everything arrived as expected"; the receive action records shortfalls.
    ReturnLine.update(qty_received=ReturnLine.qty_expected).where(
        (ReturnLine.rma == r) & (ReturnLine.qty_received.is_null())
    ).execute()
    if r.received_at is None:
        r.received_at = ctx.now()
        r.save()
    # A deposit taken when the replacement shipped first goes back now the goods are here.
    held = live_entries(case, MoneyKind.DEPOSIT)
    returned = live_entries(case, MoneyKind.DEPOSIT_REFUND)
    if held and not returned:
        for deposit in held:
            book_entry(
                ctx,
                case,
                MoneyKind.DEPOSIT_REFUND,
                deposit.amount,
                note=r.number,
                route=deposit.route,
                party=deposit.party,
            )


def _rma_field(field: str, code: str) -> Guard:
    def guard(ctx: Context, case: Case, frm: str, note: str) -> None:
        r = rma_of(case)
        if r is not None and not getattr(r, field):
            raise DomainError(code, field=field)

    return guard


def _disposition_done(ctx: Context, case: Case, frm: str, note: str) -> None:
    r = rma_of(case)
    if r is None:
        return
    if not r.disposition:
        raise DomainError("disposition_required", field="disposition")
    if r.disposition == Disposition.SCRAP.value and r.scrap_approved_by_id is None:
        raise DomainError("scrap_report_required", field="disposition")


def _intercept(ctx: Context, case: Case, frm: str, note: str) -> None:
    if case.shipping_status != "in_transit":
        raise DomainError("not_in_transit", field="shipping_status")


def _complaint_resolved(ctx: Context, case: Case, frm: str, note: str) -> None:
    if not (case.resolution.strip() or note.strip()):
        raise DomainError("resolution_required", field="resolution")
    if not case.resolution.strip():
        case.resolution = note.strip()


def _short_delivery(ctx: Context, case: Case, frm: str, note: str) -> None:
    """Missing items (货品缺少反馈) reported more than `short_delivery_days` after delivery (the
    sale date stands for it), or with no date to tell, are sent on only with the owner's say."""
    sold = case.sale.sale_date if case.sale_id else None
    limit = ctx.settings.returns.short_delivery_days
    if sold is None or (ctx.local(case.created_at).date() - sold).days > limit:
        require(ctx, Action.APPROVE_OWNER)


def _claim_linked(ctx: Context, case: Case, frm: str, note: str) -> None:
    if not case.claims.exists():
        raise DomainError("claim_required")


GUARDS: dict[tuple[str, str], tuple[Guard, ...]] = {
    ("repair", "awaiting_approval"): (_repair_estimate_given,),
    ("repair", "awaiting_parts"): (_repair_estimate_decided,),
    ("repair", "repairing"): (_repair_estimate_decided,),
    ("repair", "ready_for_pickup"): (_repair_ready,),
    ("repair", "collected"): (_signed, _forget_passcode),
    ("repair", "done"): (_signed, _onsite_finished, _forget_passcode),
    ("repair", "returned_unrepaired"): (_signed, _forget_passcode),
    ("repair", "scrapped"): (_scrap_approved, _forget_passcode),
    ("repair", "revisit_scheduled"): (_need_note(),),
    ("repair", "cancelled"): (_need_note(), _forget_passcode),
    ("return", "approved"): (_return_approved,),
    ("return", "requested"): (_approval_voided,),
    ("return", "rejected"): (_return_rejected,),
    ("return", "cancelled"): (_need_note(),),
    ("return", "replacement_shipped"): (_ship_first,),
    ("return", "received"): (_goods_received,),
    ("return", "inspected"): (_rma_field("inspection_result", "inspection_required"),),
    ("return", "liability_decided"): (_rma_field("liability", "liability_required"),),
    ("return", "disposition_done"): (_disposition_done,),
    ("return", "refunded"): (_money_recorded(MoneyKind.REFUND, "refund_not_recorded"),),
    ("return", "credited"): (_money_recorded(MoneyKind.CREDIT, "credit_not_recorded"),),
    ("refund", "intercepting"): (_intercept,),
    ("refund", "refunded"): (_money_recorded(MoneyKind.REFUND, "refund_not_recorded"),),
    ("refund", "rejected"): (_need_note(),),
    ("complaint", "resolved"): (_complaint_resolved,),
    ("parts", "rejected"): (_need_note(),),
    ("parts", "approved"): (_short_delivery,),
    ("carrier_damage", "rejected"): (_need_note(),),
    ("carrier_damage", "replacement_shipped"): (_carrier_replacement,),
    ("carrier_damage", "refunded"): (_money_recorded(MoneyKind.REFUND, "refund_not_recorded"),),
    ("carrier_damage", "claim_filed"): (_claim_linked,),
}


def _first_to_work(ctx: Context, case: Case) -> None:
    """A technician moving an unassigned repair becomes its technician (as a ticket edit does):
    a repair worked only through its status changes otherwise stayed "(unassigned)" and the
    monthly workload showed its technician 0 received / 0 finished."""
    from app.domain.codes import Role

    if case.kind != "repair" or ctx.actor.role != Role.TECHNICIAN.value:
        return
    t = repair_of(case)
    if t is None or t.technician_id is not None:
        return
    t.technician = ctx.actor.id  # who works it, as a ticket edit does (_first_technician)
    t.save()
    if case.assignee_id is None:
        case.assignee = ctx.actor.id
    audit.log(
        ctx, "repair", t, "assigned", {"technician": t.technician.name, "first_to_work": True}
    )


def apply_transition(
    ctx: Context, case: Case, target: str, note: str = "", data: dict[str, Any] | None = None
) -> None:
    """Check and apply one move inside the caller's transaction, writing its event."""
    require(ctx, Action.CASE_MOVE)
    wf = workflows.workflow_for(case.kind)
    try:
        wf.check_move(case.status, target)
    except DomainError as exc:
        exc.params["number"] = case.number
        raise
    frm = case.status
    for guard in GUARDS.get((wf.name, target), ()):
        guard(ctx, case, frm, note)
    if target == "closed":
        follow_ups.check_close(ctx, case, note)
    follow_ups.settle_follow_up(ctx, case, target)
    _first_to_work(ctx, case)
    now = ctx.now()
    case.status = target
    case.updated_at = now
    if case.first_answered_at is None:
        case.first_answered_at = now
    if wf.is_final(target):
        case.closed_at = now
    case.save()
    record_event(
        at=now,
        actor_id=ctx.actor.id,
        entity="case",
        entity_id=case.id,
        number=case.number,
        action="moved",
        from_state=frm,
        to_state=target,
        data=audit.stamp(ctx, data),
        note=note.strip(),
    )


def move(ctx: Context, number: str, target: str, note: str = "") -> Case:
    """Move a case to `target` (the CLI's `move` and the window's state buttons)."""
    from app.domain.validation import validate_text

    note = validate_text(note, "note", max_len=2000)
    with write_transaction():
        case = find_case(number)
        apply_transition(ctx, case, target.strip().lower().replace("-", "_"), note)
    return case


def is_return_kind(case: Case) -> bool:
    return case.kind in kinds.rma_kinds()
