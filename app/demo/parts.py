"""Missing-parts scripts (缺件补发): the shop checks its packing record, ships what was missing
(paying the freight) or shows the parcel was complete.
"""

from __future__ import annotations

from app.demo import catalogue
from app.demo.plan import Plan
from app.demo.script import Script, money
from app.services.remedies import money as money_svc


def build(d: Script, p: Plan, variant: str) -> None:
    """A missing-parts request of `variant`, from intake to closed (or its target)."""
    item = d.phone_item() if d.chance(0.7) else d.accessory_item(("bluetooth-headset",))
    requests = catalogue.phrases("parts_requests")
    request = d.pick(requests[:4] if item["category"] == "phone" else requests[4:])
    desc, what = request["description"], request["what"]
    if p.mode in ("closed", "recent") and d.chance(0.2):
        p.person = d.pick(d.people.dealers)
    sale = d.sale_fields("tmall" if d.chance(0.7) else "wechat")
    late_by = d.rng.randint(0, 5)
    fields = {
        "kind": "parts",
        **sale,
        **d.item_fields(item),
        "sold_days": late_by,
        "reason": "parts_missing",
        "description": f"订单 {sale['order_no']}：{desc}",
    }
    d.intake(p, p.desk, "requested", **fields)
    if variant == "rejected":
        d.mv(
            p,
            d.h(1, 24),
            p.desk,
            "rejected",
            "核对出库视频和称重记录，包装内配件齐全，无法补发，已向顾客说明",
        )
        d.mv(p, d.h(12, 72), p.desk, "closed", "顾客已知悉")
        return
    # Reported more than the set days after delivery: only the owner agrees to send them on.
    late = late_by > d.ctx.settings.returns.short_delivery_days
    d.mv(
        p,
        d.h(0.5, 8),
        "owner" if late else p.desk,
        "approved",
        f"核实出库记录确认漏发{what}，同意补发",
    )
    carrier, tracking = d.tracking()
    fee = money(d.pick((8, 10, 12)))
    p.do(
        d.h(0.5, 6),
        p.desk,
        lambda c, st: money_svc.record_money(c, st["no"], "freight", fee, f"补件运费 {tracking}"),
    )
    d.mv(p, d.h(0.05, 0.2), p.desk, "shipped", f"{what}已由{carrier}寄出，单号 {tracking}")
    d.mv(p, d.h(24, 72), p.desk, "delivered", "物流显示顾客已签收")
    d.mv(p, d.h(12, 72), p.desk, "closed", "回访确认配件齐全")
