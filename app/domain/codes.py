"""Stable codes shared by every layer.

The values are the contract with the command line, the database and outside tools: English
snake_case, never translated here. The window and the CLI translate them for display.
"""

from __future__ import annotations

from enum import StrEnum


class CaseKind(StrEnum):
    COMPLAINT = "complaint"
    RETURN = "return"
    EXCHANGE = "exchange"
    REFUND = "refund"  # refund only (仅退款)
    REPAIR = "repair"
    PARTS = "parts"  # missing / supplementary parts (补件/少件)
    CARRIER_DAMAGE = "carrier_damage"


class Channel(StrEnum):
    WALK_IN = "walk_in"
    PHONE = "phone"
    WECHAT = "wechat"
    ONLINE_SHOP = "online_shop"  # Tmall/Taobao/JD after-sales queue
    DEALER = "dealer"
    OTHER = "other"


class SaleChannel(StrEnum):
    STORE = "store"
    ONLINE = "online"  # an online shop; which one is the sale's `Platform`
    TMALL = "tmall"  # before v11: Tmall/Taobao; read as ONLINE on platform TAOBAO
    WECHAT = "wechat"  # sold by WeChat chat (a WeChat shop is ONLINE on WECHAT_SHOP)
    PHONE = "phone"
    OTHER = "other"


#: Sale channels of an online-shop order (the platform's rules and periods apply).
ONLINE_SALE_CHANNELS: frozenset[SaleChannel] = frozenset({SaleChannel.ONLINE, SaleChannel.TMALL})


class Platform(StrEnum):
    """The online shop a sale was made on."""

    TAOBAO = "taobao"  # Taobao / Tmall (淘宝/天猫)
    JD = "jd"  # 京东
    PINDUODUO = "pinduoduo"  # 拼多多
    DOUYIN = "douyin"  # 抖音
    WECHAT_SHOP = "wechat_shop"  # 微信小店 / 视频号小店
    OTHER = "other"


class PlatformReason(StrEnum):
    """The refund/after-sales reasons the platforms offer the buyer (退款原因)."""

    FREIGHT = "freight"  # 退运费
    OUT_OF_STOCK = "out_of_stock"  # 缺货
    LATE_SHIPMENT = "late_shipment"  # 未按约定时间发货
    WRONG_ORDER = "wrong_order"  # 拍错订单/多拍/不想要了
    NO_REASON = "no_reason"  # 7天无理由退换货
    QUALITY = "quality"  # 质量问题
    PARTS_MISSING = "parts_missing"  # 少件/漏发
    NOT_AS_DESCRIBED = "not_as_described"  # 商品与描述不符
    DAMAGED = "damaged"  # 包装/商品破损
    WRONG_ITEM = "wrong_item"  # 卖家发错货
    NOT_RECEIVED = "not_received"  # 未收到货
    FAKE = "fake"  # 假冒品牌
    INVOICE = "invoice"  # 发票问题
    OTHER = "other"


class Reason(StrEnum):
    QUALITY = "quality"
    WRONG_SIZE = "wrong_size"
    NOT_AS_DESCRIBED = "not_as_described"
    WRONG_ITEM = "wrong_item"
    TRANSIT_DAMAGE = "transit_damage"
    PARTS_MISSING = "parts_missing"
    NO_REASON = "no_reason"  # changed mind: 7-day no-reason return
    NOT_RECEIVED = "not_received"
    INVOICE = "invoice"
    SERVICE_ATTITUDE = "service_attitude"
    CANNOT_PAY = "cannot_pay"  # customer cannot pay after repeated contact (002)
    MAJOR_CHANGE = "major_change"  # wrong model chosen, business closed, ... (002)
    OTHER = "other"


class Request(StrEnum):
    REFUND = "refund"
    EXCHANGE = "exchange"
    REPAIR = "repair"
    COMPENSATION = "compensation"
    OTHER = "other"


class Severity(StrEnum):
    MINOR = "minor"
    SERIOUS = "serious"
    MALICIOUS = "malicious"  # malicious escalation (恶意投诉)


class ComplaintClass(StrEnum):
    """What a complaint is about (004)."""

    PRODUCT = "product"
    SERVICE = "service"
    DELIVERY = "delivery"
    ATTITUDE = "attitude"


class CustomerKind(StrEnum):
    CONSUMER = "consumer"
    DEALER = "dealer"
    BUSINESS = "business"


class ServiceClass(StrEnum):
    A = "A"
    B = "B"
    C = "C"


class Category(StrEnum):
    PHONE = "phone"
    BATTERY = "battery"
    HEADSET = "headset"  # wired headset
    MEMORY_CARD = "memory-card"
    CHARGER = "charger"
    BLUETOOTH_HEADSET = "bluetooth-headset"
    ACCESSORY = "accessory"
    OTHER = "other"


