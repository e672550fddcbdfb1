"""Version 11 (issue #17), the products and customers part: a version-10 database gains the
catalogue's columns (brand, barcode, active, merged into) and the customers' merged-into, keeps
its rows, and ends with the same tables and indexes as a new database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playhouse.migrate import SchemaMigrator, migrate

from app import paths
from app.services.casework.intake import IntakeForm, take_intake
from app.services.shop.setup import close_data_folder, context_for, open_data_folder
from app.store import schema, search_index
from app.store.backup import schema_shape
from app.store.db import database, is_sqlite
from app.store.models import Customer, Product

PRODUCT_COLUMNS = {"brand", "barcode", "active", "merged_into_id"}


def _columns(table: str) -> set[str]:
    return {c.name for c in database.get_columns(table)}


@pytest.fixture
def v10_folder(tmp_path: Path, backend: str) -> Iterator[Path]:
    """A data folder with a product and a customer, taken back to version 10: the v11 products
    columns dropped again (SQLite rebuilds the tables to drop a foreign key), closed."""
    folder = open_data_folder(tmp_path / "data")
    take_intake(
        context_for(folder),
        IntakeForm(
            kind="repair",
            name="张三",
            phone="13800138000",
            product="华为 Mate 60",
            model_spec="BRA-AL00",
            category="phone",
        ),
    )
    m = SchemaMigrator.from_database(database.obj)
    database.execute_sql('DROP INDEX IF EXISTS "product_barcode"')
    kw = {"legacy": True} if is_sqlite() else {}
    if is_sqlite():
        database.execute_sql("PRAGMA foreign_keys=OFF")
    with database.atomic():
        migrate(
            *(m.drop_column("product", c, **kw) for c in sorted(PRODUCT_COLUMNS)),
            m.drop_column("customer", "merged_into_id", **kw),
        )
        schema.SchemaInfo.update(version=10).execute()
        if is_sqlite():
            search_index.install()  # the table rebuild dropped the customer's search triggers
    assert not PRODUCT_COLUMNS & _columns("product")
    close_data_folder()
    yield folder
    close_data_folder()


def test_a_version_10_database_gains_the_catalogue_columns(v10_folder: Path) -> None:
    open_data_folder(v10_folder)
    assert schema.current_version() == schema.SCHEMA_VERSION
    assert _columns("product") >= PRODUCT_COLUMNS
    assert "merged_into_id" in _columns("customer")
    product = Product.get()
    assert (product.name, product.brand, product.barcode, product.active) == (
        "华为 Mate 60",
        "",
        "",
        True,
    )
    assert product.merged_into is None and Customer.get().merged_into is None
    # Plain SQL inserts that do not name the new columns still work (the bench generator).
    database.execute_sql(
        "INSERT INTO product(name, model_spec, unit, price, category, warranty_months) "
        "VALUES ('充电器', '', '件', 59, 'charger', NULL)"
    )
    assert Product.get(Product.name == "充电器").active is True
    assert {"product_barcode"} <= {i.name for i in database.get_indexes("product")}


def test_the_migrated_database_matches_a_new_one(v10_folder: Path, tmp_path: Path) -> None:
    if not is_sqlite():
        pytest.skip("compares SQLite files")
    open_data_folder(v10_folder)
    close_data_folder()
    migrated = schema_shape(paths.db_path(v10_folder))
    open_data_folder(tmp_path / "fresh")
    close_data_folder()
    fresh = schema_shape(paths.db_path(tmp_path / "fresh"))
    assert {s for s in migrated ^ fresh if s[1] in ("product", "customer")} == set()
    assert migrated == fresh
