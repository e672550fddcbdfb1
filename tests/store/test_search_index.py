"""The search index finds what the LIKE scan finds, and triggers keep it in sync with edits."""

from __future__ import annotations

import random
import re
import sqlite3
from pathlib import Path

import pytest

from app import paths
from app.demo import make_demo
from app.services.casework.cases import CaseFilter, count_cases, list_cases
from app.services.casework.intake import IntakeForm, take_intake
from app.services.casework.search import search
from app.services.safekeeping.privacy import correct_customer, erase_customer
from app.services.shop.context import Context
from app.services.shop.setup import close_data_folder, context_for, open_data_folder
from app.store import schema, search_index
from app.store.db import database
from app.store.models import Case, Customer
from bench.generate import generate

LIKE_SQL = """
SELECT c.number FROM "case" c JOIN customer u ON u.id = c.customer_id
LEFT JOIN repair_ticket t ON t.case_id = c.id LEFT JOIN return_auth r ON r.case_id = c.id
WHERE c.number LIKE :q OR c.serial LIKE :q OR c.description LIKE :q OR u.name LIKE :q
   OR u.phone LIKE :q OR t.serial LIKE :q OR r.tracking_no LIKE :q OR t.number = :exact
   OR r.number = :exact
"""


def _like(text: str) -> set[str]:
    rows = database.execute_sql(
        LIKE_SQL.replace(":q", "?", 7).replace(":exact", "?", 2),
        [f"%{text}%"] * 7 + [text.upper()] * 2,
    )
    return {n for (n,) in rows}


def _found(ctx: Context, text: str) -> set[str]:
    return {r.number for r in list_cases(ctx, CaseFilter(search=text))}


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Context:
    folder = tmp_path_factory.mktemp("idx") / "data"
    generate(folder, 400, seed=5)
    yield context_for(folder, "boss")
    close_data_folder()


def test_index_is_there(big: Context) -> None:
    assert search_index.trigram_supported() and search_index.available()


def test_index_finds_what_like_finds(big: Context) -> None:
    rng = random.Random(1)
    cases = list(Case.select().join(Customer).limit(400))
    queries = []
    for c in rng.sample(cases, 12):
        queries += [
            c.serial[-6:],
            c.serial[3:9],
            c.customer.name,
            c.customer.phone[-4:],
            c.number,
            c.number[3:],
            c.description[:3],
        ]
    tracking = database.execute_sql("SELECT tracking_no, number FROM return_auth LIMIT 3")
    for track, rma in tracking.fetchall():
        queries += [track[-5:], rma]
    queries += ["zzz", "不存在的人"]
    for q in (q for q in queries if len(q) >= search_index.MIN_TRIGRAM):
        assert _found(big, q) == _like(q), q
    assert count_cases(big, CaseFilter(search=cases[0].serial)) >= 1


def test_short_queries_use_names_and_phone_tails(big: Context) -> None:
    customer = Customer.select().first()
    for q in (customer.name[0], customer.name[:2], customer.phone[-2:], customer.phone[-1]):
        names = {
            n
            for (n,) in database.execute_sql(
                "SELECT name FROM customer WHERE name LIKE ? OR phone LIKE ?", [f"%{q}%", f"%{q}"]
            ).fetchall()
        }
        expected = {r.number for r in Case.select().join(Customer).where(Customer.name.in_(names))}
        assert _found(big, q) == expected, q
        hits = search(big, q, limit=500)
        shown = {h.number for h in hits if h.kind == "case"}
        # The box also looks at number prefixes, fault words and product names.
        assert expected <= shown == set(_reference(q)[:500])


REFERENCE_SQL = """
SELECT DISTINCT c.number, c.created_at, c.id FROM "case" c JOIN customer u ON u.id = c.customer_id
LEFT JOIN repair_ticket t ON t.case_id = c.id LEFT JOIN return_auth r ON r.case_id = c.id
LEFT JOIN product p ON p.id = c.product_id WHERE {where} ORDER BY c.created_at DESC, c.id DESC
"""


def _reference(text: str) -> list[str]:
    """What the search box should show for `text`, by brute force: record numbers by prefix;
    names containing it and phones containing it (1–2 characters: ending with it); 3+
    characters also serials, faults, tracking numbers anywhere, unless it is number-shaped;
    product names and (1–2 characters) fault words always."""
    upper = text.upper()
    conds = ["c.number LIKE ?", "t.number LIKE ?", "r.number LIKE ?", "p.name LIKE ?"]
    args = [upper + "%"] * 3 + [f"%{text}%"]
    if len(text) < 3:
        conds += ["u.name LIKE ?", "u.phone LIKE ?", "c.description LIKE ?"]
        args += [f"%{text}%", f"%{text}", f"%{text}%"]
    else:
        conds += ["u.name LIKE ?", "u.phone LIKE ?"]
        args += [f"%{text}%"] * 2
        if not re.match(r"^(SH|WX|RMA|SP)-\d", upper) and upper not in (
            "SH-",
            "WX-",
            "RMA-",
            "SP-",
        ):
            conds += ["c.serial LIKE ?", "c.description LIKE ?", "c.number LIKE ?"]
            conds += ["t.serial LIKE ?", "r.tracking_no LIKE ?"]
            args += [f"%{text}%"] * 5
    rows = database.execute_sql(REFERENCE_SQL.format(where=" OR ".join(conds)), args)
    return [n for (n, _at, _id) in rows]


