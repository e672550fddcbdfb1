"""Checking the event log nobody can quietly rewrite: the first broken link, named exactly."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import datetime

from app.domain.errors import DomainError
from app.services.shop.context import Context
from app.services.shop.permissions import Action, require
from app.store.db import write_transaction
from app.store.history import (
    ChainCheck,
    chain_head,
    check_chain,
    sample_chain,
    walk_chain,
)
from app.store.models import Event, Setting, put_setting

# Where the last walk that found the log intact ended; a summary walks only what came after it,
# plus a random sample of what came before (an edit anywhere is found by `audit verify`).
CHECKPOINT_KEY = "chain_checkpoint"
SAMPLE = 2000


@dataclass(frozen=True)
class ChainReport:
    """What `audit verify` prints and the monthly summary anchors (`head`).

    why: "" intact; "changed" the first broken event's content was edited; "relinked" its link to
    the event before does not match (that one was edited or removed and the chain rebuilt);
    "missing" events `missing_from`..`broken_id - 1` were deleted; "anchor_missing" the head
    printed earlier is gone (events at the end were removed).
    """

    ok: bool
    checked: int
    head: str
    broken_id: int | None = None
    broken_number: str = ""
    broken_at: datetime | None = None  # in the shop's time zone
    why: str = ""
    missing_from: int | None = None
    sampled: int = 0  # older events re-hashed at random (a walk from the checkpoint)
    whole: bool = True  # False: walked from the checkpoint only
    # why == "rows_changed": records whose rows differ from the seal in their newest event,
    # as "case #12", "user #3", "setting" (app.store.seals)
    rows: tuple[str, ...] = ()


def verify_history(ctx: Context, anchor: str = "") -> ChainReport:
    """Walk the whole log. `anchor` is a head hash printed earlier (monthly summary)."""
    require(ctx, Action.AUDIT)
    return _verify_whole(ctx, anchor)


def _verify_whole(ctx: Context, anchor: str = "") -> ChainReport:
    found = check_chain(anchor.strip().lower())
    if not found.ok:
        return _report(ctx, found)
    point = _checkpoint(ctx)
    if point is not None and not _point_holds(point):
        return _tampered(ctx, found, point)
    rows = changed_rows()
    if rows:  # the log is intact, the tables beside it are not: never a new checkpoint
        return replace(_report(ctx, found), ok=False, why="rows_changed", rows=rows)
    _save_checkpoint(ctx, found)
    return _report(ctx, found)


def changed_rows(cases: set[int] | None = None) -> tuple[str, ...]:
    """Money, statuses, accounts and settings whose rows differ from what the log sealed
    (`cases`: only these cases, with every account and setting)."""
    from app.store.seals import check_seals

    only = None if cases is None else {"case": cases}
    return tuple(
        "setting" if m.entity == "setting" else f"{m.entity} #{m.entity_id}"
        for m in check_seals(only=only)
    )


@dataclass(frozen=True)
class _Point:
    id: int
    hash: str
    signed: bool  # False: the row is not signed by the shop's key (forged, or made before)


def _checkpoint_key(ctx: Context) -> str | None:
    """This data folder's checkpoint row: one per signing certificate, because each PC of a
    shop on a server signs with its own key unless they share an imported certificate (another
    PC's checkpoint is not this one's to check). None: no key here yet, so no checkpoint."""
    from app.documents.shop_identity import fingerprint, has_identity, load_identity

    if not has_identity(ctx.data_dir):
        return None
    try:
        cert = load_identity(ctx.data_dir).signing_cert
    except DomainError:
        return None
    return f"{CHECKPOINT_KEY}:{fingerprint(cert).replace(':', '')[:16].lower()}"


def _payload(event_id: int, digest: str) -> bytes:
    return f"afterdesk-checkpoint:{event_id}:{digest}".encode()


def _checkpoint(ctx: Context) -> _Point | None:
    """The last checkpoint, with whether the shop's key signed it (None: there is none)."""
    from app.documents.shop_identity import record_signed

    key = _checkpoint_key(ctx)
    row = Setting.get_or_none(Setting.key == key) if key else None
    value = row.value if row and isinstance(row.value, dict) else None
    if not value:
        return None
    try:
        point_id, digest = int(value.get("id", 0)), str(value.get("hash", ""))
    except (TypeError, ValueError):
        return _Point(0, "", False)
    if "sig" not in value:  # written before checkpoints were signed: walk all, then sign one
        return None
    sig = value.get("sig")
    signed = isinstance(sig, str) and record_signed(ctx.data_dir, _payload(point_id, digest), sig)
    return _Point(point_id, digest, signed)


