"""Sentences for the rule decisions: what the front desk reads out to the customer.

The rule modules return stable codes with parameters (`Basis`, `Eligibility`, `FreightDecision`,
`MoneyRoute`); this module turns them into translated sentences. Templates use `str.format` with
named parameters; dates are shown as ISO (YYYY-MM-DD). An unknown code falls back to the English
explanation of the domain module, or to the code itself: these functions never raise.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from app.domain.rules.eligibility import EXPLANATIONS as ELIGIBILITY_EXPLANATIONS
from app.domain.rules.entitlement import BASIS_EXPLANATIONS, RIGHTS, Entitlement
from app.domain.rules.freight import FREIGHT_EXPLANATIONS
from app.i18n import N_, _
from app.i18n.labels import CATEGORIES, REASONS, label

#: Every basis code of `app.domain.rules.entitlement.BASIS_CODES`.
BASIS_TEXTS: dict[str, str] = {
    "sanbao_phone_return": N_(
        "Phone: within {days} days of purchase, a fault that is not man-made and is confirmed by "
        "inspection entitles you to a return (until {until})."
    ),
    "sanbao_phone_exchange": N_(
        "Phone: within {days} days of purchase, a confirmed fault that is not man-made entitles "
        "you to exchange the handset for the same model (until {until})."
    ),
    "sanbao_phone_repair": N_(
        "Phone: free repair of the handset for {months} months (until {until})."
    ),
    "sanbao_accessory_exchange": N_(
        "{category}: exchange for the same model within {months} months of purchase "
        "(until {until})."
    ),
    "product_warranty": N_(
        "Warranty according to {source}: free repair for {months} months (until {until})."
    ),
    "no_product_warranty": N_("This product carries no warranty."),
    "repair_days_extend": N_(
        "The warranty is extended by the {days} days the item spent in warranty repair."
    ),
    "repeat_failure_exchange": N_(
        "After {repairs} warranty repairs (the limit is {limit}), a device that still fails is "
        "exchanged free of charge for the same model (until {until})."
    ),
    "gift_no_warranty": N_("Gifts carry no warranty and cannot be returned without reason."),
    "man_made_no_free_service": N_(
        "The damage is man-made, so there is no free return, exchange or repair."
    ),
    "no_fault_found": N_(
        "Inspection found no fault, so there is no return, exchange or free repair for quality."
    ),
    "defect_to_be_confirmed": N_(
        "A return, exchange or free repair needs inspection to confirm a fault that is not "
        "man-made."
    ),
    "not_intact_no_return": N_(
        "The appearance or accessories are not intact, so a return is not possible (an exchange "
        "or repair may still apply)."
    ),
    "no_reason_return": N_(
        "Unused, intact goods can be returned without reason within {days} days "
        "(until {until}); you pay the shipping."
    ),
    "no_reason_return_used": N_("Goods that have been used cannot be returned without reason."),
    "expired": N_("The {right} period ended on {until}."),
    "periods_from_received": N_(
        "Online order: the 7- and 15-day periods run from the day you received the goods "
        "({received}), not from the day of the sale."
    ),
}

#: The "expired" basis, one sentence per right (its `right` parameter).
EXPIRED_TEXTS: dict[str, str] = {
    "no_reason_return": N_("The no-reason return period ended on {until}."),
    "return": N_("The return period ended on {until}."),
    "exchange": N_("The exchange period ended on {until}."),
    "free_repair": N_("The free repair period ended on {until}."),
}

#: Every code of `app.domain.rules.eligibility.ELIGIBILITY_CODES`.
ELIGIBILITY_TEXTS: dict[str, str] = {
    "eligible_no_reason": N_(
        "The goods are unused, intact and within {days} days (until {until}): you can return "
        "them without reason; you pay the shipping."
    ),
    "no_reason_expired": N_("The no-reason return period ended on {until}."),
    "no_reason_not_resalable": N_(
        "A no-reason return needs the goods unused and intact, with the box, accessories, "
        "manual, warranty card, invoice and tags."
    ),
    "gift_no_warranty": N_("Gifts carry no warranty and cannot be returned."),
    "not_in_warranty": N_(
        "The product is out of warranty (the warranty ended on {until}), so it cannot be returned."
    ),
    "man_made_damage": N_("The damage is man-made, so a return for quality does not apply."),
    "no_defect_found": N_(
        "Inspection found no quality problem, so a return for quality does not apply."
    ),
    "eligible_quality": N_(
        "Within warranty with a confirmed quality problem: we can accept the return "
        "(remedy: {remedy})."
    ),
    "eligible_quality_pending_inspection": N_(
        "Within warranty: we can accept the return if inspection confirms a quality problem "
        "that is not man-made (remedy: {remedy})."
    ),
    "eligible_shop_error": N_(
        "Within warranty, and the goods did not reach you as they should ({reason}): we can "
        "accept the return."
    ),
    "eligible_cannot_pay": N_(
        "Within warranty, and payment could not be made after repeated contact: we can accept "
        "the return."
    ),
    "eligible_major_change": N_(
        "Within warranty, with a major change on your side ({reason}): we can accept the return."
    ),
    "refund_only_route": N_(
        "The goods never arrived: this is handled as a refund-only case, not as a return."
    ),
    "no_return_ground": N_("The reason given ({reason}) does not allow a return."),
    "exchange_gift": N_("Gifts carry no warranty and cannot be exchanged."),
    "exchange_in_window": N_(
        "Within the exchange period (until {until}): the exchange can be approved if inspection "
        "confirms the fault."
    ),
    "exchange_out_of_window": N_(
        "Outside the exchange period (ended {until}): only the owner may approve an exchange, "
        "with a reason."
    ),
    "exchange_not_quality": N_(
        "The exchange is for the shop's error or the customer's choice ({reason}), not a fault: "
        "the three guarantees do not limit it."
    ),
}

#: Every code of `app.domain.rules.freight.FREIGHT_BASIS_CODES`.
FREIGHT_TEXTS: dict[str, str] = {
    "quality_shop_pays": N_(
        "A quality problem was confirmed: the shop pays the shipping both ways."
    ),
    "shop_error_shop_pays": N_("The mistake was ours: the shop pays the shipping both ways."),
    "transit_damage_shop_pays": N_(
        "The goods were damaged in transit: the shop pays the shipping and claims from the carrier."
    ),
    "split_agreed": N_("As agreed, you and the shop each pay half of the shipping."),
    "customer_reason_customer_pays": N_(
        "The return is for your own reason, so you pay the shipping both ways."
    ),
    "no_fault_customer_pays": N_("Inspection found no fault, so you pay the shipping both ways."),
    "man_made_customer_pays": N_(
        "Inspection found man-made damage, so you pay the shipping both ways."
    ),
    "quality_pending_inspection": N_(
        "Please send the goods at your own cost for now; the shipping is settled after inspection."
    ),
}

#: Every `app.domain.rules.liability.MoneyRoute` value (for the staff, once liability is decided).
MONEY_ROUTE_TEXTS: dict[str, str] = {
    "shop_bears": N_("The shop bears the cost."),
    "dealer_account": N_("Deducted from the dealer's account."),
    "charge_customer": N_("Charged to the customer."),
    "carrier_claim": N_("Claimed from the carrier: open a carrier claim."),
    "back_to_supplier": N_("Sent back to the supplier, who bears the cost."),
}

#: The rights of an entitlement, in the order of `RIGHTS`.
RIGHT_NAMES: dict[str, str] = {
    "no_reason_return": N_("No-reason return"),
    "return": N_("Return"),
    "exchange": N_("Exchange"),
    "free_repair": N_("Free repair"),
}

#: What a customer gets for a quality problem (the eligibility `remedy` parameter).
REMEDIES: dict[str, str] = {
    "return": N_("return and refund"),
    "exchange": N_("exchange for the same model"),
    "repair": N_("free repair"),
}

#: Where a product warranty comes from (the `source` parameter of "product_warranty").
SOURCES: dict[str, str] = {
    "product": N_("the product's warranty card"),
    "default": N_("the shop's standard warranty"),
}

#: Who pays the freight (a `freight`/`payer` parameter).
PAYERS: dict[str, str] = {
    "shop": N_("the shop"),
    "customer": N_("the customer"),
    "split": N_("half each"),
}

_LINE_YES = N_("{right}: yes, until {until}")
_LINE_ENDED = N_("{right}: no (ended on {until})")
_LINE_NO = N_("{right}: no (period until {until})")
_LINE_NONE = N_("{right}: does not apply")
_NO_DATE = N_("no end date")
_REMEDY_OPEN = N_("to be decided")


class _Keep(dict):  # type: ignore[type-arg]
    """A format map that leaves a missing {placeholder} as it is instead of raising."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _lookup(table: Mapping[str, str], value: Any) -> str:
    text = table.get(str(value))
    return _(text) if text else str(value)


