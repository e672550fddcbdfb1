"""Where things live, for source and frozen (PyInstaller) runs alike."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "AfterDesk"


def is_frozen() -> bool:
    """True in the program built by PyInstaller (build/afterdesk.spec), False from source."""
    return bool(getattr(sys, "frozen", False)) and hasattr(sys, "_MEIPASS")


def resource_root() -> Path:
    """The folder holding app/, assets/ and forms/.

    From source: the repository. Frozen: PyInstaller's bundle folder (``sys._MEIPASS``, the
    ``_internal`` folder beside ``AfterDesk.exe``), where build/afterdesk.spec puts assets/,
    forms/ and the compiled catalogs under app/i18n/locale/. Read-only: nothing is ever written
    there; the data folder is the user's (`default_data_dir`).
    """
    if is_frozen():
        return Path(sys._MEIPASS)  # type: ignore[attr-defined]
    return Path(__file__).resolve().parent.parent


def asset(*parts: str) -> Path:
    return resource_root().joinpath("assets", *parts)


def form_spec(*parts: str) -> Path:
    return resource_root().joinpath("forms", *parts)


def default_data_dir() -> Path:
    """The user's application-data folder, never next to the executable (also when frozen).

    Windows: ``%APPDATA%\\AfterDesk``; Linux: ``~/.local/share/AfterDesk``; macOS:
    ``~/Library/Application Support/AfterDesk``. ``AFTERDESK_DATA_DIR`` overrides it.
    """
    env = os.environ.get("AFTERDESK_DATA_DIR")
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False, roaming=True))


def db_path(data_dir: Path) -> Path:
    return data_dir / "afterdesk.db"


def backups_dir(data_dir: Path) -> Path:
    return data_dir / "backups"


def photos_dir(data_dir: Path) -> Path:
    return data_dir / "photos"


def logs_dir(data_dir: Path) -> Path:
    return data_dir / "logs"


def server_file(data_dir: Path) -> Path:
    """The shop server's address for this PC (settings live in the database, so not there)."""
    return data_dir / "server.json"
