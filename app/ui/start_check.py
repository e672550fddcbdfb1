"""The database's start-up check, begun before the window's own code is loaded.

At start the whole database file is checked (SQLite's quick_check) before anything opens it:
a damaged file is offered a backup instead of being written to. At 200,000 cases that check
reads a 420 MB file, about 0.7 s even from the disk cache, and it ran after the window's modules
had loaded and its window had been made. SQLite does that work without holding Python's
interpreter, so on its own thread it runs beside the loading of the window's code and the making
of its window; the session still waits for its answer before it opens the database.

Meanwhile the first screen (sign-in, or owner setup in a new shop) is shown from the lists read
just before the check: what the clerk types is kept, and signing in waits for the check.
"""

from __future__ import annotations

import threading
from pathlib import Path

from app import paths
from app.services.safekeeping.backups import Health, check_database, uses_server
from app.services.shop.accounts import SignInList, sign_in_list_in_file


class StartCheck:
    """`check_database(folder)` on its own thread; `result()` waits for it and answers as the
    call would have (its exception too). Before it, the thread reads what the first screen lists
    (`listed()`), so the first screen can be shown while the check runs."""

    def __init__(self, folder: Path) -> None:
        self._done = threading.Event()
        self._read = threading.Event()
        self._listed: SignInList | None = None
        self._health: Health | None = None
        self._error: BaseException | None = None
        threading.Thread(
            target=self._run, args=(folder,), name="afterdesk-start-check", daemon=True
        ).start()

    def _run(self, folder: Path) -> None:
        try:
            if not uses_server(folder):  # a server checks its own files
                self._listed = sign_in_list_in_file(paths.db_path(folder))
        except Exception:  # noqa: BLE001 - nothing listed early: the first screen waits
            self._listed = None
        finally:
            self._read.set()
        try:
            self._health = check_database(folder)
        except BaseException as exc:  # noqa: BLE001 - handed to the session, as if it had asked
            self._error = exc
        finally:
            self._done.set()

    def listed(self) -> SignInList | None:
        """The first screen's lists read from the file before the check (None: unreadable)."""
        self._read.wait()
        return self._listed

    def done(self) -> bool:
        return self._done.is_set()

    def result(self) -> Health:
        self._done.wait()
        if self._error is not None:
            raise self._error
        assert self._health is not None
        return self._health
