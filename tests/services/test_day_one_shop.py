"""A real shop's day one and first month, end to end (issue #17).

A phone shop that never loaded the demo moves in from its Excel lists (an XLSX written by
openpyxl with Chinese headers, a GBK CSV and a BOM'd UTF-8 CSV as Excel on a Chinese PC saves
them, with the numbers Excel typed as floats), takes its first cases by scanning the imported
barcodes, uses, buys, damages and returns parts, names a supplier on a return and books its
recovery, keeps a dealer's account and prints its signed statement. Every refusal leaves the
database as it was; the money and the paper are checked at the end.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from app.documents.signing import verify_pdf
from app.domain.errors import DomainError
from app.services.casework.intake import IntakeForm, take_intake
from app.services.paper.statements import make_dealer_statement
from app.services.remedies import repairs
from app.services.remedies.dealers import dealer_deposit, dealer_statement
from app.services.remedies.return_help import deduct_dealer
from app.services.safekeeping.audit_check import changed_rows
from app.services.shop import stock, suppliers, tables
from app.services.shop.context import Context
from app.services.shop.products import get_product, list_products, product_by_barcode
from app.services.shop.setup import context_for
from app.store.db import database
from app.store.models import Customer, DealerMovement, Product, SparePart, StockMovement, Supplier
from tests.conftest import Clock, make_user, q, row_counts

BARCODE = "6941487303214"  # the shop's best seller, a 三星 memory card


@pytest.fixture
def manager(ctx: Context, data_dir: Path, clock: Clock) -> Context:
    make_user("mgr", "front_desk", is_manager=True)
    return context_for(data_dir, "mgr", clock=clock)


# --- the shop's own files ----------------------------------------------------------------------


def products_xlsx(folder: Path, *, bad: bool = False) -> Path:
    """The catalogue as the shop keeps it in Excel: a title line, Chinese headers with the
    spacing of a merged header, prices Excel keeps as floats, a barcode typed as a number,
    blank rows under the table."""
    book = Workbook()
    sheet = book.active
    sheet.append(["XX数码 商品资料（2026年3月）"])
    sheet.append(["商品 名称", " 型号 ", "品牌", "类别", "条 码", "售价", "保修月数", "单位"])
    price = "一千九百九十九" if bad else 1999.0
    for row in (
        ["三星 EVO Plus 存储卡", "128GB", "三星", "存储卡", float(BARCODE), 99.0, 12, "张"],
        ["小米 14", "12+256GB", "小米", "手机", "6934177789012", 3999.0, 12.0, "台"],
        ["华为 FreeBuds Pro 3", "", "华为", "蓝牙耳机", "6942103109874", price, None, "副"],
    ):
        sheet.append(row)
    sheet.append([None] * 8)
    sheet.append(["", "", "", "", "", "", "", ""])
    path = folder / ("products-bad.xlsx" if bad else "products.xlsx")
    book.save(path)
    return path


PARTS_CSV = (
    "配件编码,配件名称,适用机型,进价,售价,安全库存,库位,期初库存\r\n"
    "MI-14-LCD,小米 14 屏幕总成,小米 14,600.0,999.0,2,A-1,5\r\n"
    "HW-M60-BAT,华为 Mate 60 电池,华为 Mate 60,85,199,3,B-2,10\r\n"
    ",,,,,,,\r\n"
)
CUSTOMERS_CSV = (
    "客户名称,手机,备用电话,地址,类型,服务等级,备注\r\n"
    "王五,13700137000,,杭州市西湖区文三路 100 号,个人,A,老客户\r\n"
    "市第一中学后勤处,0571-87015523,13805710001,杭州市拱墅区,单位,B,\r\n"
)
DEALERS_CSV = (
    "经销商名称,手机,地址,服务等级,期初余额,备注\r\n"
    "鑫达通讯,13906571288,杭州市上城区解放路 8 号,A,30000.0,刘总\r\n"
    "华强数码,13906571299,,B,0,\r\n"
)
SUPPLIERS_CSV = (
    "供应商名称,联系人,电话,地址,结算方式,备注\r\n"
    "华强北配件,陈经理,13510001000,深圳市福田区,月结,\r\n"
    "小米售后备件中心,,4001005678,北京市,现结,原厂\r\n"
)


def gbk(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_bytes(text.encode("gbk"))
    return path


def bom(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_bytes(text.encode("utf-8-sig"))
    return path


def table_rows() -> dict[str, tuple]:
    """Every row of the tables the lists write, read with plain SQL: a refusal changes none."""
    out: dict[str, tuple] = {"counts": tuple(sorted(row_counts().items()))}
    for model in (Product, Customer, SparePart, StockMovement, Supplier, DealerMovement):
        name = model._meta.table_name
        out[name] = tuple(database.execute_sql(f'SELECT * FROM "{name}" ORDER BY id').fetchall())
    return out


def movements_value(on: date, ctx: Context) -> Decimal:
    """The stock's value at the end of `on`, worked out here from the movements table."""
    end = datetime.combine(on + timedelta(days=1), datetime.min.time(), tzinfo=ctx.tz)
    rows = database.execute_sql(q('SELECT qty, unit_cost, "at" FROM stock_movement')).fetchall()
    total = Decimal("0.00")
    for qty, unit_cost, at in rows:
        moment = at if isinstance(at, datetime) else datetime.fromisoformat(str(at))
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        if moment < end:
            total += qty * (Decimal(int(unit_cost)) / 100)
    return total


