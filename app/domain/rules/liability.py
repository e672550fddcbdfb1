"""Where the money goes once liability is decided, and what may happen to returned goods.

Liability → money (000, 001, 002): shop/production fault → the shop bears the cost; dealer fault →
deducted from the dealer account ("ship first, settle later"); customer fault → charge the customer
(a customer who is a dealer is charged on the dealer account instead); carrier fault → a carrier
claim; supplier fault → back to the supplier.

Disposition of returned goods (001, 002): intact → back to stock; slightly damaged → sell at a
discount; repairable → repair then stock; not repairable → scrap, only with an approved report;
rejected return → ship back to the customer. `disposition_options` lists the choices that fit an
inspection result, the usual one first.
"""

from __future__ import annotations

from enum import StrEnum

from app.domain.codes import CustomerKind, Disposition, InspectionResult, Liability, MoneyKind
from app.domain.errors import ValidationError
from app.domain.rules.common import coerce_code


class MoneyRoute(StrEnum):
    SHOP_BEARS = "shop_bears"  # the shop absorbs the cost
    DEALER_ACCOUNT = "dealer_account"  # deduct from the dealer's account balance
    CHARGE_CUSTOMER = "charge_customer"
    CARRIER_CLAIM = "carrier_claim"  # open a carrier claim (索赔单)
    BACK_TO_SUPPLIER = "back_to_supplier"  # return to / recover from the supplier


#: The money entry kind a route produces (None: nothing is booked against anyone).
MONEY_KIND_FOR_ROUTE: dict[MoneyRoute, MoneyKind | None] = {
    MoneyRoute.SHOP_BEARS: None,
    MoneyRoute.DEALER_ACCOUNT: MoneyKind.DEALER_DEDUCTION,
    MoneyRoute.CHARGE_CUSTOMER: MoneyKind.CHARGE,
    MoneyRoute.CARRIER_CLAIM: MoneyKind.CLAIM_RECOVERY,
    MoneyRoute.BACK_TO_SUPPLIER: MoneyKind.SUPPLIER_RECOVERY,
}

_ROUTES: dict[Liability, MoneyRoute] = {
    Liability.SHOP: MoneyRoute.SHOP_BEARS,
    Liability.DEALER: MoneyRoute.DEALER_ACCOUNT,
    Liability.CUSTOMER: MoneyRoute.CHARGE_CUSTOMER,
    Liability.CARRIER: MoneyRoute.CARRIER_CLAIM,
    Liability.SUPPLIER: MoneyRoute.BACK_TO_SUPPLIER,
}


def money_route(
    liability: Liability | str, *, customer_kind: CustomerKind | str | None = None
) -> MoneyRoute:
    """The money route for a liability; a liable customer who is a dealer pays via the account."""
    li = coerce_code(Liability, "liability", liability)
    route = _ROUTES[li]
    if (
        route is MoneyRoute.CHARGE_CUSTOMER
        and customer_kind is not None
        and coerce_code(CustomerKind, "customer_kind", customer_kind) is CustomerKind.DEALER
    ):
        return MoneyRoute.DEALER_ACCOUNT
    return route


_OPTIONS: dict[InspectionResult, tuple[Disposition, ...]] = {
    InspectionResult.INTACT_RESALABLE: (Disposition.RESTOCK, Disposition.DISCOUNT),
    InspectionResult.NO_FAULT_FOUND: (
        Disposition.RESTOCK,
        Disposition.DISCOUNT,
        Disposition.SHIP_BACK,
    ),
    InspectionResult.CONFIRMED_DEFECT: (
        Disposition.REPAIR_RESTOCK,
        Disposition.DISCOUNT,
        Disposition.SCRAP,
    ),
    InspectionResult.TRANSIT_DAMAGE: (
        Disposition.DISCOUNT,
        Disposition.REPAIR_RESTOCK,
        Disposition.SCRAP,
    ),
    InspectionResult.MAN_MADE_DAMAGE: (
        Disposition.SHIP_BACK,
        Disposition.REPAIR_RESTOCK,
        Disposition.DISCOUNT,
        Disposition.SCRAP,
    ),
}


def disposition_options(
    inspection_result: InspectionResult | str | None, *, rejected: bool = False
) -> tuple[Disposition, ...]:
    """Dispositions that fit the inspection, usual first; a rejected return only ships back.

    Raises ValidationError("inspection", "inspection_required") for accepted goods not inspected.
    """
    if rejected:
        return (Disposition.SHIP_BACK,)
    if inspection_result is None:
        raise ValidationError.single("inspection", "inspection_required")
    return _OPTIONS[coerce_code(InspectionResult, "inspection", inspection_result)]


def check_disposition(
    disposition: Disposition | str,
    *,
    scrap_report_approved: bool,
    inspection_result: InspectionResult | str | None = None,
    rejected: bool = False,
) -> Disposition:
    """Refuse a disposition the rules forbid; return it as a Disposition when allowed.

    - ("disposition", "scrap_needs_report"): scrapping needs an approved scrap report.
    - ("disposition", "not_allowed", allowed=[...]): when an inspection result (or `rejected`) is
      given and the disposition is not among its options.
    """
    d = coerce_code(Disposition, "disposition", disposition)
    if inspection_result is not None or rejected:
        allowed = disposition_options(inspection_result, rejected=rejected)
        if d not in allowed:
            raise ValidationError.single(
                "disposition", "not_allowed", allowed=[a.value for a in allowed]
            )
    if d is Disposition.SCRAP and not scrap_report_approved:
        raise ValidationError.single("disposition", "scrap_needs_report")
    return d
