"""A record's history in plain sentences: what the timeline and `show` say for each event.

Events store stable codes and a small data dict (amounts as strings, codes for kinds and
parties); the people at the desk should read "运费（顾客付） ¥18.00", never a raw code, a bare
tracking number or "printed intake".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from app.i18n import N_, _
from app.i18n.labels import (
    COMPLAINT_CLASSES,
    EVENT_ACTIONS,
    FORM_NAMES,
    MONEY_KINDS,
    PARTIES,
    PAY_ROUTES,
    SHIPPING,
    STATUSES,
    STOCK_REASONS,
    label,
)
from app.i18n.rule_texts import PAYERS

#: Fields an "updated" event may name, as the desk calls them.
FIELD_NAMES = {
    "diagnosis": N_("diagnosis"),
    "fault": N_("fault"),
    "fault_description": N_("fault description"),
    "description": N_("description"),
    "phone": N_("phone"),
    "phone2": N_("second phone"),
    "name": N_("name"),
    "address": N_("address"),
    "product": N_("product"),
    "model": N_("model"),
    "serial": N_("serial / IMEI"),
    "accessories": N_("accessories"),
    "condition": N_("condition"),
    "technician": N_("technician"),
    "result": N_("repair result"),
    "factory_tag": N_("returned-part tag"),
    "service_class": N_("service class"),
    "kind": N_("customer type"),
    "sold": N_("sale date"),
    "amount": N_("amount paid"),
}


def _money(amount: object) -> str:
    text = str(amount or "")
    if not text:
        return ""
    return f"-¥{text[1:]}" if text.startswith("-") else f"¥{text}"


def _join(*parts: str) -> str:
    return " · ".join(p for p in parts if p)


#: Events of a spare part's count: their details read "+5 · bought in · supplier · 7 in stock".
STOCK_ACTIONS = (
    "stock_in",
    "stock_adjusted",
    "returned_to_supplier",
    "used_on_repair",
    "stock_opening",
)


def _details(action: str, data: Mapping[str, Any]) -> str:
    """The event's data as a short phrase, or "" when it says nothing a person needs."""
    if data.get("rule") == "no_reply_close_days":
        return _("the customer did not reply within {days} days").format(days=data.get("days"))
    if action in ("money", "money_reversed"):
        kind = label(MONEY_KINDS, data.get("kind"))
        party = data.get("party")
        if party:
            kind = _("{kind} ({party})").format(kind=kind, party=label(PARTIES, party))
        route = label(PAY_ROUTES, data.get("route")) if data.get("route") else ""
        return _join(kind, _money(data.get("amount")), route)
    if action == "printed":
        return label(FORM_NAMES, data.get("form"))
    if action == "product_merged":
        return _("now {product}").format(product=data.get("product") or "")
    if action == "customer_merged":
        return _("customer #{old} → #{new}").format(old=data.get("from"), new=data.get("to"))
    if action == "part_added":
        qty = data.get("qty") or 1
        charged = data.get("charged", True)
        return _join(
            _("{qty} pc").format(qty=qty),
            _("charged to the customer") if charged else _("free under warranty"),
        )
    if action in ("labour_added", "estimate"):
        return _money(data.get("amount"))
    if action == "estimate_decided":
        approved = data.get("approved")
        if approved is None:
            return ""
        return _("customer accepted") if approved else _("customer declined")
    if action == "assigned":
        return str(data.get("technician") or "")
    if action == "signed":
        return _("signed with name") if data.get("named") else ""
    if action == "updated":
        names = [_(FIELD_NAMES.get(f, N_("other details"))) for f in data.get("fields") or ()]
        return "、".join(names) if names else ""
    if action == "freight":
        payer = data.get("payer")
        return _join(
            str(data.get("carrier") or ""),
            str(data.get("tracking_no") or ""),
            _("freight paid by: {payer}").format(payer=label(PAYERS, payer)) if payer else "",
        )
    if action == "freight_payer_changed":
        return _("{old} → {new}").format(
            old=label(PAYERS, data.get("from")), new=label(PAYERS, data.get("to"))
        )
    if action == "shipping_status":
        return _("{old} → {new}").format(
            old=label(SHIPPING, data.get("from")) or "—", new=label(SHIPPING, data.get("to"))
        )
    if action == "capa":
        return _("report sent to the customer") if data.get("report_sent") else ""
    if action == "followed_up":
        return _("satisfaction {score}/5").format(score=data.get("satisfaction"))
    if action == "classified":
        return _join(
            label(COMPLAINT_CLASSES, data.get("class")), str(data.get("responsible") or "")
        )
    if action == "promise_extended":
        return _("{old} → {new}").format(old=data.get("from") or "—", new=data.get("to"))
    if action == "corrected":
        before, after = data.get("before") or {}, data.get("after") or {}
        return "；".join(
            _("{field}: {old} → {new}").format(
                field=_(FIELD_NAMES.get(k, N_("other details"))),
                old=before.get(k) or "—",
                new=after.get(k) or "—",
            )
            for k in after
        )
    if action in ("dealer_charged", "dealer_credited", "dealer_deposit"):
        return _money(data.get("amount"))
    if action in STOCK_ACTIONS and "qty" in data:
        qty = int(data.get("qty") or 0)
        return _join(
            f"{qty:+d}",
            label(STOCK_REASONS, data.get("reason")) if data.get("reason") else "",
            str(data.get("supplier") or ""),
            _("{stock} in stock").format(stock=data.get("stock")),
        )
    if action == "supplier_named":
        names = data.get("supplier") or ["", ""]
        return _("{old} → {new}").format(old=names[0] or "—", new=names[1])
    if action == "statement_printed":
        return _("{first} – {last}, closing {closing}").format(
            first=data.get("from"), last=data.get("to"), closing=_money(data.get("closing"))
        )
    return ""


def describe(
    action: str,
    note: str = "",
    data: Mapping[str, Any] | None = None,
    from_state: str = "",
    to_state: str = "",
) -> str:
    """One event as the desk reads it: what happened, its details, then the note typed."""
    data = data or {}
    if to_state:
        head = f"{label(STATUSES, from_state) if from_state else '—'} → {label(STATUSES, to_state)}"
    else:
        head = event_name(action)
    details = _details(action, data)
    # A printed event's note is the form code, and a freight booking's is its tracking number:
    # both are already said by the details, so they are not repeated raw.
    if note and (note == data.get("form") or note in details):
        note = ""
    elif action == "money" and re.fullmatch(r"[A-Z]{0,4}\d{8,}", note):
        note = _("waybill {number}").format(number=note)
    if details:
        head = _("{what}: {details}").format(what=head, details=details)
    return f"{head}  {note}".strip()


def event_name(action: str) -> str:
    """The event's name as people read it; an unknown action shows its words, not its code."""
    return label(EVENT_ACTIONS, action) if action in EVENT_ACTIONS else action.replace("_", " ")
