"""Return and exchange scripts: approval at the amount's level, freight, receipt (short or in a
damaged parcel), inspection, liability, disposition with CAPA and the customer's reply, then the
money: a refund, an exchange, or credit for a dealer's batch; "ship first, settle later" for
dealers; rejected, cancelled and never-returned requests.
"""

from __future__ import annotations

from typing import Any

from app.demo import catalogue, claims
from app.demo.catalogue import Item
from app.demo.plan import Plan
from app.demo.script import Script, money
from app.services.casework.records import find_case, rma_of, rma_view
from app.services.remedies import money as money_svc
from app.services.remedies import returns
from app.services.shop.context import Context


def build(d: Script, p: Plan, kind: str, variant: str) -> None:
    """A return or exchange of `variant`, from its request on."""
    qty = 1
    unused = False
    gift = False
    man_made = False
    if variant == "batch_credit":
        p.st["batch"] = True
        if p.mode in ("closed", "recent", "fixed"):
            p.person = d.pick(d.people.dealers)
        else:
            p.person = d.people.person()
            p.person.kind = "business"
            p.person.name = d.pick(catalogue.customers("batch_buyers")) + "科技有限公司（采购部）"
        item = d.accessory_item(catalogue.batch_categories())
        qty = d.rng.randint(10, 30)
        reason, sold = "quality", d.rng.randint(15, 60)
        sale = d.sale_fields("store")
        sale["channel"] = "dealer" if p.person.kind == "dealer" else "phone"
    elif variant in ("ship_first", "approved_ship_first"):
        if p.st.get("dealer") or (p.mode in ("closed", "recent") and d.chance(0.6)):
            p.person = d.pick(d.people.dealers)
        item = d.phone_item() if d.chance(0.6) else d.accessory_item()
        reason, sold = "quality", d.rng.randint(2, 12)
        sale = d.sale_fields("store")
        sale["channel"] = "dealer" if p.person.kind == "dealer" else "phone"
    elif variant == "rejected":
        why = d.pick(("expired", "gift", "man_made"))
        item = d.any_item()
        sale = d.sale_fields()
        if why == "gift":
            item = catalogue.gift()
            gift, reason, sold = True, "quality", d.rng.randint(5, 40)
        elif why == "man_made":
            item = d.phone_item()
            man_made, reason, sold = True, "quality", d.rng.randint(3, 13)
        else:
            unused, reason, sold = True, "no_reason", d.rng.randint(10, 30)
        p.st["why"] = why
    elif variant == "no_reason":
        item = p.st.get("item") or d.any_item(0.4)
        unused, reason, sold = True, "no_reason", d.rng.randint(0, 6)
        sale = d.sale_fields("tmall" if d.chance(0.6) else "store")
    else:
        phone = "item" in p.st or d.chance(0.6)
        item = p.st.get("item") or (d.phone_item() if phone else d.accessory_item())
        if kind == "exchange":
            sold = d.rng.randint(7, 14) if phone else d.rng.randint(10, 80)
        else:
            sold = d.rng.randint(1, 6) if phone else d.rng.randint(5, 60)
        reason = "quality"
        if not phone and item["category"] == "accessory" and d.chance(0.5):
            reason = d.pick(("wrong_size", "not_as_described"))
        online = variant == "damaged_parcel" or d.chance(0.4)
        sale = d.sale_fields("tmall" if online else "store")
    if item["category"] == "accessory" and reason == "quality" and not gift:
        desc_fault = "做工粗糙，边缘开胶"
    else:
        desc_fault = {
            "phone": "开机后频繁黑屏重启，屏幕有亮点",
            "battery": "电池充电发烫，出现轻微鼓包",
            "charger": "充电器插上后指示灯闪烁，无法快充",
            "headset": "耳机左声道没有声音",
            "memory-card": "存储卡插入手机后提示需要格式化，无法读取",
            "bluetooth-headset": "右耳无法与手机配对，充电盒不充电",
            "accessory": "保护壳开胶",
        }[item["category"]]
    if reason == "no_reason" and kind == "exchange":
        desc = f"顾客购买{item['name']}后想换其他颜色，申请无理由换货"
    elif reason == "no_reason":
        desc = f"顾客购买{item['name']}后未拆封使用，申请七天无理由退货"
    elif reason in ("wrong_size", "not_as_described"):
        want = "退货" if kind == "return" else "换货"
        desc = f"{item['name']}与手机型号不匹配，尺寸不合适，申请{want}"
    elif variant == "batch_credit":
        desc = f"批量退回{item['name']} {qty} 件：多件{desc_fault}"
    else:
        desc = f"{item['name']}：{desc_fault}，申请{'退货退款' if kind == 'return' else '换货'}"
    fields = {
        "kind": kind,
        **sale,
        **d.item_fields(item, qty),
        **({"sold_on": p.st["sold_on"]} if "sold_on" in p.st else {"sold_days": sold}),
        "reason": reason,
        "description": p.st.get("description", desc),
        "unused": unused,
        "gift": gift,
        "man_made": man_made,
    }
    d.intake(p, p.desk, "requested", **fields)
    body(d, p, kind, variant, item, qty, reason, sale, "no")


