"""Complaint scripts: acknowledged, investigated, resolved (by the owner when serious), followed
up with a rating; reopened after an unhappy follow-up; or turned into a repair or an exchange.
"""

from __future__ import annotations

from typing import Any

from app.demo import catalogue
from app.demo import repairs as repair_script
from app.demo import returns as return_script
from app.demo.plan import Plan
from app.demo.script import Script
from app.services.casework import complaints
from app.services.shop.context import Context


def _complaint(entry: dict[str, str]) -> tuple[str, str, str, str]:
    return entry["reason"], entry["severity"], entry["description"], entry["resolution"]


def build(d: Script, p: Plan, variant: str) -> None:
    """A complaint of `variant`, from intake to closed (or its target)."""
    if variant in ("spawn_repair", "spawn_exchange"):
        reason, severity = "quality", "serious" if d.chance(0.4) else "minor"
        item = dict(d.phone_item())
        # Bought a week or so ago: the exchange it turns into is still inside the 15-day window
        # after the complaint has been acknowledged and investigated.
        sold = d.rng.randint(7, 10) if variant == "spawn_exchange" else d.rng.randint(30, 300)
        desc = (
            f"顾客投诉刚买的{item['name']}信号差、频繁断网，多次到店未解决，要求给个说法"
            if variant == "spawn_exchange"
            else f"顾客投诉{item['name']}使用中经常死机，之前修过一次又出问题"
        )
        resolution = (
            "经检测确认主板质量问题，已按三包为顾客更换新机并致歉"
            if variant == "spawn_exchange"
            else "已安排保修维修并优先处理，维修期间提供备用机"
        )
        extra = {**d.sale_fields("store"), **d.item_fields(item), "sold_days": sold}
    else:
        texts = catalogue.phrases("complaints")
        reason, severity, desc, resolution = _complaint(d.pick(texts))
        if variant == "reopen":  # a second look at how the customer was treated
            reason, severity, desc, resolution = _complaint(texts[d.rng.randint(0, 2)])
        extra = {"channel": d.pick(("phone", "walk_in", "wechat"))}
        item = None
        if reason == "quality":
            item = d.phone_item()
            extra.update(d.sale_fields("store"))
            extra.update(d.item_fields(item))
            extra["sold_days"] = d.rng.randint(3, 60)
    fields = {
        "kind": "complaint",
        "reason": reason,
        "severity": severity,
        "description": desc,
        "request": "compensation" if severity == "malicious" else "other",
        **extra,
    }
    d.intake(p, p.desk, "logged", **fields)
    boss = "owner" if severity != "minor" else p.desk
    d.mv(
        p,
        d.h(0.5, 20),
        p.desk,
        "acknowledged",
        "已电话联系顾客，说明将在 1-2 天内给出处理方案",
    )
    if variant == "quick":
        p.go(
            d.h(1, 24),
            boss,
            lambda c, st: complaints.resolve(c, st["no"], resolution),
            "resolved",
        )
        if d.chance(0.5):
            d.mv(p, d.h(24, 96), p.desk, "closed", "多次回访未接通，按已解决结案")
        else:
            follow(d, p)
        return
    look = {
        "service_attitude": "调取监控和服务记录，向当班人员核实经过",
        "invoice": "联系财务核对开票信息",
        "quality": "安排技术人员检测手机，核对销售记录",
        "not_as_described": "核对订单赠品清单和出库记录",
    }.get(reason, "核实经过，整理处理方案")
    d.mv(p, d.h(0.5, 24), boss, "investigating", look)
    if variant in ("spawn_repair", "spawn_exchange"):
        assert item is not None
        child = "repair" if variant == "spawn_repair" else "exchange"

        def spawn(c: Context, st: dict[str, Any]) -> None:
            case = complaints.spawn(c, st["no"], child, f"由投诉 {st['no']} 转入：{desc}")
            st["child"] = case.number
            d.made.append(case.id)

        p.do(d.h(0.5, 6), p.desk, spawn)
        if child == "repair":
            fault = catalogue.fault("reboot")
            repair_script.body(d, p, "warranty", item, fault, "child")
        else:
            return_script.body(
                d,
                p,
                "exchange",
                "exchange",
                item,
                1,
                "quality",
                {"sale_channel": "store"},
                "child",
            )
    p.go(
        d.h(1, 48),
        boss,
        lambda c, st: complaints.resolve(c, st["no"], resolution),
        "resolved",
    )
    if variant == "reopen":
        d.mv(p, d.h(24, 72), p.desk, "follow_up", "回访中")
        d.mv(p, d.h(0.1, 0.5), p.desk, "investigating", "顾客对处理结果不满意，重新调查")
        p.go(
            d.h(12, 72),
            "owner",
            lambda c, st: complaints.resolve(
                c, st["no"], resolution + "；店长再次致电并追加补偿 100 元购物券"
            ),
            "resolved",
        )
    follow(d, p)


def follow(d: Script, p: Plan) -> None:
    score = d.rng.choices((5, 4, 3, 2, 1), weights=(45, 32, 13, 7, 3))[0]
    note = catalogue.phrases("follow_ups")[str(score)]
    p.go(
        d.h(24, 96),
        p.desk,
        lambda c, st: complaints.follow_up(c, st["no"], score, note),
        "closed",
    )
