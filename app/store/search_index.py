"""The search index: FTS5 trigram tables for 3+ characters, a name-gram table for 1–2.

Both are derived data kept in sync by triggers on customer, case, repair_ticket and return_auth,
so every writer (services, restore, scripts) keeps them right without knowing they exist. When
this SQLite lacks FTS5 with the trigram tokenizer (before 3.34) nothing is created and searches
fall back to LIKE scans (logged once).

On PostgreSQL the searches take that LIKE path (ILIKE there) and the server answers it from
pg_trgm GIN indexes on the same columns when the extension can be created.

Indexed fields mirror the LIKE search exactly for 3+ characters: case number, serial and
description; customer name and phone; repair serial; return tracking number. For 1–2 characters
the index answers "customer name contains" and "phone ends with" (a LIKE '%x%' over 200,000
cases cannot be answered from an index, and one or two digits anywhere match nearly everything).
"""

from __future__ import annotations

import logging

import peewee as pw

from app.store.db import database, is_postgres, is_sqlite

log = logging.getLogger(__name__)

MIN_TRIGRAM = 3
_GRAM_SPAN = 80  # longest name whose grams are indexed (Customer.name max_length)

# (fts table, content table, columns)
FTS_TABLES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("customer_fts", "customer", ("name", "phone")),
    ("case_fts", "case", ("number", "serial", "description")),
    ("ticket_fts", "repair_ticket", ("serial",)),
    ("rma_fts", "return_auth", ("tracking_no",)),
)

_GRAM_ROWS = (
    "INSERT OR IGNORE INTO search_gram(gram, customer_id) "
    "SELECT lower(substr(new.name, n, 1)), new.id FROM search_num WHERE n <= length(new.name) "
    "UNION SELECT lower(substr(new.name, n, 2)), new.id FROM search_num "
    "WHERE n < length(new.name) "
    "UNION SELECT '#' || substr(new.phone, -1), new.id FROM search_num "
    "WHERE n = 1 AND length(new.phone) >= 1 "
    "UNION SELECT '#' || substr(new.phone, -2), new.id FROM search_num "
    "WHERE n = 1 AND length(new.phone) >= 2;"
)


def trigram_supported(db: pw.Database | None = None) -> bool:
    """Whether this SQLite has FTS5 with the trigram tokenizer."""
    db = db or database
    try:
        db.execute_sql("CREATE VIRTUAL TABLE temp._tri_probe USING fts5(x, tokenize='trigram')")
        db.execute_sql("DROP TABLE temp._tri_probe")
        return True
    except pw.OperationalError:
        return False