def body(
    d: Script,
    p: Plan,
    kind: str,
    variant: str,
    item: Item,
    qty: int,
    reason: str,
    sale: dict[str, Any],
    key: str,
) -> None:
    """A return or exchange from its approval on; `key` names the case in the plan's state
    ("child" for an exchange a complaint spawned)."""
    amount = item["price"] * qty
    online = sale.get("sale_channel") != "store"
    if variant == "rejected":
        note = {
            "expired": "已超过七天无理由退货期限，商品无质量问题，不予退货，已电话告知顾客",
            "gift": "购机赠品不在三包范围内，不予退换，已向顾客说明并赠送优惠券",
            "man_made": "检查发现屏幕有明显摔痕、边框变形，属人为损坏，不符合退换条件，"
            "已告知顾客可付费维修",
        }.get(p.st.get("why", "expired"), "不符合退换条件，已告知顾客")
        d.mv(p, d.h(1, 20), p.desk, "rejected", note, key)
        d.mv(p, d.h(20, 72), p.desk, "closed", "顾客已知悉处理结果", key)
        return
    if variant == "cancel":
        d.mv(p, d.h(1, 30), p.desk, "cancelled", "顾客撤销申请，继续使用", key)
        return
    ship_first = variant in ("ship_first", "approved_ship_first")
    if variant != "ship_first":
        why = {
            "no_reason": "符合七天无理由退货条件，运费由顾客承担",
            "batch_credit": "批量退货，确认在保修期内，同意退回检测",
        }.get(variant, "在三包期内，同意退回检测")
        p.go(
            d.h(0.5, 8),
            d.approver(amount),
            lambda c, st: returns.approve(c, st[key], why),
            "approved",
            key,
        )
    if ship_first:
        carrier, tracking = d.tracking()
        d.mv(
            p,
            d.h(0.3, 4),
            # Unapproved, the confirmation is also the approval at the amount's level.
            "desk" if variant == "approved_ship_first" else d.approver(amount),
            "replacement_shipped",
            f"先补发、再追究：经理确认后新品已由{carrier}发出，单号 {tracking}",
            key,
        )
    if online or variant in ("batch_credit", "damaged_parcel") or ship_first:
        carrier, tracking = d.tracking()
        # The freight rule decides who pays, except the half-and-half a dealer agreed (002).
        payer = "split" if variant == "batch_credit" else ""
        fee = money(d.pick((12, 15, 18, 23)) if qty == 1 else d.pick((30, 45, 60)))
        freight = returns.FreightInput(carrier, tracking, payer, fee)
        p.do(
            d.h(0.1, 1),
            p.desk,
            lambda c, st: returns.set_freight(c, st[key], freight),
        )
        d.mv(p, d.h(0.02, 0.2), p.desk, "awaiting_goods", f"待顾客寄回：{carrier}", key)
        arrive = d.h(24, 110)
    else:
        d.mv(p, d.h(0.02, 0.2), p.desk, "awaiting_goods", "顾客到店退回", key)
        arrive = d.h(0.05, 0.3)
    if variant == "cancel_goods":
        d.mv(
            p,
            d.h(170, 200),
            p.desk,
            "cancelled",
            f"超过 {d.ctx.settings.returns.goods_expected_working_days} 个工作日"
            "未收到退货，联系顾客表示不再退回，申请作废",
            key,
        )
        return
    damaged = variant == "damaged_parcel"
    short = 1 if variant == "batch_credit" and d.chance(0.4) else 0

    def receive(c: Context, st: dict[str, Any]) -> None:
        rma = rma_of(find_case(st[key]))
        assert rma is not None  # a return or exchange has its authorisation from intake
        lines = {ln.id: ln.qty_expected - short for ln in rma_view(rma).lines}
        note = "外包装破损，已拍照留证" if damaged else ("少到 1 件，已通知经销商" if short else "")
        broken = {min(lines): 1} if damaged else None  # one unit arrived broken
        returns.receive(c, st[key], lines, package_damaged=damaged, damaged=broken, note=note)

    p.go(arrive, p.desk, receive, "received", key)
    if damaged:  # receiving a damaged parcel opened a claim (002: within 24 h)
        claims.track(d, p, key)
    # inspection
    if variant == "no_reason":
        result, report = (
            "intact_resalable",
            "包装、配件、说明书、保修卡齐全，未激活，可二次销售",
        )
    elif reason in ("wrong_size", "not_as_described"):
        result, report = "intact_resalable", "商品完好无使用痕迹，型号与顾客手机不匹配"
    elif variant == "no_fault":
        result, report = "no_fault_found", "经 48 小时全面检测，各项功能正常，未发现质量问题"
    elif damaged:
        result, report = "transit_damage", "商品在退回运输途中受损，外箱有明显挤压痕迹"
    elif ship_first and p.person.kind == "dealer" and (p.st.get("dealer") or d.chance(0.5)):
        result, report = "man_made_damage", "机身有明显摔痕，屏幕内部损坏，判定为人为损坏"
    else:
        result, report = "confirmed_defect", "经检测确认为产品质量问题，非人为损坏"
    batch = qty >= 10
    if batch:
        report = f"按 20% 抽检，{report}"
    defect = result in ("confirmed_defect", "transit_damage", "man_made_damage")

    def inspect(c: Context, st: dict[str, Any]) -> None:
        counts: dict[str, int] = {}
        if batch:  # a batch: a counted 20% sample, the received units split
            rma = rma_of(find_case(st[key]))
            assert rma is not None
            got = sum(ln.qty_received or 0 for ln in rma_view(rma).lines)
            sampled = max(2, -(-got // 5))
            counts = {
                "sampled": sampled,
                "failed": sampled if defect else 0,
                "usable": 0 if defect else got,
                "to_supplier": got if defect else 0,
            }
        returns.inspect(c, st[key], result, report, **counts)

    # Quality checks are a technician's (品管); the desk may not record them.
    p.go(d.h(2, 30), p.tech, inspect, "inspected", key)
    # liability
    if result == "man_made_damage":
        liability = "dealer" if p.person.kind == "dealer" else "customer"
    elif reason == "not_as_described":
        liability = "shop"
    elif result in ("no_fault_found", "intact_resalable"):
        liability = "customer"
    elif result == "transit_damage":
        liability = "carrier"
    else:
        liability = "supplier" if d.chance(0.7) else "shop"
    liability_note = {
        "dealer": "经销商保管不当造成损坏，由经销商承担，从其账户扣款",
        "customer": "非质量问题，由顾客承担相关费用",
        "carrier": "运输途中损坏，向承运商索赔",
        "supplier": "批次质量问题，退回供应商处理",
        "shop": "门店出库检验疏漏，由门店承担",
    }[liability]
    p.go(
        d.h(1, 24),
        "owner",
        lambda c, st: returns.decide_liability(
            c,
            st[key],
            liability,
            liability_note,
            supplier=catalogue.supplier() if liability == "supplier" else "",
        ),
        "liability_decided",
        key,
    )
    # disposition
    if result == "intact_resalable":
        disposition = "restock"
    elif result == "no_fault_found":
        disposition = "ship_back"
    elif result in ("man_made_damage", "transit_damage"):
        disposition = d.pick(("discount", "repair_restock"))
    elif variant == "scrap":
        disposition = "scrap"
    else:
        disposition = d.pick(("repair_restock", "repair_restock", "discount"))
    scrap_report = ""
    disposer = p.desk
    if disposition == "scrap":
        disposer = "owner"
        scrap_report = (
            f"报废报告：退回的{item['name']}经检测主板/电芯损坏，维修成本高于残值，"
            "批准报废，按电子废弃物规定交回收商处理。"
        )
    if result in ("confirmed_defect", "man_made_damage", "transit_damage") and (
        variant in ("quality_refund", "scrap", "batch_credit") or d.chance(0.5)
    ):
        corrective, preventive = d.pick(
            (
                ("同批次库存全部复检，不良品退供应商", "入库增加开机抽检，发货前拍照留档"),
                ("联系供应商更换批次并索要质检报告", "每月统计同型号返修率，超过 3% 暂停进货"),
                ("对出库检验人员重新培训", "发货前增加外观和功能双人复核"),
            )
        )
        p.do(
            d.h(1, 24),
            p.desk,
            lambda c, st: returns.record_capa(c, st[key], corrective, preventive, report_sent=True),
        )
        if d.chance(0.7):
            reply = d.pick(("顾客认可处理结果", "经销商确认检测报告，无异议", "顾客表示理解"))
            p.do(d.h(24, 120), p.desk, lambda c, st: returns.record_reply(c, st[key], reply))
    disposition_note = {
        "restock": "商品完好，重新入库销售",
        "discount": "外观轻微受损，折价处理",
        "repair_restock": "返厂维修后入库",
        "scrap": "无修复价值，报废处理",
        "ship_back": "原物寄回顾客",
    }[disposition]
    p.go(
        d.h(1, 30),
        disposer,
        lambda c, st: returns.set_disposition(
            c, st[key], disposition, scrap_report=scrap_report, note=disposition_note
        ),
        "disposition_done",
        key,
    )
    # money and close
    if disposition == "ship_back" or ship_first:
        note = (
            "检测无故障，原机已寄回，告知顾客检测结果"
            if disposition == "ship_back"
            else "补发商品已签收，退回商品处理完毕，结案"
        )
        d.mv(p, d.h(2, 48), p.desk, "closed", note, key)
        return
    if variant == "batch_credit":
        credit = money(item["price"] * (qty - short))
        p.go(
            d.h(1, 24),
            p.desk,
            lambda c, st: returns.settle(c, st[key], "credited", credit, "货款冲抵经销商下次进货"),
            "credited",
            key,
        )
        if d.chance(0.6):
            back = money(item["price"] * (qty - short) * 0.8)
            p.do(
                d.h(48, 200),
                p.desk,
                lambda c, st: money_svc.record_money(
                    c, st[key], "supplier_recovery", back, "供应商按进货价退款"
                ),
            )
    elif kind == "exchange":
        carrier, tracking = d.tracking()
        p.go(
            d.h(1, 24),
            p.desk,
            lambda c, st: returns.settle(
                c, st[key], "exchanged", note=f"同型号新品已换出，{carrier} {tracking}"
            ),
            "exchanged",
            key,
        )
    else:
        payer = d.approver(amount)
        pay = money(amount)
        p.go(
            d.h(0.5, 24),
            payer,
            lambda c, st: money_svc.refund(c, st[key], pay, "原路退回"),
            "refunded",
            key,
        )
    d.mv(p, d.h(2, 72), p.desk, "closed", "处理完毕，结案", key)
