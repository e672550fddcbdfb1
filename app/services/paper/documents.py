"""Printed slips: a record's values for a form, the PDF, the signed copy kept in the data folder.

`slip_data` turns a record into plain text values (dates in the shop's zone, money formatted,
codes named in the slip's language, phones masked on customer-facing slips); the one renderer in
`app.documents.render` lays them out with the form's layout from ``forms/`` (the data folder's
``forms/`` copy wins). `make_slip` signs the PDF with the shop's digital signature, keeps it
under ``<data folder>/slips/<year>/`` and records a "printed" event.
"""

from __future__ import annotations

import contextlib
import gettext
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from app import i18n
from app.documents.fonts import cjk_font
from app.documents.layout import load_form
from app.documents.render import render
from app.domain import kinds
from app.domain.errors import DomainError
from app.domain.money import format_money
from app.domain.validation import mask_phone
from app.i18n import labels
from app.services.casework.intake_fields import PRECHECK
from app.services.casework.records import case_detail, find_case, find_claim
from app.services.casework.views import CaseDetail, ClaimView
from app.services.paper.form_names import (  # noqa: F401 - re-exported (the Print tab reads them there)
    BLANK_FORMS,
    FORMS,
    OTHER_FORMS,
    form_kinds,
)
from app.services.shop import audit
from app.services.shop.context import Context
from app.services.shop.products import branded
from app.store.db import write_transaction
from app.store.models import CarrierClaim, Case

#: Slips handed to the customer (or a carrier): phone numbers are masked (003 §4.3).
CUSTOMER_FACING = frozenset(FORMS) - {"return-receipt"}


def forms_for_kind(kind: str) -> tuple[str, ...]:
    """The forms that fit a case of ``kind``: its kind's own, then those made for any kind."""
    spec = kinds.find(kind)
    own = spec.forms if spec else ()
    return own + tuple(code for code in FORMS if code not in own and not form_kinds(code))


ACCESSORIES = {
    "charger": ("充电器", "charger"),
    "cable": ("数据线", "cable"),
    "box": ("包装盒", "box"),
    "sim_tray": ("卡托", "SIM tray"),
    "earphones": ("耳机", "earphones"),
    "case": ("保护壳", "case"),
    "manual": ("说明书", "manual"),
    "warranty_card": ("保修卡", "warranty card"),
    "invoice": ("发票", "invoice"),
}
YES_NO = {"zh": ("是", "否"), "en": ("yes", "no")}


@dataclass(frozen=True)
class Slip:
    """A signed slip kept in the data folder."""

    form: str
    number: str
    pdf: bytes
    path: Path


def _form_code(form: str) -> str:
    code = str(form or "").strip().lower().replace("_", "-")
    if code not in FORMS:
        raise DomainError("unknown_form", form=form, choices=tuple(FORMS))
    return code


def slip_language(ctx: Context, lang: str | None = None) -> str:
    """The slip's language: as asked, else the shop's setting (never the PC's language)."""
    if lang in ("zh", "en"):
        return lang
    chosen = ctx.settings.printing.slip_language
    return chosen if chosen in ("zh", "en") else "zh"


def slip_translator(lang: str) -> gettext.NullTranslations:
    """The catalog of one slip's language, whatever language the window or command runs in."""
    try:
        return gettext.translation(i18n.DOMAIN, i18n.LOCALE_DIR, languages=[i18n.LANGUAGES[lang]])
    except OSError:
        return gettext.NullTranslations()


class _Fmt:
    """Formats values for one slip: the shop's zone, its currency, the slip's language."""

    def __init__(self, ctx: Context, lang: str) -> None:
        self.ctx = ctx
        self.lang = lang
        self.tr = slip_translator(lang)

    def label(self, table: Mapping[str, str], code: str | None) -> str:
        if not code:
            return ""
        text = table.get(code)
        return self.tr.gettext(text) if text else code

    def money(self, value: Decimal | None) -> str:
        return "" if value is None else format_money(value, self.ctx.settings.shop.currency)

    def when(self, value: datetime | None) -> str:
        return "" if value is None else self.ctx.local(value).strftime("%Y-%m-%d %H:%M")

    def day(self, value: datetime | date | None) -> str:
        if value is None:
            return ""
        if isinstance(value, datetime):
            value = self.ctx.local(value).date()
        return value.isoformat()

    def yes_no(self, value: bool | None) -> str:
        if value is None:
            return ""
        return YES_NO[self.lang][0 if value else 1]

    def months(self, n: int | None) -> str:
        if n is None:
            return ""
        return f"{n} 个月" if self.lang == "zh" else f"{n} months"

    def days(self, n: int) -> str:
        return f"{n} 天" if self.lang == "zh" else f"{n} days"


def _shop(ctx: Context, f: _Fmt) -> dict[str, Any]:
    shop = ctx.settings.shop
    w = ctx.settings.warranty
    return {
        "shop_name": shop.name,
        "shop_address": shop.address,
        "shop_hotline": shop.hotline,
        "shop_return_address": shop.return_address or shop.address,
        "shop_consignee": shop.consignee,
        "shop_consignee_phone": shop.consignee_phone,
        "shop_service_points": shop.service_points,
        "printed_at": f.when(ctx.now()),
        "cert_fingerprint": _cert_fingerprint(ctx),
        "today": ctx.today().isoformat(),
        "w_return_days": w.return_days,
        "w_exchange_days": w.exchange_days,
        "w_repair_months": w.repair_months,
        "w_battery_months": w.battery_months,
        "w_headset_months": w.headset_months,
        "w_memory_card_months": w.memory_card_months,
        "w_charger_months": w.charger_months,
        "w_bluetooth_headset_months": w.bluetooth_headset_months,
        "w_no_reason_days": w.no_reason_days,
        "r_carrier_claim_hours": ctx.settings.returns.carrier_claim_hours,
    }


