"""A customer's personal data: who looked at it, a copy on request, erasure on request.

China's PIPL gives a customer the right to a copy of their data and to its deletion; the shop
must also keep its books. So erasure anonymises the person (name, phones, address, notes and any
place those appear in the records' text) and keeps every money row and event: the cases, their
amounts and the history stay, they just no longer say who the customer was. A backup is written
first, as before any destructive change.

Every view or export of a customer's record is written to the append-only access log
(`CustomerAccess`): who, when, which record.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from app.domain.errors import DomainError
from app.domain.validation import (
    Collector,
    validate_person_name,
    validate_phone,
    validate_text,
)
from app.services.casework.records import case_detail, customer_view, find_customer
from app.services.casework.views import jsonable
from app.services.safekeeping.backups import backup_now
from app.services.shop import audit
from app.services.shop.context import Context
from app.services.shop.permissions import Action, require
from app.store.db import write_transaction
from app.store.models import (
    CarrierClaim,
    Case,
    Customer,
    CustomerAccess,
    DealerMovement,
    Event,
    MoneyEntry,
    RepairTicket,
    ReturnAuth,
    SaleRef,
)
from app.store.references import phone_pattern, resolve

ERASED_NAME = "已删除客户 #{id}"  # stored data, not display text: the same in every language
EXPORT_FORMAT = "afterdesk-customer-export/1"

# Free text on a customer's records that may repeat their name, phone or address.
CASE_TEXT = ("description", "follow_up", "resolution")
REPAIR_TEXT = ("condition", "fault", "diagnosis", "result", "site_address")


def log_view(ctx: Context, customer_id: int, what: str, number: str = "") -> None:
    """Write who looked at (or exported) a customer's record; its own small transaction."""
    with write_transaction():
        _access(ctx, customer_id, what, number)


def _access(ctx: Context, customer_id: int, what: str, number: str = "") -> None:
    CustomerAccess.create(
        at=ctx.now(), actor=ctx.actor.id, customer=customer_id, what=what, number=number[:20]
    )


def _customer_events(customer: Customer) -> list[dict[str, Any]]:
    rows = Event.select().where((Event.entity == "customer") & (Event.entity_id == customer.id))
    return [
        {"at": e.at, "action": e.action, "data": e.data, "note": resolve(e.note)}
        for e in rows.order_by(Event.id)
    ]


def export_customer(ctx: Context, key: str) -> dict[str, Any]:
    """Everything the shop holds about one customer, JSON-safe (money as "12.34" strings)."""
    require(ctx, Action.PRIVACY)
    customer = find_customer(key)
    cases = list(Case.select().where(Case.customer == customer).order_by(Case.id))
    sales = SaleRef.select().where(SaleRef.customer == customer).order_by(SaleRef.id)
    dealer = DealerMovement.select().where(DealerMovement.customer == customer)
    data = {
        "format": EXPORT_FORMAT,
        "exported_at": ctx.now(),
        "exported_by": ctx.actor.name,
        "shop": ctx.settings.shop.name,
        "customer": customer_view(customer),
        "created_at": customer.created_at,
        "sales": [
            {
                "order_no": s.order_no,
                "invoice_no": s.invoice_no,
                "sale_date": s.sale_date,
                "channel": s.channel,
                "serial": s.serial,
                "quantity": s.quantity,
                "unit_price": s.unit_price,
                "product": s.product.name if s.product_id else "",
                "platform": s.platform,
                "buyer_id": s.buyer_id,
                "received_date": s.received_date,
            }
            for s in sales
        ],
        "cases": [case_detail(c, ctx) for c in cases],
        "dealer_account": [
            {"at": m.at, "amount": m.amount, "reason": m.reason, "note": m.note}
            for m in dealer.order_by(DealerMovement.id)
        ],
        "customer_events": _customer_events(customer),
    }
    with write_transaction():
        _access(ctx, customer.id, "export")
    return jsonable(data)


def _scrub(text: str, needles: list[tuple[str, str]]) -> str:
    for needle, replacement in needles:
        pattern = phone_pattern(needle) if needle.isdigit() else None
        if pattern is not None:  # "138 0013 8000" and "138-0013-8000" are the same phone
            text = pattern.sub(replacement, text)
        else:
            text = text.replace(needle, replacement)
    return text