# --- moving in ------------------------------------------------------------------------------------


def move_in(ctx: Context, folder: Path) -> None:
    for kind, path in (
        ("products", products_xlsx(folder)),
        ("parts", bom(folder, "parts.csv", PARTS_CSV)),
        ("customers", gbk(folder, "customers.csv", CUSTOMERS_CSV)),
        ("dealers", gbk(folder, "dealers.csv", DEALERS_CSV)),
        ("suppliers", gbk(folder, "suppliers.csv", SUPPLIERS_CSV)),
    ):
        seen = tables.commit(ctx, kind, path)
        assert seen.counts["add"] >= 2 and seen.counts["update"] == 0, (kind, seen.as_dict())


def test_a_shop_moves_in_from_excel_once(ctx: Context, tmp_path: Path) -> None:
    # A bad row is named in plain words, with its line, and nothing is written.
    bad = products_xlsx(tmp_path, bad=True)
    seen = tables.preview(ctx, "products", bad)
    assert [(e.line, e.field) for e in seen.errors] == [(5, "price")]
    assert "售价" in seen.errors[0].message or "price" in seen.errors[0].message.lower()
    before = table_rows()
    with pytest.raises(DomainError) as info:
        tables.commit(ctx, "products", bad)
    assert info.value.code == "invalid_input"
    assert table_rows() == before

    # The fixed file, the parts, customers, dealers and suppliers.
    move_in(ctx, tmp_path)
    card = get_product(ctx, BARCODE)
    assert (card.name, card.model_spec, card.brand, card.price, card.warranty_months) == (
        "三星 EVO Plus 存储卡",
        "128GB",
        "三星",
        Decimal("99.00"),
        12,
    )
    assert get_product(ctx, "6942103109874").price == Decimal("1999.00")
    assert [p.part_no for p in stock.list_parts(ctx)] == ["HW-M60-BAT", "MI-14-LCD"]
    lcd = stock.part_view(ctx, "MI-14-LCD")
    assert (lcd.stock, lcd.cost, lcd.price) == (5, Decimal("600.00"), Decimal("999.00"))
    assert stock.valuation(ctx).total == Decimal("3850.00") == movements_value(ctx.today(), ctx)
    xinda = Customer.get(Customer.phone == "13906571288")
    assert (xinda.kind, xinda.dealer_balance) == ("dealer", Decimal("30000.00"))
    assert Customer.get(Customer.phone == "0571-87015523").kind == "business"
    assert suppliers.supplier_view(ctx, "华强北配件").terms == "月结"

    # The same files again, and the program's own exports: nothing new, no second opening.
    move_again = [
        ("products", products_xlsx(tmp_path)),
        ("parts", tmp_path / "parts.csv"),
        ("customers", tmp_path / "customers.csv"),
        ("dealers", tmp_path / "dealers.csv"),
        ("suppliers", tmp_path / "suppliers.csv"),
    ]
    for kind in ("products", "parts", "customers", "dealers", "suppliers"):
        out = tables.export(ctx, kind, tmp_path / f"export-{kind}.xlsx")
        move_again.append((kind, out))
    before = table_rows()  # exporting customers wrote the access log
    for kind, path in move_again:
        again = tables.commit(ctx, kind, path)
        assert again.ok and again.counts["add"] == again.counts["update"] == 0, (
            kind,
            path.name,
            again.as_dict(),
        )
    assert table_rows() == before
    openings = StockMovement.select().where(StockMovement.reason == "opening").count()
    assert openings == 2
    assert DealerMovement.select().count() == 1


