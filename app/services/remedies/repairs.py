"""Repair tickets: diagnosis, estimate and approval, parts from stock, labour, visits, pickup."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from app.domain.codes import MoneyKind, Role
from app.domain.errors import DomainError
from app.domain.money import parse_money
from app.domain.validation import Collector, validate_qty, validate_text
from app.services.casework import device_secrets
from app.services.casework.records import find_case, repair_of
from app.services.casework.transitions import apply_transition
from app.services.remedies.money import add_money
from app.services.shop import audit
from app.services.shop.context import Context
from app.services.shop.errors import NotFound
from app.services.shop.permissions import Action, require
from app.services.shop.stock import take_for_repair
from app.store.db import write_transaction
from app.store.models import (
    Case,
    RepairLabour,
    RepairPart,
    RepairTicket,
    RepairVisit,
    SparePart,
    User,
)

MAX_STROKES = 500
MAX_POINTS = 20000


def _ticket(number: str) -> tuple[Case, RepairTicket]:
    case = find_case(number)
    ticket = repair_of(case)
    if ticket is None:
        raise NotFound("repair", number)
    return case, ticket


def _log(ctx: Context, t: RepairTicket, action: str, data: dict, note: str = "") -> None:
    if action != "assigned":
        _first_technician(ctx, t)
    audit.log(ctx, "repair", t, action, data, note)


def _first_technician(ctx: Context, t: RepairTicket) -> None:
    """The technician who first works an unassigned repair becomes its assignee, so the ticket
    never prints an empty 维修人员 (a desk clerk or the owner working on it assigns nobody)."""
    if ctx.actor.role != Role.TECHNICIAN.value or t.technician_id is not None:
        return
    user = User.get_by_id(ctx.actor.id)
    t.technician = user
    t.save()
    case = t.case
    if case.assignee_id is None:
        case.assignee = user
        case.save()
    audit.log(ctx, "repair", t, "assigned", {"technician": user.name, "first_to_work": True})


def update_ticket(ctx: Context, number: str, **fields: str) -> None:
    """Edit the free-text parts of a ticket (diagnosis, condition, fault, result, factory tag)."""
    limits = {
        "diagnosis": 4000,
        "condition": 1000,
        "fault": 2000,
        "result": 4000,
        "factory_tag": 40,
    }
    v = Collector()
    clean = {}
    for name, value in fields.items():
        if name not in limits:
            v.add(name, "unknown_field")
            continue
        clean[name] = v.check(name, validate_text, value, max_len=limits[name]) or ""
    v.raise_if_errors()
    require(ctx, Action.REPAIR_WORK)
    with write_transaction():
        _, t = _ticket(number)
        changed = {k: val for k, val in clean.items() if getattr(t, k) != val}
        for k, val in changed.items():
            setattr(t, k, val)
        if changed:
            t.save()
            # Names of the fields only: the texts may repeat the customer's name or phone, and
            # the event log is kept forever (a privacy erase scrubs the ticket, not the log).
            _log(ctx, t, "updated", {"fields": list(changed)})


def assign_technician(ctx: Context, number: str, user_name: str) -> None:
    require(ctx, Action.CASE_MOVE)
    with write_transaction():
        case, t = _ticket(number)
        user = User.get_or_none((User.name == user_name) & (User.active == True))  # noqa: E712
        if user is None:
            raise NotFound("user", user_name)
        t.technician = user
        t.save()
        case.assignee = user
        case.save()
        _log(ctx, t, "assigned", {"technician": user.name})


def set_estimate(ctx: Context, number: str, amount: str | Decimal, note: str = "") -> Case:
    """Quote an out-of-warranty repair and ask the customer (diagnosing -> awaiting approval)."""
    value = parse_money(amount, "estimate")
    text = validate_text(note, "note", max_len=2000)
    require(ctx, Action.REPAIR_WORK)
    with write_transaction():
        case, t = _ticket(number)
        t.estimate = value
        t.estimate_approved = None
        t.save()
        _log(ctx, t, "estimate", {"amount": str(value)}, text)
        if case.status == "diagnosing":
            apply_transition(ctx, case, "awaiting_approval", text)
    return case


def decide_estimate(ctx: Context, number: str, approved: bool, note: str = "") -> Case:
    """The customer's answer to the quote: go ahead, or return the device unrepaired."""
    text = validate_text(note, "note", max_len=2000)
    require(ctx, Action.CASE_MOVE)
    with write_transaction():
        case, t = _ticket(number)
        if t.estimate is None:
            raise DomainError("estimate_required", field="estimate")
        t.estimate_approved = approved
        t.estimate_decided_at = ctx.now()
        if not approved and not t.result:
            t.result = text or "customer declined the estimate"
        t.save()
        _log(ctx, t, "estimate_decided", {"approved": approved}, text)
        if case.status == "awaiting_approval":
            apply_transition(ctx, case, "repairing" if approved else "ready_for_pickup", text)
    return case