def _fts_sql(fts: str, table: str, cols: tuple[str, ...]) -> list[str]:
    names = ", ".join(cols)
    new = ", ".join(f"new.{c}" for c in cols)
    old = ", ".join(f"old.{c}" for c in cols)
    delete = f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old});"
    insert = f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new});"
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({names}, "
        f"content='{table}', content_rowid='id', tokenize='trigram')",
        f'CREATE TRIGGER IF NOT EXISTS {fts}_ai AFTER INSERT ON "{table}" BEGIN {insert} END',
        f'CREATE TRIGGER IF NOT EXISTS {fts}_ad AFTER DELETE ON "{table}" BEGIN {delete} END',
        f'CREATE TRIGGER IF NOT EXISTS {fts}_au AFTER UPDATE OF {names} ON "{table}" '
        f"BEGIN {delete} {insert} END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]


def _gram_sql() -> list[str]:
    return [
        "CREATE TABLE IF NOT EXISTS search_num (n INTEGER PRIMARY KEY)",
        "CREATE TABLE IF NOT EXISTS search_gram (gram TEXT NOT NULL, customer_id INTEGER NOT NULL,"
        " UNIQUE (gram, customer_id))",
        "CREATE INDEX IF NOT EXISTS search_gram_customer ON search_gram(customer_id)",
        "CREATE TRIGGER IF NOT EXISTS search_gram_ai AFTER INSERT ON customer "
        f"BEGIN {_GRAM_ROWS} END",
        "CREATE TRIGGER IF NOT EXISTS search_gram_ad AFTER DELETE ON customer "
        "BEGIN DELETE FROM search_gram WHERE customer_id = old.id; END",
        "CREATE TRIGGER IF NOT EXISTS search_gram_au AFTER UPDATE OF name, phone ON customer "
        f"BEGIN DELETE FROM search_gram WHERE customer_id = old.id; {_GRAM_ROWS} END",
    ]


# Fault words of 1–2 characters (屏幕, 电池): every single character and pair of a case's
# description as a word of its own in an FTS5 table, so "屏幕" is one posting list read newest
# first. The first _GRAM_SPAN characters are covered; 3+ characters use the trigram index.
_WORD_ROWS = (
    "INSERT INTO case_words(rowid, words) SELECT new.id, "
    "group_concat(substr(new.description, n, 1) || ' ' || substr(new.description, n, 2), ' ') "
    "FROM search_num WHERE n <= length(new.description);"
)


def _words_sql() -> list[str]:
    return [
        "CREATE VIRTUAL TABLE IF NOT EXISTS case_words USING fts5(words, tokenize='unicode61')",
        f'CREATE TRIGGER IF NOT EXISTS case_words_ai AFTER INSERT ON "case" BEGIN {_WORD_ROWS} END',
        'CREATE TRIGGER IF NOT EXISTS case_words_ad AFTER DELETE ON "case" '
        "BEGIN DELETE FROM case_words WHERE rowid = old.id; END",
        'CREATE TRIGGER IF NOT EXISTS case_words_au AFTER UPDATE OF description ON "case" '
        f"BEGIN DELETE FROM case_words WHERE rowid = old.id; {_WORD_ROWS} END",
    ]


def install_short_words(db: pw.Database | None = None) -> None:
    """Create (or rebuild) the 1–2 character fault-word index and its triggers."""
    db = db or database
    _available.clear()
    for sql in _words_sql():
        db.execute_sql(sql)
    db.execute_sql("DELETE FROM case_words")
    backfill = _WORD_ROWS.replace("new.", "c.").replace(
        "FROM search_num WHERE", 'FROM "case" c, search_num WHERE'
    )
    db.execute_sql(backfill.rstrip(";") + " GROUP BY c.id")


# PostgreSQL: (index, table, column) answered by pg_trgm for ILIKE '%text%' (3+ characters).
PG_TRGM_INDEXES: tuple[tuple[str, str, str], ...] = tuple(
    (f"{table}_{col}_trgm", table, col) for _fts, table, cols in FTS_TABLES for col in cols
)


def install_pg_trgm() -> bool:
    """GIN trigram indexes for the LIKE searches; False (plain scans) when the extension cannot
    be created by this role. Tried in a savepoint so a refusal leaves the transaction usable."""
    try:
        with database.atomic():
            database.execute_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except pw.DatabaseError as exc:
        log.warning("pg_trgm is not available (%s): search scans with ILIKE", exc)
        return False
    for name, table, col in PG_TRGM_INDEXES:
        database.execute_sql(
            f'CREATE INDEX IF NOT EXISTS {name} ON "{table}" USING gin ({col} gin_trgm_ops)'
        )
    return True


def install(db: pw.Database | None = None) -> bool:
    """Create (or rebuild) the index and its triggers; call inside the migration's transaction.

    `db`: another SQLite database than the open one (a snapshot being built); default the open.
    """
    _available.clear()
    if db is None and is_postgres():
        install_pg_trgm()
        return False
    db = db or database
    if not trigram_supported(db):
        log.warning(
            "SQLite %s has no FTS5 trigram tokenizer: search scans with LIKE",
            db.execute_sql("SELECT sqlite_version()").fetchone()[0],
        )
        return False
    for sql in _gram_sql():
        db.execute_sql(sql)
    numbers = ",".join(f"({i})" for i in range(1, _GRAM_SPAN + 1))
    db.execute_sql(f"INSERT OR IGNORE INTO search_num(n) VALUES {numbers}")
    db.execute_sql("DELETE FROM search_gram")
    backfill = _GRAM_ROWS.replace("new.", "c.").replace(
        "FROM search_num", "FROM customer c, search_num"
    )
    db.execute_sql(backfill)
    for fts, table, cols in FTS_TABLES:
        for sql in _fts_sql(fts, table, cols):
            db.execute_sql(sql)
    install_short_words(db)
    return True


_available: dict[tuple[int, str], bool] = {}


def available() -> bool:
    """Whether the open database has the index (cached per connection)."""
    if not is_sqlite():
        return False
    key = (id(database.obj), getattr(database.obj, "database", ""))
    if key not in _available:
        _available.clear()
        found = database.execute_sql("SELECT 1 FROM sqlite_master WHERE name = 'case_fts'")
        _available[key] = found.fetchone() is not None
    return _available[key]


def _phrase(text: str) -> str:
    # FTS5 reads a query string only up to a NUL: leave it out rather than fail the query.
    return '"' + text.replace("\x00", "").replace('"', '""') + '"'


def fts_ids(fts: str, text: str) -> pw.SQL:
    """`(SELECT rowid …)` of the rows of one FTS table containing `text` (3+ characters)."""
    return pw.SQL(f"(SELECT rowid FROM {fts} WHERE {fts} MATCH ?)", [_phrase(text)])


def short_customer_ids(text: str) -> pw.SQL:
    """`(SELECT customer_id …)` for 1–2 characters: name contains it, or phone ends with it."""
    return pw.SQL(
        "(SELECT customer_id FROM search_gram WHERE gram IN (?, ?))",
        [text.lower(), "#" + text],
    )


DENSE_CUSTOMERS = 200  # this many customers match: their cases are spread over the years
RECENT_ROWS = 4000  # newest rows of a record table probed for a page of hits
PAGE = 12


def is_dense(text: str) -> bool:
    """Whether walking cases newest-first finds a page of hits sooner than collecting and sorting
    every hit: many customers match (a digit, a common surname), or a page of the newest records
    does (a number prefix of this year). Each probe is bounded by its LIMIT."""
    if len(text) < MIN_TRIGRAM:
        sql = "SELECT 1 FROM search_gram WHERE gram IN (?, ?)"
        return _count(sql, [text.lower(), "#" + text], DENSE_CUSTOMERS) >= DENSE_CUSTOMERS
    phrase = _phrase(text)
    sql = "SELECT 1 FROM customer_fts WHERE customer_fts MATCH ?"
    if _count(sql, [phrase], DENSE_CUSTOMERS) >= DENSE_CUSTOMERS:
        return True
    found = 0
    for fts, table, _cols in FTS_TABLES[1:]:
        sql = (
            f"SELECT 1 FROM {fts} WHERE {fts} MATCH ? AND rowid > "
            f'(SELECT coalesce(max(id), 0) FROM "{table}") - {RECENT_ROWS}'
        )
        found += _count(sql, [phrase], PAGE)
        if found >= PAGE:
            return True
    return False


def _count(sql: str, params: list[str], cap: int) -> int:
    return database.execute_sql(f"SELECT count(*) FROM ({sql} LIMIT {cap})", params).fetchone()[0]


# Bounded probes for the search box: each walks one index newest-first and stops at `n`, so a
# keystroke costs the same at 2,000 cases as at 200,000 (no collecting and sorting every hit).


def _upper_bound(prefix: str) -> str:
    """The smallest string above every string starting with `prefix` (binary collation)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def prefix_ids(table: str, column: str, link: str, prefix: str, n: int) -> list[int]:
    """`link` of the newest rows of `table` whose `column` starts with `prefix`, from the
    column's own index: a range `column >= 'SH-201' AND column < 'SH-202'` read backwards.

    SQLite compares in the column's collation (BINARY, as the index is built), so the range is
    exactly the prefix. PostgreSQL's default collation may ignore punctuation, so there the range
    is widened to a LIKE and read along the primary key.
    """
    if not prefix:
        return []
    if is_postgres():
        like = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        sql = (
            f"SELECT {link} FROM \"{table}\" WHERE {column} LIKE %s ESCAPE '\\' "
            f"ORDER BY id DESC LIMIT {int(n)}"
        )
        rows = database.execute_sql(sql, (like,)).fetchall()
    else:
        sql = (
            f'SELECT {link} FROM "{table}" WHERE {column} >= ? AND {column} < ? '
            f"ORDER BY {column} DESC LIMIT {int(n)}"
        )
        rows = database.execute_sql(sql, (prefix, _upper_bound(prefix))).fetchall()
    return [r[0] for r in rows if r[0] is not None]


def fts_recent(fts: str, text: str, n: int) -> list[int]:
    """Rowids of the newest `n` rows of one FTS table containing `text` (3+ characters); FTS5
    walks its lists in descending rowid order itself, so nothing is sorted."""
    sql = f"SELECT rowid FROM {fts} WHERE {fts} MATCH ? ORDER BY rowid DESC LIMIT {int(n)}"
    return [r[0] for r in database.execute_sql(sql, (_phrase(text),)).fetchall()]


def gram_customers(text: str, n: int) -> list[int]:
    """The newest `n` customers whose name contains `text` or whose phone ends with it (1–2
    characters); each gram read backwards along its (gram, customer_id) index."""
    ids: set[int] = set()
    for gram in (text.lower(), "#" + text):
        sql = (
            "SELECT customer_id FROM search_gram WHERE gram = ? "
            f"ORDER BY customer_id DESC LIMIT {int(n)}"
        )
        ids.update(r[0] for r in database.execute_sql(sql, (gram,)).fetchall())
    return sorted(ids, reverse=True)[:n]


def rows_of(table: str, link: str, ids: list[int]) -> list[int]:
    """`link` of the rows `ids` of `table` (a repair's case, a return's case)."""
    if not ids:
        return []
    marks = ",".join(str(int(i)) for i in ids)
    sql = f'SELECT {link} FROM "{table}" WHERE id IN ({marks})'
    return [r[0] for r in database.execute_sql(sql).fetchall() if r[0] is not None]


def customers_cases(text: str, n: int) -> list[int]:
    """The newest `n` cases of customers matching `text` (name or phone; 1–2 characters: name
    grams and phone tails). Few such customers: all their cases through the customer index,
    sorted (a few hundred rows). Many: cases read newest-first until `n` belong to one of them,
    which stops soon exactly because so many match."""
    if len(text) < MIN_TRIGRAM:
        matched = "SELECT customer_id FROM search_gram WHERE gram IN (?, ?)"
        params: list[str] = [text.lower(), "#" + text]
    else:
        matched = "SELECT rowid FROM customer_fts WHERE customer_fts MATCH ?"
        params = [_phrase(text)]
    if _count(matched, params, DENSE_CUSTOMERS) < DENSE_CUSTOMERS:
        column = "customer_id"
    else:
        column = "customer_id + 0"  # not the index: walk cases newest-first
    sql = f'SELECT id FROM "case" WHERE {column} IN ({matched}) ORDER BY id DESC LIMIT {int(n)}'
    return [r[0] for r in database.execute_sql(sql, params).fetchall()]


def short_word_cases(text: str, n: int) -> list[int]:
    """The newest `n` cases whose description holds the 1–2 characters `text` (屏幕, 电)."""
    sql = (
        f"SELECT rowid FROM case_words WHERE case_words MATCH ? ORDER BY rowid DESC LIMIT {int(n)}"
    )
    return [r[0] for r in database.execute_sql(sql, (_phrase(text),)).fetchall()]


def product_cases(text: str, n: int) -> list[int]:
    """The newest `n` cases of products whose name contains `text`. The product list is short
    (a shop's catalogue), so it is scanned; few matching cases are collected through the
    product index and sorted, many are found walking cases newest first."""
    like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    found = database.execute_sql(
        "SELECT id FROM product WHERE name LIKE ? ESCAPE '\\'", (like,)
    ).fetchall()
    if not found:
        return []
    matched = ",".join(str(int(r[0])) for r in found)
    column = "product_id"
    if _count(f'SELECT 1 FROM "case" WHERE product_id IN ({matched})', [], 2000) >= 2000:
        column = "product_id + 0"  # many: walk cases newest-first
    sql = f'SELECT id FROM "case" WHERE {column} IN ({matched}) ORDER BY id DESC LIMIT {int(n)}'
    return [r[0] for r in database.execute_sql(sql).fetchall()]
