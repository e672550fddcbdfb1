"""A PostgreSQL database per test, made fast from templates (set AFTERDESK_TEST_PG to use it).

`AFTERDESK_TEST_PG=postgresql://role:password@host:port/db` names a role that may create
databases (`.ci/start-postgres` makes one and prints the line). Each test that opens a new data
folder on the "pg" backend gets a database of its own, cloned from a template that already has
the schema (CREATE DATABASE … TEMPLATE takes ~40 ms; making the tables would take longer), and
the folder gets a ``server.json`` pointing at it, exactly as `server connect` writes one, so the
CLI's subprocesses use it too. Databases are dropped when the tests of their module are done, by
a background thread: each DROP DATABASE makes the server take a checkpoint (~0.1–0.7 s), and a
module of a hundred [pg] tests would otherwise wait a minute at its end for them.
"""

from __future__ import annotations

import hashlib
import os
import queue
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg2

URL = os.environ.get("AFTERDESK_TEST_PG", "")


class Databases:
    """Creates and drops the test databases of one pytest session (names unique per session, so
    two sessions on one server never meet)."""

    def __init__(self, url: str) -> None:
        from app.services.safekeeping.server import parse_address

        self.admin = parse_address(url)
        self.prefix = f"adt_{uuid.uuid4().hex[:8]}"
        self.count = 0
        self.made: list[str] = []  # dropped at the next module boundary
        self.templates: dict[str, str] = {}  # key -> template database
        self._doomed: queue.Queue[str | None] = queue.Queue()  # for the dropping thread
        self._held: list[str] = []  # still held when the thread tried: dropped at the end
        self._dropper: threading.Thread | None = None

    @contextmanager
    def _admin(self) -> Iterator[psycopg2.extensions.cursor]:
        a = self.admin
        con = psycopg2.connect(
            host=a.host, port=a.port, dbname=a.dbname, user=a.user, password=a.password
        )
        con.autocommit = True
        try:
            with con.cursor() as cur:
                yield cur
        finally:
            con.close()

    def address(self, dbname: str) -> object:
        from dataclasses import replace

        return replace(self.admin, dbname=dbname)

    def _create(self, name: str, template: str = "template0") -> None:
        extra = " LOCALE 'C' ENCODING 'UTF8'" if template == "template0" else " STRATEGY FILE_COPY"
        with self._admin() as cur:
            cur.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"{extra}')

    def _new_name(self) -> str:
        self.count += 1
        return f"{self.prefix}_{self.count}"

    def schema_template(self) -> str:
        """A database with the schema and nothing else, made once per session."""
        if "schema" not in self.templates:
            name = f"{self.prefix}_tpl"
            self._create(name)
            self._open_aside(name)
            self.templates["schema"] = name
        return self.templates["schema"]

    def demo_template(self, sqlite_file: Path) -> str:
        """A database holding the rows of a SQLite demo file (copied as `server import` does)."""
        key = "demo:" + hashlib.sha1(str(sqlite_file).encode()).hexdigest()[:10]
        if key not in self.templates:
            from app.store import db as store_db
            from app.store import server as store_server

            name = f"{self.prefix}_demo{len(self.templates)}"
            self._create(name, self.schema_template())
            target = store_db.server_database(**self.address(name).connect_params())  # type: ignore[attr-defined]
            source = store_server.open_sqlite_read_only(sqlite_file)
            try:
                with target.atomic():
                    store_server.clear_for_import(target)
                    store_server.copy_rows(source, target, store_server.MODELS)
                    store_server.reset_sequences(target)
            finally:
                source.close()
                target.close()
            self.templates[key] = name
        return self.templates[key]

    def _open_aside(self, name: str) -> None:
        """Make the schema in `name` through the program's own open, then put back what was open."""
        from app.services.shop.setup import open_data_folder
        from app.store.db import database

        was = database.obj
        folder = Path(tempfile.mkdtemp(prefix=f"{name}-"))
        try:
            from app.services.safekeeping import server

            server.save_address(folder, self.address(name))  # type: ignore[arg-type]
            open_data_folder(folder)
        finally:
            obj = database.obj
            if obj is not None and not obj.is_closed():
                obj.close()
            if was is not None:
                database.initialize(was)
            shutil.rmtree(folder, ignore_errors=True)

    def provision(self, folder: Path, template: str | None = None) -> str:
        """A new database for `folder` (a copy of `template`, default the bare schema)."""
        from app.services.safekeeping import server

        name = self._new_name()
        self._create(name, template or self.schema_template())
        self.made.append(name)
        server.save_address(folder, self.address(name))  # type: ignore[arg-type]
        return name

    def _drop(self, cur: Any, name: str) -> bool:
        """Drop one test database; an autovacuum worker (the server's own role, which the test
        role may not terminate) can hold it for a moment, so try again for up to two seconds."""
        for _ in range(20):
            try:
                cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                return True
            except (psycopg2.errors.InsufficientPrivilege, psycopg2.errors.ObjectInUse):
                time.sleep(0.1)
        return False

    def drop_made(self) -> None:
        """Hand the module's databases to the dropping thread (nothing uses them any more)."""
        if not self.made:
            return
        if self._dropper is None:
            self._dropper = threading.Thread(target=self._drop_queued, daemon=True)
            self._dropper.start()
        for name in self.made:
            self._doomed.put(name)
        self.made.clear()

    def _drop_queued(self) -> None:
        with self._admin() as cur:
            while (name := self._doomed.get()) is not None:
                if not self._drop(cur, name):
                    self._held.append(name)  # left for drop_all rather than failing a test

    def drop_all(self) -> None:
        self.drop_made()
        if self._dropper is not None:
            self._doomed.put(None)
            self._dropper.join()
            self._dropper = None
        while not self._doomed.empty():  # left over if the thread lost its connection
            if (name := self._doomed.get()) is not None:
                self._held.append(name)
        with self._admin() as cur:
            for name in [*self._held, *self.templates.values()]:
                self._drop(cur, name)
        self._held.clear()
        self.templates.clear()
