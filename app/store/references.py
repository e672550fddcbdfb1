"""Customers named by reference in the event log, so that erasing a customer erases them there too.

The log is append-only and kept forever: a note typed at the desk ("张三 13800138000 called back")
written into it would keep the name and phone after the customer's erasure. So before a note is
written, the customer's name and phones in it are replaced by references ({customer:12:name},
{customer:12:phone}); the history shows them by looking the customer up, which after an erasure
gives "已删除客户 #12" and nothing for the phone.
"""

from __future__ import annotations

import re
from typing import Any

from app.store.models import CarrierClaim, Case, Customer, RepairTicket, ReturnAuth

_REF = re.compile(r"\{customer:(\d+):(name|phone)\}")


def customer_of(entity: str, entity_id: int) -> Customer | None:
    """The customer an event's record belongs to (None: not a customer's record)."""
    try:
        if entity == "customer":
            return Customer.get_or_none(Customer.id == entity_id)
        model: Any = {
            "case": Case,
            "repair": RepairTicket,
            "rma": ReturnAuth,
            "claim": CarrierClaim,
        }.get(entity)
        if model is None:
            return None
        row = model.get_or_none(model.id == entity_id)
        if row is None:
            return None
        case = row if model is Case else getattr(row, "case", None)
        return case.customer if case is not None else None
    except Exception:  # noqa: BLE001 - a note is never refused for want of a customer
        return None


def phone_pattern(phone: str) -> re.Pattern[str] | None:
    """A phone number as typed in free text: its digits with spaces or dashes between."""
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) < 7:
        return None
    return re.compile(r"(?<!\d)" + r"[\s\-]?".join(digits) + r"(?!\d)")


def by_reference(text: str, customer: Customer | None) -> str:
    """`text` with the customer's name and phones replaced by references."""
    if not text or customer is None:
        return text
    for phone in (customer.phone, customer.phone2):
        pattern = phone_pattern(phone or "")
        if pattern is not None:
            text = pattern.sub(f"{{customer:{customer.id}:phone}}", text)
    name = customer.name or ""
    if len(name) >= 2:
        text = text.replace(name, f"{{customer:{customer.id}:name}}")
    return text


def resolve(text: str, mask: Any = None) -> str:
    """References shown as the customer is now: the current name, the phone (masked by `mask`
    when given); an erased customer's name is the erasure label and the phone is gone."""
    if not text or "{customer:" not in text:
        return text

    def one(m: re.Match[str]) -> str:
        c = Customer.get_or_none(Customer.id == int(m.group(1)))
        if c is None:
            return "?"
        if m.group(2) == "name":
            return c.name
        if not c.phone:
            return "***"
        return mask(c.phone) if mask else c.phone

    return _REF.sub(one, text)