def _values(params: Mapping[str, Any] | None) -> dict[str, Any]:
    """Display values: ISO dates, translated names for the codes a sentence mentions."""
    values: dict[str, Any] = {}
    for key, value in dict(params or {}).items():
        if isinstance(value, date):
            value = value.isoformat()
        values[key] = value
    for key in ("until", "sold", "on"):
        if key in values and values[key] is None:
            values[key] = _(_NO_DATE)
    if "category" in values:
        values["category"] = label(CATEGORIES, str(values["category"]))
    if "reason" in values:
        values["reason"] = label(REASONS, str(values["reason"]))
    if "remedy" in values:
        remedy = values["remedy"]
        values["remedy"] = _lookup(REMEDIES, remedy) if remedy else _(_REMEDY_OPEN)
    if "source" in values:
        values["source"] = _lookup(SOURCES, values["source"])
    if "right" in values:
        values["right"] = _lookup(RIGHT_NAMES, values["right"])
    for key in ("freight", "payer"):
        if key in values:
            values[key] = _lookup(PAYERS, values[key])
    return values


def _format(template: str, params: Mapping[str, Any] | None) -> str:
    try:
        return template.format_map(_Keep(_values(params)))
    except (ValueError, IndexError, KeyError, AttributeError, TypeError):
        return template