def test_excel_notations_of_a_barcode(ctx: Context, tmp_path: Path) -> None:
    """A barcode Excel wrote as ="…" is the barcode; one it wrote as 6.94148730321e+12 has lost
    its last digits: it is refused with its line, never stored as a wrong barcode."""
    head = "商品名称,品牌,条码,售价\r\n"
    good = gbk(tmp_path, "p.csv", head + f'三星 EVO Plus 存储卡,三星,="{BARCODE}",99.0\r\n')
    tables.commit(ctx, "products", good)
    assert product_by_barcode(ctx, BARCODE) is not None
    lost = gbk(tmp_path, "lost.csv", head + "小米 14,小米,6.94148730321e+12,3999\r\n")
    seen = tables.preview(ctx, "products", lost)
    assert [(e.line, e.field) for e in seen.errors] == [(2, "barcode")], seen.as_dict()
    before = table_rows()
    with pytest.raises(DomainError):
        tables.commit(ctx, "products", lost)
    assert table_rows() == before
    assert [p.name for p in list_products(ctx)] == ["三星 EVO Plus 存储卡"]


# --- the first month ------------------------------------------------------------------------------


def on(clock: Clock, day: int, hour: int = 10) -> None:
    """Move the clock to `hour` o'clock in Shanghai on March `day`."""
    clock.now = datetime(2026, 3, day, hour - 8, 0, tzinfo=UTC)


def refused_unchanged(fn: object, code: str) -> DomainError:
    before = table_rows()
    with pytest.raises(DomainError) as info:
        fn()  # type: ignore[operator]
    assert info.value.code == code, (info.value.code, info.value.params)
    assert table_rows() == before
    return info.value


def never_negative() -> None:
    """Every part's count, after each of its movements in order, is never below zero."""
    running: dict[int, int] = {}
    for m in StockMovement.select().order_by(StockMovement.at, StockMovement.id):
        running[m.part_id] = running.get(m.part_id, 0) + m.qty
        assert running[m.part_id] >= 0, (m.part_id, m.id)
    for part in SparePart.select():
        assert part.stock == running.get(part.id, 0) >= 0


