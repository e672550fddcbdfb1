"""Version 11 (issue #17), the products and customers part: a version-10 database gains the
catalogue's columns (brand, barcode, active, merged into) and the customers' merged-into, keeps
its rows, and ends with the same tables and indexes as a new database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from app import paths
from app.services.casework.intake import IntakeForm, take_intake
from app.services.shop.setup import close_data_folder, context_for, open_data_folder
from app.store import schema
from app.store.backup import schema_shape
from app.store.db import database, is_sqlite
from app.store.models import Customer, Product

PRODUCT_COLUMNS = {"brand", "barcode", "active", "merged_into_id"}
PRODUCT_FIELDS = ("brand", "barcode", "active", "merged_into")


def _columns(table: str) -> set[str]:
    return {c.name for c in database.get_columns(table)}


@contextmanager
def _without_v11_fields() -> Iterator[None]:
    """The models as version 10 had them (tables made now lack the v11 columns)."""
    removed = [(Product, n, Product._meta.fields[n]) for n in PRODUCT_FIELDS]
    removed.append((Customer, "merged_into", Customer._meta.fields["merged_into"]))
    for model, name, _field in removed:
        model._meta.remove_field(name)
    try:
        yield
    finally:
        for model, name, f in removed:
            model._meta.add_field(name, f)


@pytest.fixture
def v10_folder(tmp_path: Path, backend: str) -> Iterator[Path]:
    """A data folder made without the v11 products columns, with a product and a customer,
    marked version 10, closed."""
    with _without_v11_fields():
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
        schema.SchemaInfo.update(version=10).execute()
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
