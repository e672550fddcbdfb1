"""Shared fixtures: a real SQLite data folder in a temp dir, a controllable clock, users."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from app import i18n, paths
from app.domain.errors import DomainError
from app.services.context import Context
from app.services.setup import close_data_folder, context_for, open_data_folder
from app.store.db import database
from app.store.models import MODELS, User


class Clock:
    """A clock the test moves by hand; aware UTC datetimes."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture(autouse=True)
def _english() -> None:
    i18n.setup("en")


@pytest.fixture
def clock() -> Clock:
    # 10:00 in Shanghai on a Monday.
    return Clock(datetime(2026, 3, 2, 2, 0, tzinfo=UTC))


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    folder = open_data_folder(tmp_path / "data")
    yield folder
    close_data_folder()


def make_user(name: str, role: str, *, is_manager: bool = False) -> User:
    return User.create(
        name=name,
        display_name=name.title(),
        role=role,
        is_manager=is_manager,
        created_at=datetime.now(UTC),
    )


@pytest.fixture
def ctx(data_dir: Path, clock: Clock) -> Context:
    """Acting as the owner."""
    make_user("boss", "owner")
    return context_for(data_dir, "boss", clock=clock)


@pytest.fixture
def desk_ctx(data_dir: Path, clock: Clock, ctx: Context) -> Context:
    """Acting as a front-desk clerk who is not a manager."""
    make_user("desk", "front_desk")
    return context_for(data_dir, "desk", clock=clock)


@pytest.fixture
def tech_ctx(data_dir: Path, clock: Clock, ctx: Context) -> Context:
    make_user("tech", "technician")
    return context_for(data_dir, "tech", clock=clock)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database file with 40 demo cases, made once per test session (make_demo takes seconds)."""
    from app.services.demo import make_demo

    folder = open_data_folder(tmp_path_factory.mktemp("demo-template"))
    try:
        make_user("boss", "owner")
        start = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
        make_demo(context_for(folder, "boss", clock=Clock(start)), cases=40)
    finally:
        close_data_folder()
    return paths.db_path(folder)


def demo_copy(template: Path, data_dir: Path, clock: Clock) -> Context:
    """Put a copy of the demo database into `data_dir` and act there as the owner "boss"."""
    close_data_folder()
    shutil.copyfile(template, paths.db_path(data_dir))
    for suffix in ("-wal", "-shm"):
        Path(str(paths.db_path(data_dir)) + suffix).unlink(missing_ok=True)
    open_data_folder(data_dir)
    return context_for(data_dir, "boss", clock=clock)


def row_counts() -> dict[str, int]:
    """Rows in every table, in one query: "nothing was written" compares two of these."""
    sql = "SELECT " + ", ".join(f'(SELECT count(*) FROM "{m._meta.table_name}")' for m in MODELS)
    row = database.execute_sql(sql).fetchone()
    return {m.__name__: n for m, n in zip(MODELS, row, strict=True)}


def refused(fn: Callable[[], Any], code: str) -> DomainError:
    """Run a call that must be refused with `code`, and check nothing was written."""
    before = row_counts()
    with pytest.raises(DomainError) as info:
        fn()
    assert info.value.code == code, info.value.params
    assert row_counts() == before
    return info.value