def _cert_fingerprint(ctx: Context) -> str:
    """The short fingerprint of the shop's root certificate ("" before the first signature)."""
    from app.documents.shop_identity import has_identity, load_identity, short_fingerprint

    if not has_identity(ctx.data_dir):
        return ""
    try:
        return short_fingerprint(load_identity(ctx.data_dir).root)
    except DomainError:
        return ""


def _warranty_status(d: CaseDetail, f: _Fmt) -> str:
    from app.services.casework.rules import warranty_end

    ent = d.entitlement or {}
    end = warranty_end(f.ctx, d)
    repair_until = end.isoformat() if end else None
    if d.sale is not None and d.sale.is_gift:
        return "赠品，不享受三包" if f.lang == "zh" else "Gift: no warranty"
    if not ent:
        return ""
    held = [k for k in ("no_reason_return", "return", "exchange", "free_repair") if ent.get(k)]
    names = {
        "no_reason_return": ("七天无理由退货", "7-day no-reason return"),
        "return": ("退货", "return"),
        "exchange": ("换货", "exchange"),
        "free_repair": ("免费维修", "free repair"),
    }
    i = 0 if f.lang == "zh" else 1
    if not held:
        text = "已过三包期" if f.lang == "zh" else "Out of warranty"
    else:
        text = ("可享：" if f.lang == "zh" else "Entitled to: ") + ("、" if i == 0 else ", ").join(
            names[k][i] for k in held
        )
    if repair_until:
        text += (
            (f"（保修至 {repair_until}）") if i == 0 else f" (repair warranty until {repair_until})"
        )
    return text


def _case_values(ctx: Context, d: CaseDetail, f: _Fmt, *, mask: bool) -> dict[str, Any]:
    c = d.customer
    phone = mask_phone(c.phone) if mask else (c.phone or "")
    p = d.product
    s = d.sale
    product_name = p.name if p else ""
    return {
        "number": d.number,
        "case_number": d.number,
        "kind": f.label(labels.KINDS, d.kind),
        "status": f.label(labels.STATUSES, d.status),
        "channel": f.label(labels.CHANNELS, d.channel),
        "reason": f.label(labels.REASONS, d.reason),
        "request": f.label(labels.REQUESTS, d.request),
        "severity": f.label(labels.SEVERITIES, d.severity),
        "description": d.description,
        "resolution": d.resolution,
        "customer_name": c.name,
        "customer_phone": phone,
        "customer_address": c.address,
        "product_name": product_name,
        "product_short": product_name[:18],
        "product_spec": p.model_spec if p else "",
        "product_category": f.label(labels.CATEGORIES, p.category) if p else "",
        "product_unit": p.unit if p else "",
        "serial": d.serial or (s.serial if s else ""),
        "order_no": s.order_no if s else "",
        "invoice_no": s.invoice_no if s else "",
        "sale_date": f.day(s.sale_date) if s else "",
        "sale_channel": f.label(labels.SALE_CHANNELS, s.channel) if s else "",
        **_online_values(d, f),
        "quantity": s.quantity if s else "",
        "unit_price": f.money(s.unit_price) if s else "",
        "amount": f.money(d.amount),
        "refunded_total": f.money(d.refunded_total),
        "promise_date": _promise(d, f),
        "created_at": f.when(d.created_at),
        "created_date": f.day(d.created_at),
        "created_by": d.created_by,
        "assignee": d.assignee or "",
        "warranty_status": _warranty_status(d, f),
        # Empty unless the case has a repair ticket (its values replace it): the intake
        # receipt's "device handed over" block is printed `when = "{repair_number}"`.
        "repair_number": "",
    }


def _repair_values(d: CaseDetail, f: _Fmt) -> dict[str, Any]:
    t = d.repair
    assert t is not None
    i = 0 if f.lang == "zh" else 1
    sep = "、" if i == 0 else ", "
    accessories = sep.join(ACCESSORIES.get(a, (a, a))[i] for a in t.accessories)
    free = ("免费", "free") if i == 0 else ("free", "free")
    charges = [
        {
            "item": p.description,
            "part_no": p.part_no or "",
            "qty": p.qty,
            "unit_price": f.money(p.unit_price),
            "line_amount": f.money(p.unit_price * p.qty),
            "charged": f.yes_no(p.charged) if p.charged else free[0],
        }
        for p in t.parts
    ] + [
        {
            "item": lb.description,
            "part_no": "",
            "qty": 1,
            "unit_price": f.money(lb.amount),
            "line_amount": f.money(lb.amount),
            "charged": f.yes_no(lb.charged) if lb.charged else free[0],
        }
        for lb in t.labour
    ]
    estimate_decision = {None: "", True: ("已同意", "approved"), False: ("已拒绝", "declined")}
    decision = estimate_decision[t.estimate_approved]
    return {
        "number": t.number,
        "repair_number": t.number,
        "brand": t.brand,
        "model": t.model,
        "device": branded(t.brand, t.model) or (d.product.name if d.product else ""),
        "repair_serial": t.serial or d.serial,
        "accessories": accessories or ("无" if i == 0 else "none"),
        "condition": t.condition,
        "fault": t.fault,
        "diagnosis": t.diagnosis,
        "service_type": (
            ("上门安装", "on-site installation")
            if t.installation
            else ("上门服务", "on-site")
            if t.on_site
            else ("到店维修", "in shop")
        )[i],
        "site_address": t.site_address,
        "on_site": "1" if t.on_site else "",
        "appointment": f.when(t.appointment_at),
        "warranty": (("保内", "in warranty") if t.in_warranty else ("保外", "out of warranty"))[i],
        "estimate": f.money(t.estimate),
        "estimate_decision": decision[i] if decision else "",
        "result": t.result,
        "technician": t.technician or "",
        "received_at": f.when(t.received_at),
        "received_date": f.day(t.received_at),
        "finished_at": f.when(t.finished_at),
        "finished_date": f.day(t.finished_at),
        "charges": charges,
        "charge_total": f.money(t.charge_total),
        "signed_at": f.when(t.signed_at),
        "signed_date": f.day(t.signed_at),
        "factory_tag": t.factory_tag,
        "customer_comment": t.customer_comment,
        "precheck": _precheck(t.precheck, f),
        "passcode_note": (("已登记（不打印）", "given (not printed)")[i] if t.has_passcode else ""),
        "intake_estimate": f.money(t.estimate),
        "deposit": _deposit(d, f),
        # On-site work: the first visit starts it; every visit with its outcome (001 上门维修单).
        "visit_started": f.when(t.visits[0].visited_at) if t.visits else "",
        "visits": [
            {
                "visited_at": f.when(v.visited_at),
                "visit_technician": v.technician or "",
                "outcome": v.outcome,
                "revisit_reason": v.reason,
            }
            for v in t.visits
        ],
    }


