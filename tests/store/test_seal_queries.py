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


def test_the_quick_seal_texts_are_the_exact_seals(backend: str, ctx: Context) -> None:
    """`audit verify` has SQLite write each case's seal text (issue #20, ≤ 5 s at 200,000
    cases); whatever the amounts, times and texts, it must be the text `all_seals` hashes, and
    an edited row is still found (a quick digest that differs is worked out again exactly)."""
    from datetime import timedelta
    from decimal import Decimal

    from app.store.models import Case, MoneyEntry
    from app.store.seals import _quick_texts, all_seals

    numbers = []
    for i in range(4):
        made = take_intake(
            ctx, IntakeForm(kind="complaint", name=f'客"户\\{i}\n', phone=f"1390013900{i}")
        )
        numbers.append(made.number)
    boss = User.get(User.name == "boss")
    cases = list(Case.select().where(Case.number.in_(numbers)).order_by(Case.id))
    at = ctx.now().replace(microsecond=123456)
    amounts = ["0.01", "0.00", "1234567.89", "99999999.99", "12.50", "-3.05"]
    for case, amount in zip(cases * 2, amounts, strict=False):
        MoneyEntry.create(
            case=case, kind="refund", amount=Decimal(amount), at=at, by=boss, route="cash"
        )
        at = at.replace(microsecond=0) + timedelta(seconds=1)
    cases[0].closed_at = ctx.now().replace(microsecond=0)
    cases[0].save()
    cases[1].closed_at = ctx.now().replace(microsecond=654321)
    cases[1].save()
    exact = all_seals("case")
    texts = _quick_texts("case")
    if not is_sqlite():
        assert texts is None  # PostgreSQL reads them in Python
    else:
        import hashlib

        quick = {i: hashlib.sha256(t.encode("utf-8")).hexdigest() for i, t in texts}
        assert quick == exact
    # The log seals each case as it is now; then a case's amount is changed in its table.
    for case in cases:
        record_event(
            at=ctx.now(), actor_id=boss.id, entity="case", entity_id=case.id, action="noted"
        )
    assert check_seals(("case",)) == []
    Case.update(amount=Decimal("9999.00")).where(Case.id == cases[2].id).execute()
    assert [(m.entity_id, m.why) for m in check_seals(("case",))] == [(cases[2].id, "changed")]
