"""What a customer is entitled to on a given day: three guarantees (三包) and no-reason return.

Rules (docs/DOMAIN.md "Three guarantees (三包)", seed 001 第二篇), all periods counted from the
sale/invoice date with `periods.period_end` (the day of sale is not counted):

- Phone handset: within `return_days` (7) a non-man-made performance fault confirmed by inspection
  gives return or exchange; return also needs appearance and accessories intact. Within
  `exchange_days` (15): exchange of the handset (same model). Within `repair_months` (12): free
  repair. A product warranty longer than 12 months extends the free repair (the shop may give
  more than the law, never less).
- Accessories named by the rules (battery 6 m, wired headset 3 m, memory card 3 m, original
  charger 12 m, Bluetooth headset 12 m): exchange of the same model within the period. The law
  offers exchange, not repair, for these, so `free_repair` never applies (`until` is None); a
  longer product warranty extends the exchange period.
- Other goods and generic accessories: free repair within the product's warranty months (or the
  settings' default when the product gives none); no exchange or quality return is implied.
- Warranty repairs extend the warranty period by the days the goods spent in the shop
  (`repair_days`); the 7/15-day return/exchange windows are not extended.
- Repeat failure: a device still failing after `repeat_failure_repairs` (2) warranty repairs within
  its free-repair period is exchanged free for the same model; `exchange` then holds until the
  end of the free-repair period and `repeat_failure_exchange` is True.
- Gifts: no warranty and no no-reason return; every `until` is None.
- Man-made damage: no free service at all (no return, exchange, repair; the goods are not intact,
  so no no-reason return either). `until` still shows the periods, which do not depend on damage.
- 7-day no-reason return: unused and intact (resalable) goods of any category except gifts; the
  customer pays the freight.
- A period set to 0 days/months in the settings switches that right off (`until` None).
- Online orders (`received`): when the shop's setting `warranty.online_periods_from` is
  "received", the day-counted periods (7-day return and no-reason return, 15-day exchange) run
  from the day the buyer received the goods; the months-long periods still run from the sale.
  The decision records which day it used (`periods_from`, `received`).
- `defect_confirmed`: None = not inspected yet (quality rights are shown subject to inspection,
  basis "defect_to_be_confirmed"); False = no fault found (no quality rights).

A right is a window: it holds from the sale to `until[right]` when its conditions are met, so the
rights only shrink as `on` advances and `until` never depends on `on`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.domain.codes import Category
from app.domain.errors import ValidationError
from app.domain.rules.common import coerce_code, require_date
from app.domain.rules.periods import period_end
from app.domain.settings import WarrantySettings

#: The rights, in the order used by `until` and `to_dict`.
RIGHTS: tuple[str, ...] = ("no_reason_return", "return", "exchange", "free_repair")

#: Accessories with their own statutory exchange period.
STATUTORY_ACCESSORIES: frozenset[Category] = frozenset(
    {
        Category.BATTERY,
        Category.HEADSET,
        Category.MEMORY_CARD,
        Category.CHARGER,
        Category.BLUETOOTH_HEADSET,
    }
)

#: Every basis code with a one-line English explanation (translators write the sentences).
BASIS_EXPLANATIONS: dict[str, str] = {
    "sanbao_phone_return": "Phone: within {days} days of sale a confirmed non-man-made fault "
    "allows a return (until {until}).",
    "sanbao_phone_exchange": "Phone: within {days} days of sale a confirmed non-man-made fault "
    "allows an exchange of the handset, same model (until {until}).",
    "sanbao_phone_repair": "Phone: free repair of the handset for {months} months (until {until}).",
    "sanbao_accessory_exchange": "Accessory ({category}): exchange for the same model within "
    "{months} months (until {until}).",
    "product_warranty": "The product's own warranty: free repair for {months} months "
    "(until {until}; source {source}).",
    "no_product_warranty": "The product carries no warranty (0 months).",
    "repair_days_extend": "The warranty is extended by {days} days the goods spent in warranty "
    "repair.",
    "repeat_failure_exchange": "After {repairs} warranty repairs (limit {limit}) a still-failing "
    "device is exchanged free for the same model (until {until}).",
    "gift_no_warranty": "Gifts carry no warranty and no no-reason return.",
    "man_made_no_free_service": "Man-made damage: no free return, exchange or repair.",
    "no_fault_found": "Inspection found no fault: no return, exchange or free repair for quality.",
    "defect_to_be_confirmed": "Return, exchange and free repair need inspection to confirm a "
    "non-man-made fault.",
    "not_intact_no_return": "Appearance or accessories are not intact: no return (exchange or "
    "repair may still apply).",
    "no_reason_return": "Unused, intact goods may be returned without reason within {days} days "
    "(until {until}); the customer pays the freight.",
    "no_reason_return_used": "Goods that have been used cannot be returned without reason.",
    "expired": "The {right} period ended on {until}.",
    "periods_from_received": "Online order: the day-counted periods run from the day the goods "
    "were received ({received}), not from the sale.",
}

BASIS_CODES: tuple[str, ...] = tuple(BASIS_EXPLANATIONS)


@dataclass(frozen=True)
class Basis:
    """One rule that was applied, with JSON-safe parameters (ints, strings, ISO dates)."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "params": dict(self.params)}


