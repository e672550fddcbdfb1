"""Where things live, for source and frozen (PyInstaller) runs alike."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "AfterDesk"


def resource_root() -> Path:
    """The folder holding app/, assets/ and forms/ (sys._MEIPASS when frozen)."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    return Path(__file__).resolve().parent.parent


def asset(*parts: str) -> Path:
    return resource_root().joinpath("assets", *parts)


def form_spec(*parts: str) -> Path:
    return resource_root().joinpath("forms", *parts)


def default_data_dir() -> Path:
    """The user's application-data folder, never next to the executable."""
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