def test_the_first_month(
    ctx: Context,
    manager: Context,
    desk_ctx: Context,
    tech_ctx: Context,
    clock: Clock,
    tmp_path: Path,
) -> None:
    from app.services.casework.records import find_case
    from app.services.remedies import returns
    from app.store.models import MoneyEntry, RepairTicket, ReturnAuth
    from tests.services.test_returns import receive_all, to_awaiting_goods

    on(clock, 2, 9)
    move_in(ctx, tmp_path)

    # A customer brings back a memory card: the desk scans its barcode, nothing else.
    on(clock, 2, 11)
    card = take_intake(
        desk_ctx,
        IntakeForm(kind="return", name="王五", phone="13700137000", barcode=BARCODE,
                   sold="2026-02-27", reason="quality", amount="99"),
    )  # fmt: skip
    row = find_case(card.number)
    assert row.product.barcode == BARCODE and row.product.category == "memory-card"
    assert row.customer.phone == "13700137000" and Customer.select().count() == 4  # no new one

    # A 小米 14 with a broken screen: the technician fits an imported part.
    on(clock, 3)
    repair = take_intake(
        desk_ctx,
        IntakeForm(kind="repair", name="赵六", phone="13600136000", barcode="6934177789012",
                   fault="屏幕碎裂"),
    )  # fmt: skip
    ticket = RepairTicket.get(RepairTicket.case == find_case(repair.number))
    repairs.add_part(tech_ctx, repair.number, part_no="MI-14-LCD", qty=1)
    assert stock.part_view(ctx, "MI-14-LCD").stock == 4
    used = stock.movements(ctx, "MI-14-LCD")[0]
    assert (used.qty, used.reason, used.ticket, used.unit_cost) == (
        -1,
        "repair_use",
        ticket.number,
        Decimal("600.00"),
    )

    # A delivery at a lower cost; damage found by the manager; the desk may not touch stock.
    on(clock, 5)
    stock.stock_in(manager, "MI-14-LCD", 3, "580", "华强北配件", "补货")
    assert (stock.part_view(ctx, "MI-14-LCD").stock, stock.part_view(ctx, "MI-14-LCD").cost) == (
        7,
        Decimal("580.00"),
    )
    on(clock, 6)
    stock.adjust_stock(manager, "HW-M60-BAT", "-1", "damage", "跌落损坏")
    refused_unchanged(
        lambda: stock.adjust_stock(desk_ctx, "HW-M60-BAT", "-1", "damage", "x"),
        "permission_denied",
    )
    refused_unchanged(
        lambda: stock.stock_in(desk_ctx, "HW-M60-BAT", 1, "85", "华强北配件"), "permission_denied"
    )
    refused_unchanged(
        lambda: stock.adjust_stock(manager, "HW-M60-BAT", "-10", "loss", "盘亏"), "out_of_stock"
    )
    on(clock, 9)
    stock.return_to_supplier(manager, "HW-M60-BAT", 2, "华强北配件", "鼓包")
    refused_unchanged(
        lambda: stock.return_to_supplier(manager, "HW-M60-BAT", 8, "华强北配件", "全退"),
        "out_of_stock",
    )
    assert stock.part_view(ctx, "HW-M60-BAT").stock == 7
    never_negative()

    # The stock's value on several days is quantity × unit cost of the movements to then.
    on(clock, 12)
    expected = {
        date(2026, 3, 1): Decimal("0.00"),
        date(2026, 3, 2): Decimal("3850.00"),  # 5 × 600 + 10 × 85
        date(2026, 3, 3): Decimal("3250.00"),  # one screen used at 600
        date(2026, 3, 5): Decimal("4990.00"),  # three bought at 580
        date(2026, 3, 6): Decimal("4905.00"),  # one battery damaged at 85
        date(2026, 3, 9): Decimal("4735.00"),  # two batteries back at 85
        date(2026, 3, 12): Decimal("4735.00"),
    }
    for day, value in expected.items():
        assert stock.valuation(ctx, day).total == value == movements_value(day, ctx), day

    # The earphones come back faulty: the supplier is liable, named, and pays back.
    on(clock, 10)
    buds = take_intake(
        desk_ctx,
        IntakeForm(kind="return", name="王五", phone="13700137000", barcode="6942103109874",
                   sold="2026-03-01", reason="quality", amount="1999"),
    )  # fmt: skip
    to_awaiting_goods(ctx, buds.number)
    receive_all(ctx, buds.number)
    returns.inspect(ctx, buds.number, "confirmed_defect", "左耳无声", usable=0, scrap=0,
                    to_supplier=1)  # fmt: skip
    returns.decide_liability(ctx, buds.number, "supplier", "来料不良", supplier="华强北配件")
    on(clock, 16)
    suppliers.book_recovery(ctx, "华强北配件", buds.number, "1500.00", "bank", "首笔")
    refused_unchanged(
        lambda: suppliers.book_recovery(ctx, "小米售后备件中心", buds.number, "1", "bank"),
        "supplier_differs",
    )
    rma = ReturnAuth.get(ReturnAuth.case == find_case(buds.number))
    st = suppliers.supplier_statement(ctx, "华强北配件", "2026-03-01", "2026-03-31")
    assert [(lot.what, lot.reference, lot.qty, lot.value) for lot in st.lots] == [
        ("parts", "HW-M60-BAT", 2, Decimal("170.00")),
        ("goods", rma.number, 1, Decimal("1999.00")),
    ]
    assert (st.returned_value, st.recovered, st.outstanding) == (
        Decimal("2169.00"),
        Decimal("1500.00"),
        Decimal("669.00"),
    )
    recovered = MoneyEntry.select().where(MoneyEntry.kind == "supplier_recovery")
    assert [e.amount for e in recovered] == [Decimal("1500.00")]

    # The dealer's month: the opening balance came with the import; a deposit, a deduction.
    on(clock, 11)
    dealer_case = take_intake(
        desk_ctx, IntakeForm(kind="complaint", name="鑫达通讯", phone="13906571288")
    ).number
    dealer_deposit(ctx, "13906571288", "5000", "wechat", "追加保证金")
    on(clock, 20)
    deduct_dealer(ctx, dealer_case, "800.00", "人为损坏")
    refused_unchanged(lambda: dealer_deposit(desk_ctx, "13906571288", "0", "cash"), "invalid_input")
    on(clock, 31, 18)
    s = dealer_statement(ctx, "13906571288", "2026-03-03", "2026-03-31")
    assert (s.opening, s.closing) == (Decimal("30000.00"), Decimal("34200.00"))
    assert [(ln.reason, ln.amount, ln.balance) for ln in s.lines] == [
        ("deposit", Decimal("5000.00"), Decimal("35000.00")),
        ("deduction", Decimal("-800.00"), Decimal("34200.00")),
    ]
    made = make_dealer_statement(ctx, "13906571288", "2026-03-03", "2026-03-31")
    assert verify_pdf(made.pdf, ctx.data_dir).ok
    check_statement_pdf(made.path, tmp_path, s.opening, [Decimal("5000.00"), Decimal("-800.00")])

    # The money at the end of the month.
    xinda = Customer.get(Customer.phone == "13906571288")
    moved = sum((m.amount for m in DealerMovement.select()), Decimal("0.00"))
    assert xinda.dealer_balance == moved == Decimal("34200.00")
    never_negative()
    assert stock.valuation(ctx).total == movements_value(ctx.today(), ctx)

    # A month on, the first files and today's exports import as "already there" (the first
    # parts file would put the screen's cost back to 600: the preview shows that change).
    old_parts = tables.preview(ctx, "parts", tmp_path / "parts.csv")
    assert [(r.action, r.data["values"]) for r in old_parts.rows] == [
        ("update", {"cost": Decimal("600.00")}),
        ("same", {}),
    ]
    again = [
        ("products", tmp_path / "products.xlsx"),
        ("customers", tmp_path / "customers.csv"),
        ("dealers", tmp_path / "dealers.csv"),
        ("suppliers", tmp_path / "suppliers.csv"),
    ]
    for kind in ("products", "parts", "customers", "dealers", "suppliers"):
        again.append((kind, tables.export(ctx, kind, tmp_path / f"month-{kind}.xlsx")))
    before = table_rows()
    for kind, path in again:
        seen = tables.commit(ctx, kind, path)
        assert seen.counts["add"] == seen.counts["update"] == 0, (kind, path.name, seen.as_dict())
    assert table_rows() == before
    # The log vouches for every count, account and case of the month (audit verify).
    assert changed_rows() == ()


