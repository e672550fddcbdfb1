"""The event log nobody can quietly rewrite: triggers refuse edits, the chain names the break.

Tampering is done as an attacker would: a raw sqlite3 connection drops the triggers first.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import peewee as pw
import pytest

from app.cli import main as cli_main
from app.services.casework.intake import IntakeForm, take_intake
from app.services.safekeeping.audit_check import verify_history
from app.services.shop.context import Context
from app.store.db import database
from app.store.history import GENESIS, chain_head, check_chain, event_digest
from app.store.models import Event


@pytest.fixture
def events(ctx: Context) -> list[Event]:
    for i in range(4):
        take_intake(ctx, IntakeForm(kind="complaint", name=f"客户{i}", phone=f"1380013800{i}"))
    return list(Event.select().order_by(Event.id))


@contextmanager
def attacker(data_dir: Path) -> Iterator[sqlite3.Connection]:
    con = sqlite3.connect(str(data_dir / "afterdesk.db"), isolation_level=None)
    con.execute("DROP TRIGGER IF EXISTS event_no_update")
    con.execute("DROP TRIGGER IF EXISTS event_no_delete")
    try:
        yield con
    finally:
        con.close()


def _verify_cli(data_dir: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    code = cli_main(["--lang", "en", "--data-dir", str(data_dir), "audit", "verify", *extra])
    return code, capsys.readouterr().out


def test_intact_chain_reports_count_and_head(
    events: list[Event], data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    found = check_chain()
    assert found.ok and found.checked == len(events) == 9  # the account, customer + case each
    assert found.head == events[-1].hash == chain_head()[1]
    assert events[0].prev_hash == GENESIS
    code, out = _verify_cli(data_dir, capsys)
    assert code == 0
    assert out.strip() == f"9 events, chain intact, head {events[-1].hash}"


def test_triggers_refuse_update_and_delete(events: list[Event]) -> None:
    with pytest.raises(pw.IntegrityError, match="append-only"):
        Event.update(note="edited").where(Event.id == events[2].id).execute()
    with pytest.raises(pw.IntegrityError, match="append-only"):
        Event.delete().where(Event.id == events[2].id).execute()
    assert check_chain().ok


def test_one_changed_row_is_named_exactly(
    ctx: Context, events: list[Event], data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    victim = events[6]
    assert victim.number
    with attacker(data_dir) as con:
        con.execute("UPDATE event SET note = 'refund was 50' WHERE id = ?", (victim.id,))
    report = verify_history(ctx)
    assert not report.ok
    assert (report.broken_id, report.why, report.checked) == (victim.id, "changed", 6)
    assert report.broken_number == victim.number
    code, out = _verify_cli(data_dir, capsys)
    assert code == 1
    at = ctx.local(victim.at).strftime("%Y-%m-%d %H:%M:%S")
    assert f"Chain broken at event {victim.id} ({victim.number} {at})" in out
    assert "its content was changed after it was written" in out
    assert "6 events before it are intact" in out


def test_a_rewritten_row_with_a_fresh_hash_breaks_the_next_link(
    events: list[Event], data_dir: Path
) -> None:
    victim = events[3]
    data = {**(victim.data or {}), "kind": "repair"}
    with attacker(data_dir) as con:
        con.execute("UPDATE event SET data = ? WHERE id = ?", (json.dumps(data), victim.id))
    fixed = Event.get_by_id(victim.id)
    from app.store.history import _chain_fields

    new_hash = event_digest(fixed.prev_hash, _chain_fields(fixed))
    with attacker(data_dir) as con:
        con.execute("UPDATE event SET hash = ? WHERE id = ?", (new_hash, victim.id))
    found = check_chain()
    assert (found.ok, found.broken_id, found.why) == (False, victim.id + 1, "relinked")


def test_a_deleted_row_is_named_as_a_gap(
    events: list[Event], data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    victim = events[4]
    with attacker(data_dir) as con:
        con.execute("DELETE FROM event WHERE id = ?", (victim.id,))
    found = check_chain()
    assert (found.broken_id, found.why, found.missing_from) == (victim.id + 1, "missing", victim.id)
    code, out = _verify_cli(data_dir, capsys)
    assert code == 1
    assert f"events {victim.id}–{victim.id} were deleted" in out


def test_a_cut_tail_is_caught_by_the_printed_anchor(
    events: list[Event], data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    anchor = events[-1].hash  # as printed on the monthly summary
    with attacker(data_dir) as con:
        con.execute("DELETE FROM event WHERE id >= ?", (events[-2].id,))
    assert check_chain().ok  # the rest still links up: only the anchor can tell
    found = check_chain(anchor)
    assert (found.ok, found.why, found.checked) == (False, "anchor_missing", len(events) - 2)
    code, out = _verify_cli(data_dir, capsys, "--anchor", anchor)
    assert code == 1
    assert f"the head {anchor} printed earlier is no longer in the log" in out
    assert check_chain(events[2].hash).ok
    # The chain alone links up, but the cut events sealed the last case's rows: still caught.
    code, out = _verify_cli(data_dir, capsys, "--anchor", events[2].hash)
    assert code == 1 and "changed outside AfterDesk" in out and "case #4" in out


def test_the_summary_walks_only_what_came_after_the_last_intact_walk(
    ctx: Context, events: list[Event]
) -> None:
    from app.services.safekeeping.audit_check import verify_since_checkpoint

    first = verify_since_checkpoint(ctx)  # no checkpoint yet: the whole log
    assert (first.ok, first.whole, first.checked) == (True, True, 9)
    take_intake(ctx, IntakeForm(kind="complaint", name="新客户", phone="13900139000"))
    later = verify_since_checkpoint(ctx)
    assert (later.ok, later.whole, later.checked, later.sampled) == (True, False, 2, 9)
    assert later.head == chain_head()[1]


def test_an_old_edit_is_found_by_the_sample_and_named_by_a_whole_walk(
    ctx: Context, events: list[Event], data_dir: Path
) -> None:
    from app.services.safekeeping.audit_check import verify_since_checkpoint

    assert verify_since_checkpoint(ctx).ok
    victim = events[2]
    with attacker(data_dir) as con:
        con.execute("UPDATE event SET note = 'quietly' WHERE id = ?", (victim.id,))
    found = verify_since_checkpoint(ctx, sample=len(events))
    assert (found.ok, found.whole, found.broken_id, found.why) == (
        False,
        True,
        victim.id,
        "changed",
    )


def test_a_rebuilt_tail_no_longer_matches_the_checkpoint(
    ctx: Context, events: list[Event], data_dir: Path
) -> None:
    from app.services.safekeeping.audit_check import verify_since_checkpoint

    assert verify_since_checkpoint(ctx).ok
    with attacker(data_dir) as con:  # the checkpoint's event replaced by one with a new hash
        con.execute("UPDATE event SET hash = ? WHERE id = ?", ("0" * 64, events[-1].id))
    found = verify_since_checkpoint(ctx, sample=0)
    assert (found.ok, found.whole, found.broken_id, found.why) == (
        False,
        True,
        events[-1].id,
        "changed",
    )


def test_the_quick_digest_of_every_stored_row_is_the_written_hash(
    backend: str, ctx: Context
) -> None:
    """The whole-log walk hashes stored text directly; it must agree with what the writer hashed
    for every shape of event (Chinese, nested data, no data, numbers), or the walk would fall
    back to the slow path row by row."""
    from app.store.history import quick_rows, record_event

    take_intake(ctx, IntakeForm(kind="complaint", name='张三 "引号"', phone="13800138000"))
    with database.atomic():
        record_event(
            at=ctx.now(),
            actor_id=1,
            entity="case",
            entity_id=1,
            action="note",
            data={"退款": "50.00", "items": [1, 2.5, None, {"b": True, "a": "屏幕\n碎"}]},
            note="tab\there \\ back",
        )
    rows = list(quick_rows(0))
    assert len(rows) == Event.select().count() >= 3
    prev = GENESIS
    for _id, prev_hash, digest, payload in rows:
        assert prev_hash == prev
        assert payload is not None
        assert hashlib.sha256((prev + payload).encode("utf-8")).hexdigest() == digest
        prev = digest
    assert check_chain().ok


def test_a_rewrite_to_the_same_values_is_not_called_a_break(
    events: list[Event], data_dir: Path
) -> None:
    """Stored text spelled differently but meaning the same (JSON spacing, a zero fraction of a
    second) hashes as before through the fields: the quick path never changes the verdict."""
    victim = next(e for e in events if e.data)
    with attacker(data_dir) as con:
        raw, at = con.execute("SELECT data, at FROM event WHERE id = ?", (victim.id,)).fetchone()
        spaced = json.dumps(json.loads(raw), ensure_ascii=True, indent=1)
        con.execute("UPDATE event SET data = ? WHERE id = ?", (spaced, victim.id))
    found = check_chain()
    assert found.ok and found.checked == len(events)
    with attacker(data_dir) as con:
        con.execute("UPDATE event SET data = ? WHERE id = ?", (spaced + " ", victim.id))
        con.execute("UPDATE event SET note = 'x' WHERE id = ?", (victim.id,))
    found = check_chain()
    assert (found.ok, found.broken_id, found.why) == (False, victim.id, "changed")