def _text(
    table: Mapping[str, str],
    fallback: Mapping[str, str],
    code: str,
    params: Mapping[str, Any] | None,
) -> str:
    template = table.get(code)
    if template is not None:
        return _format(_(template), params)
    english = fallback.get(code)
    if english is not None:
        return _format(english, params)
    return str(code)


def basis_text(code: str, params: Mapping[str, Any] | None = None) -> str:
    """One sentence for an entitlement basis (`Basis.code`, `Basis.params`)."""
    if code == "expired" and params and str(params.get("right")) in EXPIRED_TEXTS:
        return _format(_(EXPIRED_TEXTS[str(params["right"])]), params)
    return _text(BASIS_TEXTS, BASIS_EXPLANATIONS, code, params)


def eligibility_text(code: str, params: Mapping[str, Any] | None = None) -> str:
    """One sentence the front desk reads out: may the goods come back, and why."""
    return _text(ELIGIBILITY_TEXTS, ELIGIBILITY_EXPLANATIONS, code, params)


def freight_text(code: str, params: Mapping[str, Any] | None = None) -> str:
    """One sentence on who pays the freight (`FreightDecision.basis`)."""
    return _text(FREIGHT_TEXTS, FREIGHT_EXPLANATIONS, code, params)


def money_route_text(route: str, params: Mapping[str, Any] | None = None) -> str:
    """One sentence on where the money goes once liability is decided (`MoneyRoute`)."""
    return _text(MONEY_ROUTE_TEXTS, {}, str(route), params)


def right_name(right: str) -> str:
    """The translated name of a right ("no_reason_return", "return", ...)."""
    return _lookup(RIGHT_NAMES, right)


def entitlement_lines(ent: Entitlement) -> list[str]:
    """A readable summary: one line per right (yes/no, until), then the basis sentences."""
    held = {
        "no_reason_return": ent.no_reason_return,
        "return": ent.return_,
        "exchange": ent.exchange,
        "free_repair": ent.free_repair,
    }
    lines: list[str] = []
    for right in RIGHTS:
        last = ent.until.get(right)
        name = right_name(right)
        if last is None:
            template = _LINE_NONE
        elif held.get(right):
            template = _LINE_YES
        elif ent.on > last:
            template = _LINE_ENDED
        else:
            template = _LINE_NO
        until = last.isoformat() if last is not None else ""
        try:
            lines.append(_(template).format_map(_Keep(right=name, until=until)))
        except (ValueError, IndexError):
            lines.append(f"{name}: {until}")
    for basis in ent.basis:
        lines.append("- " + basis_text(basis.code, basis.params))
    return lines
