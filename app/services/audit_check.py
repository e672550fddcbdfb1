"""Checking the event log nobody can quietly rewrite: the first broken link, named exactly."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.services.context import Context
from app.store.history import check_chain


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


def verify_history(ctx: Context, anchor: str = "") -> ChainReport:
    """Walk the whole log. `anchor` is a head hash printed earlier (monthly summary)."""
    found = check_chain(anchor.strip().lower())
    return ChainReport(
        ok=found.ok,
        checked=found.checked,
        head=found.head,
        broken_id=found.broken_id,
        broken_number=found.broken_number,
        broken_at=ctx.local(found.broken_at) if found.broken_at else None,
        why=found.why,
        missing_from=found.missing_from,
    )


def chain_head_text(ctx: Context) -> str:
    """The head hash for printing on the monthly summary (one line, fits a receipt)."""
    return check_chain().head
