"""A platform's after-sales export as cases: table kind "platform-orders".

The layout read is Taobao/Tmall's 千牛 "退款管理 → 批量导出" CSV (GBK, long numbers written as
="…"): 订单编号, 退款编号, 订单付款时间, 买家会员名称, 买家实际支付金额, 宝贝标题, 买家退款金额,
是否需要退货, 退款的申请时间, 退款状态, 货物状态, 退货物流单号, 买家退款原因, 买家退款说明 …
(sample: tests/data/taobao-refunds-gbk.csv; docs/ONLINE_ORDERS.md). Other platforms' exports
are read when their headers are among the aliases, or with the English/Chinese titles; a
"平台" column names the platform, else the file is Taobao/Tmall's.

Each row becomes one after-sales case: a return when the goods come back (是否需要退货 = 是, or
a reason such as 质量问题), a refund-only case otherwise (未按约定时间发货, 退运费 …), with the
platform, order number, buyer ID, the platform's refund number and reason, and the amount asked.
The platform and the refund number are the row's natural key: importing the same export again
finds every refund already there and writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from app.domain import online
from app.domain.codes import (
    CaseKind,
    Channel,
    Platform,
    PlatformReason,
    Request,
    SaleChannel,
    Severity,
)
from app.domain.errors import DomainError
from app.domain.money import parse_money
from app.domain.validation import Collector, validate_date, validate_phone, validate_text
from app.i18n import N_, _
from app.i18n.labels import PLATFORM_REASONS, PLATFORMS, STATUSES
from app.services.casework.intake import (
    SLIP_TEXT_MAX,
    CleanIntake,
    case_of_refund,
    record_intake,
)
from app.services.shop.context import Context
from app.services.shop.permissions import Action
from app.services.shop.tables import Column, PlannedRow, SourceRow, Table
from app.store.models import Case, SaleRef

_YES = {"是", "需要", "yes", "y", "true", "1", "退货退款"}
_NO = {"否", "不需要", "no", "n", "false", "0", "仅退款"}


@dataclass(frozen=True)
class _Row:
    """One refund of the export, checked: what `apply` writes."""

    clean: CleanIntake
    key: tuple[str, str]  # (platform, refund number)


class PlatformOrdersTable(Table):
    """Taobao/Tmall's (and like) after-sales export in; the online orders' cases out."""

    kind = "platform-orders"
    title = N_("Platform after-sales")
    action = Action.CASE_CREATE
    export_action = Action.CASE_CREATE
    columns = (
        Column("order_no", N_("Order no."), ("订单编号", "订单号", "主订单编号"), required=True),
        Column(
            "refund_no",
            N_("Platform refund no."),
            ("退款编号", "退款单号", "售后单号", "售后编号", "服务单号"),
            required=True,
        ),
        Column("platform", N_("Platform"), ("平台", "店铺平台")),
        Column(
            "buyer_id",
            N_("Buyer ID"),
            ("买家会员名称", "买家会员名", "买家昵称", "买家ID", "买家账号", "用户昵称"),
        ),
        Column("phone", N_("Phone"), ("手机号", "手机", "联系电话", "买家手机", "收货人手机")),
        Column("product", N_("Product"), ("宝贝标题", "商品名称", "商品标题")),
        Column("paid", N_("Buyer paid"), ("买家实际支付金额", "实付金额", "订单金额")),
        Column(
            "amount",
            N_("Refund amount"),
            ("买家退款金额", "退款金额", "申请退款金额", "售后金额"),
            required=True,
        ),
        Column("return_goods", N_("Goods to be returned"), ("是否需要退货", "是否退货")),
        Column("reason", N_("Platform's refund reason"), ("买家退款原因", "退款原因", "售后原因")),
        Column("explanation", N_("Buyer's explanation"), ("买家退款说明", "退款说明", "问题描述")),
        Column("status", N_("Refund status"), ("退款状态", "售后状态")),
        Column("goods_status", N_("Goods status"), ("货物状态",)),
        Column("paid_at", N_("Order paid at"), ("订单付款时间", "付款时间", "下单时间")),
        Column("applied_at", N_("Applied at"), ("退款的申请时间", "申请时间")),
        Column("received", N_("Signed for"), ("签收时间", "确认收货时间", "签收日期")),
        Column("tracking_no", N_("Return tracking no."), ("退货物流单号", "物流单号")),
    )

    # --- import ------------------------------------------------------------------------------

    def plan(self, ctx: Context, row: SourceRow, earlier: list[PlannedRow]) -> PlannedRow:
        today = ctx.local(ctx.now()).date()
        v = Collector()
        order_no = v.check(
            "order_no", validate_text, row.get("order_no"), required=True, max_len=40
        )
        refund_no = v.check(
            "refund_no", validate_text, row.get("refund_no"), required=True, max_len=40
        )
        platform = Platform.TAOBAO  # the layout this reads is Taobao/Tmall's
        if row.get("platform"):
            found = online.platform_from_text(row.get("platform"))
            if found is None:
                v.add("platform", "not_a_choice", choices=[p.value for p in Platform])
            platform = found or platform
        buyer_id = v.check("buyer_id", validate_text, row.get("buyer_id"), max_len=60) or ""
        phone = ""
        if row.get("phone"):
            phone = v.check("phone", validate_phone, row.get("phone"), masked=bool(buyer_id)) or ""
        if not buyer_id and not phone and not v.has_errors("phone"):
            v.add("buyer_id", "required")  # nobody to write the case for
        product = v.check("product", validate_text, row.get("product"), max_len=120) or ""
        amount = v.check("amount", parse_money, row.get("amount"), allow_zero=False)
        paid = v.check("paid", parse_money, row.get("paid"), optional=True)
        if amount is not None and paid is not None and amount > paid:
            v.add("amount", "money_too_large", max=str(paid))
        sold = v.check("paid_at", _day, row.get("paid_at"), not_after=today, optional=True)
        received = v.check("received", _day, row.get("received"), not_after=today, optional=True)
        v.check("applied_at", _day, row.get("applied_at"), not_after=today, optional=True)
        reason_text = row.get("reason")
        platform_reason = online.platform_reason_from_text(reason_text) or PlatformReason.OTHER
        case_reason, kind = online.REASON_MEANS[platform_reason]
        answer = row.get("return_goods").strip().casefold()
        if answer in _YES:
            kind = CaseKind.RETURN
        elif answer in _NO:
            kind = CaseKind.REFUND
        elif answer:
            v.add("return_goods", "not_a_choice", choices=["是", "否"])
        description = _description(
            row.get("explanation"),
            reason_text if platform_reason is PlatformReason.OTHER else "",
            row.get("status"),
            row.get("goods_status"),
            row.get("tracking_no"),
        )
        v.raise_if_errors()
        assert order_no is not None and refund_no is not None and amount is not None
        key = (platform.value, refund_no)
        label = f"{refund_no} {product or order_no}".strip()
        same = next((r for r in earlier if r.data is not None and r.data.key == key), None)
        if same is not None:
            raise DomainError(
                "platform_refund_twice", field="refund_no", number=refund_no, line=same.line
            )
        existing = case_of_refund(platform.value, refund_no)
        if existing is not None:
            return PlannedRow(row.line, "same", f"{label} → {existing.number}")
        clean = CleanIntake(
            kind=kind.value,
            name=_buyer_name(buyer_id, platform),
            phone=phone,
            product=product,
            model_spec="",
            category=None,
            serial="",
            sold=sold,
            reason=case_reason,
            request=Request.REFUND,
            channel=Channel.ONLINE_SHOP,
            service_class=None,
            customer_kind=None,
            address="",
            amount=amount,
            qty=1,
            description=description,
            severity=Severity.MINOR,
            order_no=order_no,
            invoice_no="",
            sale_channel=SaleChannel.ONLINE,
            platform_refund_no=refund_no,
            platform=platform,
            buyer_id=buyer_id,
            received=received if received is None or sold is None or received >= sold else None,
            platform_reason=platform_reason,
            flags={"man_made": False, "gift": False, "intact": True, "unused": False},
            brand="",
            device_model="",
            accessories=(),
            condition="",
            fault="",
            on_site=False,
            site_address="",
        )
        return PlannedRow(row.line, "add", label, _Row(clean, key))

    def apply(self, ctx: Context, row: PlannedRow) -> None:
        data: _Row = row.data
        record_intake(ctx, data.clean, source=self.kind)

    # --- export ------------------------------------------------------------------------------

    def export_rows(self, ctx: Context) -> Iterable[dict[str, object]]:
        query = (
            Case.select(Case, SaleRef)
            .join(SaleRef, on=(Case.sale == SaleRef.id))
            .where((Case.platform_refund_no != "") | (SaleRef.platform != ""))
            .order_by(Case.id)
        )
        for case in query:
            sale = case.sale
            platform = online.sale_platform(sale.channel, sale.platform)
            paid = sale.unit_price * sale.quantity if sale.unit_price is not None else None
            yield {
                "order_no": sale.order_no,
                "refund_no": case.platform_refund_no,
                "platform": _(PLATFORMS[platform.value]) if platform else "",
                "buyer_id": sale.buyer_id,
                "phone": "",  # personal data stays in the program
                "product": case.product.name if case.product_id else "",
                "paid": paid,
                "amount": case.amount,
                "return_goods": "",
                "reason": _(PLATFORM_REASONS[case.platform_reason])
                if case.platform_reason in PLATFORM_REASONS
                else "",
                "explanation": case.description,
                "status": _(STATUSES.get(case.status, case.status)),
                "goods_status": "",
                "paid_at": sale.sale_date,
                "applied_at": ctx.local(case.created_at).date(),
                "received": sale.received_date,
                "tracking_no": "",
            }


def _day(value: object, field: str, *, not_after: date | None = None) -> date:
    """A date, or the day of a platform's "2026-02-09 20:14:33"."""
    text = str(value or "").strip().split(" ", 1)[0].split("T", 1)[0]
    return validate_date(text, field, not_after=not_after)


def _buyer_name(buyer_id: str, platform: Platform) -> str:
    """The customer's name as the platform knows them: the buyer's ID (a name needs a letter;
    an ID of digits only is named after the platform)."""
    if any(ch.isalpha() for ch in buyer_id):
        return buyer_id[:40]
    return f"{_(PLATFORMS[platform.value])} {buyer_id}".strip()[:40]


def _description(*parts: str) -> str:
    """The buyer's words and the platform's status as the export has them, one per line."""
    lines = [p.strip() for p in parts if p and p.strip()]
    return "\n".join(lines)[:SLIP_TEXT_MAX]


PLATFORM_ORDERS = PlatformOrdersTable()

__all__ = ["PLATFORM_ORDERS", "PlatformOrdersTable"]