def _product_name(d: CaseDetail) -> str:
    return d.product.name if d.product else ""


def _rma_values(d: CaseDetail, f: _Fmt) -> dict[str, Any]:
    r = d.rma
    assert r is not None
    lines = [
        {
            "description": ln.description,
            "spec": ln.spec,
            "unit": ln.unit,
            "qty_expected": ln.qty_expected,
            "qty_received": "" if ln.qty_received is None else ln.qty_received,
            "discrepancy": "" if ln.discrepancy is None else _signed(ln.discrepancy),
            "line_unit_price": f.money(ln.unit_price),
            "line_amount": f.money(ln.amount),
            "batch": ln.batch,
            "line_reason": f.label(labels.REASONS, ln.reason),
        }
        for ln in r.lines
    ]
    received = [ln.qty_received for ln in r.lines if ln.qty_received is not None]
    payer = {"shop": ("本店", "shop"), "customer": ("客户", "customer"), "split": ("各半", "split")}
    i = 0 if f.lang == "zh" else 1
    return {
        "number": r.number,
        "rma_number": r.number,
        "lines": lines,
        "rma_total": f.money(r.total),
        "expected_total": sum(ln.qty_expected for ln in r.lines),
        "received_total": sum(received) if received else "",
        "discrepancy_total": (
            _signed(sum(received) - sum(ln.qty_expected for ln in r.lines)) if received else ""
        ),
        "approval_level": _approval_level(r.approval_level, r.approved_amount, f),
        "approved_amount": f.money(r.approved_amount),
        "override": (
            f"{r.override_reason}（{r.override_by or ''}）"
            if r.override_reason and f.lang == "zh"
            else f"{r.override_reason} ({r.override_by or ''})"
            if r.override_reason
            else ""
        ),
        "goods_due": f.day(r.goods_due),
        "approved_by": r.approved_by or "",
        "approved_at": f.when(r.approved_at),
        "approved_date": f.day(r.approved_at),
        "rejection_reason": r.rejection_reason,
        "freight_carrier": r.freight_carrier,
        "tracking_no": r.tracking_no,
        "freight_payer": payer.get(r.freight_payer, (r.freight_payer, r.freight_payer))[i],
        "freight_amount": f.money(r.freight_amount),
        "expected_by": f.day(r.expected_by),
        "received_at": f.when(r.received_at),
        "received_date": f.day(r.received_at),
        "package_damaged": f.yes_no(r.package_damaged) if r.received_at else "",
        "inspection_result": f.label(labels.INSPECTION, r.inspection_result),
        "inspection_report": r.inspection_report,
        "sample_pct": "" if r.sample_pct is None else f"{r.sample_pct}%",
        "qc_sampled": _count(r.qc_sampled),
        "qc_failed": _count(r.qc_failed),
        "qc_usable": _count(r.qc_usable),
        "qc_scrap": _count(r.qc_scrap),
        "qc_to_supplier": _count(r.qc_to_supplier),
        "qc_by": r.qc_by,
        "liability": f.label(labels.LIABILITY, r.liability),
        "disposition": f.label(labels.DISPOSITIONS, r.disposition),
        "capa_corrective": r.capa_corrective,
        "capa_preventive": r.capa_preventive,
        "customer_reply": r.customer_reply,
    }


#: Tick-box choices the seed's return form prints (客户意见, 会审判定, 回厂后的处置):
#: (code, Chinese, English). Codes are the program's requests and outcomes.
REQUEST_TICKS = (
    ("refund", "退货", "Return"),
    ("exchange", "换货", "Exchange"),
    ("compensation", "索赔", "Claim"),
    ("other", "其他", "Other"),
)
HANDLING_TICKS = (
    ("repair_restock", "返修", "Repair"),
    ("scrap", "报废", "Scrap"),
    ("other", "其他", "Other"),
)
#: Shop costs of a return (执行费用): what the shop paid out or bears, freight included.
COST_KINDS = ("freight", "parts", "labour")


def ticks(f: _Fmt, options: tuple[tuple[str, str, str], ...], chosen: str | None) -> str:
    """ "■ 退货  □ 换货  □ 索赔  □ 其他": the seed's tick boxes, the chosen one filled (an
    unknown choice ticks "other"; nothing chosen leaves every box empty for the pen)."""
    codes = [code for code, _zh, _en in options]
    pick = chosen if chosen in codes else ("other" if chosen and "other" in codes else None)
    i = 1 if f.lang == "zh" else 2
    return "  ".join(("■ " if o[0] == pick else "□ ") + o[i] for o in options)


def _who_moved(d: CaseDetail, *states: str) -> tuple[str, datetime | None, str]:
    """Who last moved the case into one of `states`, when, and into which ("" when never)."""
    for e in reversed(d.events):
        if e.to_state in states:
            return e.actor, e.at, e.to_state
    return "", None, ""


