"""Online orders in the domain: platform virtual and masked numbers, the platforms' names and
refund reasons as the platforms write them, and the periods from the received date."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.codes import CaseKind, Platform, PlatformReason, Reason
from app.domain.errors import ValidationError
from app.domain.online import (
    REASON_MEANS,
    is_online,
    periods_start,
    platform_from_text,
    platform_reason_from_text,
    sale_platform,
)
from app.domain.rules.entitlement import Entitlement, decide_entitlement
from app.domain.settings import Settings, WarrantySettings
from app.domain.validation import is_masked_phone, mask_phone, validate_phone


@pytest.mark.parametrize(
    "typed",
    [
        "17012345678-1234",
        "17012345678转1234",
        "17012345678,1234",
        "17012345678，1234",
        "17012345678#1234",
        "170 1234 5678 转 1234",
        "170-1234-5678-1234",
        "+86 17012345678-1234",
        "１７０１２３４５６７８－１２３４",
    ],
)
def test_a_virtual_number_is_kept_with_its_extension(typed: str) -> None:
    assert validate_phone(typed) == "17012345678-1234"
    assert mask_phone(validate_phone(typed)) == "170****5678-1234"


def test_a_masked_number_only_when_the_caller_knows_the_buyer() -> None:
    with pytest.raises(ValidationError) as e:
        validate_phone("138****1234", "contact")
    assert (e.value.errors[0].field, e.value.errors[0].code) == ("contact", "phone_masked")
    assert validate_phone("138 **** 1234", masked=True) == "138****1234"
    assert is_masked_phone("138****1234") and not is_masked_phone("13812341234")
    assert mask_phone("138****1234") == "138****1234"
    for bad in ("138***1234", "12****1234", "138****12345", "13812341234转"):
        with pytest.raises(ValidationError):
            validate_phone(bad, masked=True)
    # Plain numbers are what they were.
    assert validate_phone("138 1234 8000") == "13812348000"
    assert validate_phone("010-12345678转8") == "010-12345678-8"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("退运费", PlatformReason.FREIGHT),
        ("缺货", PlatformReason.OUT_OF_STOCK),
        ("未按约定时间发货", PlatformReason.LATE_SHIPMENT),
        ("拍错/多拍/不喜欢", PlatformReason.WRONG_ORDER),
        ("拍错订单/不想要了", PlatformReason.WRONG_ORDER),
        ("7天无理由退换货", PlatformReason.NO_REASON),
        ("质量问题", PlatformReason.QUALITY),
        ("少件/漏发", PlatformReason.PARTS_MISSING),
        ("商品与描述不符", PlatformReason.NOT_AS_DESCRIBED),
        ("包装/商品破损/污渍", PlatformReason.DAMAGED),
        ("卖家发错货", PlatformReason.WRONG_ITEM),
        ("快递一直未送达", PlatformReason.NOT_RECEIVED),
        ("假冒品牌", PlatformReason.FAKE),
        ("发票问题", PlatformReason.INVOICE),
        ("其他", PlatformReason.OTHER),
        ("late_shipment", PlatformReason.LATE_SHIPMENT),
        ("心情不好", None),
        ("", None),
    ],
)
def test_the_platforms_reasons(text: str, reason: PlatformReason | None) -> None:
    assert platform_reason_from_text(text) is reason


def test_every_platform_reason_says_what_the_case_is() -> None:
    assert set(REASON_MEANS) == set(PlatformReason)
    assert REASON_MEANS[PlatformReason.LATE_SHIPMENT] == (Reason.NOT_RECEIVED, CaseKind.REFUND)
    assert REASON_MEANS[PlatformReason.QUALITY] == (Reason.QUALITY, CaseKind.RETURN)


def test_platform_names_and_the_old_tmall_channel() -> None:
    assert platform_from_text("天猫") is Platform.TAOBAO
    assert platform_from_text("京东自营") is Platform.JD
    assert platform_from_text("wechat-shop") is Platform.WECHAT_SHOP
    assert platform_from_text("亚马逊") is None
    assert sale_platform("tmall", "") is Platform.TAOBAO
    assert sale_platform("online", "douyin") is Platform.DOUYIN
    assert sale_platform("store", "") is None
    assert is_online(channel="online_shop") and is_online(sale_channel="tmall")
    assert not is_online(channel="walk_in", sale_channel="store")


def test_the_short_periods_run_from_receipt_only_when_asked() -> None:
    received = date(2026, 2, 25)
    assert periods_start("sale", online=True, received=received) is None
    assert periods_start("received", online=False, received=received) is None
    assert periods_start("received", online=True, received=received) == received
    w = WarrantySettings()
    ent = decide_entitlement(
        "phone", date(2026, 2, 20), date(2026, 3, 2), w, unused=True, received=received
    )
    assert ent.no_reason_return and ent.until["no_reason_return"] == date(2026, 3, 4)
    assert ent.until["free_repair"] == date(2027, 2, 20)
    assert Entitlement.from_dict(ent.to_dict()) == ent
    old = {k: v for k, v in ent.to_dict().items() if k not in ("periods_from", "received")}
    assert Entitlement.from_dict(old).periods_from == "sale"  # a snapshot from before v11
    with pytest.raises(ValidationError):
        decide_entitlement(
            "phone", date(2026, 2, 20), date(2026, 3, 2), w, received=date(2026, 2, 19)
        )
    assert Settings().replace_path("warranty.online_periods_from", "received").warranty
    with pytest.raises(ValidationError):
        Settings().replace_path("warranty.online_periods_from", "signed")
