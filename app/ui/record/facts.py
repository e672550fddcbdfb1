"""What a record view lists about a case, as (label, text) rows grouped in sections."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from app.domain.money import format_money
from app.domain.rules.entitlement import Entitlement
from app.i18n import _, current_language
from app.i18n.labels import (
    ACCESSORIES,
    CHANNELS,
    COMPLAINT_CLASSES,
    DISPOSITIONS,
    INSPECTION,
    LIABILITY,
    MONEY_KINDS,
    PARTIES,
    PAY_ROUTES,
    PLATFORM_REASONS,
    PLATFORMS,
    REASONS,
    REQUESTS,
    SEVERITIES,
    SHIPPING,
    STATUSES,
    label,
)
from app.i18n.rule_texts import entitlement_lines
from app.services.casework.views import CaseDetail
from app.services.shop.context import Context

Rows = list[tuple[str, str]]


def _money(value: Decimal | None) -> str:
    return format_money(value) if value is not None else ""


def _when(ctx: Context, value: datetime | None) -> str:
    return ctx.local(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _names(table: dict[str, str], codes: list[str]) -> str:
    """Codes as a readable list: 充电器、卡托 / Charger, SIM tray."""
    sep = "、" if current_language() == "zh" else ", "
    return sep.join(label(table, c) for c in codes)


def _keep(rows: Rows) -> Rows:
    return [(k, v) for k, v in rows if v not in ("", None)]


def customer_rows(d: CaseDetail) -> Rows:
    c = d.customer
    phones = " / ".join(p for p in (c.phone, c.phone2) if p)
    return _keep(
        [
            (_("Customer"), c.name),
            (_("Phone"), phones),
            (_("Address"), c.address),
            (_("Class"), c.service_class),
        ]
    )


def product_rows(ctx: Context, d: CaseDetail) -> Rows:
    rows: Rows = []
    if d.product:
        rows.append((_("Product"), f"{d.product.name} {d.product.model_spec}".strip()))
    rows.append((_("Serial/IMEI"), d.serial))
    if d.sale:
        rows.append((_("Sold on"), d.sale.sale_date.isoformat() if d.sale.sale_date else ""))
        rows.append(
            (_("Order / invoice"), " / ".join(x for x in (d.sale.order_no, d.sale.invoice_no) if x))
        )
    if d.sale and d.sale.is_gift:
        rows.append((_("Gift"), _("yes: no warranty on this sale")))
    if d.sale and d.sale.platform:  # an online order: where, who, and when it was received
        rows.append((_("Platform"), label(PLATFORMS, d.sale.platform)))
        rows.append((_("Buyer ID"), d.sale.buyer_id))
        received = d.sale.received_date
        rows.append((_("Signed for"), received.isoformat() if received else ""))
    rows.append((_("Platform refund no."), d.platform_refund_no))
    if d.platform_reason:
        rows.append((_("Platform's reason"), label(PLATFORM_REASONS, d.platform_reason)))
    if d.same_order:
        rows.append((_("Same order"), ", ".join(d.same_order)))
    rows.append((_("Channel"), label(CHANNELS, d.channel)))
    rows.append((_("Reason"), label(REASONS, d.reason)))
    rows.append((_("Request"), label(REQUESTS, d.request)))
    if d.severity and d.kind == "complaint":
        rows.append((_("Severity"), label(SEVERITIES, d.severity)))
    rows.append((_("Amount paid"), _money(d.amount)))
    rows.append((_("Description"), d.description))
    rows.append((_("Promised by"), d.promise_date.isoformat() if d.promise_date else ""))
    rows.append((_("Assigned to"), d.assignee or ""))
    rows.append((_("Taken by"), f"{d.created_by}, {_when(ctx, d.created_at)}"))
    if d.parent:
        rows.append((_("Follows from"), d.parent))
    if d.children:
        rows.append((_("Led to"), ", ".join(d.children)))
    if d.shipping_status and d.shipping_status != "unknown":
        rows.append((_("Parcel"), label(SHIPPING, d.shipping_status)))
    if d.resolution:
        rows.append((_("Resolution"), d.resolution))
    if d.complaint_class:
        rows.append((_("Complaint about"), label(COMPLAINT_CLASSES, d.complaint_class)))
        rows.append((_("Cause"), d.complaint_cause))
        rows.append((_("Person responsible"), d.responsible))
    if d.satisfaction is not None:
        rows.append((_("Satisfaction"), f"{d.satisfaction}/5 {d.follow_up}".strip()))
    if d.follow_up_at is not None:
        rows.append((_("Follow-up call"), f"{d.follow_up_by}, {_when(ctx, d.follow_up_at)}"))
    elif d.follow_up_due is not None:
        rows.append((_("Follow-up due"), d.follow_up_due.isoformat()))
    return _keep(rows)


def entitlement_rows(d: CaseDetail) -> list[str]:
    if not d.entitlement:
        return []
    try:
        return entitlement_lines(Entitlement.from_dict(d.entitlement))
    except (KeyError, TypeError, ValueError):
        return []


def repair_rows(ctx: Context, d: CaseDetail) -> Rows:
    t = d.repair
    if t is None:
        return []
    estimate = _money(t.estimate)
    if t.estimate is not None and t.estimate_approved is not None:
        estimate += "  " + (_("approved") if t.estimate_approved else _("declined"))
    parts = "; ".join(
        f"{p.description} ×{p.qty} {_money(p.unit_price)} "
        + (_("charged") if p.charged else _("free under warranty"))
        for p in t.parts
    )
    labour = "; ".join(f"{lb.description} ({lb.minutes} min)" for lb in t.labour)
    visits = "; ".join(f"{_when(ctx, v.visited_at)} {v.outcome}" for v in t.visits)
    return _keep(
        [
            (_("Repair ticket"), t.number),
            (_("Warranty"), _("in warranty") if t.in_warranty else _("out of warranty")),
            (_("Technician"), t.technician or ""),
            (_("Accessories"), _names(ACCESSORIES, t.accessories)),
            (_("Condition"), t.condition),
            (_("Fault"), t.fault),
            (_("Diagnosis"), t.diagnosis),
            (_("Estimate"), estimate),
            (_("Parts"), parts),
            (_("Labour"), labour),
            (
                _("On site"),
                f"{t.site_address} {_when(ctx, t.appointment_at)}".strip() if t.on_site else "",
            ),
            (_("Visits"), visits),
            (_("Result"), t.result),
            (_("To pay"), _money(t.charge_total) if t.charge_total else ""),
            (_("Signed"), _when(ctx, t.signed_at) if t.signed else ""),
            (_("Scrap report"), t.scrap_report),
        ]
    )


def rma_rows(ctx: Context, d: CaseDetail) -> Rows:
    r = d.rma
    if r is None:
        return []
    approval = ""
    if r.approved_by:
        approval = f"{r.approved_by}, {_when(ctx, r.approved_at)}"
    lines = "; ".join(
        f"{ln.description} {ln.spec} ×{ln.qty_expected}"
        + (f" ({_('received')} {ln.qty_received})" if ln.qty_received is not None else "")
        for ln in r.lines
    )
    freight = " ".join(x for x in (r.freight_carrier, r.tracking_no, _money(r.freight_amount)) if x)
    return _keep(
        [
            (_("Return authorisation"), r.number),
            (_("Approved by"), approval),
            (_("Owner override"), r.override_reason),
            (_("Rejected because"), r.rejection_reason),
            (_("Lines"), lines),
            (_("Total"), _money(r.total)),
            (_("Freight"), freight),
            (_("Goods expected by"), r.expected_by.isoformat() if r.expected_by else ""),
            (_("Old goods owed back by"), r.goods_due.isoformat() if r.goods_due else ""),
            (_("Goods waived"), r.goods_waived_reason),
            (_("Goods received"), _when(ctx, r.received_at)),
            (_("Inspection"), label(INSPECTION, r.inspection_result)),
            (_("Inspection report"), r.inspection_report),
            (
                _("Liability"),
                " · ".join(t for t in (label(LIABILITY, r.liability), r.supplier) if t),
            ),
            (_("Disposition"), label(DISPOSITIONS, r.disposition)),
            (_("Corrective action"), r.capa_corrective),
            (_("Preventive action"), r.capa_preventive),
            (_("Customer reply"), r.customer_reply),
        ]
    )


def money_rows(ctx: Context, d: CaseDetail) -> Rows:
    rows = [
        (
            (
                _("{kind} ({party})").format(
                    kind=label(MONEY_KINDS, m.kind), party=label(PARTIES, m.party)
                )
                if m.party
                else label(MONEY_KINDS, m.kind)
            )
            + (" ↩" if m.reverses else ""),
            f"#{m.id} {'-' if m.reverses else ''}{_money(m.amount)}"
            + (f" {label(PAY_ROUTES, m.route)}" if m.route else "")
            + f"  {_when(ctx, m.at)}  {m.by}  {m.note}".rstrip(),
        )
        for m in d.money
    ]
    if d.refunded_total:
        rows.append((_("Refunded in all"), _money(d.refunded_total)))
    for c in d.claims:
        rows.append(
            (
                _("Carrier claim"),
                f"{c.number} {label(STATUSES, c.status)} {c.carrier} {c.tracking_no} "
                f"{_money(c.amount_claimed)}"
                + (
                    "  " + _("claim by {when}").format(when=_when(ctx, c.deadline_at))
                    if c.deadline_at
                    else ""
                )
                + ("  ⚠ " + _("OVERDUE") if c.overdue else ""),
            )
        )
    return rows
