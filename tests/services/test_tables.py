"""The import/export core as a shop moving in from Excel meets it: a CSV saved by Excel on a
Chinese PC (GBK), an XLSX whose phone numbers Excel turned into numbers, a title line above the
header, bad rows named by line and column, nothing written until the whole file is good, and the
same file imported twice writing nothing the second time. A throw-away table over the products
stands in for the shop's lists; each list's own table is tested with its list."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from app.domain.errors import DomainError, ValidationError
from app.domain.money import parse_money
from app.domain.validation import Collector, validate_text
from app.services.shop import tables
from app.services.shop.context import Context
from app.services.shop.errors import PermissionDenied
from app.services.shop.permissions import Action
from app.services.shop.tables import Column, PlannedRow, SourceRow, Table
from app.store.models import Event, Product
from tests.conftest import row_counts


class Gadgets(Table):
    kind = "gadgets"
    title = "Products"
    columns = (
        Column("name", "Name", ("商品名称", "品名"), required=True),
        Column("model_spec", "Model/spec", ("型号",)),
        Column("price", "Price", ("售价", "单价")),
    )
    action = Action.STOCK

    def plan(self, ctx: Context, row: SourceRow, earlier: list[PlannedRow]) -> PlannedRow:
        v = Collector()
        name = v.check("name", validate_text, row.get("name"), required=True, max_len=120)
        spec = v.check("model_spec", validate_text, row.get("model_spec"), max_len=80) or ""
        price = v.check("price", parse_money, row.get("price") or "0")
        v.raise_if_errors()
        for other in earlier:
            if other.data[:2] == (name, spec):
                raise ValidationError.single("name", "duplicate_row", line=other.line)
        got = Product.get_or_none((Product.name == name) & (Product.model_spec == spec))
        action = "add" if got is None else ("same" if got.price == price else "update")
        return PlannedRow(row.line, action, f"{name} {spec}".strip(), (name, spec, price))

    def apply(self, ctx: Context, row: PlannedRow) -> None:
        name, spec, price = row.data
        got = Product.get_or_none((Product.name == name) & (Product.model_spec == spec))
        if got is None:
            Product.create(name=name, model_spec=spec, price=price)
        else:
            got.price = price
            got.save()

    def export_rows(self, ctx: Context) -> Iterable[dict[str, object]]:
        for p in Product.select().order_by(Product.id):
            yield {"name": p.name, "model_spec": p.model_spec, "price": p.price}


GADGETS = Gadgets()


@pytest.fixture(autouse=True)
def _registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setitem(tables.TABLES, "gadgets", f"{__name__}:GADGETS")
    yield


def write_csv(path: Path, text: str, encoding: str) -> Path:
    path.write_bytes(text.encode(encoding))
    return path


# A platform's way of keeping a long number as text in a CSV: ="…".
GOOD = '商品名称,型号,售价\n电饭煲,MB-40,299.00\n电水壶,,89.5\n空气炸锅,"=""KZ-5""",459\n'


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_a_csv_from_excel_imports_whole_and_a_second_time_writes_nothing(
    ctx: Context, tmp_path: Path, encoding: str
) -> None:
    f = write_csv(tmp_path / "products.csv", GOOD, encoding)
    seen = tables.preview(ctx, "gadgets", f)
    assert seen.ok and seen.counts == {"add": 3, "update": 0, "same": 0}
    assert not Product.select().exists()  # a preview writes nothing
    assert [r.line for r in seen.rows] == [2, 3, 4]

    tables.commit(ctx, "gadgets", f)
    got = {(p.name, p.model_spec): p.price for p in Product.select()}
    assert got == {
        ("电饭煲", "MB-40"): Decimal("299.00"),
        ("电水壶", ""): Decimal("89.50"),
        ("空气炸锅", "KZ-5"): Decimal("459.00"),
    }
    events = Event.select().where(Event.action == "imported").count()
    assert events == 1

    before = row_counts()
    again = tables.commit(ctx, "gadgets", f)
    assert again.counts == {"add": 0, "update": 0, "same": 3}
    assert row_counts() == before  # not even an event: nothing happened


