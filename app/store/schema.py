"""Schema creation and migrations, numbered from the first release."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import peewee as pw

from app.domain.settings import overrides_of
from app.store import search_index
from app.store.db import StoreError, database, is_postgres, is_sqlite, write_transaction
from app.store.models import (
    MODELS,
    CarrierClaim,
    Case,
    Customer,
    CustomerAccess,
    MoneyEntry,
    Product,
    RepairTicket,
    ReturnAuth,
    ReturnLine,
    SaleRef,
    Setting,
    SparePart,
    StockMovement,
    Supplier,
    User,
)

if TYPE_CHECKING:
    from playhouse.migrate import SchemaMigrator

SETTINGS_ROW = "settings"  # the key of the shop's settings row (services.setup.SETTINGS_KEY)

SCHEMA_VERSION = 12


def migrate(*operations: Any) -> None:
    """playhouse.migrate's runner, loaded when a database is migrated, not at every start."""
    from playhouse.migrate import migrate as run

    run(*operations)


def _v2_accounts(m: SchemaMigrator) -> None:
    """Staff sign-in: lockout kept in the database, the demo-PIN flag; the customer access log."""
    migrate(
        m.add_column("user", "recent_failures", User.recent_failures),
        m.add_column("user", "locked_until", User.locked_until),
        m.add_column("user", "lockouts", User.lockouts),
        m.add_column("user", "demo_pin", User.demo_pin),
        m.add_column("user", "last_login_at", User.last_login_at),
    )
    database.create_tables([CustomerAccess])


def _v3_search(m: SchemaMigrator) -> None:
    """Search index (FTS5 trigram + name grams) with its triggers; derived, so rebuilt here."""
    search_index.install()