def _rma_chain_values(d: CaseDetail, f: _Fmt) -> dict[str, Any]:
    """The approval chain of the seed's 客户退/换货申请表单 (002): QA review, execution, GM
    opinion, finance, assessment and filing — filled where the record has it."""
    r = d.rma
    assert r is not None
    inspector, inspected_at, _ = _who_moved(d, "inspected")
    judge, judged_at, _ = _who_moved(d, "liability_decided")
    doer, done_at, done = _who_moved(d, "refunded", "exchanged", "credited", "disposition_done")
    closer, closed_at, _ = _who_moved(d, "closed")
    outcome = {"refunded": "refund", "exchanged": "exchange", "credited": "other"}.get(done)
    costs = [m for m in d.money if m.kind in COST_KINDS and (not m.party or m.party == "shop")]
    cost_total = sum((-m.amount if m.reverses else m.amount for m in costs), Decimal("0.00"))
    refunds = [m for m in d.money if m.kind in ("refund", "credit") and not m.reverses]
    routes = sorted({f.label(labels.PAY_ROUTES, m.route) for m in refunds if m.route})
    finance_by = refunds[-1].by if refunds else ""
    participants = "、".join(dict.fromkeys(x for x in (inspector, judge) if x))
    return {
        "request_ticks": ticks(f, REQUEST_TICKS, d.request),
        "decision_ticks": ticks(f, REQUEST_TICKS, outcome)
        if outcome
        else ticks(f, REQUEST_TICKS, None),
        "handling_ticks": ticks(f, HANDLING_TICKS, r.disposition)
        if r.disposition
        else ticks(f, HANDLING_TICKS, None),
        "review_host": judge,
        "review_members": participants if f.lang == "zh" else participants.replace("、", ", "),
        "review_result": " / ".join(
            x
            for x in (
                f.label(labels.LIABILITY, r.liability),
                f.label(labels.DISPOSITIONS, r.disposition),
            )
            if x
        ),
        "review_date": f.day(judged_at),
        "inspected_by": inspector,
        "inspected_date": f.day(inspected_at),
        "execution_result": f.label(labels.STATUSES, done),
        "execution_cost": f.money(cost_total) if costs else "",
        "executed_by": doer,
        "executed_date": f.day(done_at),
        "gm_opinion": _gm_opinion(r, f),
        "gm_by": r.override_by or (r.approved_by if r.approval_level == "owner" else ""),
        "gm_date": f.day(r.approved_at) if r.approval_level == "owner" or r.override_by else "",
        "finance_result": "；".join(
            f"{f.label(labels.MONEY_KINDS, m.kind)} {f.money(m.amount)}" for m in refunds
        )
        + (f" （{'、'.join(routes)}）" if routes else ""),
        "finance_by": finance_by,
        "finance_date": f.day(refunds[-1].at) if refunds else "",
        "assessment": _assessment(d, f),
        "closed_by": closer,
        "closed_date": f.day(closed_at),
        "filing_result": f.label(labels.STATUSES, "closed") if closed_at else "",
    }


def _gm_opinion(r: Any, f: _Fmt) -> str:
    """总经理审核: the owner's override with its reason, else the approval at its level."""
    zh = f.lang == "zh"
    if r.override_reason:
        return f"{'特批（三包外）：' if zh else 'Override (outside the three guarantees): '}" + (
            r.override_reason
        )
    if r.approved_by:
        level = _approval_level(r.approval_level, r.approved_amount, f)
        return (
            f"{'同意' if zh else 'Approved'} · {level}" if level else ("同意" if zh else "Approved")
        )
    if r.rejection_reason:
        return f"{'不同意：' if zh else 'Rejected: '}{r.rejection_reason}"
    return ""


def _assessment(d: CaseDetail, f: _Fmt) -> str:
    """考核: who bears the fault, and what was charged to them (a dealer's deduction)."""
    r = d.rma
    assert r is not None
    if not r.liability:
        return ""
    charged = [m for m in d.money if m.kind in ("dealer_deduction", "charge") and not m.reverses]
    total = sum((m.amount for m in charged), Decimal("0.00"))
    who = f.label(labels.LIABILITY, r.liability)
    return f"{who} {f.money(total)}".strip() if charged else who


def _reply_values(ctx: Context, d: CaseDetail, f: _Fmt) -> dict[str, Any]:
    """The report's answer part: what the customer gets, and by when they may reply (002 §4.9)."""
    from app.domain.rules.returns import reply_window_end

    r = d.rma
    assert r is not None
    sent = ctx.local(r.report_sent_at).date() if r.report_sent_at else ctx.today()
    tr = f.tr.gettext
    got = []
    for m in d.money:
        if m.kind in ("refund", "credit", "freight_refund", "deposit_refund"):
            amount = -m.amount if m.reverses else m.amount
            got.append(f"{f.label(labels.MONEY_KINDS, m.kind)} {f.money(amount)}")
    if d.status == "exchanged" or r.disposition == "exchange":
        got.append(tr("A replacement of the same model"))
    if r.customer_reply:
        reply = r.customer_reply
    elif r.customer_reply_at is not None:
        reply = tr("No reply within {days} days: taken as accepted ({date}).").format(
            days=ctx.settings.returns.no_reply_close_days, date=f.day(r.customer_reply_at)
        )
    else:
        reply = ""
    return {
        "report_sent_date": f.day(r.report_sent_at),
        "reply_due": reply_window_end(sent, ctx.settings.returns).isoformat(),
        "outcome": "；".join(got) if f.lang == "zh" else "; ".join(got),
        "reply_text": reply,
        "product": " ".join(x for x in (d.product.name, d.product.model_spec) if x)
        if d.product
        else "",
    }


def _approval_level(level: str, amount: Decimal | None, f: _Fmt) -> str:
    """Who approved, by level, and the value the approval was given on (it follows the value)."""
    name = f.label(labels.APPROVAL_LEVELS, level) if level else ""
    if name and amount is not None:
        return f"{name}（{f.money(amount)}）" if f.lang == "zh" else f"{name} ({f.money(amount)})"
    return name


