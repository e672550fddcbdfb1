"""Writing one event about a record, stamped with the acting user and the context's clock."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.services.shop.context import Context
from app.store.history import record_event


def log(
    ctx: Context,
    entity: str,
    record: Any,
    action: str,
    data: dict[str, Any] | None = None,
    note: str = "",
    *,
    number: str | None = None,
    from_state: str = "",
    to_state: str = "",
    at: datetime | None = None,
) -> None:
    """Call inside the write transaction of the change it describes."""
    data = stamp(ctx, data)
    record_event(
        at=at or ctx.now(),
        actor_id=ctx.actor.id,
        entity=entity,
        entity_id=record.id,
        number=getattr(record, "number", "") if number is None else number,
        action=action,
        from_state=from_state,
        to_state=to_state,
        data=data,
        note=note,
    )


def stamp(ctx: Context, data: dict[str, Any] | None) -> dict[str, Any] | None:
    """Event data naming whose session it was when the owner confirmed an action with their PIN."""
    if ctx.actor.on_behalf_of:
        return {**(data or {}), "confirmed_for": ctx.actor.on_behalf_of}
    return data
