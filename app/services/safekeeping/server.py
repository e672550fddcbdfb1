"""Several PCs, one shop: which PostgreSQL server this PC's data folder uses.

Settings live inside the database, so the server's address cannot: it lives in a small file in
the data folder, ``server.json``, written by ``main.py server connect`` or the Settings tab:

    {"server": "postgresql://afterdesk@192.168.1.20:5432/afterdesk", "password": "…"}

The file is written owner-only (0600 on POSIX; on Windows the data folder is in the user's own
profile). The password may be left out of it: then it comes from the environment variable
``AFTERDESK_DB_PASSWORD``, which also wins over the file when both are set. Without the file
the folder's own SQLite database is used, as on a single PC. ``--db URL`` overrides the file for
one run.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from app import paths
from app.domain.errors import DomainError
from app.store import db as store_db
from app.store import server as store_server
from app.store.server import ServerFacts

PASSWORD_ENV = "AFTERDESK_DB_PASSWORD"
DEFAULT_PORT = 5432
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")


@dataclass(frozen=True)
class ServerAddress:
    """Where the shop's database server is and who to log in as (the password never printed)."""

    host: str
    port: int = DEFAULT_PORT
    dbname: str = "afterdesk"
    user: str = "afterdesk"
    password: str = field(default="", repr=False, compare=False)
    sslmode: str = ""

    @property
    def label(self) -> str:
        """user@host:port/dbname: what the desk is shown, without the password."""
        return f"{self.user}@{self._host_text()}:{self.port}/{self.dbname}"

    @property
    def host_port(self) -> str:
        return f"{self.host}:{self.port}"

    def _host_text(self) -> str:
        return f"[{self.host}]" if ":" in self.host else self.host

    def url(self, *, with_password: bool = False) -> str:
        who = quote(self.user, safe="")
        if with_password and self.password:
            who += ":" + quote(self.password, safe="")
        query = f"?sslmode={self.sslmode}" if self.sslmode else ""
        return f"postgresql://{who}@{self._host_text()}:{self.port}/{quote(self.dbname)}{query}"

    def connect_params(self) -> dict[str, object]:
        return {
            "host": self.host,
            "port": self.port,
            "dbname": self.dbname,
            "user": self.user,
            "password": self.password,
            "options": {"sslmode": self.sslmode} if self.sslmode else None,
        }


def parse_address(text: str) -> ServerAddress:
    """`postgresql://user[:password]@host[:port]/dbname[?sslmode=…]`, checked.

    The user defaults to "afterdesk", the port to 5432 and the database to "afterdesk".
    Refused with DomainError("server_address_invalid") naming what is wrong.
    """
    raw = (text or "").strip()
    try:
        parts = urlsplit(raw)
        port = parts.port or DEFAULT_PORT
    except ValueError as exc:
        raise DomainError("server_address_invalid", address=raw, problem="port") from exc
    if parts.scheme not in ("postgresql", "postgres"):
        raise DomainError("server_address_invalid", address=raw, problem="scheme")
    if not parts.hostname:
        raise DomainError("server_address_invalid", address=raw, problem="host")
    dbname = unquote(parts.path.lstrip("/")) or "afterdesk"
    if "/" in dbname:
        raise DomainError("server_address_invalid", address=raw, problem="database")
    options = dict(parse_qsl(parts.query))
    sslmode = options.pop("sslmode", "")
    if options or (sslmode and sslmode not in SSL_MODES):
        raise DomainError("server_address_invalid", address=raw, problem="options")
    return ServerAddress(
        host=parts.hostname,
        port=port,
        dbname=dbname,
        user=unquote(parts.username or "") or "afterdesk",
        password=unquote(parts.password or ""),
        sslmode=sslmode,
    )


# --- the folder's file ------------------------------------------------------------------------

_override: ServerAddress | None = None


def use_for_this_run(url: str | None) -> None:
    """`--db URL`: this run uses that server whatever the folder's file says (None: the file)."""
    global _override
    _override = parse_address(url) if url else None


def _with_env_password(address: ServerAddress) -> ServerAddress:
    env = os.environ.get(PASSWORD_ENV, "")
    return replace(address, password=env) if env else address


def read_address(data_dir: Path) -> ServerAddress | None:
    """The server saved for this folder, or None (the folder's own SQLite database)."""
    path = paths.server_file(Path(data_dir))
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise DomainError("server_file_bad", file=str(path), detail=str(exc)) from exc
    try:
        data = json.loads(text)
        address = parse_address(str(data["server"]))
        password = str(data.get("password") or "")
    except (ValueError, KeyError, TypeError, DomainError) as exc:
        raise DomainError("server_file_bad", file=str(path), detail=str(exc)) from exc
    return _with_env_password(replace(address, password=password or address.password))


def folder_address(data_dir: Path) -> ServerAddress | None:
    """What this run uses for the folder: `--db` if given, else the folder's file."""
    if _override is not None:
        return _with_env_password(_override)
    return read_address(data_dir)


def save_address(data_dir: Path, address: ServerAddress, *, keep_password: bool = True) -> Path:
    """Write the folder's server file atomically, readable by its owner only."""
    folder = Path(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = paths.server_file(folder)
    data: dict[str, str] = {"server": address.url()}
    if keep_password and address.password:
        data["password"] = address.password
    tmp = path.with_name(path.name + ".part")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    with os.fdopen(os.open(tmp, flags, 0o600), "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=2)
        fh.write("\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return path


def forget_address(data_dir: Path) -> bool:
    """Go back to the folder's own SQLite database; True when a server was set."""
    try:
        paths.server_file(Path(data_dir)).unlink()
    except FileNotFoundError:
        return False
    return True


# --- talking to a server ----------------------------------------------------------------------


def check_server(address: ServerAddress) -> ServerFacts:
    """Connect once and look (the open database is not touched): the Test button, `server show`.

    Refused as StorageProblem: server_unreachable, server_login_failed, server_no_database.
    """
    params = address.connect_params()
    db = store_db.server_database(**params)  # type: ignore[arg-type]
    try:
        db.connect()
        return store_server.facts(db)
    except Exception as exc:
        code = store_db.storage_problem(exc)
        if code is None:
            raise
        raise store_db.StorageProblem(
            code, host=address.host_port, user=address.user, dbname=address.dbname
        ) from exc
    finally:
        db.close()


def connect(data_dir: Path, address: ServerAddress, *, keep_password: bool = True) -> ServerFacts:
    """Check the server, then save it as this folder's database (used from the next start)."""
    found = check_server(address)
    if found.encoding.upper() not in ("UTF8", "UTF-8"):
        raise DomainError("server_not_utf8", host=address.host_port, encoding=found.encoding)
    save_address(data_dir, address, keep_password=keep_password)
    return found