def _promise(d: CaseDetail, f: _Fmt) -> str:
    """The promise date; once extended, with the reason the customer was told."""
    day = f.day(d.promise_date)
    extended = [e for e in d.events if e.action == "promise_extended"]
    if not day or not extended:
        return day
    why = extended[-1].note
    return f"{day}（已延期：{why}）" if f.lang == "zh" else f"{day} (extended: {why})"


def _precheck(precheck: dict[str, Any] | None, f: _Fmt) -> str:
    """The drop-off pre-check in words: powers on or not, and what did not work."""
    if not precheck:
        return ""
    if not precheck.get("powers_on", True):
        return "无法开机" if f.lang == "zh" else "does not power on"
    faults = [f.tr.gettext(PRECHECK.get(c, c)) for c in precheck.get("faults") or ()]
    if not faults:
        return "开机正常，各项功能正常" if f.lang == "zh" else "powers on, everything works"
    sep = "、" if f.lang == "zh" else ", "
    return ("开机正常；异常：" if f.lang == "zh" else "powers on; not working: ") + sep.join(faults)


def _deposit(d: CaseDetail, f: _Fmt) -> str:
    """Deposits taken and standing (a reversed one is gone), with how they were paid."""
    undone = {m.reverses for m in d.money if m.reverses}
    held = [m for m in d.money if m.kind == "deposit" and m.id not in undone]
    total = sum((m.amount for m in held), Decimal("0"))
    return f.money(total) if held else ""


def _count(n: int | None) -> str:
    """A count the record may not have yet (blank on the form, not "0")."""
    return "" if n is None else str(n)


def _signed(n: int) -> str:
    return f"{n:+d}" if n else "0"


def _claim_values(cl: ClaimView, f: _Fmt) -> dict[str, Any]:
    return {
        "number": cl.number,
        "claim_number": cl.number,
        "claim_status": f.label(labels.STATUSES, cl.status),
        "claim_order_no": cl.order_no,
        "item_code": cl.item_code,
        "size": cl.size,
        "carrier": cl.carrier,
        "claim_tracking_no": cl.tracking_no,
        "item_value": f.money(cl.item_value),
        "amount_claimed": f.money(cl.amount_claimed),
        "amount_recovered": f.money(cl.amount_recovered),
        "claim_date": f.day(cl.created_at),
    }


#: Product categories whose warranty card prints the accessory's terms, not the handset's.
ACCESSORY_CATEGORIES = frozenset(
    {"battery", "headset", "memory-card", "charger", "bluetooth-headset", "accessory"}
)


def _warranty_values(d: Any, f: _Fmt) -> dict[str, Any]:
    """The warranty period of a case's (or a registered sale's) item, its end, which terms apply.

    `d` has `.product`, `.sale` and `.entitlement` (a CaseDetail, or a sale without a case);
    the end date is always `rules.warranty_end`'s, so the card agrees with the intake slip.
    """
    from app.services.casework.rules import warranty_end

    p = d.product
    months = p.warranty_months if p else None
    if p and months is None:
        w = f.ctx.settings.warranty
        months = w.statutory_accessory_months(p.category) if p.category != "phone" else None
        months = months or (w.repair_months if p.category == "phone" else w.other_default_months)
    gift = bool(d.sale is not None and d.sale.is_gift)
    end = None if gift else warranty_end(f.ctx, d)
    accessory = bool(p and p.category in ACCESSORY_CATEGORIES)
    return {
        "warranty_months": (
            ("赠品，不保修" if f.lang == "zh" else "gift, no warranty")
            if gift
            else f.months(months)
        ),
        "warranty_until": end.isoformat() if end else "",
        "handset": "" if accessory else "1",
        "accessory": "1" if accessory else "",
        "repair_records": [],
    }


def _repair_records(d: CaseDetail, f: _Fmt) -> list[dict[str, Any]]:
    """The case's repair, as the first line of the card's repair record."""
    t = d.repair
    if t is None or t.finished_at is None:
        return []
    return [
        {
            "rec_date": f.day(t.received_at),
            "rec_fault": t.fault,
            "rec_result": t.result,
            "rec_technician": t.technician or "",
        }
    ]


def _online_values(d: CaseDetail, f: _Fmt) -> dict[str, Any]:
    """An online order's platform, buyer, refund number and reason, and the received date: all
    empty for a sale that was not online (the slips' "online order" block is then left out)."""
    s = d.sale
    return {
        "platform": f.label(labels.PLATFORMS, s.platform) if s else "",
        "buyer_id": s.buyer_id if s else "",
        "order_received": f.day(s.received_date) if s else "",
        "platform_refund_no": d.platform_refund_no,
        "platform_reason": f.label(labels.PLATFORM_REASONS, d.platform_reason),
    }


def _sale_card_values(ctx: Context, sale: Any, f: _Fmt) -> dict[str, Any]:
    """A warranty card for a sale registered at the counter (no case)."""
    c = sale.customer
    p = sale.product
    key = sale.serial or sale.invoice_no
    return {
        "number": key,
        "card_number": key,
        "case_number": "",
        "customer_name": c.name,
        "customer_phone": mask_phone(c.phone),
        "product_name": p.name if p else "",
        "product_spec": p.model_spec if p else "",
        "serial": sale.serial,
        "order_no": sale.order_no,
        "invoice_no": sale.invoice_no,
        "sale_date": f.day(sale.sale_date),
        "unit_price": f.money(sale.unit_price),
        "platform": f.label(labels.PLATFORMS, getattr(sale, "platform", "")),
        "order_received": f.day(getattr(sale, "received_date", None)),
        **_warranty_values(SimpleNamespace(product=p, sale=sale, entitlement=None), f),
    }