def add_part(
    ctx: Context,
    number: str,
    *,
    part_no: str = "",
    description: str = "",
    qty: int | str = 1,
    unit_price: str | Decimal | None = None,
    charged: bool | None = None,
) -> int:
    """Use a part on a ticket; a stocked part leaves stock in the same transaction."""
    v = Collector()
    q = v.check("qty", validate_qty, qty)
    pn = v.check("part_no", validate_text, part_no, max_len=40) or ""
    desc = v.check("description", validate_text, description, max_len=120) or ""
    price = v.check("unit_price", parse_money, unit_price, optional=True)
    if not pn and not desc:
        v.add("part_no", "required")
    v.raise_if_errors()
    require(ctx, Action.REPAIR_WORK)
    with write_transaction():
        case, t = _ticket(number)
        spare = None
        if pn:
            spare = SparePart.get_or_none(SparePart.part_no == pn)
            if spare is None:
                raise NotFound("part", pn)
            take_for_repair(ctx, spare, q, t)  # type: ignore[arg-type]
        is_charged = (not t.in_warranty) if charged is None else charged
        line = RepairPart.create(
            ticket=t,
            spare_part=spare,
            description=desc or (spare.name if spare else pn),
            qty=q,
            unit_price=price if price is not None else (spare.price if spare else Decimal("0")),
            charged=is_charged,
            added_at=ctx.now(),
        )
        cost = (spare.cost if spare else line.unit_price) * q  # type: ignore[operator]
        if cost:
            add_money(ctx, case, MoneyKind.PARTS, cost, f"{t.number} {line.description}")
        _log(
            ctx, t, "part_added", {"line": line.id, "part_no": pn, "qty": q, "charged": is_charged}
        )
        return line.id


def add_labour(
    ctx: Context,
    number: str,
    description: str,
    amount: str | Decimal,
    *,
    minutes: int | str = 0,
    charged: bool | None = None,
) -> int:
    v = Collector()
    desc = v.check("description", validate_text, description, required=True, max_len=120)
    value = v.check("amount", parse_money, amount)
    mins = v.check("minutes", validate_qty, minutes, minimum=0, maximum=10000)
    v.raise_if_errors()
    require(ctx, Action.REPAIR_WORK)
    with write_transaction():
        case, t = _ticket(number)
        is_charged = (not t.in_warranty) if charged is None else charged
        line = RepairLabour.create(
            ticket=t,
            description=desc,
            minutes=mins,
            amount=value,
            charged=is_charged,
            technician=ctx.actor.id,
            added_at=ctx.now(),
        )
        if value:
            add_money(ctx, case, MoneyKind.LABOUR, value, f"{t.number} {desc}")  # type: ignore[arg-type]
        _log(ctx, t, "labour_added", {"line": line.id, "amount": str(value)})
        return line.id


def schedule_visit(ctx: Context, number: str, when: datetime, note: str = "") -> None:
    """Fix the on-site appointment agreed with the customer (contact within 24 h — 001)."""
    text = validate_text(note, "note", max_len=2000)
    if not isinstance(when, datetime) or when.tzinfo is None:
        raise DomainError("not_a_datetime", field="appointment_at")
    require(ctx, Action.CASE_MOVE)
    with write_transaction():
        case, t = _ticket(number)
        if not t.on_site:
            raise DomainError("not_on_site", field="appointment_at")
        t.appointment_at = when
        t.save()
        if case.first_answered_at is None:
            # Agreeing the appointment with the customer is the first answer (001, 003): the
            # 24-hour clock stops here, not at the first change of status.
            case.first_answered_at = ctx.now()
            case.save()
        _log(ctx, t, "appointment", {"at": when.isoformat()}, text)


def record_visit(ctx: Context, number: str, outcome: str, reason: str = "") -> Case:
    """An on-site visit happened; a second visit must carry the reason told to the customer."""
    v = Collector()
    out = v.check("outcome", validate_text, outcome, required=True, max_len=2000)
    why = v.check("reason", validate_text, reason, max_len=2000) or ""
    v.raise_if_errors()
    require(ctx, Action.REPAIR_WORK)
    with write_transaction():
        case, t = _ticket(number)
        if t.visits.exists() and not why:
            raise DomainError("reason_required", field="reason")
        visit = RepairVisit.create(
            ticket=t, visited_at=ctx.now(), technician=ctx.actor.id, reason=why, outcome=out
        )
        _log(ctx, t, "visit", {"visit": visit.id}, out)
        apply_transition(ctx, case, "visited", out)
    return case


