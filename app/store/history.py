"""The append-only event log with a SHA-256 chain, and per-year numbering counters.

Both are written inside the caller's transaction, so a failed write leaves neither an event nor a
used number behind.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from app.domain.numbering import Series, format_number
from app.store.models import Counter, Event

GENESIS = "0" * 64


def event_digest(prev_hash: str, fields: dict[str, Any]) -> str:
    payload = json.dumps(fields, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256((prev_hash + payload).encode("utf-8")).hexdigest()


def _chain_fields(ev: Event) -> dict[str, Any]:
    return {
        "at": ev.at.astimezone(UTC).isoformat(),
        "actor": ev.actor_id,
        "entity": ev.entity,
        "entity_id": ev.entity_id,
        "number": ev.number,
        "action": ev.action,
        "from_state": ev.from_state,
        "to_state": ev.to_state,
        "data": ev.data,
        "note": ev.note,
    }


def record_event(
    *,
    at: datetime,
    actor_id: int,
    entity: str,
    entity_id: int,
    action: str,
    number: str = "",
    from_state: str = "",
    to_state: str = "",
    data: dict[str, Any] | None = None,
    note: str = "",
) -> Event:
    last = Event.select(Event.hash).order_by(Event.id.desc()).first()
    prev = last.hash if last else GENESIS
    ev = Event(
        at=at.astimezone(UTC),
        actor=actor_id,
        entity=entity,
        entity_id=entity_id,
        number=number,
        action=action,
        from_state=from_state,
        to_state=to_state,
        data=data,
        note=note,
        prev_hash=prev,
    )
    # Round-trip the JSON so the digest is computed over what the database will give back.
    ev.data = json.loads(json.dumps(data, ensure_ascii=False, default=str)) if data else None
    ev.hash = event_digest(prev, _chain_fields(ev))
    ev.save(force_insert=True)
    return ev


def verify_chain() -> tuple[bool, int | None, int]:
    """Walk the log; returns (ok, id of the first broken event or None, events checked)."""
    prev = GENESIS
    checked = 0
    for ev in Event.select().order_by(Event.id).iterator():
        if ev.prev_hash != prev or event_digest(prev, _chain_fields(ev)) != ev.hash:
            return False, ev.id, checked
        prev = ev.hash
        checked += 1
    return True, None, checked


def next_number(series: Series, year: int) -> str:
    """Take the next number of a series; call inside the write transaction of the insert."""
    updated = (
        Counter.update(last=Counter.last + 1)
        .where((Counter.series == series.value) & (Counter.year == year))
        .execute()
    )
    if not updated:
        Counter.insert(series=series.value, year=year, last=1).execute()
        seq = 1
    else:
        seq = Counter.get((Counter.series == series.value) & (Counter.year == year)).last
    return format_number(series, year, seq)
