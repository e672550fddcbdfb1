"""Repair scripts: walk-in repairs in and out of warranty, estimates approved or declined, parts
from stock (bought in when the shelf is short), labour, quality checks and rework, signatures at
pickup, scrapping with the owner's report, and on-site jobs with a revisit.
"""

from __future__ import annotations

from typing import Any

from app.demo import catalogue
from app.demo.catalogue import Fault, Item
from app.demo.plan import Plan
from app.demo.script import Script, money
from app.services.casework.records import find_case
from app.services.casework.transitions import move
from app.services.remedies import money as money_svc
from app.services.remedies import repairs
from app.services.remedies.repair_help import part_stock
from app.services.shop.context import Context
from app.services.shop.stock import stock_in


def restock(d: Script, part_no: str, needed: int) -> None:
    """The manager books a supplier's delivery when the shelf would not cover `needed`."""
    stock = part_stock(d.ctxs["desk"], part_no) or 0
    if stock >= needed:
        return
    qty = needed - stock + d.rng.randint(2, 5)
    stock_in(d.ctxs["desk"], part_no, qty, supplier=catalogue.supplier(), note="供应商补货")


def build(d: Script, p: Plan, variant: str) -> None:
    item = dict(p.st.get("item") or d.phone_item())
    onsite = variant.startswith("onsite")
    if onsite and d.chance(0.6) and p.mode in ("closed", "recent"):
        p.person = d.pick(d.people.businesses)
    if variant in ("paid", "paid_parts", "declined"):
        fault = d.pick(catalogue.faults())
    elif variant == "scrap":
        fault = catalogue.fault("water")
    elif variant == "quick":
        fault = next(f for f in catalogue.faults() if f.key in ("reboot", "wifi"))
    else:
        fault = d.pick(catalogue.warranty_faults())
    fault = p.st.get("fault", fault)
    if variant in ("paid", "paid_parts", "declined", "scrap"):
        sold = (
            d.rng.randint(30, 330) if fault.man_made and d.chance(0.6) else d.rng.randint(380, 720)
        )
    else:
        sold = d.rng.randint(10, 330)
    fields: dict[str, Any] = {
        "kind": "repair",
        **d.sale_fields("store" if d.chance(0.8) else "tmall"),
        **d.item_fields(item),
        **({"sold_on": p.st["sold_on"]} if "sold_on" in p.st else {"sold_days": sold}),
        "reason": "quality",
        "request": "repair",
        "brand": item["brand"],
        "device_model": item["model"],
        "fault": fault.fault,
        "description": f"{item['name']}：{fault.fault}",
        "condition": fault.condition if fault.man_made else d.pick(catalogue.conditions()),
        "accessories": d.rng.sample(catalogue.accessory_codes(), d.rng.randint(0, 3)),
        "man_made": fault.man_made,
    }
    fields["channel"] = "walk_in" if not onsite else "phone"
    if onsite:
        fields["on_site"] = True
        fields["site_address"] = p.person.address
        fields["description"] = f"客户不便到店，申请上门服务：{fault.fault}"
        d.intake(p, p.desk, "scheduled", **fields)
    else:
        d.intake(p, p.desk, "received", **fields)
    body(d, p, variant, item, fault, "no")