def validate_strokes(strokes: object) -> list[list[list[float]]]:
    """Signature strokes: a list of polylines of [x, y] points in 0..1 of the pad."""
    if not isinstance(strokes, list) or not strokes or len(strokes) > MAX_STROKES:
        raise DomainError("signature_empty", field="signature")
    clean: list[list[list[float]]] = []
    total = 0
    for stroke in strokes:
        if not isinstance(stroke, list):
            raise DomainError("signature_invalid", field="signature")
        pts = []
        for p in stroke:
            if not (isinstance(p, list | tuple) and len(p) == 2):
                raise DomainError("signature_invalid", field="signature")
            x, y = p
            if not all(isinstance(c, int | float) and 0 <= c <= 1 for c in (x, y)):
                raise DomainError("signature_invalid", field="signature")
            pts.append([round(float(x), 4), round(float(y), 4)])
        total += len(pts)
        clean.append(pts)
    if total < 2 or total > MAX_POINTS:
        raise DomainError("signature_empty", field="signature")
    return clean


def sign(ctx: Context, number: str, strokes: object, signer: str = "", comment: str = "") -> None:
    """Keep the customer's signature strokes (rendered to an image for the slip, not a grab)
    and what they said about the work (客户意见, printed on the ticket)."""
    clean = validate_strokes(strokes)
    who = validate_text(signer, "signer", max_len=40)
    said = validate_text(comment, "customer_comment", max_len=500)
    require(ctx, Action.CASE_MOVE)
    with write_transaction():
        _, t = _ticket(number)
        t.signature = {"strokes": clean, "signer": who}
        t.signed_at = ctx.now()
        if said:
            t.customer_comment = said
        t.save()
        # Whether a name was given, not the name: it is the customer's (kept on the ticket).
        _log(ctx, t, "signed", {"named": bool(who), "points": sum(len(s) for s in clean)})


def sign_dropoff(ctx: Context, number: str, strokes: object, signer: str = "") -> None:
    """The customer signs the intake when leaving the device: what was handed over (accessories,
    condition, pre-check) is agreed; printed in the intake receipt's signature box."""
    clean = validate_strokes(strokes)
    who = validate_text(signer, "signer", max_len=40)
    require(ctx, Action.CASE_MOVE)
    with write_transaction():
        case, t = _ticket(number)
        if case.closed_at is not None:
            raise DomainError("case_closed", status=case.status)
        t.dropoff_signature = {"strokes": clean, "signer": who}
        t.save()
        audit.log(ctx, "repair", t, "signed_dropoff", {"named": bool(who)})


def reveal_passcode(ctx: Context, number: str) -> str:
    """The device's passcode, for the technician working on it; who looked is an event."""
    require(ctx, Action.REPAIR_WORK)
    with write_transaction():
        _, t = _ticket(number)
        if not t.passcode_sealed:
            raise DomainError("no_passcode", field="passcode")
        text = device_secrets.unseal(ctx.data_dir, t.passcode_sealed)
        audit.log(ctx, "repair", t, "passcode_viewed", {})
    return text


def approve_scrap(ctx: Context, number: str, report: str) -> None:
    """The owner approves scrapping an unrepairable device with a written report."""
    text = validate_text(report, "scrap_report", required=True, max_len=4000)
    require(ctx, Action.SCRAP_APPROVE)
    with write_transaction():
        _, t = _ticket(number)
        t.scrap_report = text
        t.scrap_approved_by = ctx.actor.id
        t.scrap_approved_at = ctx.now()
        t.save()
        _log(ctx, t, "scrap_approved", {}, text)


# --- steps that are one decision for the shop, made of two writes, in one transaction ----------


def decide_and_move(ctx: Context, number: str, approved: bool, then: str, note: str = "") -> Case:
    """The customer approves, and the repair waits for parts (or another next state): one step,
    so a failed move leaves no half-recorded approval."""
    from app.services.casework.transitions import move

    with write_transaction():
        decide_estimate(ctx, number, approved, note)
        return move(ctx, number, then, note)


def ready_for_pickup(ctx: Context, number: str, result: str = "") -> Case:
    """Record what was done (printed on the ticket) and tell the desk the device is ready."""
    from app.services.casework.transitions import move

    text = validate_text(result, "result", max_len=4000)
    with write_transaction():
        _, t = _ticket(number)
        note = text
        if t.result.strip() and text and text != t.result.strip():
            update_ticket(ctx, number, result=text)
            note = ""
        elif text and not t.result.strip():
            update_ticket(ctx, number, result=text)
        return move(ctx, number, "ready_for_pickup", note)


def schedule_revisit(ctx: Context, number: str, reason: str, when: datetime | None = None) -> Case:
    """Another visit (001: its reason is told to the customer), with its appointment if agreed."""
    from app.services.casework.transitions import move

    with write_transaction():
        case = move(ctx, number, "revisit_scheduled", reason)
        if when is not None:
            schedule_visit(ctx, number, when, reason)
        return case


def scrap(ctx: Context, number: str, report: str) -> Case:
    """The owner approves scrapping with a written report, and the device is scrapped."""
    from app.services.casework.transitions import move

    with write_transaction():
        approve_scrap(ctx, number, report)
        return move(ctx, number, "scrapped", report)
