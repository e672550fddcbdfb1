"""Rows the event log vouches for: each write of them carries a digest of their new content.

The hash chain protects the events, not the tables beside them: multiplying a refund by ten in
the `money_entry` table left the chain intact. So every event about a sealed entity stores, in
its data (inside the chain), `seal`: the SHA-256 of that entity's rows as they are after the
write. `audit verify` recomputes each entity's seal from the current rows and compares it with
the newest seal in the log; at start the accounts and settings are compared the same way and a
mismatch refuses the folder.

One declaration drives the writers and the check (`SEALED`): an entity name (as events name it)
and its parts, each a model, the columns that matter, and how its rows belong to the entity
(`"id"`: the entity's own row; another column: rows pointing at it; None: every row). A new money
table is sealed by adding one `Part(NewTable, (...), "case")` to the "case" entry: every event
about a case then seals its rows too, with no change to any writer.

Writers need nothing special: `record_event` adds the seal to any event whose entity is sealed,
so the one rule is the one the codebase already follows: write the rows, then their event, in
the same transaction.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import peewee as pw

from app.store.models import Case, Event, MoneyEntry, Setting, User

SEAL_KEY = "seal"
# Setting rows written without an event: the verifier's own checkpoints ("chain_checkpoint",
# one per signing certificate as "chain_checkpoint:<fingerprint>"), signed separately.
UNSEALED_PREFIX = "chain_checkpoint"


def _sealed_setting() -> pw.Expression:
    return ~Setting.key.startswith(UNSEALED_PREFIX)


@dataclass(frozen=True)
class Part:
    """Rows of one table that make up (part of) a sealed entity."""

    model: type[pw.Model]
    columns: tuple[str, ...]
    link: str | None  # "id": the entity's own row; a column: rows pointing at it; None: all


SEALED: dict[str, tuple[Part, ...]] = {
    # A case's status and money: what the monthly summary adds up.
    "case": (
        Part(Case, ("number", "kind", "status", "amount", "customer", "closed_at"), "id"),
        Part(
            MoneyEntry, ("id", "kind", "amount", "at", "by", "reverses", "route", "party"), "case"
        ),
    ),
    # Who may sign in, with what PIN and which rights.
    "user": (
        Part(User, ("name", "role", "active", "is_manager", "secret_hash", "recovery_hash"), "id"),
    ),
    # Every setting row (whatever shape the settings are stored in).
    "setting": (Part(Setting, ("key", "value"), None),),
}
# Checked at every start (small tables): changed outside the program, the folder is refused.
AT_START = ("user", "setting")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal("0.01")))
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    if isinstance(value, pw.Model):
        return value.get_id()
    return value  # JSON values (dict, list) as they are


def _query(part: Part, entity_id: int | None) -> tuple[pw.ModelSelect, list[str]]:
    model = part.model
    fk = pw.ForeignKeyField
    names = [f"{c}_id" if isinstance(getattr(model, c), fk) else c for c in part.columns]
    pk = model._meta.primary_key
    extra = [_link(part)] if part.link not in (None, "id") else []
    query = model.select(pk, *(getattr(model, c) for c in part.columns), *extra)
    if part.link is not None and entity_id is not None:
        query = query.where(_link(part) == entity_id)
    if model is Setting:
        query = query.where(_sealed_setting())
    return query.order_by(pk), names


def _link(part: Part) -> pw.Field:
    model = part.model
    return model._meta.primary_key if part.link == "id" else getattr(model, part.link)


def _row(row: pw.Model, names: list[str]) -> list[Any]:
    return [_plain(row.get_id())] + [_plain(getattr(row, n)) for n in names]


def _digest(content: list[list[Any]]) -> str:
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def seal_of(entity: str, entity_id: int) -> str | None:
    """The digest of a sealed entity's rows as they are now (None: not a sealed entity)."""
    parts = SEALED.get(entity)
    if parts is None:
        return None
    content = []
    for p in parts:
        query, names = _query(p, None if p.link is None else entity_id)
        content.append([p.model._meta.table_name, [_row(r, names) for r in query.objects()]])
    return _digest(content)


def all_seals(entity: str) -> dict[int, str]:
    """`seal_of` for every entity of a kind at once (a few queries, not two per case)."""
    parts = SEALED[entity]
    grouped: list[dict[int, list[list[Any]]]] = []
    for p in parts:
        query, names = _query(p, None)
        groups: dict[int, list[list[Any]]] = {}
        if p.link is not None:
            link = _link(p)
            attr = f"{p.link}_id" if isinstance(link, pw.ForeignKeyField) else p.link
            for r in query.objects().iterator():
                key = r.get_id() if p.link == "id" else getattr(r, attr)
                groups.setdefault(int(key), []).append(_row(r, names))
        else:
            groups[0] = [_row(r, names) for r in query.objects()]
        grouped.append(groups)
    ids = set(_ids(entity))
    return {
        i: _digest(
            [[p.model._meta.table_name, g.get(i, [])] for p, g in zip(parts, grouped, strict=True)]
        )
        for i in ids
    }


