"""Complaints: acknowledge, resolve, follow up, and spawn a return or repair."""

from __future__ import annotations

from app.domain import kinds
from app.domain.errors import DomainError
from app.domain.validation import validate_qty, validate_text
from app.services.casework.follow_ups import write_follow_up
from app.services.casework.intake import IntakeForm, take_intake
from app.services.casework.records import find_case
from app.services.casework.transitions import apply_transition
from app.services.shop.context import Context
from app.store.db import write_transaction
from app.store.models import Case


def resolve(ctx: Context, number: str, resolution: str) -> Case:
    """Record the solution told to the customer and move to resolved."""
    text = validate_text(resolution, "resolution", required=True, max_len=4000)
    with write_transaction():
        case = find_case(number)
        case.resolution = text
        apply_transition(ctx, case, "resolved", text)
    return case


def follow_up(ctx: Context, number: str, satisfaction: int | str, note: str = "") -> Case:
    """Satisfaction 1-5 after the solution (003), then close."""
    score = validate_qty(satisfaction, "satisfaction", minimum=1, maximum=5)
    text = validate_text(note, "follow_up", max_len=2000)
    with write_transaction():
        case = find_case(number)
        write_follow_up(ctx, case, score, text)
        if case.status == "resolved":
            apply_transition(ctx, case, "follow_up", text, {"satisfaction": score})
        apply_transition(ctx, case, "closed", text, {"satisfaction": score})
    return case


def spawn(ctx: Context, number: str, kind: str, description: str = "") -> Case:
    """Open a return, exchange or repair case from a complaint, linked to it."""
    k = kinds.kind(kind)
    if not k.spawnable:
        raise DomainError("not_a_choice", field="kind", choices=list(kinds.spawnable_kinds()))
    parent = find_case(number)
    return take_intake(
        ctx,
        IntakeForm(
            kind=k.code,
            name=parent.customer.name,
            phone=parent.customer.phone or "",
            product=parent.product.name if parent.product_id else "",
            model_spec=parent.product.model_spec if parent.product_id else "",
            category=parent.product.category if parent.product_id else "",
            serial=parent.serial,
            sold=parent.sale.sale_date if parent.sale_id else None,
            reason=parent.reason if parent.reason != "service_attitude" else "other",
            amount=parent.amount,
            description=description or parent.description,
            channel=parent.channel,
            parent_number=parent.number,
        ),
    )
