"""Who pays the freight of a return or exchange (001, 002).

- A quality problem confirmed by inspection, or the shop's own error (wrong item shipped, not as
  described, damaged in transit, parts missing, not received, invoice problem) → the shop pays both
  legs; when the customer and the shop agreed to split it (002: 往返运费各承担一半) → split.
- The customer's own reason (no-reason return, wrong size/model the customer chose, major change,
  cannot pay, service attitude, other) → the customer pays both ways (001). A wrong size the shop
  shipped is `Reason.WRONG_ITEM`, not `WRONG_SIZE`.
- A quality or shop-error claim where inspection finds no fault or man-made damage → the customer
  pays both ways (001: 往返运费由您个人承担).
- A quality claim not yet inspected: the customer advances the outbound freight; the decision is
  `provisional` and is decided again after inspection.

`outbound` is the leg from the customer to the shop; `return_leg` the goods (or replacement) going
back to the customer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.domain.codes import FreightPayer, InspectionResult, Reason
from app.domain.rules.common import coerce_code

#: Reasons that are the shop's responsibility once the claim stands.
SHOP_SIDE_REASONS: frozenset[Reason] = frozenset(
    {
        Reason.QUALITY,
        Reason.NOT_AS_DESCRIBED,
        Reason.WRONG_ITEM,
        Reason.TRANSIT_DAMAGE,
        Reason.PARTS_MISSING,
        Reason.NOT_RECEIVED,
        Reason.INVOICE,
    }
)
#: The customer's own reasons.
CUSTOMER_SIDE_REASONS: frozenset[Reason] = frozenset(Reason) - SHOP_SIDE_REASONS

#: Inspection results that defeat a shop-side claim.
_CLAIM_DEFEATED = {InspectionResult.NO_FAULT_FOUND, InspectionResult.MAN_MADE_DAMAGE}

FREIGHT_EXPLANATIONS: dict[str, str] = {
    "quality_shop_pays": "Confirmed quality problem: the shop pays the freight both ways.",
    "shop_error_shop_pays": "The shop's error: the shop pays the freight both ways.",
    "transit_damage_shop_pays": "Damaged in transit: the shop pays and claims from the carrier.",
    "split_agreed": "As agreed, the customer and the shop each pay half of the freight.",
    "customer_reason_customer_pays": "The customer's own reason: the customer pays both ways.",
    "no_fault_customer_pays": "Inspection found no fault: the customer pays both ways.",
    "man_made_customer_pays": "Inspection found man-made damage: the customer pays both ways.",
    "quality_pending_inspection": "Until inspection the customer sends the goods at their cost; "
    "the freight is settled after inspection.",
}
FREIGHT_BASIS_CODES: tuple[str, ...] = tuple(FREIGHT_EXPLANATIONS)


@dataclass(frozen=True)
class FreightDecision:
    outbound: FreightPayer
    return_leg: FreightPayer
    basis: str
    provisional: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "outbound": self.outbound.value,
            "return_leg": self.return_leg.value,
            "basis": self.basis,
            "provisional": self.provisional,
        }


def freight_payer(
    reason: Reason | str,
    inspection: InspectionResult | str | None,
    *,
    split_agreed: bool = False,
) -> FreightDecision:
    """Decide both freight legs from the case reason and the inspection result (if any)."""
    r = coerce_code(Reason, "reason", reason)
    result = (
        coerce_code(InspectionResult, "inspection", inspection) if inspection is not None else None
    )

    def both(payer: FreightPayer, basis: str, provisional: bool = False) -> FreightDecision:
        return FreightDecision(payer, payer, basis, provisional)

    if r in CUSTOMER_SIDE_REASONS:
        return both(FreightPayer.CUSTOMER, "customer_reason_customer_pays")
    if result is InspectionResult.NO_FAULT_FOUND:
        return both(FreightPayer.CUSTOMER, "no_fault_customer_pays")
    if result is InspectionResult.MAN_MADE_DAMAGE:
        return both(FreightPayer.CUSTOMER, "man_made_customer_pays")
    if r is Reason.QUALITY:
        if result is None:
            return FreightDecision(
                FreightPayer.CUSTOMER, FreightPayer.SHOP, "quality_pending_inspection", True
            )
        if result is InspectionResult.INTACT_RESALABLE:
            # A quality claim on goods that turn out intact and fault-free: no fault found.
            return both(FreightPayer.CUSTOMER, "no_fault_customer_pays")
        basis = (
            "transit_damage_shop_pays"
            if result is InspectionResult.TRANSIT_DAMAGE
            else "quality_shop_pays"
        )
    elif r is Reason.TRANSIT_DAMAGE:
        basis = "transit_damage_shop_pays"
    else:
        basis = "shop_error_shop_pays"
    if split_agreed:
        return both(FreightPayer.SPLIT, "split_agreed")
    return both(FreightPayer.SHOP, basis)