@dataclass(frozen=True)
class Mismatch:
    """A sealed entity whose rows differ from what its newest event says they were."""

    entity: str
    entity_id: int
    why: str  # "changed": rows differ from the seal; "unsealed": rows no event vouches for


def _newest_seals(entity: str, ids: list[int] | None = None) -> dict[int, str]:
    seals: dict[int, str] = {}
    chunks = [None] if ids is None else [ids[i : i + 500] for i in range(0, len(ids), 500)]
    for chunk in chunks:
        cond = Event.entity == entity
        if chunk is not None:
            cond &= Event.entity_id.in_(chunk)
        # Along the (entity, entity_id) index, each entity's events in their order: the newest
        # seal wins, as by id, without scanning 750,000 events at every start (~0.15 s).
        query = (
            Event.select(Event.entity_id, Event.data)
            .where(cond)
            .order_by(Event.entity_id, Event.id)
            .tuples()
        )
        for entity_id, data in query.iterator():
            if isinstance(data, dict) and SEAL_KEY in data:
                seals[entity_id] = data[SEAL_KEY]
    return seals


def _ids(entity: str) -> Iterator[int]:
    parts = SEALED[entity]
    if all(p.link is None for p in parts):
        yield 0
        return
    own = next(p for p in parts if p.link == "id")
    for (i,) in own.model.select(own.model._meta.primary_key).tuples().iterator():
        yield int(i)


def check_seals(
    entities: tuple[str, ...] | None = None, only: dict[str, set[int]] | None = None
) -> list[Mismatch]:
    """Compare each sealed entity's rows now with the newest seal the log holds for it.

    `only` limits an entity to some ids (the monthly summary checks the cases of its month:
    all 200,000 cases take tens of seconds, a month's a fraction of one). Rows written before
    sealing existed (no seal anywhere in the log for them) are reported only when the log has
    seals for that entity from its first row on (`sealed_from`).
    """
    found: list[Mismatch] = []
    for entity in entities or tuple(SEALED):
        wanted = (only or {}).get(entity)
        since = sealed_from(entity)
        if wanted is None:
            seals = _newest_seals(entity)
            now = all_seals(entity)
            ids: list[int] = list(_ids(entity))
        else:
            ids = sorted(wanted)
            seals = _newest_seals(entity, ids)
            now = {i: seal_of(entity, i) or "" for i in ids}
        for entity_id in ids:
            seal = seals.get(entity_id)
            if seal is None:
                if entity == "user" and _is_system(entity_id):
                    continue
                if since is not None and entity_id >= since and _has_rows(entity, entity_id):
                    found.append(Mismatch(entity, entity_id, "unsealed"))
                continue
            if now.get(entity_id) != seal:
                found.append(Mismatch(entity, entity_id, "changed"))
    return found


def _is_system(user_id: int) -> bool:
    return User.select().where((User.id == user_id) & (User.name == "system")).exists()


def _has_rows(entity: str, entity_id: int) -> bool:
    if entity == "setting":
        return Setting.select().where(_sealed_setting()).exists()
    return True


SEALING_STARTED = "sealing_started"


def sealed_from(entity: str) -> int | None:
    """The first id of `entity` that must carry a seal (None: none must).

    A database made by this version seals from the start (0). The migration that brought an
    older one here wrote a `sealing_started` event (inside the chain, so it cannot be removed)
    with the first id of each entity made after it; the rows before are checked from their
    next write on."""
    # The migration writes it as entity "database" #0: found along the index, not by a scan of
    # the whole log (action has no index), at every start.
    ev = (
        Event.select(Event.data)
        .where(
            (Event.entity == "database")
            & (Event.entity_id == 0)
            & (Event.action == SEALING_STARTED)
        )
        .order_by(Event.id)
        .first()
    )
    if ev is None:
        return 0
    value = ev.data.get(entity) if isinstance(ev.data, dict) else None
    return int(value) if isinstance(value, int) else None


def start_sealing_data() -> dict[str, int]:
    """For the migration's `sealing_started` event: the first unsealed-free id per entity."""
    out: dict[str, int] = {}
    for entity, parts in SEALED.items():
        own = next((p for p in parts if p.link == "id"), None)
        if own is None:
            out[entity] = 1 if _has_rows(entity, 0) else 0
        else:
            top = own.model.select(pw.fn.MAX(own.model._meta.primary_key)).scalar() or 0
            out[entity] = int(top) + 1
    return out