def body(d: Script, p: Plan, variant: str, item: Item, fault: Fault, key: str) -> None:
    """A repair from its assignment on; `key` names the case in the plan's state ("child" for a
    repair a complaint spawned)."""
    tech_user = d.users[p.tech]
    p.do(d.h(0.1, 0.6), p.desk, lambda c, st: repairs.assign_technician(c, st[key], tech_user))
    if variant.startswith("onsite"):
        onsite(d, p, variant, item, fault, key)
        return
    if variant == "cancel":
        d.mv(p, d.h(0.5, 6), p.desk, "cancelled", "客户急用手机，取回不修", key)
        return
    d.mv(p, d.h(0.5, 5), p.tech, "diagnosing", "开始检测", key)
    p.do(
        d.h(0.3, 3),
        p.tech,
        lambda c, st: repairs.update_ticket(c, st[key], diagnosis=fault.diagnosis),
    )
    parts_price = catalogue.part_price(fault.part, item) if fault.part else 0
    total = parts_price + fault.labour_amount
    if variant == "scrap":
        scrap(d, p, item, key)
        return
    if variant == "quick":
        d.mv(p, d.h(0.5, 4), p.tech, "ready_for_pickup", fault.result, key)
        d.pickup(p, key, "collected", "客户已取机并签字确认")
        return
    if variant in ("paid", "paid_parts", "declined"):
        note = f"工时费 {fault.labour_amount} 元"
        if fault.part:
            note = f"{catalogue.part_label(fault.part)} {parts_price} 元 + {note}"
        note = "报价：" + note
        p.go(
            d.h(0.2, 2),
            p.tech,
            lambda c, st: repairs.set_estimate(c, st[key], money(total), note),
            "awaiting_approval",
            key,
        )
        if variant == "declined":
            p.go(
                d.h(2, 40),
                p.desk,
                lambda c, st: repairs.decide_estimate(
                    c, st[key], False, "客户认为维修费用偏高，决定不修，取回原机"
                ),
                "ready_for_pickup",
                key,
            )
            d.pickup(p, key, "returned_unrepaired", "原机未修退回，客户签字确认")
            return
        p.go(
            d.h(1, 30),
            p.desk,
            lambda c, st: repairs.decide_estimate(c, st[key], True, "客户电话确认按报价维修"),
            "repairing",
            key,
        )
        if variant == "paid_parts":
            d.mv(p, d.h(0.2, 2), p.tech, "awaiting_parts", "配件缺货，已向供应商订货", key)
            parts_arrive(d, p, fault, item, key)
    else:  # warranty
        if d.chance(0.2) and fault.part:
            d.mv(p, d.h(0.2, 2), p.tech, "awaiting_parts", "保修配件需向厂家申请", key)
            parts_arrive(d, p, fault, item, key)
        else:
            d.mv(p, d.h(0.2, 3), p.tech, "repairing", "保修期内免费维修", key)
    fix(d, p, fault, item, key)
    d.mv(p, d.h(0.5, 4), p.tech, "quality_check", "维修完成，送质检", key)
    if d.chance(0.12):
        d.mv(p, d.h(0.3, 2), p.tech, "repairing", "质检发现通话仍有轻微杂音，返工", key)
        d.mv(p, d.h(0.5, 3), p.tech, "quality_check", "返工完成，再次质检", key)
    in_warranty = variant == "warranty"
    if in_warranty and fault.part:
        tag = f"FC{d.digits(8)}"
        p.do(d.h(0.1, 1), p.tech, lambda c, st: repairs.update_ticket(c, st[key], factory_tag=tag))
    p.do(
        d.h(0.1, 1),
        p.tech,
        lambda c, st: repairs.update_ticket(c, st[key], result=fault.result),
    )
    d.mv(p, d.h(0.05, 0.3), p.tech, "ready_for_pickup", "", key)
    if not in_warranty:
        p.do(
            d.h(2, 48),
            p.desk,
            lambda c, st: money_svc.record_money(
                c, st[key], "charge", money(total), "维修费（配件+工时），已微信收款"
            ),
        )
        d.pickup(p, key, "collected", "客户已付款取机并签字", delay=(0.05, 0.2))
    else:
        d.pickup(p, key, "collected", "客户已取机并签字确认")


