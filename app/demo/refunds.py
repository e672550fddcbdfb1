"""Refund-only scripts (仅退款): the parcel not shipped, intercepted (or not), delivered after
all, or lost on the way with a carrier claim; a duplicate request rejected at once.
"""

from __future__ import annotations

from app.demo import catalogue, claims
from app.demo.plan import Plan, Step
from app.demo.script import Script, money
from app.services.remedies import money as money_svc


def _reason(entry: dict[str, str]) -> tuple[str, str]:
    return entry["reason"], entry["description"]


def build(d: Script, p: Plan, variant: str) -> None:
    """A refund-only request of `variant`, from intake to closed (or its target)."""
    item = d.any_item(0.45)
    sale = d.sale_fields("tmall" if d.chance(0.7) else "wechat")
    reasons = catalogue.phrases("refund_reasons")
    if variant in ("not_shipped", "reject_direct"):
        reason, desc = _reason(reasons[d.rng.randint(0, 1)])
    elif variant == "delivered":
        reason, desc = _reason(reasons[2])
    else:
        reason, desc = _reason(reasons[3] if variant == "lost" else d.pick(reasons[:2]))
    fields = {
        "kind": "refund",
        **sale,
        **d.item_fields(item),
        "sold_days": d.rng.randint(0, 5) if variant != "lost" else d.rng.randint(6, 9),
        "reason": reason,
        "description": f"订单 {sale['order_no']}（{item['name']}）：{desc}",
    }
    fields.pop("serial", None)  # not shipped or not received: no device in hand
    d.intake(p, p.desk, "requested", **fields)
    amount = item["price"]
    payer = d.approver(amount)
    pay = money(amount)

    def ship(status: str, note: str) -> Step:
        return lambda c, st: money_svc.set_shipping_status(c, st["no"], status, note)

    if variant == "reject_direct":
        d.mv(p, d.h(1, 20), p.desk, "rejected", "重复申请：该订单已于前一天退款", "no")
        d.mv(p, d.h(12, 48), p.desk, "closed", "已告知顾客")
        return
    if variant == "not_shipped":
        p.go(
            d.h(0.2, 4),
            p.desk,
            ship("not_shipped", "核实仓库尚未发货，已取消出库"),
            "verifying",
        )
    elif variant == "delivered":
        p.go(d.h(0.5, 8), p.desk, ship("delivered", "物流显示已由本人签收"), "verifying")
        d.mv(
            p,
            d.h(2, 30),
            p.desk,
            "rejected",
            "快递员回单及签收照片显示顾客本人已签收，不支持仅退款，建议顾客核实家人是否代收",
        )
        d.mv(p, d.h(12, 72), p.desk, "closed", "顾客确认家人代收，撤回申请")
        return
    elif variant in ("intercept", "intercept_failed"):
        p.go(d.h(0.2, 4), p.desk, ship("in_transit", "包裹已发出，正在运输途中"), "verifying")
        d.mv(p, d.h(0.1, 1), p.desk, "intercepting", "已联系快递拦截退回")
        if variant == "intercept_failed":
            p.do(d.h(12, 40), p.desk, ship("delivered", "拦截失败，包裹已派送签收"))
            d.mv(
                p,
                d.h(0.5, 6),
                p.desk,
                "rejected",
                "拦截未成功，包裹已签收，已引导顾客收货后走七天无理由退货",
            )
            d.mv(p, d.h(12, 72), p.desk, "closed", "顾客同意改走退货流程")
            return
        p.do(d.h(20, 70), p.desk, ship("intercepted", "包裹已拦截，退回仓库"))
    else:  # lost
        p.go(
            d.h(0.5, 6),
            p.desk,
            ship("in_transit", "物流多日未更新，联系快递核查"),
            "verifying",
        )
        claims.open_claim(d, p, item)
        p.do(d.h(20, 60), p.desk, ship("lost", "快递公司确认包裹丢失"))
        claims.track(d, p, "no")
    p.go(
        d.h(0.2, 6),
        payer,
        lambda c, st: money_svc.refund(c, st["no"], pay, "原路退回"),
        "refunded",
    )
    d.mv(p, d.h(12, 72), p.desk, "closed", "退款已到账，顾客确认")