def _customer_slips(ctx: Context, customer: Customer) -> list[Path]:
    """The signed slips printed for this customer's records (from the log's "printed" events)."""
    numbers: set[str] = set()
    for case in Case.select().where(Case.customer == customer):
        numbers.add(case.number)
        numbers.update(t.number for t in RepairTicket.select().where(RepairTicket.case == case))
        numbers.update(r.number for r in ReturnAuth.select().where(ReturnAuth.case == case))
        numbers.update(c.number for c in CarrierClaim.select().where(CarrierClaim.case == case))
    if not numbers:
        return []
    found = []
    printed = Event.select(Event.data).where(
        # documents.SLIP_EVENTS (not imported: it would load the PDF libraries)
        Event.action.in_(("printed", "print_failed", "slip_saved"))
        & Event.number.in_(sorted(numbers))
    )
    root = ctx.data_dir.resolve()
    for ev in printed:
        rel = ev.data.get("file") if isinstance(ev.data, dict) else None
        if not isinstance(rel, str):
            continue
        path = (ctx.data_dir / rel).resolve()
        if root in path.parents and path.is_file() and path not in found:
            found.append(path)
    return found


def _slip_hashes(ctx: Context, slips: list[Path]) -> list[dict[str, str]]:
    """What the log keeps of each slip deleted: its path and SHA-256, never its content."""
    out = []
    for path in slips:
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            continue
        out.append({"file": path.relative_to(ctx.data_dir.resolve()).as_posix(), "sha256": digest})
    return out


def _delete(ctx: Context, slips: list[dict[str, str]]) -> int:
    """Remove the slips once the erasure is committed; how many could not be removed."""
    left = 0
    for slip in slips:
        try:
            (ctx.data_dir / slip["file"]).unlink(missing_ok=True)
        except OSError:
            left += 1
    return left


def is_erased(customer: Customer) -> bool:
    return customer.name == ERASED_NAME.format(id=customer.id)


def erase_customer(ctx: Context, key: str, *, confirm_owner: bool) -> dict[str, Any]:
    """Anonymise one customer on their request (owner only, after a backup).

    `confirm_owner` must be True: the owner has confirmed on screen (or with --yes) that this
    customer's personal data goes. Money, cases and events are kept. Returns what was changed.
    """
    require(ctx, Action.ERASE)
    customer = find_customer(key)
    if not confirm_owner:
        raise DomainError("erase_not_confirmed", customer=f"#{customer.id}")
    if is_erased(customer):
        raise DomainError("already_erased", customer=f"#{customer.id}")
    label = ERASED_NAME.format(id=customer.id)
    # Records of the same person merged into this one still hold their old details: they go too.
    merged = _merged_into(customer.id)
    needles = []
    for person in (customer, *merged):
        needles += [(n, "***") for n in (person.phone, person.phone2, person.address) if n]
        needles += [(person.name, label)] if len(person.name) >= 2 else []
    # The buyer's ID on a platform (an online order) names them as well as their name does.
    buyers = {
        s.buyer_id
        for s in SaleRef.select(SaleRef.buyer_id).where(
            (SaleRef.customer.in_([p.id for p in (customer, *merged)])) & (SaleRef.buyer_id != "")
        )
    }
    needles += [(b, "***") for b in buyers if len(b) >= 2 and b != customer.name]
    needles.sort(key=lambda pair: len(pair[0]), reverse=True)  # "张三丰" before "张三"
    backup = backup_now(ctx, "before-erase", thin_old=False).path
    slips = _customer_slips(ctx, customer)
    changed_records = 0
    with write_transaction():
        customer = Customer.get_by_id(customer.id)
        customer.name = label
        customer.phone = None
        customer.phone2 = None
        customer.address = ""
        customer.notes = ""
        customer.updated_at = ctx.now()
        customer.save()
        for person in merged:
            Customer.update(
                name=ERASED_NAME.format(id=person.id),
                phone=None,
                phone2=None,
                address="",
                notes="",
                updated_at=ctx.now(),
            ).where(Customer.id == person.id).execute()
        SaleRef.update(buyer_id="").where(
            SaleRef.customer.in_([p.id for p in (customer, *merged)])
        ).execute()
        for case in Case.select().where(Case.customer == customer):
            changed_records += _scrub_record(case, CASE_TEXT, needles)
            ticket = RepairTicket.get_or_none(RepairTicket.case == case)
            if ticket is not None:
                if ticket.site_address:
                    ticket.site_address = ""
                    ticket.save()
                changed_records += _scrub_signer(ticket, needles)
                changed_records += _scrub_record(ticket, REPAIR_TEXT, needles)
            for entry in MoneyEntry.select().where(MoneyEntry.case == case):
                changed_records += _scrub_record(entry, ("note",), needles)
        for movement in DealerMovement.select().where(DealerMovement.customer == customer):
            changed_records += _scrub_record(movement, ("note",), needles)
        # The printed slips carry the name and phone under the shop's signature: they go, and
        # the log keeps which files they were and their hashes.
        gone = _slip_hashes(ctx, slips)
        audit.log(
            ctx,
            "customer",
            customer,
            "erased",
            {
                "fields": ["name", "phone", "phone2", "address", "notes", "buyer_id"],
                "merged": [p.id for p in merged],
                "texts": changed_records,
                "slips": gone,
            },
            number="",
        )
        _access(ctx, customer.id, "erase")
    left = _delete(ctx, gone) + len(slips) - len(gone)
    return {
        "customer": customer.id,
        "name": label,
        "texts": changed_records,
        "backup": backup,
        "slips": len(gone) - left,
        "slips_left": left,
    }


