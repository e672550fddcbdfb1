"""Approving a return: the three guarantees first, then the approver's level on the value.

The guard of requested → approved and of ship first; below both `returns` and `transitions`,
which each call it, so neither imports the other for it.
"""

from __future__ import annotations

from decimal import Decimal

from app.domain import kinds
from app.domain.codes import CaseKind, Reason
from app.domain.errors import DomainError
from app.domain.rules.approval import ApprovalLevel, approval_needed
from app.domain.rules.eligibility import Eligibility, exchange_eligibility, return_eligibility
from app.domain.rules.entitlement import Entitlement
from app.domain.rules.periods import add_working_days
from app.services.casework.records import case_value, rma_of
from app.services.shop import audit
from app.services.shop.context import Context
from app.services.shop.permissions import Action, require
from app.store.models import Case


def entitlement_check(case: Case) -> Eligibility | None:
    """The three guarantees on a return or exchange: may it be approved without the owner's
    override? None when the kind has no such check (the verdict's sentence is shown at the desk).
    """
    if case.kind not in kinds.rma_kinds():
        return None
    ent = case.entitlement
    if ent is None:
        if case.kind == CaseKind.RETURN.value:
            raise DomainError("sale_date_required", field="sold")
        if case.reason != Reason.QUALITY.value:
            return None
        return Eligibility(False, "exchange_out_of_window", {"until": ""})
    if case.kind == CaseKind.RETURN.value:
        return return_eligibility(Entitlement.from_dict(ent), Reason(case.reason))
    return exchange_eligibility(Entitlement.from_dict(ent), Reason(case.reason))


def check_and_record_approval(ctx: Context, case: Case, override_reason: str = "") -> None:
    """Guard of requested -> approved (and of ship first): the three guarantees, then the
    approver's level on the return's value as it stands (lines x price or the refund asked).

    Outside the three guarantees (a window ended, a gift) only the owner may approve, with a
    typed reason; the reason is kept on the RMA (printed on the form) and in the event.
    """
    rma = rma_of(case)
    if rma is None:
        return
    verdict = entitlement_check(case)
    override = ""
    if verdict is not None and not verdict.eligible:
        if not override_reason.strip():
            raise DomainError(
                "not_eligible",
                field="override_reason",
                rule=verdict.code,
                rule_params=verdict.params,
            )
        require(ctx, Action.APPROVE_OWNER)
        override = override_reason.strip()
    amount = case_value(case) or Decimal("0.00")
    level = approval_needed(amount, ctx.settings.approval)
    require(ctx, Action.APPROVE_OWNER if level is ApprovalLevel.OWNER else Action.APPROVE_MANAGER)
    now = ctx.now()
    rma.approval_level = level.value
    rma.approved_by = ctx.actor.id
    rma.approved_at = now
    rma.approved_amount = amount
    rma.expected_by = add_working_days(
        ctx.local(now).date(), ctx.settings.returns.goods_expected_working_days
    )
    if override:
        rma.override_by = ctx.actor.id
        rma.override_reason = override
        audit.log(
            ctx,
            "rma",
            rma,
            "entitlement_override",
            {"rule": verdict.code, "rule_params": verdict.params},  # type: ignore[union-attr]
            override,
        )
    rma.save()