def test_bad_rows_are_named_by_line_and_column_and_nothing_is_written(
    ctx: Context, tmp_path: Path
) -> None:
    f = write_csv(
        tmp_path / "bad.csv",
        "品名,型号,单价\n电饭煲,MB-40,299\n,X,10\n电水壶,,八十\n电饭煲,MB-40,300\n",
        "gbk",
    )
    seen = tables.preview(ctx, "gadgets", f)
    assert not seen.ok
    lines = {(e.line, e.field) for e in seen.errors}
    assert lines == {(3, "name"), (4, "price"), (5, "name")}
    by_line = {e.line: e.message for e in seen.errors}
    assert by_line[3].startswith("Name")  # the column as the file's reader knows it
    assert "line 2" in by_line[5]
    before = row_counts()
    with pytest.raises(ValidationError) as exc:
        tables.commit(ctx, "gadgets", f)
    assert exc.value.errors[0].code == "file_has_errors"
    assert exc.value.errors[0].params["count"] == 3
    assert row_counts() == before


def test_an_xlsx_keeps_numbers_as_typed_and_skips_a_title_line(
    ctx: Context, tmp_path: Path
) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["某某电器 商品清单 2026"])  # a title above the table
    sheet.append(["Name", "Model/spec", "Price", "备注"])
    sheet.append(["电饭煲", 4001, 299.5, "x"])
    sheet.append([None, None, None, None])  # an empty row is skipped
    sheet.append(["电水壶", "0012", 89, ""])  # a number kept as text
    book.save(tmp_path / "p.xlsx")
    seen = tables.preview(ctx, "gadgets", tmp_path / "p.xlsx")
    assert seen.ok, seen.errors
    assert [r.label for r in seen.rows] == ["电饭煲 4001", "电水壶 0012"]
    assert [r.line for r in seen.rows] == [3, 5]  # as Excel numbers its rows
    assert seen.ignored_columns == ["备注"]
    tables.commit(ctx, "gadgets", tmp_path / "p.xlsx")
    assert Product.get(Product.name == "电饭煲").price == Decimal("299.50")


def test_export_writes_translated_headers_and_reimports_as_the_same(
    ctx: Context, tmp_path: Path
) -> None:
    tables.commit(ctx, "gadgets", write_csv(tmp_path / "a.csv", GOOD, "utf-8"))
    out = tables.export(ctx, "gadgets", tmp_path / "out.xlsx")
    sheet = load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Name", "Model/spec", "Price")
    assert rows[1][0] == "电饭煲" and rows[1][2] == 299
    assert sheet.cell(2, 3).number_format == "0.00"
    assert tables.preview(ctx, "gadgets", out).counts == {"add": 0, "update": 0, "same": 3}


def test_files_that_cannot_be_read_say_why(ctx: Context, tmp_path: Path) -> None:
    cases = {
        "no header": write_csv(tmp_path / "a.csv", "x,y\n1,2\n", "utf-8"),
        "no name column": write_csv(tmp_path / "b.csv", "型号,售价\nA,1\n", "utf-8"),
        "empty": write_csv(tmp_path / "c.csv", "品名\n", "utf-8"),
        "not text": write_csv(tmp_path / "d.csv", "", "utf-8"),
    }
    (tmp_path / "d.csv").write_bytes(b"\xff\xfe\x00\x81\x30\xff" * 5)
    (tmp_path / "e.xlsx").write_bytes(b"not a workbook")
    codes = {}
    for name, path in [*cases.items(), ("broken xlsx", tmp_path / "e.xlsx")]:
        with pytest.raises(ValidationError) as exc:
            tables.preview(ctx, "gadgets", path)
        codes[name] = exc.value.errors[0].code
    assert codes == {
        "no header": "file_no_header",
        "no name column": "file_missing_columns",
        "empty": "file_empty",
        "not text": "file_encoding",
        "broken xlsx": "file_unreadable",
    }
    with pytest.raises(ValidationError) as exc:
        tables.preview(ctx, "gadgets", tmp_path / "list.pdf")
    assert exc.value.errors[0].code == "file_kind"
    with pytest.raises(ValidationError):
        tables.preview(ctx, "nothing", cases["empty"])


def test_a_desk_clerk_cannot_import(desk_ctx: Context, tmp_path: Path) -> None:
    f = write_csv(tmp_path / "products.csv", GOOD, "utf-8")
    before = row_counts()
    with pytest.raises(PermissionDenied):
        tables.commit(desk_ctx, "gadgets", f)
    with pytest.raises(DomainError):
        tables.preview(desk_ctx, "gadgets", f)
    assert row_counts() == before
