"""The append-only event log with a SHA-256 chain, and per-year numbering counters.

Both are written inside the caller's transaction, so a failed write leaves neither an event nor a
used number behind.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.domain.numbering import Series, format_number
from app.store.db import database, is_sqlite
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
    from app.store.references import by_reference, customer_of
    from app.store.seals import SEAL_KEY, seal_of

    if note:  # a customer's name or phone typed into a note: kept as a reference (erasable)
        note = by_reference(note, customer_of(entity, entity_id))
    seal = seal_of(entity, entity_id)
    if seal is not None:  # the rows' new content, vouched for by the chain (app.store.seals)
        data = {**(data or {}), SEAL_KEY: seal}
    last = Event.select(Event.id, Event.hash).order_by(Event.id.desc()).first()
    prev = last.hash if last else GENESIS
    ev = Event(
        # The id is given, not left to the database: a PostgreSQL sequence skips the ids of
        # rolled-back inserts, and a skipped id reads as a deleted event. Writers are serialised
        # (write_transaction), so the newest id + 1 is free on SQLite and PostgreSQL alike.
        id=(last.id if last else 0) + 1,
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
    result = check_chain()
    return result.ok, result.broken_id, result.checked


@dataclass(frozen=True)
class ChainCheck:
    """The result of walking the log: where it first breaks, and the head it ends on.

    `why` is one of: "" (intact), "changed" (the event's content no longer matches its hash),
    "relinked" (its link to the previous event does not match: an event before it was changed or
    removed), "missing" (event ids jump: events `missing_from`..`broken_id - 1` were deleted),
    "anchor_missing" (a head hash printed earlier is no longer in the log: its tail was cut).
    """

    ok: bool
    checked: int
    head: str
    broken_id: int | None = None
    broken_at: datetime | None = None
    broken_number: str = ""
    why: str = ""
    missing_from: int | None = None


def check_chain(anchor: str = "") -> ChainCheck:
    """Walk the whole log in id order and name the first broken link exactly.

    Event ids never skip (`record_event` gives each the newest id + 1 under the write lock), so
    a jump in ids is a deleted event even when the chain was re-linked around it. An `anchor` is
    a head hash taken earlier (the monthly summary prints it); it must still be somewhere in the
    log.
    """
    return walk_chain(anchor=anchor)


# The columns the digest covers, read as plain tuples: building a model object per event made
# the walk three times slower at 750,000 events.
_WALK = (
    Event.id,
    Event.at,
    Event.actor,
    Event.entity,
    Event.entity_id,
    Event.number,
    Event.action,
    Event.from_state,
    Event.to_state,
    Event.data,
    Event.note,
    Event.prev_hash,
    Event.hash,
)


def _row_fields(row: tuple[Any, ...]) -> dict[str, Any]:
    return {
        "at": row[1].astimezone(UTC).isoformat(),
        "actor": row[2],
        "entity": row[3],
        "entity_id": row[4],
        "number": row[5],
        "action": row[6],
        "from_state": row[7],
        "to_state": row[8],
        "data": row[9],
        "note": row[10],
    }


_BATCH = 20_000  # events fetched per query: one round trip each, bounded memory on PostgreSQL
_encode = json.encoder.encode_basestring  # what json.dumps does to a str with ensure_ascii=False
_COLUMNS = (
    "id, at, actor_id, entity, entity_id, number, action, from_state, to_state, data, note,"
    " prev_hash, hash"
)
# SQLite writes the digest's text itself: the same key order, spacing and quoting as
# json.dumps(..., sort_keys=True, ensure_ascii=False) for what the writer stores. Where its
# quoting differs (a control character in a note), the row is re-hashed the exact way.
_SQLITE_PAYLOAD = (
    """'{"action": ' || json_quote(action) || ', "actor": ' || json_quote(actor_id)"""
    """ || ', "at": "' || replace(at, ' ', 'T') || '+00:00", "data": ' || coalesce(data, 'null')"""
    """ || ', "entity": ' || json_quote(entity) || ', "entity_id": ' || json_quote(entity_id)"""
    """ || ', "from_state": ' || json_quote(from_state) || ', "note": ' || json_quote(note)"""
    """ || ', "number": ' || json_quote(number) || ', "to_state": ' || json_quote(to_state)"""
    """ || '}'"""
)


def _json(value: Any) -> str:
    if isinstance(value, str):
        return _encode(value)
    if value is None:
        return "null"
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _payload(row: tuple[Any, ...]) -> str | None:
    """The digest's text for one raw row (`_COLUMNS`) without building model values, or None
    when the row is not in the shape the writer stores (the caller then hashes it exactly)."""
    at = row[1]
    if isinstance(at, str):
        try:
            at = datetime.fromisoformat(at)
        except ValueError:
            return None
    if not isinstance(at, datetime) or at.tzinfo is not None:
        return None
    data = row[9]
    if data is not None and not isinstance(data, str):
        return None
    return (
        f'{{"action": {_json(row[6])}, "actor": {_json(row[2])}, '
        f'"at": "{at.replace(tzinfo=UTC).isoformat()}", '
        f'"data": {"null" if data is None else data}, "entity": {_json(row[3])}, '
        f'"entity_id": {_json(row[4])}, "from_state": {_json(row[7])}, '
        f'"note": {_json(row[10])}, "number": {_json(row[5])}, "to_state": {_json(row[8])}}}'
    )


def quick_rows(after_id: int) -> Iterator[tuple[int, str, str, str | None]]:
    """(id, prev_hash, hash, digest text or None) of the events after `after_id`, in id order,
    fetched in large batches as plain tuples (no model values: 750,000 of them took 17 s)."""
    param = database.param
    sqlite = is_sqlite()
    cols = f"id, prev_hash, hash, {_SQLITE_PAYLOAD}" if sqlite else _COLUMNS
    sql = f"SELECT {cols} FROM event WHERE id > {param} ORDER BY id LIMIT {_BATCH}"
    while True:
        batch = database.execute_sql(sql, (after_id,)).fetchall()
        if not batch:
            return
        if sqlite:
            yield from batch
        else:
            for row in batch:
                yield row[0], row[11], row[12], _payload(row)
        if len(batch) < _BATCH:
            return
        after_id = batch[-1][0]


def _exact_row(ev_id: int) -> tuple[Any, ...]:
    return Event.select(*_WALK).where(Event.id == ev_id).tuples().get()


def walk_chain(*, anchor: str = "", after: tuple[int, str] = (0, GENESIS)) -> ChainCheck:
    """Walk the log from the event after `after` = (id, hash) (the start by default).

    A walk from a checkpoint trusts everything up to it; `check_chain` walks it all. Each event
    is hashed from its stored text; one whose quick digest differs is read again through the
    model's fields and hashed as `record_event` did before it is called changed, so the verdict
    is exactly the field-wise one.
    """
    last_id, prev = after
    checked = 0
    anchor_seen = not anchor
    sha = hashlib.sha256
    for ev_id, prev_hash, digest, payload in quick_rows(last_id):
        why = ""
        missing_from = None
        if ev_id != last_id + 1:
            why, missing_from = "missing", last_id + 1
        elif prev_hash != prev:
            why = "relinked"
        elif payload is None or sha((prev + payload).encode("utf-8")).hexdigest() != digest:
            row = _exact_row(ev_id)
            if event_digest(prev, _row_fields(row)) != digest:
                why = "changed"
        if why:
            row = _exact_row(ev_id)
            return ChainCheck(False, checked, prev, ev_id, row[1], row[5] or "", why, missing_from)
        prev = digest
        last_id = ev_id
        checked += 1
        if not anchor_seen:
            anchor_seen = digest == anchor
    if not anchor_seen:
        return ChainCheck(False, checked, prev, why="anchor_missing")
    return ChainCheck(True, checked, prev)


def sample_chain(ids: list[int]) -> int | None:
    """Re-hash the events `ids` against the event before each; the first that fails, or None.

    Catches an edited event among those already walked without walking them all again.
    """
    wanted = sorted({i for i in ids if i > 0} | {i - 1 for i in ids if i > 1})
    rows: dict[int, tuple[Any, ...]] = {}
    for chunk in range(0, len(wanted), 500):
        part = wanted[chunk : chunk + 500]
        for row in Event.select(*_WALK).where(Event.id.in_(part)).tuples():
            rows[row[0]] = row
    for i in sorted(set(ids)):
        row = rows.get(i)
        before = rows.get(i - 1)
        prev = GENESIS if i == 1 else (before[12] if before else None)
        if row is None or prev is None or row[11] != prev:
            return i
        if event_digest(prev, _row_fields(row)) != row[12]:
            return i
    return None


def chain_head() -> tuple[int, str]:
    """The id and hash of the newest event (0 and the genesis hash for an empty log)."""
    last = Event.select(Event.id, Event.hash).order_by(Event.id.desc()).first()
    return (last.id, last.hash) if last else (0, GENESIS)


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
