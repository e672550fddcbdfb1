"""A Taobao/Tmall after-sales export (千牛 "退款管理 → 批量导出", GBK CSV) imported as cases:
the sample in tests/data has a bad row, so the preview names it and nothing is written; the
fixed file makes one case per refund (a return or a refund-only case as the reason says) with
the platform, order, buyer, refund number, amount and reason; importing it again writes nothing;
a refund paid on an imported case; the export reads back as the same refunds. SQLite and
PostgreSQL alike."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from app.domain.errors import ValidationError
from app.services.casework.cases import show_case
from app.services.casework.intake import IntakeForm, take_intake
from app.services.casework.records import find_case, refunded_total, rma_of
from app.services.remedies import money as money_svc
from app.services.shop import tables
from app.services.shop.context import Context
from app.store.models import Case, Customer, Event, SaleRef
from tests.conftest import row_counts

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "taobao-refunds-gbk.csv"
BAD_LINE = 9  # the refund amount written in words: 一百四十九


def fixed(tmp_path: Path) -> Path:
    """The sample with its bad row put right, saved again as Excel on a Chinese PC saves it."""
    text = SAMPLE.read_bytes().decode("gbk").replace(",一百四十九,", ",149.00,")
    path = tmp_path / "退款导出-改.csv"
    path.write_bytes(text.encode("gbk"))
    return path


def test_the_sample_previews_its_bad_row_and_writes_nothing(ctx: Context) -> None:
    before = row_counts()
    got = tables.preview(ctx, "platform-orders", SAMPLE)
    assert got.counts == {"add": 7, "update": 0, "same": 0}
    assert [(e.line, e.field) for e in got.errors] == [(BAD_LINE, "amount")]
    assert "Refund amount" in got.errors[0].message  # the column, named as the program does
    labels = [r.label.split()[0] for r in got.rows]
    assert labels[:2] == ["171839025541234561", "171839025541234562"]
    assert "支付宝交易号" in got.ignored_columns  # columns the program has no use for
    with pytest.raises(ValidationError) as e:
        tables.commit(ctx, "platform-orders", SAMPLE)
    assert e.value.errors[0].code == "file_has_errors"
    assert row_counts() == before


def test_the_fixed_export_makes_one_case_per_refund_once(ctx: Context, tmp_path: Path) -> None:
    path = fixed(tmp_path)
    done = tables.commit(ctx, "platform-orders", path)
    assert done.counts == {"add": 8, "update": 0, "same": 0}
    cases = {c.platform_refund_no: c for c in Case.select()}
    assert len(cases) == 8
    expect = {  # refund number (tail) -> kind, the case's reason, the platform's reason
        "1": ("refund", "not_received", "late_shipment"),
        "2": ("return", "quality", "quality"),
        "3": ("return", "no_reason", "wrong_order"),
        "4": ("refund", "other", "freight"),
        "5": ("refund", "parts_missing", "parts_missing"),
        "6": ("return", "not_as_described", "not_as_described"),
        "7": ("return", "transit_damage", "damaged"),
        "8": ("return", "quality", "quality"),
    }
    for tail, (kind, reason, platform_reason) in expect.items():
        case = cases[f"17183902554123456{tail}"]
        assert (case.kind, case.reason, case.platform_reason) == (kind, reason, platform_reason)
        assert case.channel == "online_shop"
        sale = SaleRef.get_by_id(case.sale_id)
        assert (sale.platform, sale.channel) == ("taobao", "online")
        assert sale.order_no == f"39012455667812345{60 + int(tail)}"
        if kind == "return":
            assert rma_of(case) is not None  # the goods are awaited back
    quality = show_case(ctx, cases["171839025541234562"].number)
    assert (quality.sale.buyer_id, quality.customer.name) == ("小鱼儿爱吃鱼", "小鱼儿爱吃鱼")
    assert quality.amount == Decimal("129.00")
    assert quality.product.name == "华为P60 原装电池 4815mAh 更换电池"
    assert quality.sale.sale_date.isoformat() == "2026-02-14"
    assert "充满电一小时就掉到20%" in quality.description
    assert "78612345678901" in quality.description  # the return's tracking number, as exported
    freight = cases["171839025541234564"]
    assert freight.amount == Decimal("10.00")  # a part refund: the freight only
    created = Event.select().where((Event.entity == "case") & (Event.action == "created"))
    assert all(e.data.get("source") == "platform-orders" for e in created)
    assert Event.select().where(Event.action == "imported").count() == 1

    # The same file again: every refund is already there; nothing is written.
    before = row_counts()
    again = tables.preview(ctx, "platform-orders", path)
    assert again.counts == {"add": 0, "update": 0, "same": 8} and again.ok
    tables.commit(ctx, "platform-orders", path)
    assert row_counts() == before

    # The money at the end: the order that was never shipped is refunded in full.
    late = cases["171839025541234561"].number
    money_svc.set_shipping_status(ctx, late, "not_shipped")
    money_svc.refund(ctx, late, "3999.00", "未发货，全额退款")
    assert refunded_total(find_case(late)) == Decimal("3999.00")
    assert find_case(late).status == "refunded"


def test_a_refund_taken_at_the_counter_is_not_imported_again(ctx: Context, tmp_path: Path) -> None:
    take_intake(
        ctx,
        IntakeForm(
            kind="return",
            name="小鱼儿",
            phone="13912345678",
            product="华为P60 原装电池",
            channel="online_shop",
            platform="taobao",
            buyer_id="小鱼儿爱吃鱼",
            order_no="3901245566781234562",
            platform_refund_no="171839025541234562",
        ),
    )
    got = tables.preview(ctx, "platform-orders", fixed(tmp_path))
    same = [r for r in got.rows if r.action == "same"]
    assert len(same) == 1 and same[0].label.startswith("171839025541234562")
    assert got.counts["add"] == 7


def test_other_layouts_phones_and_duplicate_rows(ctx: Context, tmp_path: Path) -> None:
    """A Pinduoduo-style file with 手机号: a masked number with the buyer is taken (and never
    matches a customer by its digits); without the buyer, and a refund twice in one file, are
    errors naming their columns."""
    known = take_intake(ctx, IntakeForm(kind="complaint", name="陈静", phone="13800001234"))
    path = tmp_path / "pdd.csv"
    path.write_text(
        "平台,订单号,售后编号,买家昵称,手机号,商品名称,退款金额,售后原因\n"
        "拼多多,260301-123456789,PDD-AS-1,多多买家A,138****1234,数据线 1米,19.90,少件/漏发\n"
        "拼多多,260301-123456790,PDD-AS-2,,139****5678,数据线 2米,29.90,质量问题\n"
        "拼多多,260301-123456791,PDD-AS-1,多多买家B,17012345678转0021,数据线,9.90,退运费\n",
        encoding="utf-8-sig",
    )
    got = tables.preview(ctx, "platform-orders", path)
    assert [(e.line, e.field) for e in got.errors] == [(3, "phone"), (4, "refund_no")]
    assert "line 2" in got.errors[1].message
    path.write_text(
        "平台,订单号,售后编号,买家昵称,手机号,商品名称,退款金额,售后原因\n"
        "拼多多,260301-123456789,PDD-AS-1,多多买家A,138****1234,数据线 1米,19.90,少件/漏发\n"
        "拼多多,260301-123456791,PDD-AS-3,多多买家B,17012345678转0021,数据线,9.90,退运费\n",
        encoding="utf-8-sig",
    )
    tables.commit(ctx, "platform-orders", path)
    masked = Case.get(Case.platform_refund_no == "PDD-AS-1")
    assert masked.customer_id != known.customer_id
    assert Customer.get_by_id(masked.customer_id).phone == "138****1234"
    assert SaleRef.get_by_id(masked.sale_id).platform == "pinduoduo"
    virtual = Case.get(Case.platform_refund_no == "PDD-AS-3")
    assert Customer.get_by_id(virtual.customer_id).phone == "17012345678-0021"


def test_the_export_reads_back_as_the_same_refunds(ctx: Context, tmp_path: Path) -> None:
    tables.commit(ctx, "platform-orders", fixed(tmp_path))
    out = tables.export(ctx, "platform-orders", tmp_path / "platform.xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(out).active
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["Order no.", "Platform refund no.", "Platform"]
    assert sheet.max_row == 9
    again = tables.preview(ctx, "platform-orders", out)
    assert again.ok and again.counts == {"add": 0, "update": 0, "same": 8}
