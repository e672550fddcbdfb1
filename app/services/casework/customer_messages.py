"""Copy-ready messages for the customer (WeChat/SMS) when a record changes status.

Short, polite, with the record number, what happens next and the shop's hotline. The text picks
a template by status; statuses without a template get the general "status changed" one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from app.domain.money import format_money
from app.domain.settings import ShopSettings
from app.i18n import N_, _
from app.i18n.labels import KINDS, STATUSES, label
from app.services.casework.views import CaseDetail

TEMPLATES = {
    "received": N_(
        "{name}, hello. {shop} has received your {what} request {number}. We will reply by "
        "{promise}."
    ),
    "logged": N_(
        "{name}, hello. {shop} has logged your feedback {number} and will answer within 24 hours."
    ),
    "requested": N_(
        "{name}, hello. {shop} has received your {what} request {number}. We will reply by "
        "{promise}."
    ),
    "awaiting_approval": N_(
        "{name}, hello. Your device ({number}) has been checked: {diagnosis}. The repair costs "
        "{estimate}. Please reply whether we should go ahead."
    ),
    "awaiting_parts": N_(
        "{name}, hello. The repair {number} is waiting for a spare part; we will let you know as "
        "soon as it arrives."
    ),
    "ready_for_pickup": N_(
        "{name}, hello. Your device ({number}) is ready for pickup at {shop}. {to_pay}Please bring "
        "your receipt. Questions: {hotline}."
    ),
    "returned_unrepaired": N_(
        "{name}, hello. Your device ({number}) is ready to be collected unrepaired at {shop}. "
        "Questions: {hotline}."
    ),
    "approved": N_(
        "{name}, hello. Your {what} request {number} is approved. Please send the goods with the "
        "number {rma} written on the parcel to: {return_address}."
    ),
    "rejected": N_(
        "{name}, hello. We are sorry: your {what} request {number} cannot be accepted. Reason: "
        "{reason}. Questions: {hotline}."
    ),
    "replacement_shipped": N_(
        "{name}, hello. The replacement for {number} has been sent. Please return the original "
        "goods with the number {rma} on the parcel."
    ),
    "refunded": N_(
        "{name}, hello. The refund of {refunded} for {number} has been paid. It may take a few "
        "days to reach your account."
    ),
    "exchanged": N_(
        "{name}, hello. The exchange for {number} is done. Thank you for your patience."
    ),
    "scheduled": N_(
        "{name}, hello. Our technician will visit you for {number} on {appointment}. Questions: "
        "{hotline}."
    ),
    "resolved": N_(
        "{name}, hello. Your feedback {number} has been handled: {resolution}. Thank you for "
        "telling us."
    ),
}
GENERAL = N_("{name}, hello. Your {what} {number} is now: {status}. Questions: {hotline}.")


def customer_message(
    d: CaseDetail, shop_settings: ShopSettings, local: Callable[[datetime], datetime]
) -> str:
    """The message for the record's current status, in the current language."""
    shop, hotline = shop_settings.name, shop_settings.hotline
    return_address = shop_settings.return_address or shop_settings.address
    template = TEMPLATES.get(d.status, GENERAL)
    repair, rma = d.repair, d.rma
    to_pay = ""
    if repair and repair.charge_total:
        to_pay = _("Amount to pay: {amount}. ").format(amount=format_money(repair.charge_total))
    values = {
        "name": d.customer.name,
        "shop": shop,
        "hotline": hotline or shop,
        "number": d.number,
        "what": label(KINDS, d.kind),
        "status": label(STATUSES, d.status),
        "promise": d.promise_date.isoformat() if d.promise_date else _("soon"),
        "diagnosis": (repair.diagnosis if repair else "") or _("see the repair ticket"),
        "estimate": format_money(repair.estimate) if repair and repair.estimate else "",
        "to_pay": to_pay,
        "rma": rma.number if rma else d.number,
        "return_address": return_address or shop,
        "reason": (rma.rejection_reason if rma else "") or "—",
        "refunded": format_money(d.refunded_total),
        "appointment": (
            local(repair.appointment_at).strftime("%Y-%m-%d %H:%M")
            if repair and repair.appointment_at
            else _("the agreed time")
        ),
        "resolution": d.resolution or "—",
    }
    return _(template).format(**values)
