"""Shared fixtures: a real data folder in a temp dir, a controllable clock, users.

Backends: the data folders are SQLite files; with AFTERDESK_TEST_PG set (CI sets it, see
tests/pg.py) every test under tests/services and tests/cli runs twice, ``[sqlite]`` and ``[pg]``:
in a ``[pg]`` run each data folder the test opens gets a fresh PostgreSQL database of its own.
Tests about SQLite files themselves (copies, damage, WAL, network drives, old files, FTS) are
marked ``@pytest.mark.sqlite_only``. Without AFTERDESK_TEST_PG nothing is parametrized.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Generator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from app import i18n, paths
from app.domain.errors import DomainError
from app.services.shop.context import Context
from app.services.shop.setup import close_data_folder, context_for, open_data_folder
from app.store.db import database
from app.store.models import MODELS, User
from tests import pg

_active = ["sqlite"]  # the backend of the test being set up, run or torn down
_databases: pg.Databases | None = None


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only: about SQLite files themselves; never run against PostgreSQL"
    )
    config.addinivalue_line(
        "markers", "pg_only: about the shop server itself; only when AFTERDESK_TEST_PG is set"
    )
    if pg.URL:
        _install_pg_hook()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """[sqlite] and [pg] for tests that use `backend` (only when AFTERDESK_TEST_PG is set)."""
    if "backend" not in metafunc.fixturenames or not pg.URL:
        return
    only_sqlite = metafunc.definition.get_closest_marker("sqlite_only") is not None
    only_pg = metafunc.definition.get_closest_marker("pg_only") is not None
    names = ["sqlite"] if only_sqlite else ["pg"] if only_pg else ["sqlite", "pg"]
    metafunc.parametrize("backend", names, indirect=True, scope="session")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without a server, server-only tests are not generated at all (deselected, not skipped)."""
    if pg.URL:
        return
    keep = [i for i in items if i.get_closest_marker("pg_only") is None]
    if len(keep) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in keep])
        items[:] = keep


@pytest.fixture(scope="session")
def backend(request: pytest.FixtureRequest) -> str:
    """The database backend of this test: "sqlite", or "pg" (a PostgreSQL server)."""
    return str(getattr(request, "param", "sqlite"))


def active_backend() -> str:
    return _active[0]


def pg_databases() -> pg.Databases:
    global _databases
    if _databases is None:
        _databases = pg.Databases(pg.URL)
    return _databases


def _install_pg_hook() -> None:
    """In a [pg] test, a data folder opened for the first time gets its own PostgreSQL database
    (its server.json is written as `server connect` writes it)."""
    from app.services.safekeeping import server

    real = server.folder_address

    def folder_address(data_dir: Path) -> object:
        folder = Path(data_dir)
        fresh = not paths.server_file(folder).exists() and not paths.db_path(folder).exists()
        if _active[0] == "pg" and fresh and server._override is None:
            pg_databases().provision(folder)
        return real(folder)

    server.folder_address = folder_address  # type: ignore[assignment]


def prepare_folder(folder: Path) -> None:
    """Before a subprocess opens `folder`: in a [pg] test, give a new folder its database."""
    from app.services.safekeeping import server

    server.folder_address(Path(folder))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    callspec = getattr(item, "callspec", None)
    _active[0] = str(callspec.params.get("backend", "sqlite")) if callspec else "sqlite"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Generator:
    yield
    _active[0] = "sqlite"
    if _databases is not None and (nextitem is None or nextitem.module is not item.module):
        _databases.drop_made()  # the module's fixtures are gone: so are its databases


def pytest_sessionfinish(session: pytest.Session) -> None:
    if _databases is not None:
        _databases.drop_all()


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
    """A staff account without a PIN, written with its event as the program writes accounts
    (its row is sealed in the log: a row without one is refused at the next start)."""
    return seal_user(
        User.create(
            name=name,
            display_name=name.title(),
            role=role,
            is_manager=is_manager,
            created_at=datetime.now(UTC),
        )
    )


SEALED_AT = datetime(2026, 1, 1, tzinfo=UTC)  # before every test clock: never "in the future"


def seal_user(user: User, action: str = "created") -> User:
    """Write the event a test's direct change to an account row would have had."""
    from app.store.history import record_event

    record_event(
        at=SEALED_AT,
        actor_id=user.id,
        entity="user",
        entity_id=user.id,
        action=action,
        data={"name": user.name},
    )
    return user


def unsealed(data: dict | None) -> dict | None:
    """An event's data without the row seal (app.store.seals) the store adds."""
    return {k: v for k, v in (data or {}).items() if k != "seal"} if data is not None else None


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
    from app.demo import make_demo

    folder = open_data_folder(tmp_path_factory.mktemp("demo-template"), local=True)
    try:
        make_user("boss", "owner")
        start = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
        make_demo(context_for(folder, "boss", clock=Clock(start)), cases=40)
    finally:
        close_data_folder()
    return paths.db_path(folder)


def demo_copy(template: Path, data_dir: Path, clock: Clock) -> Context:
    """Put a copy of the demo database into `data_dir` and act there as the owner "boss"
    (in a [pg] test: a new server database holding the same rows)."""
    close_data_folder()
    if active_backend() == "pg":
        dbs = pg_databases()
        dbs.provision(Path(data_dir), dbs.demo_template(template))
    else:
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


def snapshot(number: str) -> tuple[dict[str, int], tuple[Any, ...]]:
    """Row counts of every table and one case's row itself, read with plain SQL (fast)."""
    row = database.execute_sql(q('SELECT * FROM "case" WHERE number = ?'), (number,)).fetchone()
    assert row is not None
    return row_counts(), tuple(row)


def refused(fn: Callable[[], Any], code: str, *, number: str | None = None) -> DomainError:
    """Run a call that must be refused with `code`, and check nothing was written.

    With `number`, the case's own row must be unchanged too (a refused move updates no column).
    """
    before = snapshot(number) if number else row_counts()
    with pytest.raises(DomainError) as info:
        fn()
    assert info.value.code == code, info.value.params
    assert (snapshot(number) if number else row_counts()) == before
    return info.value


def q(sql: str) -> str:
    """Raw SQL written with SQLite's "?" placeholders, for the open database (PostgreSQL: %s)."""
    from app.store.db import is_postgres

    return sql.replace("?", "%s") if is_postgres() else sql


def sqlite_view(folder: Path, out: Path) -> Path:
    """A SQLite file with the folder's rows, for checks written in plain sqlite3: the folder's
    own file, or (server database) a snapshot of it taken now at `out`."""
    from app.services.safekeeping import server
    from app.store import db as store_db
    from app.store.server import snapshot_to

    address = server.read_address(Path(folder))
    if address is None:
        return paths.db_path(Path(folder))
    source = store_db.server_database(**address.connect_params())  # type: ignore[arg-type]
    try:
        out.unlink(missing_ok=True)
        return snapshot_to(source, out)
    finally:
        source.close()