def _merged_into(customer_id: int) -> list[Customer]:
    """Every customer record merged into this one, directly or through another."""
    found: list[Customer] = []
    todo = [customer_id]
    while todo:
        rows = list(Customer.select().where(Customer.merged_into.in_(todo)))
        rows = [r for r in rows if r.id not in {f.id for f in found}]
        found += rows
        todo = [r.id for r in rows]
    return found


def _scrub_record(record: Any, fields: tuple[str, ...], needles: list[tuple[str, str]]) -> int:
    changed = False
    for f in fields:
        old = getattr(record, f) or ""
        new = _scrub(old, needles)
        if new != old:
            setattr(record, f, new)
            changed = True
    if changed:
        record.save()
    return int(changed)


def _scrub_signer(ticket: RepairTicket, needles: list[tuple[str, str]]) -> int:
    """The name typed under the customer's signature is theirs too; the strokes stay."""
    signature = ticket.signature
    if not isinstance(signature, dict) or not signature.get("signer"):
        return 0
    signer = _scrub(str(signature["signer"]), needles)
    if signer == signature["signer"]:
        return 0
    ticket.signature = {**signature, "signer": signer}
    ticket.save()
    return 1


def access_log(ctx: Context, key: str) -> list[dict[str, Any]]:
    """Who looked at this customer's record and when (owner only: it is itself personal data)."""
    require(ctx, Action.PRIVACY)
    customer = find_customer(key)
    rows = CustomerAccess.select().where(CustomerAccess.customer == customer)
    return [
        {"at": r.at, "actor": r.actor.name, "what": r.what, "number": r.number}
        for r in rows.order_by(CustomerAccess.id)
    ]


CORRECTABLE = ("name", "phone", "phone2", "address", "notes")


def correct_customer(ctx: Context, key: str, changes: dict[str, str]) -> dict[str, Any]:
    """Correct a customer's details (their right to rectification; also plain typos).

    `changes` maps any of name, phone, phone2, address, notes to the new text ("" clears an
    optional one). The event names the fields changed, not their values: the log is kept forever.
    """
    require(ctx, Action.CUSTOMER_EDIT)
    v = Collector()
    clean: dict[str, Any] = {}
    for field, value in changes.items():
        if field not in CORRECTABLE:
            v.add(field, "unknown_field")
        elif field == "name":
            clean[field] = v.check(field, validate_person_name, value)
        elif field in ("phone", "phone2"):
            clean[field] = v.check(field, validate_phone, value, optional=field == "phone2")
        else:
            clean[field] = v.check(
                field, validate_text, value, max_len=200 if field == "address" else 2000
            )
    v.raise_if_errors()
    customer = find_customer(key)
    if is_erased(customer):
        raise DomainError("already_erased", customer=f"#{customer.id}")
    with write_transaction():
        customer = Customer.get_by_id(customer.id)
        changed = [f for f, val in clean.items() if getattr(customer, f) != val]
        for f in changed:
            setattr(customer, f, clean[f])
        if changed:
            customer.updated_at = ctx.now()
            customer.save()
            audit.log(ctx, "customer", customer, "corrected", {"fields": changed}, number="")
    return jsonable(customer_view(customer))
