"""The money ledger's primitives: the one write of a money row, what stands, and reversals.

Below every money rule (refunds, freight, dealer accounts, transitions' deposit refunds), so
those modules can book money without importing each other.
"""

from __future__ import annotations

from decimal import Decimal

from app.domain.codes import MoneyKind, Party, PayRoute
from app.domain.errors import DomainError
from app.services.shop import audit
from app.services.shop.context import Context
from app.store.models import Case, MoneyEntry


def book_entry(
    ctx: Context,
    case: Case,
    kind: MoneyKind,
    amount: Decimal,
    *,
    note: str = "",
    route: PayRoute | str = "",
    party: Party | str = "",
    reverses: MoneyEntry | None = None,
) -> MoneyEntry:
    """THE one write of a money row, with its event; call inside a write transaction.

    Every money entry of the program (refunds, costs, charges, deposits, reversals) is written
    here, so whatever must hold for a money row (append-only, its event, a content hash in that
    event) is done in one place. Entries are never edited: a correction is a new entry that
    `reverses` the wrong one.
    """
    route_code = PayRoute(route).value if route else ""
    party_code = Party(party).value if party else ""
    entry = MoneyEntry.create(
        case=case,
        kind=kind.value,
        amount=amount,
        at=ctx.now(),
        by=ctx.actor.id,
        note=note,
        reverses=reverses,
        route=route_code,
        party=party_code,
    )
    data: dict[str, object] = {"kind": kind.value, "amount": str(amount), "entry": entry.id}
    if route_code:
        data["route"] = route_code
    if party_code:
        data["party"] = party_code
    if reverses is not None:  # "entry" names the entry reversed, as it always has
        data["entry"] = reverses.id
        data["reversal"] = entry.id
    audit.log(ctx, "case", case, "money_reversed" if reverses else "money", data, note)
    return entry


def add_money(
    ctx: Context,
    case: Case,
    kind: MoneyKind,
    amount: Decimal,
    note: str = "",
    *,
    route: PayRoute | str = "",
    party: Party | str = "",
) -> MoneyEntry:
    """Write one money entry and its event; call inside a write transaction."""
    return book_entry(ctx, case, kind, amount, note=note, route=route, party=party)


def live_entries(case: Case, *kinds: MoneyKind) -> list[MoneyEntry]:
    """The case's entries of these kinds that stand: neither reversals nor reversed."""
    query = MoneyEntry.select().where(
        (MoneyEntry.case == case)
        & MoneyEntry.kind.in_([k.value for k in kinds])
        & MoneyEntry.reverses.is_null()
    )
    return [m for m in query.order_by(MoneyEntry.id) if not m.reversals.exists()]


def reverse_entry(ctx: Context, original: MoneyEntry, note: str) -> MoneyEntry:
    """Book the reversal of one entry (same kind, amount, route and payer); inside a transaction."""
    if original.reverses_id or original.reversals.exists():
        raise DomainError("already_reversed", entry=original.id)
    return book_entry(
        ctx,
        original.case,
        MoneyKind(original.kind),
        original.amount,
        note=note,
        route=original.route,
        party=original.party,
        reverses=original,
    )