def _v4_indexes(m: SchemaMigrator) -> None:
    """Indexes for the monthly summary at ten years of data; two unused event-log indexes go.

    `event_hash` and `event_actor_id` were a seventh of the file at 750,000 events and nothing
    reads by them; `repair_ticket_technician_id` is the prefix of the two new pairs.
    """
    for name in ("event_hash", "event_actor_id", "repair_ticket_technician_id"):
        database.execute_sql(f'DROP INDEX IF EXISTS "{name}"')
    for table, columns in (
        ("case", ("closed_at",)),
        ("repair_ticket", ("technician_id", "received_at")),
        ("repair_ticket", ("technician_id", "finished_at")),
        ("repair_labour", ("added_at",)),
    ):
        name = "_".join((table, *columns))
        cols = ", ".join(f'"{c}"' for c in columns)
        database.execute_sql(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ({cols})')


def _v5_settings_overrides(m: SchemaMigrator) -> None:
    """Saved settings become overrides: values equal to the shipped defaults are dropped.

    Until v4 a save stored the whole tree, so a shop that ever saved a setting never received a
    changed default. Every value the shop changed is kept (`overrides_of`); the row keeps its
    `updated_at`/`updated_by`, since the effective settings do not change.
    """
    row = Setting.get_or_none(Setting.key == SETTINGS_ROW)
    if row is None:
        return
    slim = overrides_of(row.value)
    if slim != row.value:
        Setting.update(value=slim).where(Setting.key == SETTINGS_ROW).execute()


def _v6_short_words(m: SchemaMigrator) -> None:
    """1–2 character fault words (屏幕, 电池) get their own index, kept by triggers on case."""
    if is_sqlite() and search_index.trigram_supported():
        search_index.install_short_words()


def _v7_money_paths(m: SchemaMigrator) -> None:
    """Money and rights on every path (issue 13): approvals follow the amount, the owner's
    override, ship-first obligations, order refund numbers, carrier deadlines and claimed lines,
    money routes and payers; the gift flag moves from the product to the sale.

    Existing gifts: the earliest case of a product marked as a gift keeps the flag, on its sale
    (a sale reference is made for it when it had none). Later cases of that product lost their
    warranty only through the product's flag: their intake decision is made again with the
    stored warranty settings, as it would have been without the flag.
    """
    new_columns = (
        ("sale_ref", "is_gift", SaleRef.is_gift),
        ("case", "platform_refund_no", Case.platform_refund_no),
        ("return_auth", "approved_amount", ReturnAuth.approved_amount),
        ("return_auth", "override_by_id", ReturnAuth.override_by),
        ("return_auth", "override_reason", ReturnAuth.override_reason),
        ("return_auth", "freight_agreed", ReturnAuth.freight_agreed),
        ("return_auth", "goods_due", ReturnAuth.goods_due),
        ("return_auth", "goods_waived_by_id", ReturnAuth.goods_waived_by),
        ("return_auth", "goods_waived_at", ReturnAuth.goods_waived_at),
        ("return_auth", "goods_waived_reason", ReturnAuth.goods_waived_reason),
        ("return_line", "qty_damaged", ReturnLine.qty_damaged),
        ("carrier_claim", "deadline_at", CarrierClaim.deadline_at),
        ("carrier_claim", "lines", CarrierClaim.lines),
        ("money_entry", "route", MoneyEntry.route),
        ("money_entry", "party", MoneyEntry.party),
    )
    # Each column only when missing: a step may meet a database that already has some.
    migrate(
        *(
            m.add_column(table, column, field)
            for table, column, field in new_columns
            if column not in _column_names(table)
        )
    )
    if "is_gift" in _column_names("product"):
        gifts = [
            row[0]
            for row in database.execute_sql(
                f'SELECT id FROM "product" WHERE is_gift = {_true()}'
            ).fetchall()
        ]
        if gifts:
            _move_gift_flags(gifts)
        migrate(m.drop_column("product", "is_gift"))


def _column_names(table: str) -> set[str]:
    return {c.name for c in database.get_columns(table)}


def _true() -> str:
    return "TRUE" if is_postgres() else "1"


def _move_gift_flags(product_ids: list[int]) -> None:
    from app.domain.rules.entitlement import Entitlement, decide_entitlement
    from app.domain.settings import Settings

    row = Setting.get_or_none(Setting.key == "settings")
    try:
        warranty = Settings.from_dict(row.value if row else {}).warranty
    except Exception:  # noqa: BLE001 - a hand-edited settings row: the defaults decide
        warranty = Settings().warranty
    for product_id in product_ids:
        months = database.execute_sql(
            'SELECT warranty_months FROM "product" WHERE id = ' + str(int(product_id))
        ).fetchone()[0]
        cases = list(
            Case.select(Case.id, Case.customer, Case.sale, Case.entitlement)
            .where(Case.product == product_id)
            .order_by(Case.created_at, Case.id)
        )
        for i, case in enumerate(cases):
            if i == 0:
                if case.sale_id is None:
                    sale = SaleRef.create(customer=case.customer_id, product=product_id)
                    Case.update(sale=sale.id).where(Case.id == case.id).execute()
                    case.sale_id = sale.id
                SaleRef.update(is_gift=True).where(SaleRef.id == case.sale_id).execute()
                continue
            ent = case.entitlement
            if not ent or not any(b.get("code") == "gift_no_warranty" for b in ent["basis"]):
                continue
            old = Entitlement.from_dict(ent)
            new = decide_entitlement(
                old.category, old.sold, old.on, warranty, warranty_months=months
            )
            Case.update(entitlement=new.to_dict()).where(Case.id == case.id).execute()


def _v8_trust(m: SchemaMigrator) -> None:
    """Issue #14: the owner's recovery code (`user.recovery_hash`), and rows sealed into the
    chain (app.store.seals): events carry a digest of the rows they wrote from now on. One
    `sealing_started` event records the first id of each entity that must have a seal; older
    rows are checked from their next write on."""
    if "recovery_hash" not in {c.name for c in database.get_columns("user")}:
        migrate(m.add_column("user", "recovery_hash", User.recovery_hash))
    _sealing_started(None)


def _sealing_started(entities: tuple[str, ...] | None) -> None:
    """The `sealing_started` event (app.store.seals) of a step that seals `entities` (None:
    every sealed entity), written by the system account."""
    from app.store.history import record_event
    from app.store.seals import SEALING_STARTED, start_sealing_data

    system = User.get_or_none(User.name == "system")
    if system is None:
        _ensure_system_user()
        system = User.get(User.name == "system")
    record_event(
        at=datetime.now(UTC),
        actor_id=system.id,
        entity="database",
        entity_id=0,
        action=SEALING_STARTED,
        data=start_sealing_data(entities),
    )


def _v9_qc_counts(m: SchemaMigrator) -> None:
    """Issue #16: the quality check's counts on a return (sampled, failed, the received units'
    split into usable / scrap / back to the supplier) and who recorded them."""
    have = {c.name for c in database.get_columns("return_auth")}
    for name in ("qc_sampled", "qc_failed", "qc_usable", "qc_scrap", "qc_to_supplier", "qc_by"):
        column = "qc_by_id" if name == "qc_by" else name
        if column not in have:
            migrate(m.add_column("return_auth", column, getattr(ReturnAuth, name)))


def _v10_follow_ups(m: SchemaMigrator) -> None:
    """Issue #16: a follow-up call on every kind (due, made at, made by), a complaint's
    classification, cause and person responsible, and the customer's comment on a ticket."""
    names = ("follow_up_due", "follow_up_at", "follow_up_by", "complaint_class")
    names += ("complaint_cause", "responsible")
    have = _column_names("case")
    migrate(
        *(
            m.add_column("case", column, getattr(Case, name))
            for name in names
            if (column := "follow_up_by_id" if name == "follow_up_by" else name) not in have
        )
    )
    if "goods_at_counter" not in _column_names("return_auth"):  # a walk-in's goods in hand
        migrate(m.add_column("return_auth", "goods_at_counter", ReturnAuth.goods_at_counter))
    have = _column_names("repair_ticket")
    for name in (
        "customer_comment",
        "precheck",
        "passcode_sealed",
        "dropoff_signature",
        "installation",
    ):  # the counter's repair intake and on-site installations
        if name not in have:
            migrate(m.add_column("repair_ticket", name, getattr(RepairTicket, name)))


def _v11_products(m: SchemaMigrator) -> None:
    """Issue #17: the products catalogue (brand, barcode/SKU, active, merged into) and the
    customers list (merged into)."""
    have = _column_names("product")
    migrate(
        *(
            m.add_column("product", column, getattr(Product, name))
            for name in ("brand", "barcode", "active", "merged_into")
            if (column := "merged_into_id" if name == "merged_into" else name) not in have
        )
    )
    if "merged_into_id" not in _column_names("customer"):
        migrate(m.add_column("customer", "merged_into_id", Customer.merged_into))


def _v11_stock(m: SchemaMigrator) -> None:
    """Issue #17: spare parts (fits, reorder level, location), suppliers, stock movements
    with their cost and supplier, and supplier-liable returns naming their supplier.

    Stock on hand becomes the sum of the part's movements: movements written before carry the
    part's cost as their unit cost, and a part whose count differs from its movements' sum
    (parts created by hand or by older scripts) gets one "opening" movement for the difference,
    so the sum, the count and the valuation agree from the first day.
    """
    database.create_tables([Supplier], safe=True)
    wanted = (
        ("spare_part", "fits", SparePart.fits),
        ("spare_part", "reorder_level", SparePart.reorder_level),
        ("spare_part", "location", SparePart.location),
        ("spare_part", "active", SparePart.active),
        ("stock_movement", "unit_cost", StockMovement.unit_cost),
        ("stock_movement", "supplier_id", StockMovement.supplier),
        ("return_auth", "supplier_id", ReturnAuth.supplier),
    )
    have = {table: _column_names(table) for table, _c, _f in wanted}
    added = [(t, c, f) for t, c, f in wanted if c not in have[t]]
    if added:
        migrate(*(m.add_column(t, c, f) for t, c, f in added))
    if ("stock_movement", "unit_cost", StockMovement.unit_cost) in added:
        database.execute_sql(
            'UPDATE "stock_movement" SET unit_cost = (SELECT p.cost FROM "spare_part" p '
            'WHERE p.id = "stock_movement".part_id)'
        )
    _opening_movements()


def _opening_movements() -> None:
    """One "opening" movement per part whose stock is not the sum of its movements, dated at
    its first movement (so the running count is never below zero), or now when it has none."""
    rows = database.execute_sql(
        'SELECT p.id, p.stock, p.cost, COALESCE(SUM(s.qty), 0), MIN(s.at) FROM "spare_part" p '
        'LEFT JOIN "stock_movement" s ON s.part_id = p.id GROUP BY p.id, p.stock, p.cost'
    ).fetchall()
    gaps = [(pid, int(n) - int(total), cost, first) for pid, n, cost, total, first in rows]
    gaps = [g for g in gaps if g[1]]
    if not gaps:
        return
    _ensure_system_user()
    system = User.get(User.name == "system")
    now = datetime.now(UTC)
    at = StockMovement.at
    for part_id, qty, cost, first in gaps:
        StockMovement.insert(
            part=part_id,
            qty=qty,
            reason="opening",
            at=at.python_value(first) if first is not None else now,
            by=system.id,
            note="v11",
            unit_cost=Decimal(int(cost or 0)) / 100,
        ).execute()


def _v11_online(m: SchemaMigrator) -> None:
    """Issue #17: online orders on a case (platform, buyer ID, received date, the platform's
    refund reason). A sale stored with the old "tmall" channel keeps it and reads as an online
    sale on Taobao/Tmall (`app.domain.online.sale_platform`)."""
    have = _column_names("sale_ref")
    migrate(
        *(
            m.add_column("sale_ref", name, getattr(SaleRef, name))
            for name in ("platform", "buyer_id", "received_date")
            if name not in have
        )
    )
    if "platform_reason" not in _column_names("case"):
        migrate(m.add_column("case", "platform_reason", Case.platform_reason))


def _v11_shop_lists(m: SchemaMigrator) -> None:
    """Issue #17: a real shop's lists. One version, three parts kept apart."""
    _v11_products(m)
    _v11_stock(m)
    _v11_online(m)


def _v12_sealed_books(m: SchemaMigrator) -> None:
    """Spare parts' counts and dealers' accounts sealed into the chain (app.store.seals): a new
    `sealing_started` event names the first part and customer that must carry a seal; those
    before are checked from their next write on."""
    _sealing_started(("part", "customer"))


# version -> step that brings a database from version-1 to version. Each runs in a transaction
# after a backup. Example: MIGRATIONS[2] = lambda m: migrate(m.add_column("case", "x", field)).
MIGRATIONS: dict[int, Callable[[SchemaMigrator], None]] = {
    2: _v2_accounts,
    3: _v3_search,
    4: _v4_indexes,
    5: _v5_settings_overrides,
    6: _v6_short_words,
    7: _v7_money_paths,
    8: _v8_trust,
    9: _v9_qc_counts,
    10: _v10_follow_ups,
    11: _v11_shop_lists,
    12: _v12_sealed_books,
}

APPEND_ONLY_TRIGGERS = (
    "event_no_update",
    "event_no_delete",
    "customer_access_no_update",
    "customer_access_no_delete",
    "money_entry_no_update",
    "money_entry_no_delete",
    "stock_movement_no_update",
    "stock_movement_no_delete",
)
# The same refusals on PostgreSQL, with the same messages; TRUNCATE is refused there too.
APPEND_ONLY_PG_FUNCTION = (
    "CREATE OR REPLACE FUNCTION afterdesk_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION '%% is append-only', TG_ARGV[0] "
    "USING ERRCODE = 'integrity_constraint_violation'; END $$"
)
APPEND_ONLY_PG_TABLES = (
    ("event", "event log"),
    ("customer_access", "access log"),
    ("money_entry", "money log"),  # corrections are reversing entries, never edits
    ("stock_movement", "stock log"),  # a wrong count is corrected by an adjustment
)
APPEND_ONLY_SQLITE = (
    "CREATE TRIGGER IF NOT EXISTS event_no_update BEFORE UPDATE ON event "
    "BEGIN SELECT RAISE(ABORT, 'event log is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS event_no_delete BEFORE DELETE ON event "
    "BEGIN SELECT RAISE(ABORT, 'event log is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS customer_access_no_update BEFORE UPDATE ON customer_access "
    "BEGIN SELECT RAISE(ABORT, 'access log is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS customer_access_no_delete BEFORE DELETE ON customer_access "
    "BEGIN SELECT RAISE(ABORT, 'access log is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS money_entry_no_update BEFORE UPDATE ON money_entry "
    "BEGIN SELECT RAISE(ABORT, 'money log is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS money_entry_no_delete BEFORE DELETE ON money_entry "
    "BEGIN SELECT RAISE(ABORT, 'money log is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS stock_movement_no_update BEFORE UPDATE ON stock_movement "
    "BEGIN SELECT RAISE(ABORT, 'stock log is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS stock_movement_no_delete BEFORE DELETE ON stock_movement "
    "BEGIN SELECT RAISE(ABORT, 'stock log is append-only'); END",
)


class SchemaInfo(pw.Model):
    version = pw.IntegerField()

    class Meta:
        database = database
        table_name = "schema_info"


def current_version() -> int:
    if not SchemaInfo.table_exists():
        return 0
    row = SchemaInfo.select().order_by(SchemaInfo.version.desc()).first()
    return row.version if row else 0


def ensure_schema(before_migration: Callable[[str], object]) -> int:
    """Create a new database or migrate an old one; returns the version it is at now."""
    with write_transaction():
        # Checked under the write lock: two processes opening a new folder create it once.
        version = current_version()
        if version > SCHEMA_VERSION:
            raise StoreError("database_too_new", version=version, supported=SCHEMA_VERSION)
        if version == 0:
            database.create_tables([*MODELS, SchemaInfo])
            _install_triggers()
            search_index.install()
            SchemaInfo.create(version=SCHEMA_VERSION)
            _ensure_system_user()
            return SCHEMA_VERSION
    if version < SCHEMA_VERSION:
        before_migration(f"before-v{version + 1}")
        _migrate(version)
    return SCHEMA_VERSION


def _migrate(version: int) -> None:
    """Run the steps after `version`, following SQLite's table-rebuild procedure.

    Foreign keys are off while tables are rebuilt (peewee copies, drops and renames a table to
    add a NOT NULL column) and checked before each commit; the append-only triggers are lifted
    for the step and put back, so a step may also add a column to the event log.
    """
    sqlite = is_sqlite()
    if sqlite:
        database.execute_sql("PRAGMA foreign_keys=OFF")
    try:
        from playhouse.migrate import SchemaMigrator

        migrator = SchemaMigrator.from_database(database.obj)
        for step in range(version + 1, SCHEMA_VERSION + 1):
            with write_transaction():
                _drop_triggers()
                MIGRATIONS[step](migrator)
                if sqlite:
                    broken = database.execute_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise StoreError("migration_broke_references", rows=len(broken))
                _install_triggers()
                SchemaInfo.update(version=step).execute()
    finally:
        if sqlite:
            database.execute_sql("PRAGMA foreign_keys=ON")
    if sqlite:
        _compact_if_sparse()


def _compact_if_sparse() -> None:
    """VACUUM once when a migration freed over a tenth of the file: every backup copies free
    pages too, so they would cost time on every backup from then on."""
    free = int(database.execute_sql("PRAGMA freelist_count").fetchone()[0])
    total = int(database.execute_sql("PRAGMA page_count").fetchone()[0])
    if total and free * 10 > total:
        database.execute_sql("VACUUM")


def _install_triggers() -> None:
    if is_sqlite():
        for sql in APPEND_ONLY_SQLITE:
            database.execute_sql(sql)
    elif is_postgres():
        database.execute_sql(APPEND_ONLY_PG_FUNCTION)
        _drop_triggers()
        for table, what in APPEND_ONLY_PG_TABLES:
            for name, when, each in (
                ("no_update", "UPDATE", "ROW"),
                ("no_delete", "DELETE", "ROW"),
                ("no_truncate", "TRUNCATE", "STATEMENT"),
            ):
                database.execute_sql(
                    f'CREATE TRIGGER {table}_{name} BEFORE {when} ON "{table}" '
                    f"FOR EACH {each} EXECUTE FUNCTION afterdesk_append_only('{what}')"
                )


def _drop_triggers() -> None:
    """Lift the append-only guards for a migration step (put back by `_install_triggers`)."""
    if is_sqlite():
        for name in APPEND_ONLY_TRIGGERS:
            database.execute_sql(f"DROP TRIGGER IF EXISTS {name}")
    elif is_postgres():
        for table, _what in APPEND_ONLY_PG_TABLES:
            for name in ("no_update", "no_delete", "no_truncate"):
                database.execute_sql(f'DROP TRIGGER IF EXISTS {table}_{name} ON "{table}"')


def _ensure_system_user() -> None:
    if not User.select().where(User.name == "system").exists():
        User.create(
            name="system",
            display_name="System",
            role="owner",
            active=False,
            created_at=datetime.now(UTC),
        )
