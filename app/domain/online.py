"""Online-shop orders: the platform, its refund reasons and what they mean for a case.

The platforms' exports and the buyers' messages name things in Chinese; `platform_from_text`
and `platform_reason_from_text` read those words (they are input, never shown). What a reason
means for the shop is data here: the case's own reason code and whether goods come back
(a return) or only money goes back (a refund-only case, 仅退款).
"""

from __future__ import annotations

from datetime import date

from app.domain.codes import (
    ONLINE_SALE_CHANNELS,
    CaseKind,
    Channel,
    Platform,
    PlatformReason,
    Reason,
    SaleChannel,
)
from app.domain.validation import to_halfwidth

#: A platform reason -> (the case's reason, the case's kind). Goods that never reached the
#: buyer, or money only (freight), make a refund-only case; everything else comes back.
REASON_MEANS: dict[PlatformReason, tuple[Reason, CaseKind]] = {
    PlatformReason.FREIGHT: (Reason.OTHER, CaseKind.REFUND),
    PlatformReason.OUT_OF_STOCK: (Reason.NOT_RECEIVED, CaseKind.REFUND),
    PlatformReason.LATE_SHIPMENT: (Reason.NOT_RECEIVED, CaseKind.REFUND),
    PlatformReason.WRONG_ORDER: (Reason.NO_REASON, CaseKind.RETURN),
    PlatformReason.NO_REASON: (Reason.NO_REASON, CaseKind.RETURN),
    PlatformReason.QUALITY: (Reason.QUALITY, CaseKind.RETURN),
    PlatformReason.PARTS_MISSING: (Reason.PARTS_MISSING, CaseKind.REFUND),
    PlatformReason.NOT_AS_DESCRIBED: (Reason.NOT_AS_DESCRIBED, CaseKind.RETURN),
    PlatformReason.DAMAGED: (Reason.TRANSIT_DAMAGE, CaseKind.RETURN),
    PlatformReason.WRONG_ITEM: (Reason.WRONG_ITEM, CaseKind.RETURN),
    PlatformReason.NOT_RECEIVED: (Reason.NOT_RECEIVED, CaseKind.REFUND),
    PlatformReason.FAKE: (Reason.QUALITY, CaseKind.RETURN),
    PlatformReason.INVOICE: (Reason.INVOICE, CaseKind.REFUND),
    PlatformReason.OTHER: (Reason.OTHER, CaseKind.RETURN),
}

# Words of the platforms' reason lists (Taobao/Tmall, JD, Pinduoduo, Douyin), most specific
# first: "未按约定时间发货" must win over "发货", "退运费" over "运费".
_REASON_WORDS: tuple[tuple[str, PlatformReason], ...] = (
    ("退运费", PlatformReason.FREIGHT),
    ("运费", PlatformReason.FREIGHT),
    ("缺货", PlatformReason.OUT_OF_STOCK),
    ("未按约定时间发货", PlatformReason.LATE_SHIPMENT),
    ("未按时发货", PlatformReason.LATE_SHIPMENT),
    ("发货慢", PlatformReason.LATE_SHIPMENT),
    ("拍错", PlatformReason.WRONG_ORDER),
    ("多拍", PlatformReason.WRONG_ORDER),
    ("不想要", PlatformReason.WRONG_ORDER),
    ("不喜欢", PlatformReason.WRONG_ORDER),
    ("无理由", PlatformReason.NO_REASON),
    ("少件", PlatformReason.PARTS_MISSING),
    ("漏发", PlatformReason.PARTS_MISSING),
    ("少发", PlatformReason.PARTS_MISSING),
    ("描述不符", PlatformReason.NOT_AS_DESCRIBED),
    ("与描述不符", PlatformReason.NOT_AS_DESCRIBED),
    ("破损", PlatformReason.DAMAGED),
    ("污渍", PlatformReason.DAMAGED),
    ("发错货", PlatformReason.WRONG_ITEM),
    ("错发", PlatformReason.WRONG_ITEM),
    ("未收到", PlatformReason.NOT_RECEIVED),
    ("没收到", PlatformReason.NOT_RECEIVED),
    ("未送达", PlatformReason.NOT_RECEIVED),
    ("假冒", PlatformReason.FAKE),
    ("假货", PlatformReason.FAKE),
    ("发票", PlatformReason.INVOICE),
    ("质量问题", PlatformReason.QUALITY),
    ("质量", PlatformReason.QUALITY),
    ("故障", PlatformReason.QUALITY),
    ("其他", PlatformReason.OTHER),
    ("其它", PlatformReason.OTHER),
)

_PLATFORM_WORDS: tuple[tuple[str, Platform], ...] = (
    ("淘宝", Platform.TAOBAO),
    ("天猫", Platform.TAOBAO),
    ("taobao", Platform.TAOBAO),
    ("tmall", Platform.TAOBAO),
    ("京东", Platform.JD),
    ("jd", Platform.JD),
    ("拼多多", Platform.PINDUODUO),
    ("pdd", Platform.PINDUODUO),
    ("pinduoduo", Platform.PINDUODUO),
    ("抖音", Platform.DOUYIN),
    ("抖店", Platform.DOUYIN),
    ("douyin", Platform.DOUYIN),
    ("微信", Platform.WECHAT_SHOP),
    ("视频号", Platform.WECHAT_SHOP),
    ("wechat", Platform.WECHAT_SHOP),
)


def _key(text: str) -> str:
    return to_halfwidth(str(text or "")).strip().casefold().replace(" ", "")


def platform_reason_from_text(text: str) -> PlatformReason | None:
    """The reason a platform's words name ("拍错/多拍/不喜欢" -> WRONG_ORDER), a code as it is,
    or None when nothing is recognised."""
    key = _key(text)
    if not key:
        return None
    for member in PlatformReason:
        if key == member.value:
            return member
    for word, reason in _REASON_WORDS:
        if word in key:
            return reason
    return None


def platform_from_text(text: str) -> Platform | None:
    """The platform a name or code stands for ("天猫" -> TAOBAO), else None."""
    key = _key(text)
    if not key:
        return None
    for member in Platform:
        if key == member.value:
            return member
    for word, platform in _PLATFORM_WORDS:
        if word in key:
            return platform
    return None


def sale_platform(channel: str | None, platform: str | None) -> Platform | None:
    """The platform of a stored sale: its own column, or Taobao/Tmall for a sale stored with the
    old "tmall" channel (before v11 a Tmall sale had no platform of its own)."""
    if platform:
        try:
            return Platform(platform)
        except ValueError:
            return Platform.OTHER
    if channel == SaleChannel.TMALL.value:
        return Platform.TAOBAO
    return None


def is_online(
    channel: str | None = None, sale_channel: str | None = None, platform: str | None = None
) -> bool:
    """An online-shop order: taken from the online queue, sold online, or on a platform."""
    if platform:
        return True
    if channel == Channel.ONLINE_SHOP.value:
        return True
    return sale_channel in {c.value for c in ONLINE_SALE_CHANNELS}


#: `warranty.online_periods_from`: the day-counted periods run from the sale or from receipt.
PERIODS_FROM = ("sale", "received")


def periods_start(setting: str, *, online: bool, received: date | None) -> date | None:
    """The day the 7/15-day periods run from instead of the sale date, or None (the sale date):
    the received date of an online order when the shop's setting says so."""
    if setting == "received" and online and received is not None:
        return received
    return None
