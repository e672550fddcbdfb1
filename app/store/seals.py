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
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import peewee as pw

from app.store.db import database, is_postgres
from app.store.fields import JSONTextField, MoneyField, UTCDateTimeField
from app.store.models import (
    Case,
    Customer,
    DealerMovement,
    Event,
    MoneyEntry,
    Setting,
    SparePart,
    StockMovement,
    User,
)

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
    # A spare part's count and what it is valued at, with every movement that made the count:
    # the stock on hand is the sum of the movements, and the valuation their qty x unit cost.
    "part": (
        Part(SparePart, ("part_no", "stock", "cost"), "id"),
        Part(
            StockMovement,
            ("qty", "reason", "unit_cost", "at", "by", "supplier", "ticket"),
            "part",
        ),
    ),
    # A dealer's account: the balance and the movements that made it (money held for the
    # dealer). Only customers with an account need a seal (`_needs_seal`).
    "customer": (
        Part(Customer, ("dealer_balance",), "id"),
        Part(DealerMovement, ("amount", "reason", "case", "at", "by"), "customer"),
    ),
}
# Checked at every start (small tables): changed outside the program, the folder is refused.
AT_START = ("user", "setting")


def _plain(value: Any) -> Any:
    if value is None or type(value) in _AS_IS:
        return value
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, Decimal):
        return str(value.quantize(_CENT))
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, pw.Model):
        return value.get_id()
    return value  # JSON values (dict, list) as they are


_AS_IS = frozenset({str, int, bool, float})
_CENT = Decimal("0.01")


def _query(part: Part, entity_ids: list[int] | None) -> tuple[pw.ModelSelect, list[pw.Field]]:
    """The part's rows (key, *columns[, link]) and the fields they are read through."""
    model = part.model
    pk = model._meta.primary_key
    fields = [pk, *(getattr(model, c) for c in part.columns)]
    extra = [_link(part)] if part.link not in (None, "id") else []
    query = model.select(*fields, *extra)
    if part.link is not None and entity_ids is not None:
        query = query.where(_link(part).in_(entity_ids))
    if model is Setting:
        query = query.where(_sealed_setting())
    return query.order_by(pk), fields


def _link(part: Part) -> pw.Field:
    model = part.model
    return model._meta.primary_key if part.link == "id" else getattr(model, part.link)


def _stored_as_is(field: pw.Field) -> bool:
    """Whether the value the database hands back is already what the seal writes."""
    if isinstance(field, pw.ForeignKeyField):
        return _stored_as_is(field.rel_field)
    if isinstance(field, MoneyField | pw.BooleanField | JSONTextField):
        return False
    return isinstance(field, pw.AutoField | pw.IntegerField | pw.CharField | pw.TextField)


def _converter(field: pw.Field) -> Any:
    if _stored_as_is(field):
        return None
    python_value = field.python_value
    if isinstance(field, UTCDateTimeField):

        def utc_text(v: Any) -> Any:
            # SQLite's text as the program writes it ("YYYY-MM-DD HH:MM:SS[.ffffff]", naive
            # UTC) is read in C; anything else goes through the field as before.
            if isinstance(v, str) and len(v) >= 19 and v[10] == " ":
                try:
                    dt = datetime.fromisoformat(v)
                except ValueError:
                    dt = None
                if dt is not None and dt.tzinfo is None:
                    return dt.replace(tzinfo=UTC).isoformat()
            return _plain(python_value(v))

        return utc_text
    return lambda v: _plain(python_value(v))


def _rows(part: Part, entity_ids: list[int] | None) -> Iterator[tuple[list[Any], Any]]:
    """(row as the seal writes it, link value) for each row of the part (of `entity_ids` only,
    when given), read as plain database tuples in batches: 200,000 cases and their money took
    ~15 s as model objects."""
    chunks: list[list[int] | None] = [None]
    if part.link is not None and entity_ids is not None:
        chunks = [entity_ids[i : i + 500] for i in range(0, len(entity_ids), 500)]
    for chunk in chunks:
        query, fields = _query(part, chunk)
        width = len(fields)
        convert = [(i, c) for i, f in enumerate(fields) if (c := _converter(f)) is not None]
        cursor = query.model._meta.database.execute(query)
        while batch := cursor.fetchmany(5000):
            for values in batch:
                row = list(values[:width])
                for i, c in convert:
                    row[i] = c(row[i])
                yield row, (values[width] if len(values) > width else row[0])


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
        rows = [row for row, _link_value in _rows(p, [entity_id])]
        content.append([p.model._meta.table_name, rows])
    return _digest(content)


