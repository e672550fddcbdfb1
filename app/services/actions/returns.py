"""The steps of returns, exchanges, refund-only and carrier-damage cases (002, 001 第五篇)."""

from __future__ import annotations

import json
from typing import Any

from app.domain.errors import ValidationError
from app.domain.fields import FieldSpec as F
from app.domain.workflows import workflow_for
from app.i18n import N_
from app.i18n.labels import (
    DISPOSITIONS,
    INSPECTION,
    LIABILITY,
    MONEY_KINDS,
    PAY_ROUTES,
    SHIPPING,
)
from app.i18n.rule_texts import PAYERS
from app.services.actions import Action, register
from app.services.casework.transitions import move
from app.services.casework.views import CaseDetail
from app.services.remedies import money, return_help, returns
from app.services.remedies.money import MANUAL_MONEY_KINDS
from app.services.shop.context import Context
from app.services.shop.permissions import Action as Permission

RETURN = ("return",)
NOTE = F("note", N_("Note"), kind="multiline", span=True)


def choices(table: dict[str, str], codes: object = None) -> tuple[tuple[str, str], ...]:
    keys = list(codes) if codes is not None else list(table)  # type: ignore[call-overload]
    return tuple((code, table[code]) for code in keys if code in table)


def _rma_in(*states: str) -> Any:
    return lambda d: d.rma is not None and d.status in states


def _line_quantities(raw: object, field: str) -> dict[int, int | str] | None:
    """`{"12": 2, "13": 0}` (line id → quantity), as JSON on the command line."""
    if raw in (None, ""):
        return None
    try:
        data = json.loads(raw) if isinstance(raw, str) else raw
        return {int(k): v for k, v in dict(data).items()}  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValidationError.single(field, "invalid") from None


def _receive(ctx: Context, number: str, v: dict[str, Any]) -> Any:
    from app.services.casework.records import find_case, rma_of

    lines = _line_quantities(v["lines"], "lines")
    if lines is None:  # everything that was expected arrived
        lines = {ln.id: ln.qty_expected for ln in rma_of(find_case(number)).lines}
    return returns.receive(
        ctx,
        number,
        lines,
        package_damaged=bool(v["package_damaged"]),
        damaged=_line_quantities(v["damaged"], "damaged"),
        note=v["note"],
    )


def _freight(ctx: Context, number: str, v: dict[str, Any]) -> Any:
    data = returns.FreightInput(
        carrier=v["carrier"],
        tracking_no=v["tracking_no"],
        payer=v["payer"] or "",
        amount=v["amount"] or None,
        agreed=bool(v["agreed"]),
    )
    return returns.set_freight(ctx, number, data)


def _claim(ctx: Context, number: str, v: dict[str, Any]) -> Any:
    data = return_help.ClaimInput(
        amount=v["amount"],
        carrier=v["carrier"],
        tracking_no=v["tracking_no"],
        order_no=v["order_no"],
        item_code=v["item_code"],
        size=v["size"],
    )
    return return_help.open_claim(ctx, number, data)


def _claim_status(ctx: Context, number: str, v: dict[str, Any]) -> Any:
    """The record's open carrier claim moves on (filed, paid, closed …)."""
    from app.services.casework.records import case_detail, find_case

    open_claims = [
        c
        for c in case_detail(find_case(number), ctx).claims
        if c.status not in ("closed", "rejected")
    ]
    return money.move_claim(
        ctx, open_claims[-1].number, v["to"], recovered=v["recovered"] or None, note=v["note"]
    )


# When goods are (or were) with a carrier, by workflow: a claim can be opened (carrier damage
# also files its claim as the move to "claim filed" while that move is allowed).
CLAIM_STATUSES = {
    "return": frozenset(
        {
            "replacement_shipped",
            "awaiting_goods",
            "received",
            "inspected",
            "liability_decided",
            "disposition_done",
        }
    ),
    "refund": frozenset({"verifying", "intercepting", "refunded"}),
    "carrier_damage": frozenset({"documented", "replacement_shipped", "refunded"}),
}


def claim_open_allowed(d: CaseDetail) -> bool:
    """A carrier claim may be opened on the record now (without moving it)."""
    wf = workflow_for(d.kind).name
    if d.status not in CLAIM_STATUSES.get(wf, ()):
        return False
    return not (wf == "carrier_damage" and "claim_filed" in d.allowed)


