"""Who may approve a refund or return (002 审批单).

Amounts above `ApprovalSettings.owner_threshold` (default 500.00) need the owner; at or below, the
manager on duty. The program has no separate manager role: any staff member who is not a
technician may act as manager on duty, and the owner may approve anything. Refunds may be
recorded with a negative sign (money leaving the shop), so the size of the amount is compared.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from app.domain.codes import Role
from app.domain.errors import DomainError, ValidationError
from app.domain.rules.common import coerce_code, require_aware, require_money
from app.domain.settings import ApprovalSettings


class ApprovalLevel(StrEnum):
    MANAGER = "manager"  # manager on duty (at or below the threshold)
    OWNER = "owner"  # above the threshold


def approval_needed(amount: Decimal, settings: ApprovalSettings) -> ApprovalLevel:
    """The approval level an amount needs: OWNER strictly above the threshold, else MANAGER."""
    value = abs(require_money("amount", amount))
    return ApprovalLevel.OWNER if value > settings.owner_threshold else ApprovalLevel.MANAGER


def can_approve(role: Role | str, level: ApprovalLevel | str) -> bool:
    """Owner: any level; front desk (manager on duty): MANAGER level; technician: none."""
    r = coerce_code(Role, "role", role)
    lv = coerce_code(ApprovalLevel, "level", level)
    if r is Role.OWNER:
        return True
    return lv is ApprovalLevel.MANAGER and r is not Role.TECHNICIAN


@dataclass(frozen=True)
class ApprovalDecision:
    """An approval as given: kept as is even if the threshold changes later."""

    level: ApprovalLevel
    approved_by: str
    approved_at: datetime
    amount: Decimal

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.level.value,
            "approved_by": self.approved_by,
            "approved_at": self.approved_at.isoformat(),
            "amount": str(self.amount),
        }


def approve(
    amount: Decimal,
    role: Role | str,
    approved_by: str,
    approved_at: datetime,
    settings: ApprovalSettings,
) -> ApprovalDecision:
    """Record an approval, refusing one the role may not give.

    Raises DomainError("approval_not_allowed", role=..., level=..., amount=..., threshold=...).
    """
    level = approval_needed(amount, settings)
    require_aware("approved_at", approved_at)
    if not approved_by or not str(approved_by).strip():
        raise ValidationError.single("approved_by", "required")
    if not can_approve(role, level):
        raise DomainError(
            "approval_not_allowed",
            role=str(coerce_code(Role, "role", role)),
            level=level.value,
            amount=str(amount),
            threshold=str(settings.owner_threshold),
        )
    return ApprovalDecision(level, str(approved_by).strip(), approved_at, Decimal(amount))
