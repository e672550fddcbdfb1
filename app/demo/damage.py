"""Carrier-damage scripts (运输破损): documented, then a replacement or a refund, and a claim on
the carrier that is paid, rejected or filed again.
"""

from __future__ import annotations

from app.demo import catalogue, claims
from app.demo.plan import Plan
from app.demo.script import Script, money
from app.services.remedies import money as money_svc


def build(d: Script, p: Plan, variant: str) -> None:
    """A carrier-damage report of `variant`, from intake to closed (or its target)."""
    item = d.any_item(0.5)
    sale = d.sale_fields("tmall" if d.chance(0.7) else "wechat")
    fields = {
        "kind": "carrier_damage",
        **sale,
        **d.item_fields(item),
        "sold_days": d.rng.randint(1, 4),
        "reason": "transit_damage",
        "description": f"订单 {sale['order_no']}：{d.pick(catalogue.phrases('damage_reports'))}",
    }
    d.intake(p, p.desk, "reported", **fields)
    if variant == "rejected":
        d.mv(
            p,
            d.h(1, 24),
            p.desk,
            "rejected",
            "签收时外包装完好且超过 48 小时才反馈，无法认定运输损坏，已向顾客说明",
        )
        d.mv(p, d.h(12, 72), p.desk, "closed", "顾客已知悉")
        return
    d.mv(p, d.h(0.5, 10), p.desk, "documented", "已收集开箱视频、外箱和破损商品照片")
    amount = item["price"]
    if variant in ("replace_claim", "replace_close"):
        carrier, tracking = d.tracking()
        fee = money(d.pick((12, 15, 18)))
        d.mv(
            p,
            d.h(0.5, 24),
            d.approver(amount),  # a replacement needs a refund's approval level
            "replacement_shipped",
            f"已补发新品，{carrier} {tracking}",
        )
        p.do(
            d.h(0.05, 0.3),
            p.desk,
            lambda c, st: money_svc.record_money(
                c, st["no"], "freight", fee, f"补发运费 {tracking}"
            ),
        )
    else:
        pay = money(amount)
        p.go(
            d.h(0.5, 24),
            d.approver(amount),
            lambda c, st: money_svc.refund(c, st["no"], pay, "运输破损，全额退款"),
            "refunded",
        )
    if variant in ("replace_close", "refund_close"):
        d.mv(p, d.h(12, 96), p.desk, "closed", "顾客已确认，结案")
        return
    # Opening the claim moves the case to "claim filed" (the service does); the claim itself is
    # filed with the carrier next.
    claims.open_claim(d, p, item)
    claims.steps(d, p, "no", ("filed",))
    p.reached("claim_filed")
    path = (
        p.st.get("claim_path")
        or d.rng.choices(("paid", "rejected", "refiled"), weights=(6, 2, 2))[0]
    )
    if not claims.steps(
        d, p, "no", catalogue.phrases("claim_paths")[path][1:], p.st.get("claim_target")
    ):
        d.mv(p, d.h(2, 48), p.desk, "closed", "索赔处理完毕，结案")
