"""May the shop accept this return? (002 退货管理办法)

The warranty route: the product must be within warranty (hard rule), and one of
- quality below standard (`Reason.QUALITY` with a defect; the goods delivered not as described,
  wrong, damaged in transit or incomplete count as below standard too);
- the customer cannot pay after repeated contact (`Reason.CANNOT_PAY`);
- a major change at the customer (`Reason.MAJOR_CHANGE`; a wrong size/model the customer chose,
  `Reason.WRONG_SIZE`, is one).
The 7-day no-reason route (`Reason.NO_REASON`) is separate: it depends only on the entitlement's
`no_reason_return` (unused, intact, within 7 days; the customer pays the freight).

Eligibility says whether the goods may come back; what the customer gets for a quality problem
(refund, exchange or repair) is the entitlement's decision, passed on as the `remedy` parameter:
"return", "exchange", "repair" or None.

Each result has a stable `code` the front desk reads out through a translated sentence; every code
is in `ELIGIBILITY_CODES` with a plain-English explanation in `EXPLANATIONS`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.domain.codes import Category, Reason
from app.domain.rules.common import coerce_code
from app.domain.rules.entitlement import Entitlement

EXPLANATIONS: dict[str, str] = {
    "eligible_no_reason": "Unused, intact goods within {days} days (until {until}): returnable "
    "without reason; the customer pays the freight.",
    "no_reason_expired": "The no-reason return period ended on {until}.",
    "no_reason_not_resalable": "A no-reason return needs the goods unused and intact (box, "
    "accessories, manual, warranty card, invoice, tags).",
    "gift_no_warranty": "Gifts carry no warranty and cannot be returned.",
    "not_in_warranty": "The product is out of warranty (ended {until}); a return is not possible.",
    "man_made_damage": "The damage is man-made, so the quality return does not apply.",
    "no_defect_found": "Inspection found no quality problem, so the quality return does not apply.",
    "eligible_quality": "Within warranty with a confirmed quality problem: the return can be "
    "accepted (remedy {remedy}).",
    "eligible_quality_pending_inspection": "Within warranty: the return can be accepted if "
    "inspection confirms a non-man-made quality problem (remedy {remedy}).",
    "eligible_shop_error": "Within warranty and the goods were delivered below standard "
    "({reason}): the return can be accepted.",
    "eligible_cannot_pay": "Within warranty and the customer cannot pay after repeated contact: "
    "the return can be accepted.",
    "eligible_major_change": "Within warranty and a major change at the customer ({reason}): the "
    "return can be accepted.",
    "refund_only_route": "The goods were not received: handle it as a refund-only case, not a "
    "return.",
    "no_return_ground": "The reason ({reason}) is not a ground for a return.",
    "exchange_gift": "Gifts carry no warranty and cannot be exchanged.",
    "exchange_in_window": "Within the exchange period (until {until}): the exchange can be "
    "approved if inspection confirms the fault.",
    "exchange_out_of_window": "Outside the exchange period (ended {until}): only the owner may "
    "approve an exchange, with a reason.",
    "exchange_not_quality": "The exchange is for the shop's error or the customer's choice "
    "({reason}), not a fault: the three guarantees do not limit it.",
}
ELIGIBILITY_CODES: tuple[str, ...] = tuple(EXPLANATIONS)

_SHOP_ERROR = {
    Reason.NOT_AS_DESCRIBED,
    Reason.WRONG_ITEM,
    Reason.TRANSIT_DAMAGE,
    Reason.PARTS_MISSING,
}
_MAJOR_CHANGE = {Reason.MAJOR_CHANGE, Reason.WRONG_SIZE}


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"eligible": self.eligible, "code": self.code, "params": dict(self.params)}


def _remedy(ent: Entitlement) -> str | None:
    if ent.return_:
        return "return"
    if ent.exchange:
        return "exchange"
    if ent.free_repair:
        return "repair"
    return None


def _iso(ent: Entitlement, key: str | None = None) -> str | None:
    d = ent.until.get(key) if key else ent.warranty_until
    return d.isoformat() if d else None


def return_eligibility(entitlement: Entitlement, reason: Reason | str) -> Eligibility:
    """Decide whether a return may be accepted, from the day's entitlement and the case reason."""
    ent = entitlement
    r = coerce_code(Reason, "reason", reason)

    if ent.has_basis("gift_no_warranty"):
        return Eligibility(False, "gift_no_warranty")

    if r is Reason.NO_REASON:
        until = _iso(ent, "no_reason_return")
        if ent.no_reason_return:
            days = next(b.params["days"] for b in ent.basis if b.code == "no_reason_return")
            return Eligibility(
                True, "eligible_no_reason", {"until": until, "days": days, "freight": "customer"}
            )
        expired = any(
            b.code == "expired" and b.params.get("right") == "no_reason_return" for b in ent.basis
        )
        if expired:
            return Eligibility(False, "no_reason_expired", {"until": until})
        return Eligibility(False, "no_reason_not_resalable")

    if not ent.in_warranty:
        return Eligibility(False, "not_in_warranty", {"until": _iso(ent)})

    if r is Reason.QUALITY:
        if ent.has_basis("man_made_no_free_service"):
            return Eligibility(False, "man_made_damage")
        if ent.has_basis("no_fault_found"):
            return Eligibility(False, "no_defect_found")
        code = (
            "eligible_quality_pending_inspection"
            if ent.has_basis("defect_to_be_confirmed")
            else "eligible_quality"
        )
        return Eligibility(True, code, {"remedy": _remedy(ent)})
    if r in _SHOP_ERROR:
        return Eligibility(True, "eligible_shop_error", {"reason": r.value})
    if r is Reason.CANNOT_PAY:
        return Eligibility(True, "eligible_cannot_pay")
    if r in _MAJOR_CHANGE:
        return Eligibility(True, "eligible_major_change", {"reason": r.value})
    if r is Reason.NOT_RECEIVED:
        return Eligibility(False, "refund_only_route")
    return Eligibility(False, "no_return_ground", {"reason": r.value})


#: Reasons for which an exchange is a three-guarantee remedy (a fault in the goods).
_QUALITY_EXCHANGE = {Reason.QUALITY}


def exchange_eligibility(entitlement: Entitlement, reason: Reason | str) -> Eligibility:
    """May an exchange be approved without the owner's override? (三包, 001 第二篇)

    A gift never; a quality exchange only inside its exchange period (phones 15 days, the
    statutory accessories their months) or, for goods with no statutory exchange, inside their
    warranty; an exchange for another reason is not limited by the three guarantees.
    """
    ent = entitlement
    r = coerce_code(Reason, "reason", reason)
    if ent.has_basis("gift_no_warranty"):
        return Eligibility(False, "exchange_gift")
    if r not in _QUALITY_EXCHANGE:
        return Eligibility(True, "exchange_not_quality", {"reason": r.value})
    key = "exchange" if ent.until.get("exchange") is not None else "free_repair"
    if ent.category is Category.PHONE:
        key = "exchange"
    last = ent.until.get(key)
    if last is not None and ent.on <= last:
        return Eligibility(True, "exchange_in_window", {"until": last.isoformat()})
    return Eligibility(False, "exchange_out_of_window", {"until": last.isoformat() if last else ""})
