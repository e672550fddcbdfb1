"""The follow-up call (回访, 003/004) on every kind that has one, and a complaint's
classification.

A case is due for its call `followup.due_days` after it is settled (the first time it reaches a
state from which it may close, or a final one: a repair collected), for the kinds the shop says
must have one; closing such a case without the call needs a reason (the close's note), which the
event keeps. A repair has no "closed" state: its calls are found through `follow_ups_due`. The
score (1–5) and the call feed the monthly summary's satisfaction figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from app.domain import kinds, workflows
from app.domain.codes import ComplaintClass
from app.domain.errors import DomainError
from app.domain.validation import validate_choice, validate_qty, validate_text
from app.services.casework.records import find_case
from app.services.shop import audit
from app.services.shop.context import Context
from app.services.shop.permissions import Action, require
from app.store.db import write_transaction
from app.store.models import Case


def may_follow_up(case_kind: str) -> bool:
    spec = kinds.find(case_kind)
    return spec is not None and spec.follow_up


def find_kind(number: str) -> str:
    return find_case(number).kind


#: States that end a case without anything done for the customer: no call follows them.
NOT_SETTLED = frozenset({"cancelled", "rejected"})


def settled(kind: str, status: str) -> bool:
    """The case's work is done: it may close, or it has ended (a repair collected, a refund
    paid and closed). The follow-up call comes from here on."""
    if status in NOT_SETTLED:
        return False
    wf = workflows.workflow_for(kind)
    return wf.is_final(status) or wf.can_move(status, "closed")


def settle_follow_up(ctx: Context, case: Case, target: str) -> None:
    """Inside a move: for the kinds that must have a call, it falls due `due_days` after the
    case is first settled."""
    rules = ctx.settings.followup
    if not (may_follow_up(case.kind) and rules.required_for(case.kind)):
        return
    if case.status in NOT_SETTLED:  # closing a rejected or cancelled case: nothing to ask
        return
    if case.follow_up_due is None and case.follow_up_at is None and settled(case.kind, target):
        case.follow_up_due = ctx.local(ctx.now()).date() + timedelta(days=rules.due_days)


def check_close(ctx: Context, case: Case, note: str) -> None:
    """Guard of -> closed: a kind that must have its call closes without one only with a reason."""
    if case.follow_up_at is not None or not may_follow_up(case.kind):
        return
    if ctx.settings.followup.required_for(case.kind) and not note.strip():
        raise DomainError("follow_up_required", field="note")


def write_follow_up(ctx: Context, case: Case, score: int, text: str) -> None:
    """Inside the caller's transaction: the call's score, words, time and caller, one event."""
    case.satisfaction = score
    case.follow_up = text
    case.follow_up_at = ctx.now()
    case.follow_up_by = ctx.actor.id
    case.save()
    audit.log(ctx, "case", case, "followed_up", {"satisfaction": score}, text)


def _score(satisfaction: int | str) -> int:
    return validate_qty(satisfaction, "satisfaction", minimum=1, maximum=5)


def record_follow_up(ctx: Context, number: str, satisfaction: int | str, note: str = "") -> Case:
    """The follow-up call on a repair, return, exchange or refund (a complaint's closes it: see
    complaints.follow_up). Once per case; the score is 1–5."""
    score = _score(satisfaction)
    text = validate_text(note, "follow_up", max_len=2000)
    require(ctx, Action.CASE_MOVE)
    with write_transaction():
        case = find_case(number)
        if not may_follow_up(case.kind):
            raise DomainError("follow_up_not_for_kind", field="kind")
        if case.follow_up_at is not None:
            raise DomainError("follow_up_done", field="satisfaction")
        write_follow_up(ctx, case, score, text)
    return case


def classify_complaint(
    ctx: Context, number: str, klass: str, cause: str = "", responsible: str = ""
) -> Case:
    """What the complaint was about (product, service, delivery, attitude), its cause and who was
    responsible (004); may be corrected while the complaint is open, each change an event."""
    k = validate_choice(klass, "complaint_class", ComplaintClass)
    why = validate_text(cause, "complaint_cause", max_len=2000)
    who = validate_text(responsible, "responsible", max_len=40)
    require(ctx, Action.CASE_MOVE)
    with write_transaction():
        case = find_case(number)
        if case.kind != "complaint":
            raise DomainError("not_a_complaint", field="kind")
        if case.closed_at is not None:
            raise DomainError("case_closed", status=case.status)
        case.complaint_class = k.value
        case.complaint_cause = why
        case.responsible = who
        case.save()
        audit.log(
            ctx,
            "case",
            case,
            "classified",
            {"class": k.value, "cause": why, "responsible": who},
        )
    return case


@dataclass(frozen=True)
class DueCall:
    number: str
    kind: str
    customer: str
    phone: str
    due: date
    days_late: int


def follow_ups_due(ctx: Context, on: date | None = None) -> list[DueCall]:
    """The calls due by `on` (today in the shop) not yet made, oldest first."""
    day = on or ctx.local(ctx.now()).date()
    rows = (
        Case.select()
        .where(
            Case.follow_up_due.is_null(False)
            & (Case.follow_up_due <= day)
            & Case.follow_up_at.is_null(True)
            & (Case.status != "cancelled")
        )
        .order_by(Case.follow_up_due, Case.id)
    )
    return [
        DueCall(
            number=c.number,
            kind=c.kind,
            customer=c.customer.name,
            phone=c.customer.phone or "",
            due=c.follow_up_due,
            days_late=(day - c.follow_up_due).days,
        )
        for c in rows
    ]