def all_seals(entity: str, ids: list[int] | None = None) -> dict[int, str]:
    """`seal_of` for every entity of a kind (or those of `ids`) at once: a few queries, not
    two per case."""
    parts = SEALED[entity]
    grouped: list[dict[int, list[list[Any]]]] = []
    for p in parts:
        groups: dict[int, list[list[Any]]] = {}
        for row, key in _rows(p, ids):
            at = 0 if p.link is None else int(key)
            group = groups.get(at)
            if group is None:
                groups[at] = [row]
            else:
                group.append(row)
        grouped.append(groups)
    names = [p.model._meta.table_name for p in parts]
    return {
        i: _digest([[name, g.get(i, [])] for name, g in zip(names, grouped, strict=True)])
        for i in (_ids(entity) if ids is None else ids)
    }


@dataclass(frozen=True)
class Mismatch:
    """A sealed entity whose rows differ from what its newest event says they were."""

    entity: str
    entity_id: int
    why: str  # "changed": rows differ from the seal; "unsealed": rows no event vouches for


def _newest_seals(entity: str, ids: list[int] | None = None) -> dict[int, str]:
    """Each entity's seal in its newest event that carries one.

    The database picks the newest per entity and extracts the seal from the event's JSON text
    (750,000 events parsed in Python took seconds); along the (entity, entity_id) index."""
    param = database.param
    if is_postgres():
        seal = "(data::json ->> 'seal')"
        head = f'SELECT DISTINCT ON (entity_id) entity_id, {seal} FROM "event"'
        tail = "ORDER BY entity_id, id DESC"
    else:  # SQLite: with max(), the other columns come from the row holding the maximum
        seal = "json_extract(data, '$.seal')"
        head = f'SELECT entity_id, {seal}, max(id) FROM "event"'
        tail = "GROUP BY entity_id"
    seals: dict[int, str] = {}
    chunks = [None] if ids is None else [ids[i : i + 500] for i in range(0, len(ids), 500)]
    for chunk in chunks:
        where = f"entity = {param} AND data LIKE {param} AND {seal} IS NOT NULL"
        args: list[Any] = [entity, f'%"{SEAL_KEY}"%']
        if chunk is not None:
            where += f" AND entity_id IN ({', '.join([param] * len(chunk))})"
            args += chunk
        for row in database.execute_sql(f"{head} WHERE {where} {tail}", args).fetchall():
            seals[int(row[0])] = row[1]
    return seals


def _ids(entity: str) -> Iterator[int]:
    parts = SEALED[entity]
    if all(p.link is None for p in parts):
        yield 0
        return
    own = next(p for p in parts if p.link == "id")
    pk = own.model._meta.primary_key
    cursor = own.model._meta.database.execute(own.model.select(pk).order_by(pk))
    while batch := cursor.fetchmany(5000):
        for (i,) in batch:
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
        needs = _needs_seal(entity)
        if wanted is None:
            seals = _newest_seals(entity)
            now = _current_seals(entity, seals)
            ids: list[int] = list(_ids(entity))
        else:
            ids = sorted(wanted)
            seals = _newest_seals(entity, ids)
            now = all_seals(entity, ids)
        for entity_id in ids:
            seal = seals.get(entity_id)
            if seal is None:
                if entity == "user" and _is_system(entity_id):
                    continue
                if since is not None and entity_id >= since and needs(entity_id):
                    found.append(Mismatch(entity, entity_id, "unsealed"))
                continue
            if now.get(entity_id) != seal:
                found.append(Mismatch(entity, entity_id, "changed"))
    return found


def _current_seals(entity: str, seals: dict[int, str]) -> dict[int, str]:
    """`all_seals(entity)`, from texts SQLite writes where it can (`_quick_texts`); a record
    whose quick digest differs from its seal is worked out again exactly, so the verdict is
    `all_seals`'s, only sooner."""
    texts = _quick_texts(entity)
    if texts is None:
        return all_seals(entity)
    sha = hashlib.sha256
    now = {i: sha(t.encode("utf-8")).hexdigest() for i, t in texts}
    doubtful = [i for i, seal in seals.items() if now.get(i) != seal]
    if doubtful:
        now.update(all_seals(entity, doubtful))
    return now


def _sql_value(field: pw.Field, alias: str) -> str | None:
    """SQL giving what `_plain` makes of the field's value inside a JSON array (None: no
    such SQL here, the entity is read in Python)."""
    col = f'{alias}."{field.column_name}"'
    kind = field.rel_field if isinstance(field, pw.ForeignKeyField) else field
    if isinstance(kind, MoneyField):
        return f"CASE WHEN {col} IS NULL THEN NULL ELSE printf('%.2f', {col} / 100.0) END"
    if isinstance(kind, UTCDateTimeField):
        return f"CASE WHEN {col} IS NULL THEN NULL ELSE replace({col}, ' ', 'T') || '+00:00' END"
    if isinstance(kind, pw.BooleanField):
        return f"json(CASE WHEN {col} IS NULL THEN 'null' WHEN {col} THEN 'true' ELSE 'false' END)"
    return col if _stored_as_is(kind) else None


