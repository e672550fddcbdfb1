"""The products, customers and dealers lists brought in from a shop's spreadsheets: bad rows are
named by line and column and nothing is written, the corrected file is imported whole, the same
file imported again writes nothing, and each list exported to XLSX comes back unchanged."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from app.domain.errors import ValidationError
from app.services.casework.customers import show_customer
from app.services.casework.intake import IntakeForm, take_intake
from app.services.remedies.dealers import dealer_account, dealer_deposit
from app.services.safekeeping.audit_check import changed_rows
from app.services.shop import tables
from app.services.shop.context import Context
from app.services.shop.products import get_product, list_products
from app.store.models import CustomerAccess, DealerMovement, Event, Product
from tests.conftest import refused, row_counts

PRODUCTS_BAD = (
    "商品名称,型号,品牌,类别,条码,售价,保修月数\n"
    "华为 Mate 60,BRA-AL00,华为,手机,6941487303214,5999,24\n"
    ",,,,,,\n"
    "充电器,,,电饭煲,69414873X?,abc,0\n"
    "FreeBuds 5,,华为,蓝牙耳机,,999,\n"
    "华为 Mate 60 Pro,ALN-AL00,华为,phone,6941487303214,6999,\n"
)
PRODUCTS_GOOD = (
    "商品名称,型号,品牌,类别,条码,售价,保修月数\n"
    "华为 Mate 60,BRA-AL00,华为,手机,6941487303214,5999,24\n"
    "FreeBuds 5,,华为,蓝牙耳机,,999,\n"
    "原装充电器 66W,,华为,Charger,6941487300001,149.00,\n"
)


def _csv(tmp_path: Path, name: str, text: str, encoding: str = "gbk") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_products_bad_rows_named_then_the_good_file_and_again(ctx: Context, tmp_path: Path) -> None:
    bad = _csv(tmp_path, "商品.csv", PRODUCTS_BAD)
    seen = tables.preview(ctx, "products", bad)
    lines = {(e.line, e.field) for e in seen.errors}
    assert {(4, "category"), (4, "barcode"), (4, "price"), (4, "warranty_months")} <= lines
    assert (6, "barcode") in lines  # the same barcode as line 2
    message = next(e.message for e in seen.errors if e.line == 4 and e.field == "price")
    assert message.startswith("Selling price")  # the column, in the language in use
    before = row_counts()
    refused(lambda: tables.commit(ctx, "products", bad), "invalid_input")
    assert row_counts() == before

    good = _csv(tmp_path, "商品2.csv", PRODUCTS_GOOD)
    done = tables.commit(ctx, "products", good)
    assert done.counts == {"add": 3, "update": 0, "same": 0}
    mate = get_product(ctx, "6941487303214")
    assert (mate.category, mate.price, mate.warranty_months, mate.brand) == (
        "phone",
        Decimal("5999.00"),
        24,
        "华为",
    )
    assert get_product(ctx, "6941487300001").category == "charger"
    after = row_counts()
    again = tables.commit(ctx, "products", good)
    assert again.counts == {"add": 0, "update": 0, "same": 3}
    assert row_counts() == after  # not even an import event

    # A changed price updates the product found by its barcode (its name may differ).
    changed = PRODUCTS_GOOD.replace("5999,24", "5799,24").replace("华为 Mate 60,", "Mate60,")
    third = tables.commit(ctx, "products", _csv(tmp_path, "商品3.csv", changed, "utf-8-sig"))
    assert third.counts == {"add": 0, "update": 1, "same": 2}
    mate = get_product(ctx, "6941487303214")
    assert (mate.name, mate.price) == ("Mate60", Decimal("5799.00"))
    event = Event.select().where(Event.action == "edited").get()
    assert event.data["price"] == ["5999.00", "5799.00"] and event.data["source"] == "import"


def test_products_export_and_import_back_is_the_same(ctx: Context, tmp_path: Path) -> None:
    tables.commit(ctx, "products", _csv(tmp_path, "p.csv", PRODUCTS_GOOD))
    take_intake(
        ctx, IntakeForm(kind="repair", product="OPPO Reno 11", name="张三", phone="13800138000")
    )
    out = tables.export(ctx, "products", tmp_path / "products.xlsx")
    sheet = load_workbook(out).active
    header = [c.value for c in sheet[1]]
    assert header[0] == "Product name"  # the language in use (English in tests)
    assert sheet.max_row == 5  # three from the catalogue, one typed at the desk
    before = row_counts()
    back = tables.commit(ctx, "products", out)
    assert back.counts == {"add": 0, "update": 0, "same": 4}
    assert row_counts() == before
    assert [p.name for p in list_products(ctx, "OPPO", inactive=True)] == ["OPPO Reno 11"]
    assert Product.get(Product.name == "OPPO Reno 11").active is False


CUSTOMERS = (
    "客户名称,手机,地址,类型,服务等级,备注\n"
    "王五,13700137000,杭州市西湖区,个人,A,老客户\n"
    "杭州某某公司,0571-88886666,,企业,B,\n"
)


def test_customers_import_with_bad_rows_then_again(ctx: Context, tmp_path: Path) -> None:
    take_intake(ctx, IntakeForm(kind="complaint", name="王五", phone="13700137000"))
    bad = _csv(tmp_path, "客户.csv", CUSTOMERS + "李四,12345,,VIP,D,\n,13600136000,,,,\n")
    seen = tables.preview(ctx, "customers", bad)
    assert {(e.line, e.field) for e in seen.errors} == {
        (4, "phone"),
        (4, "kind"),
        (4, "service_class"),
        (5, "name"),
    }
    before = row_counts()
    refused(lambda: tables.commit(ctx, "customers", bad), "invalid_input")
    assert row_counts() == before
    good = _csv(tmp_path, "客户2.csv", CUSTOMERS)
    done = tables.commit(ctx, "customers", good)
    assert done.counts == {"add": 1, "update": 1, "same": 0}  # 王五 was known by his phone
    wang = show_customer(ctx, "13700137000")
    assert (wang.address, wang.service_class, wang.notes) == ("杭州市西湖区", "A", "老客户")
    assert show_customer(ctx, "057188886666").kind == "business"
    after = row_counts()
    assert tables.commit(ctx, "customers", good).counts == {"add": 0, "update": 0, "same": 2}
    assert row_counts() == after
    # The export is the owner's, and every customer in it is in the access log.
    logged = CustomerAccess.select().where(CustomerAccess.what == "export").count()
    tables.export(ctx, "customers", tmp_path / "customers.xlsx")
    assert CustomerAccess.select().where(CustomerAccess.what == "export").count() == logged + 2
    assert tables.commit(ctx, "customers", tmp_path / "customers.xlsx").counts["same"] == 2


def test_customers_export_is_the_owners(desk_ctx: Context, tmp_path: Path) -> None:
    refused(lambda: tables.export(desk_ctx, "customers", tmp_path / "c.xlsx"), "permission_denied")


DEALERS = "经销商名称,手机,期初余额,备注\n鑫达通讯,13906571288,30000,刘总\n华强数码,13906571299,,\n"


def test_dealers_come_with_their_opening_balance_once(ctx: Context, tmp_path: Path) -> None:
    path = _csv(tmp_path, "经销商.csv", DEALERS.replace("经销商名称", "客户名称"))
    done = tables.commit(ctx, "dealers", path)
    assert done.counts == {"add": 2, "update": 0, "same": 0}
    account = dealer_account(ctx, "13906571288")
    assert account.balance == Decimal("30000.00")
    assert DealerMovement.get().reason == "opening"
    assert show_customer(ctx, "13906571299").kind == "dealer"
    assert tables.commit(ctx, "dealers", path).counts["same"] == 2
    # The account has moved since: another balance in a file is refused, not overwritten.
    dealer_deposit(ctx, "13906571288", "500", "cash")
    moved = path.with_name("经销商2.csv")
    moved.write_bytes(path.read_bytes().replace(b"30000", b"40000"))
    seen = tables.preview(ctx, "dealers", moved)
    assert [(e.line, e.field) for e in seen.errors] == [(2, "balance")]
    exported = tables.export(ctx, "dealers", tmp_path / "dealers.xlsx")
    before = row_counts()
    assert tables.commit(ctx, "dealers", exported).counts["same"] == 2
    assert row_counts()["DealerMovement"] == before["DealerMovement"]
    try:
        tables.commit(ctx, "dealers", moved)
    except ValidationError as exc:
        assert exc.errors[0].field == "file"
    assert dealer_account(ctx, "13906571288").balance == Decimal("30500.00")
    assert changed_rows() == ()  # opening balances and deposits are sealed in the log


SAMPLES = Path(__file__).resolve().parents[1] / "data" / "lists"


def test_the_sample_files_of_the_readme_import_and_again(ctx: Context) -> None:
    """docs/LISTS.md points shops at these files: each imports whole, and again changes nothing."""
    counts = {}
    for kind in ("products", "customers", "dealers"):
        counts[kind] = tables.commit(ctx, kind, SAMPLES / f"{kind}.csv").counts
    assert counts == {
        "products": {"add": 5, "update": 0, "same": 0},
        "customers": {"add": 3, "update": 0, "same": 0},
        "dealers": {"add": 2, "update": 0, "same": 0},
    }
    before = row_counts()
    for kind in ("products", "customers", "dealers"):
        assert tables.commit(ctx, kind, SAMPLES / f"{kind}.csv").counts["same"] > 0
    assert row_counts() == before
    assert get_product(ctx, "8801643851437").warranty_months == 120
    assert show_customer(ctx, "13805710001").kind == "business"
    assert dealer_account(ctx, "13906571288").balance == Decimal("30000.00")
