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


def window_data_dir(given: Path | str | None) -> Path:
    """The folder the window opens: the one given, else the default; made if missing."""
    folder = Path(given) if given else default_data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def documents_dir() -> Path:
    """Where a file the user saves goes first: the user's Documents folder (its real name on a
    Chinese Windows too), else the home folder — never the program's own folder."""
    from platformdirs import user_documents_dir

    try:
        docs = Path(user_documents_dir())
    except Exception:  # noqa: BLE001 - any trouble finding it: the home folder will do
        docs = Path.home()
    return docs if docs.is_dir() else Path.home()


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


# Everything the program writes is the shop account's alone: another user of the PC must not
# copy the PIN hashes out of the database or read customers' slips (0600 files, 0700 folders).
PRIVATE_UMASK = 0o077


def private_files() -> None:
    """From now on this process creates files 0600 and folders 0700 (POSIX; Windows keeps the
    user profile's own permissions, which are already the user's)."""
    if os.name == "posix":
        os.umask(PRIVATE_UMASK)


def tighten(data_dir: Path) -> None:
    """Take group and other permissions off a data folder made by an older version (0644 files):
    the folder, the database with its -wal/-shm, backups, slips, logs, keys and photos."""
    if os.name != "posix":
        return
    folder = Path(data_dir)
    try:
        loose = [p for p in (folder, db_path(folder)) if p.exists() and p.stat().st_mode & 0o077]
        if not loose:
            return  # tightened before (or made by this version): no walk over every slip
        _strip(folder)
        for entry in folder.iterdir():
            _strip(entry)
            if entry.is_dir() and not entry.is_symlink():
                for sub in entry.rglob("*"):
                    _strip(sub)
    except OSError:
        pass  # a folder we cannot change is reported by whatever fails to use it


def _strip(path: Path) -> None:
    try:
        st = path.lstat()
    except OSError:
        return
    if path.is_symlink() or st.st_uid != os.getuid():
        return
    if st.st_mode & 0o077:
        os.chmod(path, st.st_mode & 0o700)
