"""The seal check at every start reads the log along its index (issue #20, start time).

At 750,000 events a scan of the whole log cost ~0.15 s per query, twice per entity, at every
start; the plan is checked here rather than a time (no timed assertions in unit tests).
"""

from __future__ import annotations

import logging
from typing import Any

import pytest

from app.services.casework.intake import IntakeForm, take_intake
from app.services.shop.context import Context
from app.store.db import database, is_sqlite
from app.store.history import record_event
from app.store.models import Event, User
from app.store.seals import AT_START, SEALING_STARTED, check_seals, sealed_from


def _event_queries(caplog: pytest.LogCaptureFixture) -> list[tuple[str, Any]]:
    found = []
    for record in caplog.records:
        sql, params = record.msg if isinstance(record.msg, tuple) else (None, None)
        if isinstance(sql, str) and sql.lstrip().upper().startswith("SELECT") and '"event"' in sql:
            found.append((sql, params))
    return found


def test_the_start_check_never_scans_the_whole_log(
    ctx: Context, caplog: pytest.LogCaptureFixture
) -> None:
    for i in range(3):
        take_intake(ctx, IntakeForm(kind="complaint", name=f"客户{i}", phone=f"1380013800{i}"))
    if not is_sqlite():
        pytest.skip("the query plan checked is SQLite's")
    with caplog.at_level(logging.DEBUG, logger="peewee"):
        assert check_seals(AT_START) == []
    queries = _event_queries(caplog)
    assert queries, "the check reads the log"
    for sql, params in queries:
        plan = database.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall()
        details = " ".join(str(row[-1]) for row in plan)
        assert "SCAN" not in details, (sql, details)  # a SEARCH along an index, no scan


def test_an_upgraded_folder_still_finds_where_sealing_started(backend: str, ctx: Context) -> None:
    """The migration's event (entity "database" #0) is what `sealed_from` reads."""
    assert sealed_from("user") == 0  # made by this version: sealed from the start
    system = User.get_or_none(User.name == "system") or User.get(User.name == "boss")
    record_event(
        at=ctx.now(),
        actor_id=system.id,
        entity="database",
        entity_id=0,
        action=SEALING_STARTED,
        data={"user": 7, "setting": 0},
    )
    assert sealed_from("user") == 7
    assert sealed_from("case") is None
    assert Event.select().where(Event.action == SEALING_STARTED).count() == 1