def _blank_values(ctx: Context, f: _Fmt) -> dict[str, Any]:
    return {
        **_shop(ctx, f),
        "handset": "1",  # a blank card carries the handset's terms
        "on_site": "1",  # a blank ticket is taken along to on-site jobs: visit lines to fill
        # a blank return form prints the seed's tick boxes, all empty, for the pen
        "request_ticks": ticks(f, REQUEST_TICKS, None),
        "decision_ticks": ticks(f, REQUEST_TICKS, None),
        "handling_ticks": ticks(f, HANDLING_TICKS, None),
    }


def _resolve(number: str, form: str) -> tuple[Case | None, CarrierClaim | None]:
    """The case (and claim) a number stands for, refusing a form that does not fit it."""
    claim = None
    key = str(number or "").strip().upper()
    if not key:
        raise DomainError("required", field="number")
    if form == "carrier-claim" and key.startswith("SP-"):
        claim = find_claim(key)
        return (claim.case if claim.case_id else None), claim
    case = find_case(key)
    return case, claim


def _is_record_number(key: str) -> bool:
    from app.domain.numbering import parse_number

    return parse_number(str(key).strip().upper()) is not None


def _refuse(form: str, number: str) -> DomainError:
    return DomainError("form_not_for_record", form=form, number=number)


def slip_data(ctx: Context, number: str, form: str, *, lang: str | None = None) -> dict[str, Any]:
    """Plain values for one form of one record (the renderer's input).

    Which numbers fit which form: intake — any case; repair-ticket/-receipt/label — a case with
    a repair ticket (SH- or WX-); rma/return-receipt — an RMA or its case; carrier-claim — a
    claim (SP-) or a case with one; warranty-card — a case with a product or sale.
    """
    code = _form_code(form)
    language = slip_language(ctx, lang)
    f = _Fmt(ctx, language)
    if code == "warranty-card":
        from app.services.casework.sales import find_sale

        sale = find_sale(number)
        if sale is not None and not _is_record_number(number):
            return {**_shop(ctx, f), **_sale_card_values(ctx, sale, f)}
    case, claim = _resolve(number, code)
    data = _shop(ctx, f)
    mask = code in CUSTOMER_FACING
    detail = case_detail(case, ctx) if case is not None else None
    if detail is not None:
        data.update(_case_values(ctx, detail, f, mask=mask))
    if code in ("repair-ticket", "repair-receipt", "label"):
        if detail is None or detail.repair is None:
            raise _refuse(code, number)
        data.update(_repair_values(detail, f))
        sig = case.repair_tickets.get().signature if case is not None else None  # type: ignore[union-attr]
        data["customer_signature"] = (sig or {}).get("strokes")
        data["signer"] = (sig or {}).get("signer") or (detail.customer.name if sig else "")
    elif code == "intake" and detail is not None and detail.repair is not None:
        # The device handed over: accessories, condition, pre-check, passcode given, deposit.
        device = _repair_values(detail, f)
        device.pop("number")
        data.update(device)
        signed = case.repair_tickets.get().dropoff_signature if case is not None else None  # type: ignore[union-attr]
        data["dropoff_signature"] = (signed or {}).get("strokes")
    elif code in ("rma", "return-receipt", "reply-report"):
        if detail is None or detail.rma is None:
            raise _refuse(code, number)
        data.update(_rma_values(detail, f))
        if code == "rma":
            data.update(_rma_chain_values(detail, f))
        if code == "reply-report":
            data.update(_reply_values(ctx, detail, f))
    elif code == "carrier-claim":
        if claim is None:
            if detail is None or not detail.claims:
                raise _refuse(code, number)
            view = detail.claims[-1]
        else:
            from app.services.casework.records import claim_view

            view = claim_view(claim, ctx.now())
        data.update(_claim_values(view, f))
        if detail is None:
            data.setdefault("case_number", "")
    elif code == "warranty-card":
        if detail is None or (detail.product is None and detail.sale is None):
            raise _refuse(code, number)
        data.update(_warranty_values(detail, f))
        data["card_number"] = detail.number
        data["repair_records"] = _repair_records(detail, f)
    from app.documents.slip_text import printable_values

    return printable_values(data)  # emoji and right-to-left text: □, never silently dropped


def _spec(ctx: Context, code: str):  # noqa: ANN202 - a layout.FormSpec
    _require_approved(ctx, code)
    return load_form(FORMS[code], forms_dir(ctx))


# --- the shop's own form files: approved by the owner, logged with their hash ------------------

COMMON_FORM = "common"


def forms_dir(ctx: Context) -> Path:
    return ctx.data_dir / "forms"


