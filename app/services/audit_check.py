"""Checking the event log nobody can quietly rewrite: the first broken link, named exactly."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import datetime

from app.services.context import Context
from app.services.permissions import Action, require
from app.store.db import write_transaction
from app.store.history import (
    GENESIS,
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
    rows = changed_rows()
    if rows:  # the log is intact, the tables beside it are not: never a new checkpoint
        return replace(_report(ctx, found), ok=False, why="rows_changed", rows=rows)
    _save_checkpoint(ctx, found)
    return _report(ctx, found)


def changed_rows() -> tuple[str, ...]:
    """Money, statuses, accounts and settings whose rows differ from what the log sealed."""
    from app.store.seals import check_seals

    return tuple(
        "setting" if m.entity == "setting" else f"{m.entity} #{m.entity_id}" for m in check_seals()
    )


def verify_since_checkpoint(ctx: Context, sample: int = SAMPLE) -> ChainReport:
    """What the monthly summary prints: the events after the last intact walk, each checked,
    and `sample` older ones re-hashed at random. Flat in the size of the log (a whole walk of
    750,000 events took ~25 s); any break found is named by a whole walk, as `audit verify` does.
    """
    row = Setting.get_or_none(Setting.key == CHECKPOINT_KEY)
    point = row.value if row and isinstance(row.value, dict) else {}
    after = (int(point.get("id", 0)), str(point.get("hash", GENESIS)))
    if after[0] <= 0:
        return _verify_whole(ctx)
    still = Event.select(Event.hash).where(Event.id == after[0]).scalar()
    found = walk_chain(after=after)
    ids = random.sample(range(1, after[0] + 1), min(sample, after[0]))
    if still != after[1] or not found.ok or sample_chain(ids) is not None:
        return _verify_whole(ctx)
    _save_checkpoint(ctx, found, last_id=after[0] + found.checked)
    return _report(ctx, found, sampled=len(ids), whole=False)


def _save_checkpoint(ctx: Context, found: ChainCheck, last_id: int | None = None) -> None:
    value = {"id": found.checked if last_id is None else last_id, "hash": found.head}
    with write_transaction():
        put_setting(CHECKPOINT_KEY, value, ctx.now(), None)


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
