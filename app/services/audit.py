"""Writing one event about a record, stamped with the acting user and the context's clock."""

from __future__ import annotations

from typing import Any

from app.services.context import Context
from app.store.history import record_event


def log(
    ctx: Context,
    entity: str,
    record: Any,
    action: str,
    data: dict[str, Any] | None = None,
    note: str = "",
) -> None:
    """Call inside the write transaction of the change it describes."""
    record_event(
        at=ctx.now(),
        actor_id=ctx.actor.id,
        entity=entity,
        entity_id=record.id,
        number=getattr(record, "number", ""),
        action=action,
        data=data,
        note=note,
    )