def _digest(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def _overrides(ctx: Context, code: str) -> list[Path]:
    """The data folder's form files a slip of `code` would be made from (its own, common)."""
    names = (f"{FORMS[code]}.toml", f"{COMMON_FORM}.toml")
    return [p for p in (forms_dir(ctx) / n for n in names) if p.is_file()]


def _approved_digest(name: str) -> str | None:
    """The hash of the version of `name` the owner approved last (None: never approved)."""
    from app.store.models import Event

    query = (
        Event.select(Event.data)
        .where((Event.entity == "setting") & (Event.action == "form_approved"))
        .order_by(Event.id.desc())
    )
    for ev in query:
        if isinstance(ev.data, dict) and ev.data.get("file") == name:
            return str(ev.data.get("sha256", ""))
    return None


def _require_approved(ctx: Context, code: str) -> None:
    """A form file in the data folder is used only in the version the owner approved: a copy
    dropped there (a slip titled "refund approved ¥9999") is refused, not printed and signed."""
    for path in _overrides(ctx, code):
        if _approved_digest(path.name) != _digest(path):
            raise DomainError("form_not_approved", file=path.name)


def form_version(ctx: Context, code: str) -> str:
    """Which form files a slip is made from, for its signature: "intake.toml program" or
    "intake.toml shop sha256:…" (and common.toml when the shop has its own)."""
    used = {p.name: p for p in _overrides(ctx, code)}
    out = []
    for name in (f"{FORMS[code]}.toml", f"{COMMON_FORM}.toml"):
        path = used.get(name)
        if path is not None:
            out.append(f"{name} shop sha256:{_digest(path)[:16]}")
        elif name != f"{COMMON_FORM}.toml":
            out.append(f"{name} program")
    return "; ".join(out)


@dataclass(frozen=True)
class FormFile:
    """One of the shop's own form files, as `form list` shows it."""

    name: str
    sha256: str
    approved: bool


def list_form_files(ctx: Context) -> list[FormFile]:
    folder = forms_dir(ctx)
    files = sorted(folder.glob("*.toml")) if folder.is_dir() else []
    out = []
    for path in files:
        digest = _digest(path)
        out.append(FormFile(path.name, digest, _approved_digest(path.name) == digest))
    return out


def approve_form(ctx: Context, name: str) -> FormFile:
    """The owner approves the data folder's form file `name` as it is now (checked first); the
    approval is logged with the file's hash, and a later change needs approving again."""
    from app.documents.layout import load_strings
    from app.services.shop.permissions import Action, require
    from app.store.history import record_event

    require(ctx, Action.SETTINGS)
    stem = str(name).strip().removesuffix(".toml")
    path = forms_dir(ctx) / f"{stem}.toml"
    if "/" in stem or "\\" in stem or not path.is_file():
        raise DomainError("form_file_missing", file=f"{stem}.toml")
    if stem == COMMON_FORM:
        load_strings(forms_dir(ctx))
    elif stem in FORMS.values():
        load_form(stem, forms_dir(ctx))
    else:
        raise DomainError("form_file_missing", file=f"{stem}.toml")
    digest = _digest(path)
    with write_transaction():
        record_event(
            at=ctx.now(),
            actor_id=ctx.actor.id,
            entity="setting",
            entity_id=0,
            action="form_approved",
            data=audit.stamp(ctx, {"file": path.name, "sha256": digest}),
        )
    return FormFile(path.name, digest, True)


def _pdf(ctx: Context, code: str, data: dict[str, Any], lang: str, *, blank: bool) -> bytes:
    spec = _spec(ctx, code)
    font = cjk_font(ctx.settings.printing.font_path)
    return render(
        spec,
        data,
        lang,
        font=font,
        logo_path=ctx.settings.printing.logo_path,
        blank=blank,
        title=f"{spec.title.get(lang)} {data.get('number', '')}".strip(),
        author=ctx.settings.shop.name,
    )


def render_slip(ctx: Context, number: str, form: str, *, lang: str | None = None) -> bytes:
    """The unsigned PDF of one form for one record."""
    code = _form_code(form)
    language = slip_language(ctx, lang)
    data = slip_data(ctx, number, code, lang=language)
    return _pdf(ctx, code, data, language, blank=False)


def warranty_card(ctx: Context, number: str, *, lang: str | None = None) -> bytes:
    """The warranty card (保修卡) of a case's product, unsigned."""
    return render_slip(ctx, number, "warranty-card", lang=lang)


def blank_form(ctx: Context, form: str, *, lang: str | None = None) -> bytes:
    """An empty intake, return-request or warranty-card form to fill in by hand."""
    code = _form_code(form)
    if code not in BLANK_FORMS:
        raise DomainError("form_has_no_blank", form=code, choices=BLANK_FORMS)
    language = slip_language(ctx, lang)
    return _pdf(ctx, code, _blank_values(ctx, _Fmt(ctx, language)), language, blank=True)


#: The shop's details a slip prints: placeholder → setting (owner setup asks for all four).
SHOP_DETAILS = {
    "shop_name": "shop.name",
    "shop_address": "shop.address",
    "shop_hotline": "shop.hotline",
    "shop_return_address": "shop.return_address",
    "shop_consignee": "shop.consignee",
    "shop_consignee_phone": "shop.consignee_phone",
}


def _placeholders(value: Any) -> set[str]:
    """Every {name} in a form layout's wording (walks the layout's dataclasses)."""
    import dataclasses
    import string

    if isinstance(value, str):
        try:
            return {name for _t, name, _s, _c in string.Formatter().parse(value) if name}
        except ValueError:
            return set()
    if dataclasses.is_dataclass(value):
        return set().union(
            *(_placeholders(getattr(value, f.name)) for f in dataclasses.fields(value))
        )
    if isinstance(value, tuple | list):
        return set().union(*(_placeholders(v) for v in value)) if value else set()
    return set()


def missing_shop_details(ctx: Context, form: str) -> list[str]:
    """The shop settings (``shop.address`` …) a form prints but that are empty: a customer
    would get a slip with a blank where the hotline or the return address should be."""
    code = _form_code(form)
    spec = _spec(ctx, code)
    used = _placeholders(spec.blocks) | _placeholders(spec.header.number)
    if spec.header.shop:
        used |= {"shop_name", "shop_address", "shop_hotline"}
    values = _shop(ctx, _Fmt(ctx, "zh"))
    return [path for key, path in SHOP_DETAILS.items() if key in used and not values[key].strip()]


def font_warning(ctx: Context) -> str | None:
    """The font problem to show the user ("cjk_font_missing", …), or None when all is well."""
    return cjk_font(ctx.settings.printing.font_path).warning


def slips_dir(ctx: Context) -> Path:
    return ctx.data_dir / "slips"


def _write_atomic(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".slip-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


#: Events naming a kept slip file (the customer-data export and erase find slips through them).
SLIP_EVENTS = ("printed", "print_failed", "slip_saved")


def make_slip(
    ctx: Context,
    number: str | None,
    form: str,
    *,
    lang: str | None = None,
    blank: bool = False,
    event: str | None = "printed",
) -> Slip:
    """Render, sign with the shop's digital signature, keep under slips/<year>/ and log `event`
    ("printed" for the command line's --out; None when the caller logs the outcome itself, as
    `print_slip` does once the printer has accepted the job)."""
    from app.documents.signing import sign_pdf

    code = _form_code(form)
    language = slip_language(ctx, lang)
    from app.documents.shop_identity import signer_name
    from app.services.paper.certificates import signing_identity

    # the fingerprint printed is the one used (the server's, multi-PC), renewed when due
    signs_as = signer_name(signing_identity(ctx).signing_cert)
    if blank:
        pdf = blank_form(ctx, code, lang=language)
        record = "BLANK"
        data: dict[str, Any] = {}
    else:
        data = slip_data(ctx, str(number or ""), code, lang=language)
        pdf = _pdf(ctx, code, data, language, blank=False)
        record = str(data["number"])
    signed = sign_pdf(
        pdf,
        ctx.data_dir,
        signer=ctx.actor.display_name,
        reason=f"AfterDesk form {form_version(ctx, code)}",  # verify names the form version
        shop_name=signs_as,
    )
    now = ctx.now()
    stamp = now.strftime("%Y%m%dT%H%M%S%fZ")
    path = slips_dir(ctx) / f"{ctx.local(now).year:04d}" / f"{record}_{code}_{stamp}.pdf"
    _write_atomic(path, signed)
    if not blank and event:
        with write_transaction():
            _log_printed(ctx, code, record, data, path, action=event)
    return Slip(form=code, number=record, pdf=signed, path=path)


@dataclass(frozen=True)
class PrintedSlip:
    """A slip the printer accepted: the kept file, the printer it went to and the job id."""

    slip: Slip
    printer: str
    job: str


def print_slip(
    ctx: Context,
    number: str | None,
    form: str,
    *,
    printer: str | None = None,
    copies: int = 1,
    lang: str | None = None,
    blank: bool = False,
) -> PrintedSlip:
    """Sign and keep the slip, send it to `printer` (None: the printer remembered for the form,
    else the system's default) and log "printed" only when the print system accepted the job.
    A refused job raises its DomainError (no_printer, printer_unavailable, print_failed) after
    logging "print_failed" with the kept file, so the record says it was not printed."""
    from app.documents import printing

    code = _form_code(form)
    chosen = printer if printer is not None else remembered_printer(ctx, code)
    slip = make_slip(ctx, number, code, lang=lang, blank=blank, event=None)
    name = (chosen or "").strip() or printing.default_printer() or ""
    try:
        job = printing.print_pdf(
            slip.pdf, name or None, copies=copies, title=f"{slip.number} {slip.form}"
        )
    except DomainError as exc:
        if not blank:
            data = {"number": slip.number, "printer": name, "error": exc.code}
            with write_transaction():
                _log_printed(ctx, code, slip.number, data, slip.path, action="print_failed")
        raise
    if not blank:
        data = {"number": slip.number, "printer": name, "job": job}
        with write_transaction():
            _log_printed(ctx, code, slip.number, data, slip.path, action="printed")
    return PrintedSlip(slip=slip, printer=name, job=job)


def remembered_printer(ctx: Context, code: str) -> str:
    """The printer last used for a form ("" = the system's default printer)."""
    from app.domain.settings import FORM_PRINTERS

    key = FORMS.get(code, code)
    return str(ctx.settings.get_path(f"printing.{key}")) if key in FORM_PRINTERS else ""


def _log_printed(
    ctx: Context,
    code: str,
    record: str,
    data: dict[str, Any],
    path: Path,
    *,
    action: str = "printed",
) -> None:
    from app.store.models import RepairTicket, ReturnAuth

    if code == "warranty-card" and not _is_record_number(record):  # a sale's card
        from app.services.casework.sales import find_sale

        sale = find_sale(record)
        rel = path.relative_to(ctx.data_dir).as_posix()
        audit.log(ctx, "sale", sale, action, _event_data(code, rel, data), code, number=record)
        return
    model: Any = {"WX": RepairTicket, "RMA": ReturnAuth, "SP": CarrierClaim}.get(
        record.split("-", 1)[0], Case
    )
    entity = {RepairTicket: "repair", ReturnAuth: "rma", CarrierClaim: "claim"}.get(model, "case")
    row = model.get(model.number == record)
    rel = path.relative_to(ctx.data_dir).as_posix()
    audit.log(ctx, entity, row, action, _event_data(code, rel, data), code)


def _event_data(code: str, rel: str, data: dict[str, Any]) -> dict[str, Any]:
    """The form and file, and for a print the printer and its job (or the refusal's code)."""
    out: dict[str, Any] = {"form": code, "file": rel}
    out.update({k: data[k] for k in ("printer", "job", "error") if k in data})
    return out


_FIRST_SLIP_MODULES = (
    "app.documents.slip_text",
    "app.services.casework.rules",  # the three-guarantee rules and the holiday calendar
    "app.services.paper.certificates",
    "reportlab.graphics.renderPDF",  # barcodes and QR codes
)


def warm_printing(ctx: Context) -> None:
    """Load what the first slip needs (PDF and signing libraries, the CJK font, the forms, the
    signing key) so the first Ctrl+P after start costs what the tenth does. Run on a worker
    thread once the window is shown. Writes nothing: a blank form is rendered and signed in
    memory, and no certificate is made here when the shop has none yet."""
    import importlib

    from app.documents.shop_identity import has_identity
    from app.documents.signing import preload, sign_pdf

    for module in _FIRST_SLIP_MODULES:  # what a real slip imports that a blank form does not
        importlib.import_module(module)
    cjk_font(ctx.settings.printing.font_path)
    for code in FORMS.values():
        with contextlib.suppress(DomainError):  # a broken form is reported when it is printed
            load_form(code, ctx.data_dir / "forms")
    pdf = blank_form(ctx, BLANK_FORMS[0])
    if has_identity(ctx.data_dir):
        sign_pdf(pdf, ctx.data_dir, signer=ctx.actor.display_name)
    else:  # the first slip makes the certificate; its libraries are loaded now
        preload()
