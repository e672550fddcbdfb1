"""The shop's rules as pure functions: settings and dates in, frozen decisions with codes out.

Nothing here imports tkinter, peewee or the translations; every decision carries stable codes and
JSON-safe parameters, with English explanations for translators (`BASIS_EXPLANATIONS`,
`EXPLANATIONS`, `FREIGHT_EXPLANATIONS`). docs/DOMAIN.md, "Rules", describes each module.
"""

from __future__ import annotations

from app.domain.rules.approval import (
    ApprovalDecision,
    ApprovalLevel,
    approval_needed,
    approve,
    can_approve,
)
from app.domain.rules.eligibility import (
    ELIGIBILITY_CODES,
    EXPLANATIONS,
    Eligibility,
    return_eligibility,
)
from app.domain.rules.entitlement import (
    BASIS_CODES,
    BASIS_EXPLANATIONS,
    RIGHTS,
    STATUTORY_ACCESSORIES,
    Basis,
    Entitlement,
    decide_entitlement,
)
from app.domain.rules.freight import (
    CUSTOMER_SIDE_REASONS,
    FREIGHT_BASIS_CODES,
    FREIGHT_EXPLANATIONS,
    SHOP_SIDE_REASONS,
    FreightDecision,
    freight_payer,
)
from app.domain.rules.liability import (
    MONEY_KIND_FOR_ROUTE,
    MoneyRoute,
    check_disposition,
    disposition_options,
    money_route,
)
from app.domain.rules.periods import (
    add_working_days,
    is_working_day,
    next_working_day,
    period_end,
    within,
)
from app.domain.rules.promise import (
    first_answer_due,
    is_overdue,
    onsite_contact_due,
    promise_due,
    promise_kept,
)
from app.domain.rules.returns import (
    carrier_claim_due,
    closes_without_reply,
    goods_expected_by,
    inspection_sample_size,
    reply_window_end,
)

__all__ = [
    "BASIS_CODES",
    "BASIS_EXPLANATIONS",
    "CUSTOMER_SIDE_REASONS",
    "ELIGIBILITY_CODES",
    "EXPLANATIONS",
    "FREIGHT_BASIS_CODES",
    "FREIGHT_EXPLANATIONS",
    "MONEY_KIND_FOR_ROUTE",
    "RIGHTS",
    "SHOP_SIDE_REASONS",
    "STATUTORY_ACCESSORIES",
    "ApprovalDecision",
    "ApprovalLevel",
    "Basis",
    "Eligibility",
    "Entitlement",
    "FreightDecision",
    "MoneyRoute",
    "add_working_days",
    "approval_needed",
    "approve",
    "can_approve",
    "carrier_claim_due",
    "check_disposition",
    "closes_without_reply",
    "decide_entitlement",
    "disposition_options",
    "first_answer_due",
    "freight_payer",
    "goods_expected_by",
    "inspection_sample_size",
    "is_overdue",
    "is_working_day",
    "money_route",
    "next_working_day",
    "onsite_contact_due",
    "period_end",
    "promise_due",
    "promise_kept",
    "reply_window_end",
    "return_eligibility",
    "within",
]