def scrap(d: Script, p: Plan, item: Item, key: str) -> None:
    """Not worth repairing: the customer agrees, the owner approves the scrap report."""
    p.do(
        d.h(0.5, 4),
        p.tech,
        lambda c, st: repairs.update_ticket(
            c, st[key], result="主板腐蚀严重，CPU 供电区域烧毁，无维修价值，建议报废"
        ),
    )
    d.mv(p, d.h(0.1, 0.5), p.tech, "ready_for_pickup", "", key)
    report = (
        f"{item['name']}（IMEI {item.get('serial', '')}）进水后主板大面积腐蚀，"
        "多次通电测试无法开机，维修费用超过机器残值。已电话告知客户，客户同意报废，"
        "旧机由本店按环保要求回收处理，客户资料已当面清除。"
    )
    p.do(d.h(2, 48), "owner", lambda c, st: repairs.approve_scrap(c, st[key], report))
    d.mv(p, d.h(0.2, 24), "owner", "scrapped", "客户同意报废，旧机回收", key)


def parts_arrive(d: Script, p: Plan, fault: Fault, item: Item, key: str) -> None:
    pn = catalogue.part_no(fault.part, item) if fault.part else None

    def arrive(c: Context, st: dict[str, Any]) -> None:
        if pn:
            restock(d, pn, 1)
        move(c, st[key], "repairing", "配件到货，开始维修")

    p.go(d.h(20, 70), p.tech, arrive, "repairing", key)


def fix(d: Script, p: Plan, fault: Fault, item: Item, key: str) -> None:
    """The part (from the shelf, or bought outside) and the labour on the ticket."""
    if fault.part:
        pn = catalogue.part_no(fault.part, item)
        label = f"{item['model']} {catalogue.part_label(fault.part)}（外采）"
        price = money(catalogue.part_price(fault.part, item))

        def use(c: Context, st: dict[str, Any]) -> None:
            if pn:
                restock(d, pn, 1)
                repairs.add_part(c, st[key], part_no=pn, qty=1)
            else:
                repairs.add_part(c, st[key], description=label, qty=1, unit_price=price)

        p.do(d.h(0.5, 3), p.tech, use)
    minutes = fault.minutes + d.rng.randint(-10, 20)
    p.do(
        d.h(0.2, 2),
        p.tech,
        lambda c, st: repairs.add_labour(
            c, st[key], fault.labour, money(fault.labour_amount), minutes=minutes
        ),
    )


def onsite(d: Script, p: Plan, variant: str, item: Item, fault: Fault, key: str) -> None:
    """An on-site job: a visit, sometimes a second one with the part, the customer signs."""
    if variant == "onsite_cancel":
        d.mv(p, d.h(2, 20), p.desk, "cancelled", "客户来电取消上门，改为自行到店送修", key)
        return
    outcome = (
        f"已上门检测：{fault.diagnosis}"
        if variant == "onsite_revisit"
        else f"上门处理完成：{fault.result}"
    )
    p.go(
        d.h(3, 22),
        p.tech,
        lambda c, st: repairs.record_visit(c, st[key], outcome),
        "visited",
        key,
    )
    if variant == "onsite_revisit":
        what = catalogue.part_labels().get(fault.part or "", "配件")
        d.mv(
            p,
            d.h(0.1, 1),
            p.tech,
            "revisit_scheduled",
            f"现场未携带{what}，备件到货后再次上门，已告知客户",
            key,
        )
        p.go(
            d.h(24, 72),
            p.tech,
            lambda c, st: repairs.record_visit(
                c,
                st[key],
                f"二次上门完成维修：{fault.result}",
                "首次上门未带备件，本次携带备件完成更换",
            ),
            "visited",
            key,
        )
        fix(d, p, fault, item, key)
    else:
        minutes = d.rng.randint(30, 90)
        p.do(
            d.h(0.1, 0.5),
            p.tech,
            lambda c, st: repairs.add_labour(
                c, st[key], "上门服务", "50.00", minutes=minutes, charged=False
            ),
        )
    strokes = d.scribble()

    def signed(c: Context, st: dict[str, Any]) -> None:
        repairs.sign(c, st[key], strokes, find_case(st[key]).customer.name)

    p.do(d.h(0.05, 0.3), p.tech, signed)
    d.mv(p, d.h(0.01, 0.1), p.tech, "done", "客户已在上门服务单上签字", key)