def _point_holds(point: _Point) -> bool:
    """A signed checkpoint whose event is still in the log with the hash it had."""
    if not point.signed:
        return False
    if point.id == 0:
        return True
    return Event.select(Event.hash).where(Event.id == point.id).scalar() == point.hash


def _tampered(ctx: Context, found: ChainCheck, point: _Point) -> ChainReport:
    """The log links up but disagrees with the shop's signed checkpoint (or the checkpoint is
    not the shop's): the log was rewritten consistently, or the checkpoint forged. Reported as
    tampering; the checkpoint is kept as it is, never overwritten by what it caught."""
    why = "checkpoint_mismatch" if point.signed else "checkpoint_unsigned"
    return replace(_report(ctx, found), ok=False, why=why, broken_id=point.id or None)


def verify_since_checkpoint(
    ctx: Context, sample: int = SAMPLE, cases: set[int] | None = None
) -> ChainReport:
    """What the monthly summary prints: every event after the last signed checkpoint, each
    checked, the checkpoint itself checked against the log, `sample` older events re-hashed at
    random, and the sealed rows (money, statuses, accounts, settings) against their events
    (`cases`: the cases whose rows the summary adds up; all when None).
    A break is named by a whole walk, as `audit verify` does; a checkpoint that disagrees with
    the log is tampering and stays as it is.
    """
    point = _checkpoint(ctx)
    if point is None or point.id <= 0:
        return _verify_whole(ctx)
    if not _point_holds(point):
        found = check_chain()
        return _report(ctx, found) if not found.ok else _tampered(ctx, found, point)
    found = walk_chain(after=(point.id, point.hash))
    ids = random.sample(range(1, point.id + 1), min(sample, point.id))
    if not found.ok or sample_chain(ids) is not None:
        return _verify_whole(ctx)
    rows = changed_rows(cases)
    if rows:
        return replace(_report(ctx, found), ok=False, why="rows_changed", rows=rows)
    _save_checkpoint(ctx, found, last_id=point.id + found.checked)
    return _report(ctx, found, sampled=len(ids), whole=False)


def _save_checkpoint(ctx: Context, found: ChainCheck, last_id: int | None = None) -> None:
    """Move the checkpoint to the head just found intact, signed with the shop's key."""
    from app.documents.shop_identity import sign_record

    point_id = found.checked if last_id is None else last_id
    sig = sign_record(ctx.data_dir, _payload(point_id, found.head), ctx.settings.shop.name)
    value = {"id": point_id, "hash": found.head, "sig": sig}
    with write_transaction():
        put_setting(_checkpoint_key(ctx) or CHECKPOINT_KEY, value, ctx.now(), None)


def _report(ctx: Context, found: ChainCheck, sampled: int = 0, whole: bool = True) -> ChainReport:
    return ChainReport(
        ok=found.ok,
        checked=found.checked,
        head=found.head,
        broken_id=found.broken_id,
        broken_number=found.broken_number,
        broken_at=ctx.local(found.broken_at) if found.broken_at else None,
        why=found.why,
        missing_from=found.missing_from,
        sampled=sampled,
        whole=whole,
    )


def chain_head_text(ctx: Context) -> str:
    """The head hash for printing on the monthly summary (one line, fits a receipt)."""
    return chain_head()[1]
