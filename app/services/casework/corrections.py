"""Putting a case right after the fact, always with a reason, the old values kept in the event:
a promise date extended (the customer was told why), a sale date, amount, product or serial
typed wrong at intake (the rights are decided again from the corrected facts).

A correction never rewrites history: the event log keeps what the record said before, who
changed it and why, and the next slip prints the new values (an extended promise says so).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from app.domain.codes import Category
from app.domain.errors import DomainError, ValidationError
from app.domain.money import parse_money
from app.domain.rules.entitlement import Entitlement, decide_entitlement
from app.domain.validation import Collector, validate_date, validate_serial, validate_text
from app.services.casework.intake import warranty_history
from app.services.casework.records import find_case
from app.services.shop import audit
from app.services.shop.context import Context
from app.services.shop.permissions import Action, require
from app.store.db import write_transaction
from app.store.models import Case, Product, SaleRef

#: What `correct_case` may change.
CORRECTABLE = ("sold", "amount", "product", "serial")


def _reason(reason: object, field: str = "reason") -> str:
    return validate_text(reason, field, required=True, max_len=500)


def extend_promise(ctx: Context, number: str, until: str | date, reason: str) -> Case:
    """A later promise date, with the reason the customer was told (001: call before the date
    passes). Only later, never earlier; each extension is an event."""
    v = Collector()
    day = v.check("promise_date", validate_date, until)
    why = v.check("reason", _reason, reason)
    v.raise_if_errors()
    require(ctx, Action.CASE_MOVE)
    with write_transaction():
        case = find_case(number)
        if case.closed_at is not None:
            raise DomainError("case_closed", status=case.status)
        old = case.promise_date
        if old is not None and day <= old:
            raise ValidationError.single("promise_date", "not_later", current=old.isoformat())
        case.promise_date = day
        case.save()
        audit.log(
            ctx,
            "case",
            case,
            "promise_extended",
            {"from": old.isoformat() if old else None, "to": day.isoformat()},
            why,
        )
    return case


def _clean(case: Case, changes: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(changes) - set(CORRECTABLE))
    if unknown:
        raise ValidationError.single(unknown[0], "not_correctable", allowed=list(CORRECTABLE))
    v = Collector()
    out: dict[str, Any] = {}
    if "sold" in changes:
        out["sold"] = v.check("sold", validate_date, changes["sold"])
    if "amount" in changes:
        out["amount"] = v.check("amount", parse_money, changes["amount"])
    if "product" in changes:
        out["product"] = v.check(
            "product", validate_text, changes["product"], required=True, max_len=80
        )
    if "serial" in changes:
        out["serial"] = v.check("serial", validate_serial, changes["serial"])
    v.raise_if_errors()
    if not out:
        raise ValidationError.single("sold", "required")
    return out


def _was(case: Case) -> dict[str, Any]:
    sale = case.sale
    return {
        "sold": sale.sale_date.isoformat() if sale and sale.sale_date else None,
        "amount": str(case.amount) if case.amount is not None else None,
        "product": case.product.name if case.product_id else "",
        "serial": case.serial,
    }


def _decide_again(ctx: Context, case: Case, today: date) -> dict[str, Any] | None:
    """The rights as intake would decide them from the corrected facts (the intake's conditions
    are read back from the old decision: man-made damage, an opened or used item)."""
    sold = case.sale.sale_date if case.sale_id else None
    if sold is None or not case.product_id:
        return None
    old = Entitlement.from_dict(case.entitlement) if case.entitlement else None
    repairs, days = warranty_history(case.serial)
    new = decide_entitlement(
        Category(case.product.category),
        sold,
        today,
        ctx.settings.warranty,
        man_made=bool(old and old.has_basis("man_made_no_free_service")),
        gift=bool(case.sale.is_gift),
        intact=not (old and old.has_basis("not_intact_no_return")),
        unused=not (old and old.has_basis("no_reason_return_used")),
        warranty_months=case.product.warranty_months,
        repair_days=days,
        warranty_repairs=repairs,
        received=_received(ctx, case, sold, today),
    )
    return new.to_dict()


def _received(ctx: Context, case: Case, sold: date, today: date) -> date | None:
    """The received date the intake's decision ran its short periods from (kept as it was when
    the decision said so), else as the shop's setting says now for an online order."""
    old = case.entitlement or {}
    if old.get("periods_from") == "received" and old.get("received"):
        received = date.fromisoformat(old["received"])
    else:
        from app.services.casework.rules import received_for_periods

        received = received_for_periods(ctx, case.sale)
    if received is None or received < sold or received > today:
        return None
    return received


def correct_case(ctx: Context, number: str, changes: dict[str, Any], reason: str) -> Case:
    """Correct what intake recorded wrongly (sale date, amount, product name, serial), with a
    reason; the rights are decided again as of the intake day. A manager or the owner does it
    (it changes what the customer is entitled to); a closed case is not corrected."""
    why = _reason(reason)
    require(ctx, Action.CASE_CORRECT)
    with write_transaction():
        case = find_case(number)
        if case.closed_at is not None:
            raise DomainError("case_closed", status=case.status)
        new = _clean(case, changes)
        before = _was(case)
        if "sold" in new:
            if new["sold"] > ctx.local(case.created_at).date():
                raise ValidationError.single("sold", "date_in_future", sold=new["sold"].isoformat())
            if case.sale_id is None:
                case.sale = SaleRef.create(customer=case.customer_id, product=case.product_id)
            SaleRef.update(sale_date=new["sold"]).where(SaleRef.id == case.sale_id).execute()
        if "amount" in new:
            case.amount = new["amount"]
        if "product" in new:
            current = case.product if case.product_id else None
            product = Product.get_or_none(
                (Product.name == new["product"])
                & (Product.model_spec == (current.model_spec if current else ""))
            )
            if product is None:
                product = Product.create(
                    name=new["product"],
                    model_spec=current.model_spec if current else "",
                    category=current.category if current else Category.OTHER.value,
                    price=current.price if current else Decimal("0"),
                    unit=current.unit if current else "件",
                    warranty_months=current.warranty_months if current else None,
                )
            case.product = product
        if "serial" in new:
            case.serial = new["serial"]
        case.save()
        case = Case.get_by_id(case.id)  # the sale and product as now stored
        old_rights = case.entitlement
        rights = _decide_again(ctx, case, ctx.local(case.created_at).date())
        if rights is not None:
            case.entitlement = rights
            case.save()
        after = _was(case)
        audit.log(
            ctx,
            "case",
            case,
            "corrected",
            {
                "before": {k: before[k] for k in new},
                "after": {k: after[k] for k in new},
                "rights_before": old_rights,
            },
            why,
        )
    return case