def _quick_texts(entity: str) -> Iterator[tuple[int, str]] | None:
    """(id, the text `_digest` hashes) of every record of `entity`, written by SQLite: the
    rows of 200,000 cases and their money are not turned into Python values one by one.
    None on PostgreSQL, or for an entity whose parts SQL cannot write (rows of no record)."""
    if is_postgres():
        return None
    parts = SEALED[entity]
    own = [p for p in parts if p.link == "id"]
    if len(own) != 1 or any(p.link is None for p in parts):
        return None
    pieces = []
    for i, p in enumerate(parts):
        alias = "o" if p is own[0] else f"r{i}"
        fields = [p.model._meta.primary_key, *(getattr(p.model, c) for c in p.columns)]
        values = [_sql_value(f, alias) for f in fields]
        if None in values:
            return None
        row = f"json_array({', '.join(values)})"  # type: ignore[arg-type]
        table = p.model._meta.table_name
        if p is own[0]:
            rows = row
        else:
            link = f'{alias}."{_link(p).column_name}"'
            pk = f'{alias}."{p.model._meta.primary_key.column_name}"'
            rows = (
                f"coalesce((SELECT group_concat(j, ',') FROM (SELECT {row} AS j"
                f" FROM \"{table}\" AS {alias} WHERE {link} = o.id ORDER BY {pk})), '')"
            )
        pieces.append(f"'[{json.dumps(table)},[' || {rows} || ']]'")
    own_table = own[0].model._meta.table_name
    own_pk = own[0].model._meta.primary_key.column_name
    text = " || ',' || ".join(pieces)
    sql = f"SELECT o.\"{own_pk}\", '[' || {text} || ']' FROM \"{own_table}\" AS o ORDER BY 1"
    cursor = database.execute_sql(sql)

    def rows() -> Iterator[tuple[int, str]]:
        while batch := cursor.fetchmany(5000):
            yield from batch

    return rows()


def _is_system(user_id: int) -> bool:
    return User.select().where((User.id == user_id) & (User.name == "system")).exists()


def _has_rows(entity: str, entity_id: int) -> bool:
    if entity == "setting":
        return Setting.select().where(_sealed_setting()).exists()
    return True


def _needs_seal(entity: str) -> Callable[[int], bool]:
    """Whether a record of `entity` with no seal in the log is a record nobody vouches for.

    A customer is sealed for their dealer account only: one with no account movement and a
    zero balance (every consumer taken at intake) has nothing the log must vouch for. Worked out
    once per check: one query, not one per customer."""
    if entity == "customer":
        holders = {
            int(i) for (i,) in DealerMovement.select(DealerMovement.customer).distinct().tuples()
        }
        holders |= {
            int(i)
            for (i,) in Customer.select(Customer.id).where(Customer.dealer_balance != 0).tuples()
        }
        return holders.__contains__
    return lambda entity_id: _has_rows(entity, entity_id)


SEALING_STARTED = "sealing_started"


def sealed_from(entity: str) -> int | None:
    """The first id of `entity` that must carry a seal (None: none must).

    A database made by this version seals from the start (0). A migration that brought an
    older one here, or that sealed a new kind of record, wrote a `sealing_started` event (inside
    the chain, so it cannot be removed) with the first id of each entity made after it; the
    rows before are checked from their next write on. The newest such event counts (each one
    carries every entity sealed by then)."""
    # Written as entity "database" #0: found along the index, not by a scan of the whole log
    # (action has no index), at every start.
    ev = (
        Event.select(Event.data)
        .where(
            (Event.entity == "database")
            & (Event.entity_id == 0)
            & (Event.action == SEALING_STARTED)
        )
        .order_by(Event.id.desc())
        .first()
    )
    if ev is None:
        return 0
    value = ev.data.get(entity) if isinstance(ev.data, dict) else None
    return int(value) if isinstance(value, int) else None


def start_sealing_data(entities: tuple[str, ...] | None = None) -> dict[str, int]:
    """For a migration's `sealing_started` event: the first id per entity that must be sealed
    (`entities`: only these, newly sealed; the others keep what the log said of them)."""
    out: dict[str, int] = {}
    for entity, parts in SEALED.items():
        if entities is not None and entity not in entities:
            kept = sealed_from(entity)
            if kept is not None:
                out[entity] = kept
            continue
        own = next((p for p in parts if p.link == "id"), None)
        if own is None:
            out[entity] = 1 if _has_rows(entity, 0) else 0
        else:
            top = own.model.select(pw.fn.MAX(own.model._meta.primary_key)).scalar() or 0
            out[entity] = int(top) + 1
    return out