def claim_can_open(d: CaseDetail) -> bool:
    """`open-claim`: as an extra step, or as carrier damage's move to "claim filed"."""
    return claim_open_allowed(d) or (d.kind == "carrier_damage" and "claim_filed" in d.allowed)


def live_claim(d: CaseDetail) -> Any:
    """The newest claim on the case that can still move."""
    live = [c for c in d.claims if c.allowed]
    return live[-1] if live else None


def _owed(d: CaseDetail) -> bool:
    r = d.rma
    return (
        r is not None
        and r.goods_due is not None
        and r.received_at is None
        and not r.goods_waived_reason
        and d.status not in ("cancelled", "closed")
    )


DEALER_STATES = ("liability_decided", "disposition_done", "refunded", "exchanged", "credited")


def _dealer_case(d: CaseDetail) -> bool:
    return (
        d.rma is not None
        and d.customer.kind == "dealer"
        and d.status
        in ("liability_decided", "disposition_done", "refunded", "exchanged", "credited")
    )


AMOUNT = F("amount", N_("Amount (¥)"), required=True, width=12)
ROUTE = F("route", N_("Paid back by"), kind="choice", choices=choices(PAY_ROUTES))

register(
    Action(
        "approve",
        N_("Approve"),
        lambda ctx, n, v: returns.approve(ctx, n, v["note"], v["override_reason"]),
        (
            NOTE,
            F(
                "override_reason",
                N_("Owner's reason (outside the three guarantees)"),
                kind="multiline",
                span=True,
            ),
        ),
        workflows=RETURN,
        target="approved",
        style="success",
        help=N_("Approve the return; its value decides whether a manager or the owner may."),
    ),
    Action(
        "reject",
        N_("Reject"),
        lambda ctx, n, v: move(ctx, n, "rejected", v["reason"]),
        (F("reason", N_("Reason told to the customer"), kind="multiline", required=True),),
        target="rejected",
        style="danger-outline",
    ),
    Action(
        "ship-first",
        N_("Ship first"),
        lambda ctx, n, v: returns.ship_first(
            ctx,
            n,
            v["note"],
            deposit=v["deposit"] or None,
            route=v["route"] or "",
            override_reason=v["override_reason"],
        ),
        (
            NOTE,
            F("deposit", N_("Deposit taken (¥)"), width=12),
            ROUTE,
            F("override_reason", N_("Owner's reason (outside the three guarantees)")),
        ),
        workflows=RETURN,
        target="replacement_shipped",
        when=lambda d: not (d.rma and d.rma.goods_at_counter),  # the goods are already here
        style="warning",
        help=N_("Send the replacement now; the old goods are owed back."),
    ),
    Action(
        "record-freight",
        N_("Record freight"),
        _freight,
        (
            F("carrier", N_("Carrier")),
            F("tracking_no", N_("Tracking no.")),
            F("payer", N_("Paid by"), kind="choice", choices=choices(PAYERS)),
            F("amount", N_("Freight (¥)"), width=12),
            F("agreed", N_("Payer agreed with the customer"), kind="check"),
        ),
        workflows=RETURN,
        when=_rma_in("requested", "approved", "replacement_shipped", "awaiting_goods"),
        style="secondary-outline",
        order=10,
    ),
    Action(
        "freight-payer",
        N_("Change freight payer"),
        lambda ctx, n, v: returns.change_freight_payer(ctx, n, v["payer"], v["reason"]),
        (
            F("payer", N_("Paid by"), kind="choice", choices=choices(PAYERS), required=True),
            F("reason", N_("Why"), required=True),
        ),
        workflows=RETURN,
        when=lambda d: d.rma is not None and d.status not in ("cancelled", "closed"),
        style="secondary-outline",
        order=12,
    ),
    Action(
        "waive-goods",
        N_("Goods not coming back"),
        lambda ctx, n, v: returns.waive_goods(ctx, n, v["reason"], lost=bool(v["lost"])),
        (F("reason", N_("Why"), required=True), F("lost", N_("Lost in transit"), kind="check")),
        permission=Permission.APPROVE_OWNER,
        workflows=RETURN,
        when=_owed,
        style="warning-outline",
        order=15,
    ),
    Action(
        "add-line",
        N_("Add line"),
        lambda ctx, n, v: returns.add_line(
            ctx,
            n,
            v["description"],
            v["qty"],
            v["unit_price"],
            spec=v["spec"],
            batch=v["batch"],
        ),
        (
            F("description", N_("Product"), required=True),
            F("qty", N_("Quantity"), required=True, width=6),
            F("unit_price", N_("Unit price (¥)"), required=True, width=12),
            F("spec", N_("Spec")),
            F("batch", N_("Batch")),
        ),
        workflows=RETURN,
        when=_rma_in("requested", "approved"),
        style="secondary-outline",
        order=20,
    ),
    Action(
        "receive",
        N_("Receive"),
        _receive,
        (
            F(
                "lines",
                N_("Received per line"),
                kind="lines",
                hint=N_(
                    "JSON mapping each line's id to the quantity received; blank means "
                    "everything expected arrived"
                ),
            ),
            F("package_damaged", N_("Package damaged"), kind="check"),
            F("damaged", N_("Damaged per line"), kind="lines"),
            NOTE,
        ),
        workflows=RETURN,
        target="received",
    ),
    Action(
        "inspect",
        N_("Inspect"),
        lambda ctx, n, v: returns.inspect(
            ctx,
            n,
            v["inspection_result"],
            v["inspection_report"],
            **{k: v[f"qc_{k}"] for k in ("sampled", "failed", "usable", "scrap", "to_supplier")},
        ),
        (
            F(
                "inspection_result",
                N_("Result"),
                kind="choice",
                choices=choices(INSPECTION),
                required=True,
                cli="--result",
            ),
            F(
                "inspection_report",
                N_("Inspection report"),
                kind="multiline",
                span=True,
                cli="--report",
            ),
            F("qc_sampled", N_("Units sampled"), width=6, default=None, cli="--sampled"),
            F("qc_failed", N_("Units failed"), width=6, default=None, cli="--failed"),
            F("qc_usable", N_("Usable (back to stock)"), width=6, default=None, cli="--usable"),
            F("qc_scrap", N_("Scrap"), width=6, default=None, cli="--scrap"),
            F(
                "qc_to_supplier",
                N_("Back to the supplier"),
                width=6,
                default=None,
                cli="--to-supplier",
            ),
        ),
        workflows=RETURN,
        target="inspected",
        permission=Permission.QC,
    ),
    Action(
        "decide-liability",
        N_("Decide liability"),
        lambda ctx, n, v: returns.decide_liability(
            ctx, n, v["liability"], v["note"], supplier=v["supplier"]
        ),
        (
            F(
                "liability",
                N_("Liability"),
                kind="choice",
                choices=choices(LIABILITY),
                required=True,
            ),
            F(
                "supplier",
                N_("Supplier"),
                hint=N_("When the supplier is liable: its name as in the suppliers list"),
            ),
            NOTE,
        ),
        workflows=RETURN,
        target="liability_decided",
    ),
    Action(
        "name-supplier",
        N_("Name the supplier"),
        lambda ctx, n, v: returns.name_supplier(ctx, n, v["supplier"], v["note"]),
        (F("supplier", N_("Supplier"), required=True), NOTE),
        workflows=RETURN,
        when=lambda d: (
            d.rma is not None
            and d.rma.liability == "supplier"
            and d.status not in ("cancelled", "closed")
        ),
        help=N_("The supplier this supplier-liable return goes back to (its statement)."),
        permission=Permission.APPROVE_MANAGER,
        order=60,
    ),
    Action(
        "dispose",
        N_("Decide disposition"),
        lambda ctx, n, v: returns.set_disposition(
            ctx, n, v["disposition"], scrap_report=v["scrap_report"], note=v["note"]
        ),
        (
            F(
                "disposition",
                N_("Disposition"),
                kind="choice",
                choices=choices(DISPOSITIONS),
                required=True,
            ),
            F("scrap_report", N_("Scrap report"), kind="multiline", span=True),
            NOTE,
        ),
        workflows=RETURN,
        target="disposition_done",
    ),
    Action(
        "refund",
        N_("Refund"),
        lambda ctx, n, v: money.refund(ctx, n, v["amount"], v["note"], v["route"] or ""),
        (AMOUNT, ROUTE, NOTE),
        target="refunded",
        style="success",
    ),
    Action(
        "exchange",
        N_("Exchange done"),
        lambda ctx, n, v: returns.settle(ctx, n, "exchanged", note=v["note"]),
        (NOTE,),
        workflows=RETURN,
        target="exchanged",
        style="success",
    ),
    Action(
        "credit",
        N_("Credit to account"),
        lambda ctx, n, v: returns.settle(ctx, n, "credited", v["amount"], v["note"]),
        (AMOUNT, NOTE),
        workflows=RETURN,
        target="credited",
        style="success",
    ),
    Action(
        "dealer-deduct",
        N_("Dealer deduction"),
        lambda ctx, n, v: return_help.deduct_dealer(ctx, n, v["amount"], v["note"]),
        (AMOUNT, NOTE),
        permission=Permission.APPROVE_MANAGER,
        workflows=RETURN,
        when=_dealer_case,
        style="warning-outline",
        order=30,
    ),
    Action(
        "open-claim",
        N_("Carrier claim"),
        _claim,
        (
            AMOUNT,
            F("carrier", N_("Carrier")),
            F("tracking_no", N_("Tracking no.")),
            F("order_no", N_("Order no.")),
            F("item_code", N_("Item code")),
            F("size", N_("Size")),
        ),
        permission=Permission.CLAIM,
        when=claim_can_open,
        style="secondary-outline",
        order=32,
    ),
    Action(
        "ship-replacement",
        N_("Ship replacement"),
        lambda ctx, n, v: move(ctx, n, "replacement_shipped", v["note"]),
        (NOTE,),
        workflows=("carrier_damage",),
        target="replacement_shipped",
        style="warning",
        help=N_("A replacement for goods the carrier damaged; it needs the refund's approval."),
    ),
    Action(
        "claim-status",
        N_("Update claim"),
        _claim_status,
        (
            F("to", N_("New status"), required=True),
            F("recovered", N_("Amount recovered (¥)"), width=12),
            NOTE,
        ),
        permission=Permission.CLAIM,
        when=lambda d: live_claim(d) is not None,
        style="secondary-outline",
        order=33,
    ),
    Action(
        "capa",
        N_("Corrective action"),
        lambda ctx, n, v: returns.record_capa(
            ctx, n, v["corrective"], v["preventive"], report_sent=bool(v["report_sent"])
        ),
        (
            F("corrective", N_("Corrective action"), kind="multiline", span=True),
            F("preventive", N_("Preventive action"), kind="multiline", span=True),
            F("report_sent", N_("Report sent to the customer"), kind="check"),
        ),
        workflows=RETURN,
        when=lambda d: (
            d.rma is not None and bool(d.rma.inspection_result) and d.status != "cancelled"
        ),
        style="secondary-outline",
        order=40,
    ),
    Action(
        "customer-reply",
        N_("Customer reply"),
        lambda ctx, n, v: returns.record_reply(ctx, n, v["customer_reply"]),
        (
            F(
                "customer_reply",
                N_("Customer reply"),
                kind="multiline",
                required=True,
                span=True,
                cli="--reply",
            ),
        ),
        workflows=RETURN,
        when=lambda d: (
            d.rma is not None and (d.rma.report_sent_at is not None or d.status == "rejected")
        ),
        style="secondary-outline",
        order=45,
    ),
    Action(
        "shipping-status",
        N_("Shipping status"),
        lambda ctx, n, v: money.set_shipping_status(
            ctx, n, v["status"], v["note"], carrier=v["carrier"], tracking_no=v["tracking_no"]
        ),
        (
            F("status", N_("Parcel"), kind="choice", choices=choices(SHIPPING), required=True),
            F("carrier", N_("Carrier")),
            F("tracking_no", N_("Tracking no.")),
            NOTE,
        ),
        workflows=("refund",),
        when=lambda d: d.status in ("requested", "verifying", "intercepting"),
        order=10,
        help=N_("Where the goods of a refund-only case are (verify, intercept, claim)."),
    ),
    Action(
        "book",
        N_("Book money"),
        lambda ctx, n, v: money.record_money(ctx, n, v["kind"], v["amount"], v["note"]),
        (
            F(
                "kind",
                N_("Kind"),
                kind="choice",
                choices=choices(MONEY_KINDS, [k.value for k in MANUAL_MONEY_KINDS]),
                required=True,
            ),
            AMOUNT,
            NOTE,
        ),
        permission=Permission.MONEY,
        style="secondary-outline",
        order=35,
    ),
    Action(
        "reverse",
        N_("Reverse money"),
        lambda ctx, n, v: money.reverse_money(ctx, v["entry"], v["note"]),
        (F("entry", N_("Entry no."), required=True, width=8), F("note", N_("Why"), required=True)),
        permission=Permission.MONEY,
        when=lambda d: any(not m.reverses for m in d.money),
        style="danger-outline",
        order=36,
    ),
)