MONEY = re.compile(r"-?¥-?[\d,]+\.\d\d")


def money_in(text: str) -> list[Decimal]:
    return [Decimal(m.replace("¥", "").replace(",", "")) for m in MONEY.findall(text)]


def check_statement_pdf(
    path: Path, tmp_path: Path, opening: Decimal, movements: list[Decimal]
) -> None:
    """The printed statement's figures, read back from the PDF's text: opening, each movement
    with the balance after it, closing, and closing = opening + movements. In Chinese: the
    statement is printed in the slip language, as the dealer is handed it."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-layout", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    labelled = {
        m.group(1): money_in(m.group(2))[0]
        for m in re.finditer(r"^\s*(期初余额|期末余额|今日余额)\s+(\S+)\s*$",
                             text, re.M)
    }  # fmt: skip
    rows = [
        money_in(line)
        for line in text.split("明细", 1)[1].splitlines()
        if re.match(r"\s*\d{4}-\d\d-\d\d \d\d:\d\d", line)
    ]
    assert labelled["期初余额"] == opening, text
    running = opening
    for (amount, balance), expected in zip(rows, movements, strict=True):
        running += amount
        assert (amount, balance) == (expected, running), text
    assert labelled["期末余额"] == running == opening + sum(movements, Decimal("0.00"))
    assert "139****1288" in text


def test_numbers_another_program_wrote_as_floats(ctx: Context, tmp_path: Path) -> None:
    """A CSV saved by a tool that writes every number as a float (5.0, 12.0, 13700137000.0)
    imports as the whole numbers they are; 5.5 pieces are still refused."""
    parts = bom(
        tmp_path,
        "parts.csv",
        "配件编码,配件名称,进价,安全库存,期初库存\r\nGEN-SIM,SIM 卡托,4.0,10.0,20.0\r\n",
    )
    products = gbk(
        tmp_path,
        "products.csv",
        "商品名称,条码,售价,保修月数\r\n小米 14,6934177789012.0,3999.0,12.0\r\n",
    )
    customers = gbk(tmp_path, "customers.csv", "客户名称,手机\r\n王五,13700137000.0\r\n")
    for kind, path in (("parts", parts), ("products", products), ("customers", customers)):
        seen = tables.commit(ctx, kind, path)
        assert seen.counts["add"] == 1, (kind, seen.as_dict())
    sim = stock.part_view(ctx, "GEN-SIM")
    assert (sim.stock, sim.reorder_level, sim.cost) == (20, 10, Decimal("4.00"))
    assert get_product(ctx, "6934177789012").warranty_months == 12
    assert Customer.get().phone == "13700137000"
    half = bom(tmp_path, "half.csv", "配件编码,配件名称,进价,期初库存\r\nGEN-X,卡针,1,5.5\r\n")
    assert [(e.line, e.field) for e in tables.preview(ctx, "parts", half).errors] == [(2, "stock")]


def test_the_brand_is_said_once() -> None:
    """Lists, messages and the repair slip's device line name the brand once."""
    from app.services.shop.products import branded

    assert branded("三星", "三星 EVO Plus 存储卡", "128GB") == "三星 EVO Plus 存储卡 128GB"
    assert branded("Apple", "apple iPhone 15") == "apple iPhone 15"
    assert branded("华为", "Mate 60 Pro") == "华为 Mate 60 Pro"
    assert branded("", "小米 14", "") == "小米 14"