class Role(StrEnum):
    FRONT_DESK = "front_desk"
    TECHNICIAN = "technician"
    OWNER = "owner"


class Liability(StrEnum):
    SHOP = "shop"  # shop / production fault
    DEALER = "dealer"
    CUSTOMER = "customer"
    CARRIER = "carrier"
    SUPPLIER = "supplier"


class Disposition(StrEnum):
    RESTOCK = "restock"  # intact -> back to stock
    DISCOUNT = "discount"  # slightly damaged -> sell at a discount
    REPAIR_RESTOCK = "repair_restock"  # repairable -> repair then stock
    SCRAP = "scrap"  # not repairable -> scrap with an approved report
    SHIP_BACK = "ship_back"  # rejected return -> back to the customer


class MoneyKind(StrEnum):
    """Kinds of money entries on a case; signs follow the shop's cash (refund < 0 for the shop)."""

    REFUND = "refund"
    CREDIT = "credit"  # store credit / dealer account credit
    CHARGE = "charge"  # customer is charged (repair fee, customer-liable damage)
    DEALER_DEDUCTION = "dealer_deduction"
    CLAIM_RECOVERY = "claim_recovery"  # money recovered from a carrier
    SUPPLIER_RECOVERY = "supplier_recovery"
    FREIGHT = "freight"  # the shop's freight cost
    PARTS = "parts"
    LABOUR = "labour"
    PRICE_DIFFERENCE = "price_difference"  # charged to the customer on an exchange
    FREIGHT_CHARGE = "freight_charge"  # freight borne by the customer or a dealer
    FREIGHT_REFUND = "freight_refund"  # freight the customer advanced, paid back to them
    DEPOSIT = "deposit"  # 押金 taken when a replacement ships first
    DEPOSIT_REFUND = "deposit_refund"  # the deposit paid back when the goods arrive


#: Kinds booked by hand with `money.record_entry` (the others follow from a step of a case).
MANUAL_MONEY_KINDS: frozenset[MoneyKind] = frozenset(
    {
        MoneyKind.CHARGE,
        MoneyKind.PRICE_DIFFERENCE,
        MoneyKind.SUPPLIER_RECOVERY,
        MoneyKind.FREIGHT_REFUND,
        MoneyKind.PARTS,
        MoneyKind.LABOUR,
        MoneyKind.FREIGHT,
    }
)


class PayRoute(StrEnum):
    """How money went to or came from the customer (or supplier)."""

    ORIGINAL = "original"  # back the way it was paid (the order's own payment)
    ALIPAY = "alipay"
    WECHAT = "wechat"
    CASH = "cash"
    BANK = "bank"


class Party(StrEnum):
    """Who bears or pays a money entry."""

    SHOP = "shop"
    CUSTOMER = "customer"
    DEALER = "dealer"
    SUPPLIER = "supplier"
    CARRIER = "carrier"


class FreightPayer(StrEnum):
    SHOP = "shop"
    CUSTOMER = "customer"
    SPLIT = "split"  # half and half, when agreed (002)


class ShippingStatus(StrEnum):
    """Where the goods of a refund-only case are (001: verify, intercept, claim)."""

    UNKNOWN = "unknown"
    NOT_SHIPPED = "not_shipped"
    IN_TRANSIT = "in_transit"
    INTERCEPTED = "intercepted"
    DELIVERED = "delivered"
    LOST = "lost"


class InspectionResult(StrEnum):
    CONFIRMED_DEFECT = "confirmed_defect"
    NO_FAULT_FOUND = "no_fault_found"
    MAN_MADE_DAMAGE = "man_made_damage"
    TRANSIT_DAMAGE = "transit_damage"
    INTACT_RESALABLE = "intact_resalable"


class StockReason(StrEnum):
    """Why stock moved. Every movement is one append-only row; stock on hand is their sum."""

    OPENING = "opening"  # the count a part starts with (import, upgrade of an older database)
    PURCHASE = "purchase"
    REPAIR_USE = "repair_use"
    REPAIR_RETURN = "repair_return"
    ADJUSTMENT = "adjustment"
    RETURNED_GOODS = "returned_goods"
    COUNT = "count"  # a stock-take found a different count
    DAMAGE = "damage"  # damaged on the shelf, written off
    LOSS = "loss"  # lost or missing
    TO_SUPPLIER = "to_supplier"  # sent back to the supplier


#: The reasons a manager may give for an adjustment by hand.
ADJUST_REASONS: tuple[StockReason, ...] = (StockReason.COUNT, StockReason.DAMAGE, StockReason.LOSS)