@dataclass(frozen=True)
class Entitlement:
    """The decision for one item on one day; a plain value that settings changes never touch."""

    category: Category
    sold: date
    on: date
    no_reason_return: bool
    return_: bool
    exchange: bool
    free_repair: bool
    until: dict[str, date | None]
    basis: tuple[Basis, ...]
    repeat_failure_exchange: bool = False
    # Which day the 7/15-day periods ran from: "sale" or "received" (an online order's 签收).
    periods_from: str = "sale"
    received: date | None = None

    @property
    def warranty_until(self) -> date | None:
        """Last day of the longest three-guarantee/warranty right (not no-reason), or None."""
        ends = [d for k, d in self.until.items() if k != "no_reason_return" and d is not None]
        return max(ends) if ends else None

    @property
    def in_warranty(self) -> bool:
        """True while `on` is inside the warranty period, whatever the damage or inspection."""
        end = self.warranty_until
        return end is not None and self.on <= end

    def has_basis(self, code: str) -> bool:
        return any(b.code == code for b in self.basis)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict: booleans, ISO dates, null for None; key "return" for `return_`."""
        return {
            "category": self.category.value,
            "sold": self.sold.isoformat(),
            "on": self.on.isoformat(),
            "no_reason_return": self.no_reason_return,
            "return": self.return_,
            "exchange": self.exchange,
            "free_repair": self.free_repair,
            "until": {k: _iso(self.until.get(k)) for k in RIGHTS},
            "basis": [b.to_dict() for b in self.basis],
            "repeat_failure_exchange": self.repeat_failure_exchange,
            "periods_from": self.periods_from,
            "received": _iso(self.received),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Entitlement:
        """Rebuild a stored decision exactly as it was made (no rule is re-run)."""
        return cls(
            category=Category(data["category"]),
            sold=date.fromisoformat(data["sold"]),
            on=date.fromisoformat(data["on"]),
            no_reason_return=bool(data["no_reason_return"]),
            return_=bool(data["return"]),
            exchange=bool(data["exchange"]),
            free_repair=bool(data["free_repair"]),
            until={
                k: date.fromisoformat(v) if v else None
                for k, v in ((k, data["until"].get(k)) for k in RIGHTS)
            },
            basis=tuple(Basis(b["code"], dict(b.get("params", {}))) for b in data["basis"]),
            repeat_failure_exchange=bool(data.get("repeat_failure_exchange", False)),
            periods_from=str(data.get("periods_from") or "sale"),
            received=date.fromisoformat(data["received"]) if data.get("received") else None,
        )


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d is not None else None


def _non_negative(name: str, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError.single(name, "out_of_range", min=0, max=None)


def decide_entitlement(
    category: Category | str,
    sold: date,
    on: date,
    settings: WarrantySettings,
    *,
    man_made: bool = False,
    gift: bool = False,
    intact: bool = True,
    unused: bool = False,
    warranty_months: int | None = None,
    repair_days: int = 0,
    warranty_repairs: int = 0,
    defect_confirmed: bool | None = None,
    received: date | None = None,
) -> Entitlement:
    """Decide the customer's rights on day `on` for an item sold on `sold`; with `received` (an
    online order whose periods run from receipt) the day-counted periods start on that day.

    Raises ValidationError: ("sold", "date_in_future") when sold is after on; ("received",
    "date_in_future"/"date_too_early") when received is after on or before the sale;
    ("category", "unknown_code"); ("sold"/"on", "not_a_date"); out_of_range for negative counts.
    """
    cat = coerce_code(Category, "category", category)
    require_date("sold", sold)
    require_date("on", on)
    if sold > on:
        raise ValidationError.single(
            "sold", "date_in_future", sold=sold.isoformat(), on=on.isoformat()
        )
    if received is not None:
        require_date("received", received)
        if received > on:
            raise ValidationError.single(
                "received", "date_in_future", max=on.isoformat(), on=on.isoformat()
            )
        if received < sold:
            raise ValidationError.single("received", "date_too_early", min=sold.isoformat())
    if warranty_months is not None:
        _non_negative("warranty_months", warranty_months)
    _non_negative("repair_days", repair_days)
    _non_negative("warranty_repairs", warranty_repairs)

    until: dict[str, date | None] = dict.fromkeys(RIGHTS)
    basis: list[Basis] = []

    periods_from = "received" if received is not None else "sale"
    if gift:
        basis.append(Basis("gift_no_warranty"))
        return Entitlement(
            cat,
            sold,
            on,
            False,
            False,
            False,
            False,
            until,
            tuple(basis),
            periods_from=periods_from,
            received=received,
        )

    s = settings
    roll = s.extend_to_working_day

    def end(*, days: int = 0, months: int = 0, extra: int = 0) -> date:
        return period_end(
            sold, days=days, months=months, extra_days=extra, roll_to_working_day=roll
        )

    def end_days(days: int) -> date | None:
        if not days:
            return None  # a 0-day setting switches the right off
        if received is not None:  # an online order's short periods run from its receipt
            return period_end(received, days=days, roll_to_working_day=roll)
        return end(days=days)

    # 1. Periods: depend only on the item, never on `on`.
    if received is not None:
        basis.append(Basis("periods_from_received", {"received": _iso(received)}))
    until["no_reason_return"] = end_days(s.no_reason_days)
    if cat is Category.PHONE:
        until["return"] = end_days(s.return_days)
        if until["return"]:
            basis.append(
                Basis(
                    "sanbao_phone_return", {"days": s.return_days, "until": _iso(until["return"])}
                )
            )
        until["exchange"] = end_days(s.exchange_days)
        if until["exchange"]:
            basis.append(
                Basis(
                    "sanbao_phone_exchange",
                    {"days": s.exchange_days, "until": _iso(until["exchange"])},
                )
            )
        months = max(s.repair_months, warranty_months or 0)
        until["free_repair"] = end(months=months, extra=repair_days) if months else None
        basis.append(
            Basis(
                "sanbao_phone_repair",
                {"months": s.repair_months, "until": _iso(until["free_repair"])},
            )
        )
        if warranty_months is not None and warranty_months > s.repair_months:
            basis.append(_product_basis(warranty_months, until["free_repair"], "product"))
    elif cat in STATUTORY_ACCESSORIES:
        statutory = s.statutory_accessory_months(cat) or 0
        months = max(statutory, warranty_months or 0)
        until["exchange"] = end(months=months, extra=repair_days) if months else None
        basis.append(
            Basis(
                "sanbao_accessory_exchange",
                {"category": cat.value, "months": months, "until": _iso(until["exchange"])},
            )
        )
    else:
        source = "product" if warranty_months is not None else "default"
        if warranty_months is not None:
            months = warranty_months
        elif cat is Category.ACCESSORY:
            months = s.accessory_default_months
        else:
            months = s.other_default_months
        if months:
            until["free_repair"] = end(months=months, extra=repair_days)
            basis.append(_product_basis(months, until["free_repair"], source))
        else:
            basis.append(Basis("no_product_warranty"))

    warranty_key = "exchange" if cat in STATUTORY_ACCESSORIES else "free_repair"
    if repair_days and until[warranty_key] is not None:
        basis.append(Basis("repair_days_extend", {"days": repair_days}))

    repeat_applies = (
        until["free_repair"] is not None and warranty_repairs >= s.repeat_failure_repairs
    )
    if repeat_applies:
        repair_end = until["free_repair"]
        assert repair_end is not None
        current = until["exchange"]
        until["exchange"] = repair_end if current is None else max(current, repair_end)
        basis.append(
            Basis(
                "repeat_failure_exchange",
                {
                    "repairs": warranty_repairs,
                    "limit": s.repeat_failure_repairs,
                    "until": _iso(repair_end),
                },
            )
        )

    # 2. Conditions that do not depend on the day.
    if man_made:
        basis.append(Basis("man_made_no_free_service"))
    elif defect_confirmed is False:
        basis.append(Basis("no_fault_found"))
    elif defect_confirmed is None and any(
        until[k] is not None for k in ("return", "exchange", "free_repair")
    ):
        basis.append(Basis("defect_to_be_confirmed"))
    quality_ok = not man_made and defect_confirmed is not False
    resalable = not man_made and intact

    def active(key: str) -> bool:
        last = until[key]
        return last is not None and on <= last

    if not man_made and not intact and (active("return") or active("no_reason_return")):
        basis.append(Basis("not_intact_no_return"))
    if resalable and not unused and active("no_reason_return"):
        basis.append(Basis("no_reason_return_used"))

    static_ok = {
        "no_reason_return": resalable and unused,
        "return": quality_ok and intact,
        "exchange": quality_ok,
        "free_repair": quality_ok,
    }
    # 3. The day: a right holds while its conditions are met and its period has not ended.
    rights = {k: static_ok[k] and active(k) for k in RIGHTS}
    if rights["no_reason_return"]:
        basis.append(
            Basis(
                "no_reason_return",
                {
                    "days": s.no_reason_days,
                    "until": _iso(until["no_reason_return"]),
                    "freight": "customer",
                },
            )
        )
    for k in RIGHTS:
        last = until[k]
        if static_ok[k] and last is not None and on > last:
            basis.append(Basis("expired", {"right": k, "until": _iso(last)}))

    return Entitlement(
        category=cat,
        sold=sold,
        on=on,
        no_reason_return=rights["no_reason_return"],
        return_=rights["return"],
        exchange=rights["exchange"],
        free_repair=rights["free_repair"],
        until=until,
        basis=tuple(basis),
        repeat_failure_exchange=repeat_applies and quality_ok and active("free_repair"),
        periods_from=periods_from,
        received=received,
    )


def _product_basis(months: int, last: date | None, source: str) -> Basis:
    return Basis("product_warranty", {"months": months, "until": _iso(last), "source": source})