def test_every_keystroke_of_a_real_identifier_shows_the_newest_matching_cases(big: Context) -> None:
    """A clerk types case/repair/RMA numbers, phones, IMEIs, tracking numbers and names one key
    at a time: at each prefix the box shows exactly the newest 12 matching cases, newest first
    (today's code looks at names only for short queries and sorts every hit for long ones)."""
    assert Case.select().count() == 400  # the generated folder, not a later test's
    rng = random.Random(4)
    picked: list[str] = []
    for sql in (
        'SELECT number FROM "case"',
        "SELECT number FROM repair_ticket",
        "SELECT number FROM return_auth",
        "SELECT phone FROM customer",
        "SELECT serial FROM \"case\" WHERE serial != ''",
        "SELECT tracking_no FROM return_auth WHERE tracking_no != ''",
        "SELECT name FROM customer",
        "SELECT description FROM \"case\" WHERE description != ''",
        "SELECT name FROM product",
    ):
        values = [v for (v,) in database.execute_sql(sql).fetchall()]
        picked += rng.sample(values, 2)
    for ident in picked:
        for i in range(1, len(ident) + 1):
            typed = ident[:i]
            shown = [h.number for h in search(big, typed) if h.kind == "case"]
            assert shown == _reference(typed.strip())[:12], typed
        full = search(big, ident)
        assert full and full[0].kind == "case", ident


def test_index_follows_intake_edit_and_erase(ctx: Context) -> None:
    make_demo(ctx, cases=12)
    customer = Customer.select().join(Case).first()
    number = Case.get(Case.customer == customer.id).number
    assert number in _found(ctx, customer.phone[-5:])
    correct_customer(ctx, customer.phone, {"name": "欧阳娜娜"})
    assert number in _found(ctx, "欧阳娜") and number in _found(ctx, "欧阳")
    assert any(h.title == "欧阳娜娜" for h in search(ctx, "阳娜"))
    erase_customer(ctx, customer.phone, confirm_owner=True)
    assert number not in _found(ctx, "欧阳娜") and number not in _found(ctx, "欧阳")
    assert not any(
        h.kind == "customer" and h.customer_id == customer.id
        for h in search(ctx, customer.phone[-4:])
    )
    assert database.execute_sql("INSERT INTO customer_fts(customer_fts) VALUES('integrity-check')")
    for fts, _table, _cols in search_index.FTS_TABLES:
        database.execute_sql(f"INSERT INTO {fts}({fts}) VALUES('integrity-check')")


def test_v2_database_gets_the_index(tmp_path: Path, ctx: Context) -> None:
    make_demo(ctx, cases=6)
    some = Case.select().join(Customer).first()
    folder = ctx.data_dir
    close_data_folder()
    con = sqlite3.connect(paths.db_path(folder))
    for (name,) in con.execute(
        "SELECT name FROM sqlite_master WHERE name LIKE '%fts%' AND type = 'trigger'"
        " OR name LIKE 'search_gram%' AND type = 'trigger'"
    ).fetchall():
        con.execute(f"DROP TRIGGER {name}")
    for table in ("customer_fts", "case_fts", "ticket_fts", "rma_fts", "search_gram", "search_num"):
        con.execute(f"DROP TABLE {table}")
    con.execute("UPDATE schema_info SET version = 2")
    con.commit()
    con.close()
    open_data_folder(folder)
    assert schema.current_version() == schema.SCHEMA_VERSION
    search_index._available.clear()
    assert search_index.available()
    after = context_for(folder, "boss")
    assert some.number in _found(after, some.serial[-7:])
    assert some.number in _found(after, some.customer.name[:2])
    assert database.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_two_character_fault_words_and_product_names_are_found(ctx: Context) -> None:
    """A clerk types 屏幕 or 电池: the cases with that fault are found (today only names are
    looked at for 1–2 characters), follow an edited description, and a v4 folder gets the index."""
    screen = take_intake(
        ctx, IntakeForm(kind="complaint", name="王五", phone="13900000001", description="屏幕碎了")
    )
    battery = take_intake(
        ctx,
        IntakeForm(
            kind="repair",
            name="赵六",
            phone="13900000002",
            description="电池鼓包",
            product="小米平板",
        ),
    )

    def shown(q: str) -> set[str]:
        return {h.number for h in search(ctx, q) if h.kind == "case"}

    assert shown("屏幕") == {screen.number} and shown("幕") == {screen.number}
    assert shown("电池") == {battery.number} and shown("平板") == {battery.number}
    Case.update(description="电池不充电").where(Case.number == screen.number).execute()
    assert shown("屏幕") == set() and shown("电池") == {screen.number, battery.number}
    folder = ctx.data_dir
    close_data_folder()
    con = sqlite3.connect(paths.db_path(folder))
    for name in ("case_words_ai", "case_words_ad", "case_words_au"):
        con.execute(f"DROP TRIGGER {name}")
    con.execute("DROP TABLE case_words")
    con.execute("UPDATE schema_info SET version = 4")
    con.commit()
    con.close()
    open_data_folder(folder)
    after = context_for(folder, "boss")
    assert {h.number for h in search(after, "鼓包") if h.kind == "case"} == {battery.number}
    database.execute_sql("INSERT INTO case_words(case_words) VALUES('integrity-check')")
