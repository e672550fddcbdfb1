"""SQL expressions that SQLite and PostgreSQL spell differently, chosen for the open database.

Services build their queries with peewee; the few functions outside standard SQL come from here
so that the same query runs on one PC's SQLite file and on the shop's PostgreSQL server.
"""

from __future__ import annotations

import peewee as pw

from app.store.db import is_postgres


def json_text(field: pw.Field, key: str) -> pw.Node:
    """The top-level `key` of a JSON text column, as text (NULL when absent)."""
    if not key.replace("_", "").isalnum():
        raise ValueError(f"not a plain JSON key: {key!r}")
    if is_postgres():
        return pw.NodeList((pw.Cast(field, "json"), pw.SQL(f"->> '{key}'")), glue=" ")
    return pw.fn.json_extract(field, pw.SQL(f"'$.{key}'"))


def days_between(later: pw.Field, earlier: pw.Field) -> pw.Node:
    """Fractional days from `earlier` to `later` (two timestamp columns)."""
    if is_postgres():
        seconds = pw.fn.EXTRACT(pw.NodeList((pw.SQL("EPOCH FROM"), later - earlier)))
        return seconds / 86400.0
    return pw.fn.julianday(later) - pw.fn.julianday(earlier)
