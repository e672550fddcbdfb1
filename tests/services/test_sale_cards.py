"""Warranty cards at the sale: a sale registered at the counter (no case) prints its card, an
accessory's card carries the accessory's terms, and every card carries what the shop promises
(service points, the rules for sending a device in and who pays the freight, the consignee for
parcels, the battery tip, a repair record to fill in)."""

from __future__ import annotations

import dataclasses
import subprocess
from pathlib import Path
from typing import Any

import pytest

from app.cli import main
from app.domain.errors import ValidationError
from app.services.casework.sales import register_sale
from app.services.paper import documents
from app.services.shop.context import Context
from app.store.models import Case, Event, SaleRef
from tests.conftest import refused, row_counts
from tests.documents.slipdata import have_poppler, squash

pytestmark = pytest.mark.skipif(not have_poppler(), reason="needs poppler-utils (pdftotext)")

IMEI = "356789012345672"  # passes Luhn


def _shop(ctx: Context) -> Context:
    shop = dataclasses.replace(
        ctx.settings.shop,
        name="鑫达手机通讯",
        address="石家庄开发区黄河大道 88 号",
        hotline="0311-8888 6666",
        return_address="石家庄开发区黄河大道 88 号 售后部",
        consignee="鑫达售后退换货组",
        consignee_phone="0311-8888 7777",
        service_points="石家庄：华为授权服务中心（中山路 1 号）\n保定：小米之家（东风路 2 号）",
    )
    return dataclasses.replace(ctx, settings=dataclasses.replace(ctx.settings, shop=shop))


def _text(pdf: bytes, tmp: Path) -> str:
    path = tmp / "card.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    )
    return squash(out.stdout)


def test_a_sale_without_a_case_prints_its_warranty_card(
    backend: str, ctx: Context, tmp_path: Path
) -> None:
    ctx = _shop(ctx)
    sale = register_sale(
        ctx,
        customer="张三",
        phone="13800138000",
        product="小米 14",
        model_spec="12GB+256GB 黑色",
        category="phone",
        serial=IMEI,
        sale_date="2026-03-01",
        price="3999",
        invoice_no="FP-2026-0001",
    )
    assert Case.select().count() == 0  # no after-sales case was needed
    assert SaleRef.get_by_id(sale.id).unit_price == 3999
    text = _text(documents.render_slip(ctx, IMEI, "warranty-card"), tmp_path)
    for needle in ("保修卡", "小米14", IMEI, "2026-03-01", "FP-2026-0001", "张三", "138****8000"):
        assert needle in text, needle
    assert "13800138000" not in text  # the phone is masked on the customer's card
    assert "2027-03-01" in text  # 12 months from the sale date, as the entitlement counts it
    # what the shop promises (procedure 001)
    assert "华为授权服务中心" in text and "小米之家" in text  # service points
    assert "认可本店出具的检测报告" in text  # return-for-inspection rules
    assert "往返运费由您和本店各承担一半" in text  # the freight split
    assert "鑫达售后退换货组" in text and "0311-88887777" in text  # consignee, phone
    assert "电池可能需要激活" in text  # the battery tip
    assert "维修记录" in text and "送修日期" in text  # the repair record
    assert "可换同型号主机（配件不换）" in text  # the handset's terms
    # the card is signed and kept, and its printing is in the history
    slip = documents.make_slip(ctx, IMEI, "warranty-card")
    assert slip.number == IMEI and slip.path.is_file()
    assert Event.select().where((Event.entity == "sale") & (Event.action == "printed")).count()


def test_an_accessorys_card_prints_the_accessorys_terms(
    backend: str, ctx: Context, tmp_path: Path
) -> None:
    ctx = _shop(ctx)
    register_sale(
        ctx,
        customer="李四",
        phone="13900139000",
        product="原装充电器 67W",
        category="charger",
        sale_date="2026-03-01",
        price="149",
        invoice_no="FP-2026-0002",
    )
    text = _text(documents.render_slip(ctx, "FP-2026-0002", "warranty-card"), tmp_path)
    assert "配件三包" in text and "可更换同型号配件" in text
    assert "12个月" in text and "2027-03-01" in text  # the charger's statutory period
    assert "可换同型号主机（配件不换）" not in text and "主机非人为故障免费维修" not in text
    assert "配件保修期" not in text  # the handset card's accessory table


def test_bad_sales_are_refused_and_nothing_is_written(backend: str, ctx: Context) -> None:
    before = row_counts()
    with pytest.raises(ValidationError) as info:
        register_sale(ctx, customer="", phone="123", product="", serial="1#", price="-1")
    fields = {e.field for e in info.value.errors}
    assert {"customer", "phone", "product", "serial", "price"} <= fields
    assert row_counts() == before
    with pytest.raises(ValidationError):  # neither IMEI nor invoice: the card could not be found
        register_sale(ctx, customer="张三", phone="13800138000", product="小米 14")
    assert row_counts() == before
    register_sale(ctx, customer="张三", phone="13800138000", product="小米 14", serial=IMEI)
    refused(
        lambda: register_sale(
            ctx, customer="张三", phone="13800138000", product="小米 14", serial=IMEI
        ),
        "sale_exists",
    )


def test_the_sale_verb_registers_and_prints_the_card(
    backend: str, ctx: Context, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.services.shop.accounts import set_pin

    set_pin(ctx, "boss", "24681357")
    monkeypatch.setenv("AFTERDESK_PIN", "24681357")
    args = ["--data-dir", str(ctx.data_dir), "--lang", "en", "--user", "boss", "sale"]
    args += ["--customer", "王五", "--phone", "13700137000", "--product", "华为 Pura 70"]
    args += ["--imei", IMEI, "--date", "2026-03-01", "--price", "5499", "--print-card"]
    assert main(args) == 0, capsys.readouterr().err
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"Sale registered: {IMEI}. Print its card: print {IMEI} --form warranty-card"
    pdf = Path(out[1])
    assert pdf.is_file() and "华为Pura70" in _text(pdf.read_bytes(), tmp_path)
    # saved, not printed: the history never says "printed" for a job no printer took
    sale_events = Event.select().where(Event.entity == "sale")
    assert {e.action for e in sale_events} >= {"slip_saved"}
    assert "printed" not in {e.action for e in sale_events}
    bad = ["--data-dir", str(ctx.data_dir), "--user", "boss", "sale", "--customer", "x"]
    assert main([*bad, "--phone", "1", "--product", "p"]) == 2
