"""The buttons of a return or exchange (RMA) and of a refund-only case.

Return: approve (the manager on duty up to the threshold, the owner above), reject with a reason,
ship first (先补发), freight and tracking, receive per line, inspect, liability, disposition,
refund / exchange / credit / dealer deduction / carrier claim, CAPA, the customer's reply.
Refund only: the parcel's shipping status, then the refund.

Each button opens a small form and calls one service; the services' guards decide and a refusal
lands in the status bar. Actions that perform a transition carry ``target=`` so they replace the
plain "→ status" button. Complaints, missing parts, carrier damage and claims: case_actions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app import i18n
from app.domain.codes import FreightPayer, Reason, ShippingStatus
from app.domain.errors import DomainError
from app.domain.money import format_money, parse_money
from app.domain.rules.eligibility import return_eligibility
from app.domain.rules.entitlement import Entitlement
from app.domain.rules.freight import freight_payer
from app.domain.rules.liability import money_route
from app.domain.rules.returns import inspection_sample_size
from app.domain.validation import validate_qty
from app.i18n import N_, _
from app.i18n.labels import (
    DISPOSITIONS,
    INSPECTION,
    LIABILITY,
    MONEY_KINDS,
    PAY_ROUTES,
    SHIPPING,
    STATUSES,
    label,
)
from app.i18n.messages import describe
from app.i18n.rule_texts import PAYERS, eligibility_text, freight_text, money_route_text
from app.services.casework.cases import move
from app.services.casework.views import CaseDetail
from app.services.remedies import money, return_help, returns
from app.services.shop.context import Context
from app.services.shop.permissions import Action
from app.ui.desk import Outcome
from app.ui.dialogs import FormDialog
from app.ui.owner import confirm_owner
from app.ui.record.actions import RecordAction, done_text, in_status, moved_text, register
from app.ui.record.panel import RecordPanel
from app.ui.widgets.fields import Field, FormFrame

RETURN = ("return",)
REFUND = ("refund",)

NOTE = Field("note", N_("Note"), kind="multiline", height=2, width=44)
AMOUNT = Field(
    "amount", N_("Amount"), required=True, width=14, check=lambda v: parse_money(v, "amount")
)


def _rma(*statuses: str) -> Callable[[CaseDetail], bool]:
    return lambda d: d.rma is not None and (not statuses or d.status in statuses)


def _money_text(value: Any) -> str:
    return format_money(value) if value is not None else "—"


# --- the owner's confirmation: the one place -----------------------------------------------------


def _permission(level: str) -> Action:
    return Action.APPROVE_OWNER if level == "owner" else Action.APPROVE_MANAGER


def _level_text(level: str, amount: Any, threshold: Any) -> str:
    if level == "owner":
        return _("{amount} is above {threshold}: the owner must approve.").format(
            amount=_money_text(amount), threshold=_money_text(threshold)
        )
    return _("{amount} is at or below {threshold}: the manager on duty may approve.").format(
        amount=_money_text(amount), threshold=_money_text(threshold)
    )


# --- approve, reject, ship first ----------------------------------------------------------------


def eligibility_sentence(d: CaseDetail) -> str:
    """May the goods come back, and why (returns only; an exchange is judged at inspection)."""
    if d.kind != "return" or not d.entitlement:
        return ""
    try:
        verdict = return_eligibility(Entitlement.from_dict(d.entitlement), Reason(d.reason))
    except (KeyError, TypeError, ValueError, DomainError):
        return ""
    return eligibility_text(verdict.code, verdict.params)


OVERRIDE = Field(
    "override_reason",
    N_("Owner's reason (outside the three guarantees)"),
    kind="multiline",
    height=2,
    width=44,
    hint=N_("Printed on the return form and kept in the history"),
)


def _approval_lines(panel: RecordPanel, d: CaseDetail) -> tuple[list[str], Any]:
    """What the desk reads before approving: who may approve this value, and the entitlement
    sentence (the three guarantees) with whether the owner's override is needed."""
    got = panel.desk.read(return_help.approval_for, d.number)
    need = got.value if got.ok else None
    parts = []
    if need is not None:
        parts.append(_level_text(need.level, need.amount, need.threshold))
        if need.rule:
            parts.append(eligibility_text(need.rule, need.rule_params or {}))
        if need.needs_override:
            parts.append(
                "⚠ " + _("Outside the three guarantees: only the owner may approve, with a reason.")
            )
    else:
        eligibility = eligibility_sentence(d)
        if eligibility:
            parts.append(eligibility)
    return parts, need


def _approve(panel: RecordPanel, d: CaseDetail) -> FormDialog:
    parts, need = _approval_lines(panel, d)
    days = panel.desk.ctx.settings.returns.goods_expected_working_days
    parts.append(
        i18n.ngettext(
            "The goods are then expected within {n} working day.",
            "The goods are then expected within {n} working days.",
            days,
        ).format(n=days)
    )
    level = need.level if need is not None else "manager"
    override = bool(need is not None and need.needs_override)

    def submit(values: dict[str, Any], form: FormFrame) -> Outcome:
        why = values.get("override_reason", "")
        if override and not why.strip():
            form.set_error("override_reason", _("Type the reason for the override."))
            return Outcome(False)
        return confirm_owner(
            panel,
            Action.APPROVE_OWNER if override else _permission(level),
            lambda ctx: returns.approve(ctx, d.number, values["note"], why),
            form=form,
            done=moved_text(d, "approved"),
        )

    return panel.form(
        _("Approve return {number}").format(number=d.rma.number if d.rma else d.number),
        [OVERRIDE, NOTE] if override else [NOTE],
        submit,
        intro="\n".join(parts),
        ok_text=_("Approve"),
        ok_style="success",
    )


def _reject(panel: RecordPanel, d: CaseDetail) -> FormDialog:
    field = Field(
        "reason",
        N_("Reason told to the customer"),
        kind="multiline",
        required=True,
        height=3,
        width=44,
    )

    def submit(values: dict[str, Any], form: FormFrame) -> Outcome:
        if not values["reason"].strip():
            form.set_error("reason", _("Say why, in words the customer will hear."))
            return Outcome(False)
        return panel.desk.call(
            move, d.number, "rejected", values["reason"], form=form, done=moved_text(d, "rejected")
        )

    return panel.form(
        _("Reject {number}").format(number=d.number),
        [field],
        submit,
        intro=_("The reason is kept on the record and told to the customer."),
        ok_text=label(STATUSES, "rejected"),
        ok_style="danger",
    )


ROUTE_CHOICES = tuple((code, text) for code, text in PAY_ROUTES.items())
ROUTE = Field("route", N_("Paid back by"), kind="choice", choices=ROUTE_CHOICES, width=18)


def _ship_first(panel: RecordPanel, d: CaseDetail) -> FormDialog:
    fields = [
        Field(
            "note",
            N_("What was shipped"),
            kind="multiline",
            height=2,
            width=44,
            hint=N_("Replacement item, carrier and tracking number"),
        ),
        Field(
            "deposit",
            N_("Deposit (押金)"),
            width=12,
            check=lambda v: parse_money(v, "deposit", allow_zero=False),
            hint=N_("Optional; paid back when the old goods arrive"),
        ),
        Field("route", N_("Deposit paid by"), kind="choice", choices=ROUTE_CHOICES, width=18),
    ]
    days = panel.desk.ctx.settings.returns.ship_first_return_days
    parts = [
        _(
            "Ship first, settle later (先补发,再追究): the replacement goes out now; the faulty "
            "goods come back later and liability is decided afterwards. This needs the manager "
            "on duty."
        ),
        _(
            "The old goods are owed back within {days} days; no refund is paid on this case "
            "until they arrive or the owner waives them."
        ).format(days=days),
    ]
    override = False
    if d.rma is not None and not d.rma.approved_by:
        more, need = _approval_lines(panel, d)
        parts += more
        override = bool(need is not None and need.needs_override)
    if override:
        fields.insert(0, OVERRIDE)

    def submit(values: dict[str, Any], form: FormFrame) -> Outcome:
        deposit = values.get("deposit") or None
        return confirm_owner(
            panel,
            Action.APPROVE_OWNER if override else Action.SHIP_FIRST,
            lambda ctx: returns.ship_first(
                ctx,
                d.number,
                values["note"],
                deposit=deposit,
                route=values.get("route", "") if deposit else "",
                override_reason=values.get("override_reason", ""),
            ),
            form=form,
            done=moved_text(d, "replacement_shipped"),
        )

    dialog = panel.form(
        _("Ship first"),
        fields,
        submit,
        intro="\n".join(parts),
        ok_text=_("Ship replacement now"),
    )
    dialog.form.set("route", "cash")
    return dialog


def _damage_replacement(panel: RecordPanel, d: CaseDetail) -> FormDialog:
    """Carrier damage: a replacement moves the same money as a refund, so it needs the same
    approval level (the manager on duty up to the threshold, the owner above)."""
    threshold = panel.desk.ctx.settings.approval.owner_threshold
    level = "owner" if (d.amount or 0) > threshold else "manager"
    field = Field(
        "note",
        N_("What was shipped"),
        kind="multiline",
        height=2,
        width=44,
        hint=N_("Replacement item, carrier and tracking number"),
    )

    def submit(values: dict[str, Any], form: FormFrame) -> Outcome:
        return confirm_owner(
            panel,
            _permission(level),
            lambda ctx: move(ctx, d.number, "replacement_shipped", values["note"]),
            form=form,
            done=moved_text(d, "replacement_shipped"),
        )

    intro = (
        _level_text(level, d.amount or 0, threshold)
        + "\n"
        + _("Once a replacement is shipped no refund is paid on this case.")
    )
    return panel.form(
        _("Ship a replacement — {number}").format(number=d.number),
        [field],
        submit,
        intro=intro,
        ok_text=_("Ship replacement now"),
    )


def _goods_owed(d: CaseDetail) -> bool:
    r = d.rma
    return bool(
        r is not None
        and d.ship_first_by
        and r.received_at is None
        and not r.goods_waived_reason
        and d.status not in ("cancelled", "closed")
    )


def _waive_goods(panel: RecordPanel, d: CaseDetail) -> FormDialog:
    fields = [
        Field("reason", N_("Why"), kind="multiline", required=True, height=3, width=44),
        Field("lost", N_("The goods were lost"), kind="check"),
    ]
    due = d.rma.goods_due.isoformat() if d.rma and d.rma.goods_due else "—"

    def submit(values: dict[str, Any], form: FormFrame) -> Outcome:
        if not values["reason"].strip():
            form.set_error("reason", _("Say why the goods are not coming back."))
            return Outcome(False)
        return confirm_owner(
            panel,
            Action.APPROVE_OWNER,
            lambda ctx: returns.waive_goods(
                ctx, d.number, values["reason"], lost=bool(values["lost"])
            ),
            form=form,
            done=done_text(d, _("goods owed waived")),
        )

    return panel.form(
        _("Goods not coming back — {number}").format(number=d.number),
        fields,
        submit,
        intro=_(
            "The replacement was shipped first and the old goods were due back by {due}. Only "
            "the owner may record them as lost or waived; a refund is then possible."
        ).format(due=due),
        ok_text=_("Waive the goods"),
        ok_style="warning",
    )


# --- freight, lines, receipt --------------------------------------------------------------------

PAYER_CHOICES = (("", N_("By the rule")),) + tuple((p.value, PAYERS[p.value]) for p in FreightPayer)


def freight_sentence(d: CaseDetail) -> str:
    """Who pays the freight by the rules, for this reason and inspection (001, 002)."""
    inspection = d.rma.inspection_result if d.rma else ""
    try:
        decision = freight_payer(d.reason, inspection or None)
    except (DomainError, ValueError):
        return ""
    return freight_text(decision.basis)


def _freight(panel: RecordPanel, d: CaseDetail) -> FormDialog:
    r = d.rma
    assert r is not None
    fields = [
        Field("carrier", N_("Carrier"), width=20, hint=N_("e.g. 顺丰, 中通, 京东")),
        Field("tracking_no", N_("Tracking number"), width=24),
        Field("payer", N_("Who pays"), kind="choice", choices=PAYER_CHOICES, width=18),
        Field(
            "amount",
            N_("Freight amount"),
            width=12,
            check=lambda v: parse_money(v, "freight_amount"),
            hint=N_("Optional; the shop's share is booked as a cost"),
        ),
        Field(
            "agreed",
            N_("Agreed with the customer"),
            kind="check",
            default=bool(r.freight_agreed),
            hint=N_("Inspection then keeps this payer (e.g. half and half)"),
        ),
    ]

    def submit(values: dict[str, Any], form: FormFrame) -> Outcome:
        data = returns.FreightInput(
            carrier=values["carrier"],
            tracking_no=values["tracking_no"],
            payer=values["payer"],
            amount=values["amount"] or None,
            agreed=bool(values["agreed"]),
        )
        return panel.desk.call(
            returns.set_freight, d.number, data, form=form, done=done_text(d, _("freight recorded"))
        )

    dialog = panel.form(
        _("Return freight — {number}").format(number=r.number),
        fields,
        submit,
        intro=freight_sentence(d),
        ok_text=_("Save freight"),
    )
    dialog.form.set("carrier", r.freight_carrier)
    dialog.form.set("tracking_no", r.tracking_no)
    if r.freight_amount is not None:
        dialog.form.set("amount", f"{r.freight_amount:.2f}")
    return dialog


def _freight_payer(panel: RecordPanel, d: CaseDetail) -> FormDialog:
    r = d.rma
    assert r is not None
    fields = [
        Field(
            "payer",
            N_("Who pays now"),
            kind="choice",
            choices=tuple((p.value, PAYERS[p.value]) for p in FreightPayer),
            width=18,
        ),
        Field("reason", N_("Why"), kind="multiline", required=True, height=2, width=44),
    ]

    def submit(values: dict[str, Any], form: FormFrame) -> Outcome:
        return confirm_owner(
            panel,
            Action.APPROVE_MANAGER,
            lambda ctx: returns.change_freight_payer(
                ctx, d.number, values["payer"], values["reason"]
            ),
            form=form,
            done=done_text(d, _("freight payer changed")),
        )

    now = _(PAYERS.get(r.freight_payer, r.freight_payer)) if r.freight_payer else "—"
    dialog = panel.form(
        _("Change freight payer — {number}").format(number=r.number),
        fields,
        submit,
        intro=_(
            "Paid by {payer} now. The freight already booked is reversed (never edited) and "
            "booked again to the new payer."
        ).format(payer=now),
        ok_text=_("Change payer"),
        ok_style="warning",
    )
    dialog.form.set("payer", r.freight_payer or "customer")
    return dialog


def _add_line(panel: RecordPanel, d: CaseDetail) -> FormDialog:
    fields = [
        Field("description", N_("Item"), required=True, width=30),
        Field("spec", N_("Model/spec"), width=20),
        Field(
            "qty",
            N_("Quantity"),
            required=True,
            width=8,
            default="1",
            check=lambda v: validate_qty(v, "qty"),
        ),
        Field(
            "unit_price",
            N_("Unit price"),
            required=True,
            width=12,
            check=lambda v: parse_money(v, "unit_price"),
        ),
        Field("batch", N_("Batch"), width=16),
    ]

    def submit(values: dict[str, Any], form: FormFrame) -> Outcome:
        return panel.desk.call(
            returns.add_line,
            d.number,
            values["description"],
            values["qty"],
            values["unit_price"],
            spec=values["spec"],
            batch=values["batch"],
            form=form,
            done=done_text(d, _("line added")),
        )

    return panel.form(
        _("Add a line to {number}").format(number=d.rma.number if d.rma else d.number),
        fields,
        submit,
        intro=_("Lines can change until the goods are on their way back."),
        ok_text=_("Add line"),
    )


def _receive(panel: RecordPanel, d: CaseDetail) -> Any:
    from app.ui.record.receive_dialog import ReceiveDialog

    panel.dialog = ReceiveDialog(panel, panel.desk, d)
    return panel.dialog


# --- inspection, liability, disposition --------------------------------------------------------


QC_PARTS = ("sampled", "failed", "usable", "scrap", "to_supplier")


def _inspect(panel: RecordPanel, d: CaseDetail) -> FormDialog:
    r = d.rma
    assert r is not None
    received = sum(ln.qty_received or 0 for ln in r.lines)
    rules = panel.desk.ctx.settings.returns
    batch = received >= rules.batch_from_units
    need = inspection_sample_size(received, rules) if batch else 0

    def count(name: str, label: str, hint: str = "") -> Field:
        return Field(
            name,
            label,
            width=6,
            check=lambda v: validate_qty(v, name, minimum=0, maximum=received or 0),
            hint=hint,
        )

    fields = [
        Field(
            "result",
            N_("Inspection result"),
            kind="choice",
            choices=tuple(INSPECTION.items()),
            required=True,
            width=22,
        ),
        Field("report", N_("Inspection report"), kind="multiline", height=4, width=44),
        count("qc_sampled", N_("Units sampled")),
        count("qc_failed", N_("Units failed")),
        count("qc_usable", N_("Usable (back to stock)"), N_("The received units split three ways")),
        count("qc_scrap", N_("Scrap")),
        count("qc_to_supplier", N_("Back to the supplier")),
    ]
    intro = _("{qty} item(s) received.").format(qty=received)
    if batch:
        intro += " " + _(
            "A batch: sample at least {units} unit(s) ({pct}%), and split all {qty} received."
        ).format(units=need, pct=rules.batch_sample_pct, qty=received)

    def submit(values: dict[str, Any], form: FormFrame) -> Outcome:
        if not values["result"]:
            form.set_error("result", _("Choose the result."))
            return Outcome(False)
        return panel.desk.call(
            returns.inspect,
            d.number,
            values["result"],
            values["report"],
            **{k: values[f"qc_{k}"] or None for k in QC_PARTS},
            form=form,
            done=moved_text(d, "inspected"),
        )

    dialog = panel.form(
        _("Inspection — {number}").format(number=r.number),
        fields,
        submit,
        intro=intro,
        ok_text=_("Save inspection"),
    )
    if batch:
        dialog.form.set("qc_sampled", str(need))
        dialog.form.set("qc_failed", "0")
        dialog.form.set("qc_usable", str(received))
        dialog.form.set("qc_scrap", "0")
        dialog.form.set("qc_to_supplier", "0")
    return dialog


def route_sentence(d: CaseDetail, liability: str) -> str:
    """Where the money goes for a liability (a liable dealer pays through the account)."""
    if not liability:
        return ""
    try:
        return money_route_text(money_route(liability, customer_kind=d.customer.kind).value)
    except (DomainError, ValueError):
        return ""


def _liability(panel: RecordPanel, d: CaseDetail) -> FormDialog:
    fields = [
        Field(
            "liability",
            N_("Liable"),
            kind="choice",
            choices=tuple(LIABILITY.items()),
            required=True,
            width=22,
        ),
        NOTE,
    ]

    def submit(values: dict[str, Any], form: FormFrame) -> Outcome:
        if not values["liability"]:
            form.set_error("liability", _("Choose who is liable."))
            return Outcome(False)
        return confirm_owner(
            panel,
            Action.APPROVE_MANAGER,
            lambda ctx: returns.decide_liability(
                ctx, d.number, values["liability"], values["note"]
            ),
            form=form,
            done=moved_text(d, "liability_decided"),
        )

    intro = _("The manager on duty or the owner decides. Inspection: {result}.").format(
        result=label(INSPECTION, d.rma.inspection_result if d.rma else "") or "—"
    )
    dialog = panel.form(_("Decide liability"), fields, submit, intro=intro, ok_text=_("Decide"))
    dialog.route_label = _route_label(dialog)  # type: ignore[attr-defined]

    def update(_event: object = None) -> None:
        dialog.route_label.configure(  # type: ignore[attr-defined]
            text=route_sentence(d, dialog.form.get("liability"))
        )

    dialog.form.widgets["liability"].bind("<<ComboboxSelected>>", update, add="+")
    default = "shop" if d.rma and d.rma.inspection_result == "confirmed_defect" else ""
    if d.rma and d.rma.inspection_result == "transit_damage":
        default = "carrier"
    if d.rma and d.rma.inspection_result == "man_made_damage":
        default = "customer"
    dialog.form.set("liability", default)
    update()
    return dialog


def _route_label(dialog: FormDialog) -> Any:
    import ttkbootstrap as ttk

    lbl = ttk.Label(dialog.form, bootstyle="success", wraplength=420, justify="left")
    row = len(dialog.form.fields) * 2
    lbl.grid(row=row, column=1, sticky="w", padx=(0, 10), pady=(6, 0))
    return lbl


def _disposition(panel: RecordPanel, d: CaseDetail) -> FormDialog:
    got = panel.desk.read(return_help.disposition_choices, d.number)
    codes = got.value if got.ok and got.value else tuple(DISPOSITIONS)
    fields = [
        Field(
            "disposition",
            N_("Disposition"),
            kind="choice",
            choices=tuple((c, DISPOSITIONS[c]) for c in codes),
            required=True,
            width=26,
            default=codes[0],
        ),
        Field(
            "scrap_report",
            N_("Scrap report"),
            kind="multiline",
            height=3,
            width=44,
            hint=N_("Only for scrapping; the owner approves it"),
        ),
        NOTE,
    ]

    def submit(values: dict[str, Any], form: FormFrame) -> Outcome:
        def work(ctx: Context) -> Any:
            return returns.set_disposition(
                ctx,
                d.number,
                values["disposition"],
                scrap_report=values["scrap_report"],
                note=values["note"],
            )

        if values["disposition"] == "scrap":
            return confirm_owner(
                panel, Action.SCRAP_APPROVE, work, form=form, done=moved_text(d, "disposition_done")
            )
        return panel.desk.call(work, form=form, done=moved_text(d, "disposition_done"))

    intro = _("What happens to the goods. Inspection: {result}.").format(
        result=label(INSPECTION, d.rma.inspection_result if d.rma else "") or "—"
    )
    return panel.form(
        _("Disposition — {number}").format(number=d.rma.number if d.rma else d.number),
        fields,
        submit,
        intro=intro,
        ok_text=_("Save disposition"),
    )


# --- money -------------------------------------------------------------------------------------


def refund_intro(panel: RecordPanel, d: CaseDetail) -> tuple[str, Any]:
    """The lines above a refund: paid, refunded, the cap, who approves, the money route."""
    got = panel.desk.read(return_help.refund_cap, d.number)
    if not got.ok:
        return "", None
    cap = got.value
    parts = [
        _("Paid {paid} · refunded so far {refunded} · at most {remaining} left.").format(
            paid=_money_text(cap.paid),
            refunded=_money_text(cap.refunded),
            remaining=_money_text(cap.remaining),
        )
    ]
    threshold = panel.desk.ctx.settings.approval.owner_threshold
    total = cap.refunded + (cap.remaining or 0)
    if cap.approved_level == "owner":
        parts.append(_("The owner approved this return."))
    else:
        parts.append(_level_text(cap.level, total, threshold))
    if d.rma is not None and d.rma.liability:
        parts.append(route_sentence(d, d.rma.liability))
    if cap.blocker:
        parts.append("⚠ " + describe(DomainError(cap.blocker, status=d.status)))
    return "\n".join(p for p in parts if p), cap


def _refund(panel: RecordPanel, d: CaseDetail) -> FormDialog:
    intro, cap = refund_intro(panel, d)

    def submit(values: dict[str, Any], form: FormFrame) -> Outcome:
        level = "manager"
        if cap is not None and cap.approved_level != "owner":
            level = cap.level
        return confirm_owner(
            panel,
            _permission(level),
            lambda ctx: money.refund(
                ctx, d.number, values["amount"], values["note"], values["route"]
            ),
            form=form,
            done=done_text(d, _("refunded {amount}").format(amount=values["amount"])),
        )

    dialog = panel.form(
        _("Refund — {number}").format(number=d.number),
        [AMOUNT, ROUTE, NOTE],
        submit,
        intro=intro,
        ok_text=_("Refund"),
        ok_style="success",
    )
    dialog.form.set("route", "original")
    if cap is not None and cap.remaining:
        dialog.form.set("amount", f"{cap.remaining:.2f}")
    return dialog


# --- money that is not a refund, and corrections ------------------------------------------------

BOOK_KINDS = ("charge", "price_difference", "supplier_recovery", "freight_refund")


def _book_money(panel: RecordPanel, d: CaseDetail) -> FormDialog:
    fields = [
        Field(
            "kind",
            N_("What"),
            kind="choice",
            choices=tuple((k, MONEY_KINDS[k]) for k in BOOK_KINDS),
            width=26,
        ),
        AMOUNT,
        Field("route", N_("How the money moved"), kind="choice", choices=ROUTE_CHOICES, width=18),
        NOTE,
    ]

    def submit(values: dict[str, Any], form: FormFrame) -> Outcome:
        needs = Action.APPROVE_MANAGER if values["kind"] == "freight_refund" else Action.MONEY
        return confirm_owner(
            panel,
            needs,
            lambda ctx: money.record_entry(
                ctx, d.number, values["kind"], values["amount"], values["route"], values["note"]
            ),
            form=form,
            done=done_text(
                d,
                _("{kind} {amount} booked").format(
                    kind=label(MONEY_KINDS, values["kind"]), amount=values["amount"]
                ),
            ),
        )

    dialog = panel.form(
        _("Book money — {number}").format(number=d.number),
        fields,
        submit,
        intro=_(
            "Charges to the customer (repair fee, price difference on an exchange), money back "
            "from a supplier, or freight paid back to the customer. Entries are never edited: "
            "a wrong one is reversed."
        ),
        ok_text=_("Book"),
    )
    dialog.form.set("kind", "charge")
    dialog.form.set("route", "original")
    return dialog


def _standing(d: CaseDetail) -> list[Any]:
    reversed_ids = {m.reverses for m in d.money if m.reverses}
    return [m for m in d.money if not m.reverses and m.id not in reversed_ids]


def _reverse_money(panel: RecordPanel, d: CaseDetail) -> FormDialog:
    choices = tuple(
        (
            str(m.id),
            f"#{m.id} {label(MONEY_KINDS, m.kind)} {format_money(m.amount)}"
            + (f" · {label(PAY_ROUTES, m.route)}" if m.route else ""),
        )
        for m in _standing(d)
    )
    fields = [
        Field("entry", N_("Entry"), kind="choice", choices=choices, width=40),
        Field("note", N_("Why"), kind="multiline", required=True, height=2, width=44),
    ]

    def submit(values: dict[str, Any], form: FormFrame) -> Outcome:
        return panel.desk.call(
            money.reverse_money,
            values["entry"],
            values["note"],
            form=form,
            done=done_text(d, _("money entry reversed")),
        )

    dialog = panel.form(
        _("Reverse a money entry — {number}").format(number=d.number),
        fields,
        submit,
        intro=_(
            "The entry stays as it was; a reversing entry of the same amount and route is "
            "booked now (a wrong refund taken back, a cost booked twice)."
        ),
        ok_text=_("Reverse"),
        ok_style="danger",
    )
    if choices:
        dialog.form.set("entry", choices[-1][0])
    return dialog


def _exchange(panel: RecordPanel, d: CaseDetail) -> FormDialog:
    def submit(values: dict[str, Any], form: FormFrame) -> Outcome:
        return panel.desk.call(
            returns.settle,
            d.number,
            "exchanged",
            note=values["note"],
            form=form,
            done=moved_text(d, "exchanged"),
        )

    intro = _("The customer received the same model in exchange.")
    if d.rma is not None and d.rma.liability:
        intro += "\n" + route_sentence(d, d.rma.liability)
    return panel.form(
        _("Exchange — {number}").format(number=d.number),
        [NOTE],
        submit,
        intro=intro,
        ok_text=_("Exchanged"),
        ok_style="success",
    )


def _credit(panel: RecordPanel, d: CaseDetail) -> FormDialog:
    def submit(values: dict[str, Any], form: FormFrame) -> Outcome:
        return panel.desk.call(
            returns.settle,
            d.number,
            "credited",
            values["amount"],
            values["note"],
            form=form,
            done=moved_text(d, "credited"),
        )

    intro = _("Settle as credit instead of a refund.")
    if d.customer.kind == "dealer":
        intro += " " + _("The dealer's account is credited (balance now {balance}).").format(
            balance=format_money(d.customer.dealer_balance)
        )
    dialog = panel.form(
        _("Credit — {number}").format(number=d.number),
        [AMOUNT, NOTE],
        submit,
        intro=intro,
        ok_text=_("Credit"),
        ok_style="success",
    )
    paid = d.amount if d.amount is not None else (d.rma.total if d.rma else None)
    if paid is not None:
        dialog.form.set("amount", f"{paid:.2f}")
    return dialog


def _dealer_deduction(panel: RecordPanel, d: CaseDetail) -> FormDialog:
    def submit(values: dict[str, Any], form: FormFrame) -> Outcome:
        return confirm_owner(
            panel,
            Action.APPROVE_MANAGER,
            lambda ctx: return_help.deduct_dealer(ctx, d.number, values["amount"], values["note"]),
            form=form,
            done=done_text(d, _("dealer account charged {amount}").format(amount=values["amount"])),
        )

    intro = _("Deduct from {name}'s dealer account (balance now {balance}).").format(
        name=d.customer.name, balance=format_money(d.customer.dealer_balance)
    )
    if d.rma is not None and d.rma.liability:
        intro += "\n" + route_sentence(d, d.rma.liability)
    dialog = panel.form(
        _("Dealer deduction"),
        [AMOUNT, NOTE],
        submit,
        intro=intro,
        ok_text=_("Deduct"),
        ok_style="warning",
    )
    if d.rma is not None:
        dialog.form.set("amount", f"{d.rma.total:.2f}")
    return dialog


# --- CAPA and the customer's reply --------------------------------------------------------------


def _capa(panel: RecordPanel, d: CaseDetail) -> FormDialog:
    r = d.rma
    assert r is not None
    fields = [
        Field("corrective", N_("Corrective action"), kind="multiline", height=3, width=48),
        Field("preventive", N_("Preventive action"), kind="multiline", height=3, width=48),
        Field(
            "report_sent",
            N_("Report sent to the customer"),
            kind="check",
            default=r.report_sent_at is not None,
        ),
    ]

    def submit(values: dict[str, Any], form: FormFrame) -> Outcome:
        return panel.desk.call(
            returns.record_capa,
            d.number,
            values["corrective"],
            values["preventive"],
            report_sent=values["report_sent"],
            form=form,
            done=done_text(d, _("corrective action recorded")),
        )

    dialog = panel.form(
        _("Corrective and preventive action"),
        fields,
        submit,
        intro=i18n.ngettext(
            "Without a reply {n} day after the report is sent, the case counts as accepted.",
            "Without a reply {n} days after the report is sent, the case counts as accepted.",
            panel.desk.ctx.settings.returns.no_reply_close_days,
        ).format(n=panel.desk.ctx.settings.returns.no_reply_close_days),
        ok_text=_("Save"),
    )
    dialog.form.set("corrective", r.capa_corrective)
    dialog.form.set("preventive", r.capa_preventive)
    return dialog


def _reply(panel: RecordPanel, d: CaseDetail) -> FormDialog:
    field = Field(
        "customer_reply",
        N_("Customer's reply"),
        kind="multiline",
        required=True,
        height=3,
        width=48,
    )

    def submit(values: dict[str, Any], form: FormFrame) -> Outcome:
        return panel.desk.call(
            returns.record_reply,
            d.number,
            values["customer_reply"],
            form=form,
            done=done_text(d, _("customer's reply recorded")),
        )

    dialog = panel.form(_("Customer's reply"), [field], submit, ok_text=_("Save"))
    if d.rma is not None:
        dialog.form.set("customer_reply", d.rma.customer_reply)
    return dialog


# --- refund only: where is the parcel? ----------------------------------------------------------


def _shipping(panel: RecordPanel, d: CaseDetail) -> FormDialog:
    fields = [
        Field(
            "shipping_status",
            N_("Parcel"),
            kind="choice",
            choices=tuple((s.value, SHIPPING[s.value]) for s in ShippingStatus),
            required=True,
            width=18,
            default=d.shipping_status or "unknown",
        ),
        Field("carrier", N_("Carrier"), width=20),
        Field("tracking_no", N_("Tracking number"), width=24),
        NOTE,
    ]

    def submit(values: dict[str, Any], form: FormFrame) -> Outcome:
        return panel.desk.call(
            money.set_shipping_status,
            d.number,
            values["shipping_status"],
            values["note"],
            carrier=values["carrier"],
            tracking_no=values["tracking_no"],
            form=form,
            done=done_text(
                d,
                _("parcel: {status}").format(status=label(SHIPPING, values["shipping_status"])),
            ),
        )

    return panel.form(
        _("Shipping status — {number}").format(number=d.number),
        fields,
        submit,
        intro=_(
            "Refund when the parcel was not shipped, was intercepted or is lost (a lost parcel "
            "opens a carrier claim). A parcel in transit is intercepted first."
        ),
        ok_text=_("Save"),
    )


register(
    RecordAction(
        "return_approve", N_("Approve…"), _approve, RETURN, target="approved", style="success"
    ),
    RecordAction(
        "reject",
        N_("Reject…"),
        _reject,
        ("return", "refund", "parts", "carrier_damage"),
        target="rejected",
        style="danger-outline",
    ),
    RecordAction(
        "ship_first",
        N_("Ship first…"),
        _ship_first,
        RETURN,
        target="replacement_shipped",
        style="warning",
    ),
    RecordAction(
        "freight",
        N_("Record freight…"),
        _freight,
        RETURN,
        when=_rma("requested", "approved", "replacement_shipped", "awaiting_goods"),
        style="secondary-outline",
        order=10,
    ),
    RecordAction(
        "damage_replacement",
        N_("Ship replacement…"),
        _damage_replacement,
        ("carrier_damage",),
        target="replacement_shipped",
        style="warning",
    ),
    RecordAction(
        "freight_payer",
        N_("Change freight payer…"),
        _freight_payer,
        RETURN,
        when=lambda d: d.rma is not None and d.status not in ("cancelled", "closed"),
        style="secondary-outline",
        order=12,
    ),
    RecordAction(
        "waive_goods",
        N_("Goods not coming back…"),
        _waive_goods,
        RETURN,
        when=_goods_owed,
        style="warning-outline",
        order=15,
    ),
    RecordAction(
        "add_line",
        N_("Add line…"),
        _add_line,
        RETURN,
        when=_rma("requested", "approved"),
        style="secondary-outline",
        order=20,
    ),
    RecordAction("receive", N_("Receive…"), _receive, RETURN, target="received"),
    RecordAction("inspect", N_("Inspect…"), _inspect, RETURN, target="inspected"),
    RecordAction(
        "liability", N_("Decide liability…"), _liability, RETURN, target="liability_decided"
    ),
    RecordAction(
        "disposition",
        N_("Decide disposition…"),
        _disposition,
        RETURN,
        target="disposition_done",
    ),
    RecordAction(
        "refund",
        N_("Refund…"),
        _refund,
        ("return", "refund", "carrier_damage"),
        target="refunded",
        style="success",
    ),
    RecordAction(
        "exchange", N_("Exchange done…"), _exchange, RETURN, target="exchanged", style="success"
    ),
    RecordAction(
        "credit", N_("Credit to account…"), _credit, RETURN, target="credited", style="success"
    ),
    RecordAction(
        "dealer_deduction",
        N_("Dealer deduction…"),
        _dealer_deduction,
        RETURN,
        when=lambda d: (
            d.rma is not None
            and d.customer.kind == "dealer"
            and d.status
            in ("liability_decided", "disposition_done", "refunded", "exchanged", "credited")
        ),
        style="warning-outline",
        order=30,
    ),
    RecordAction(
        "book_money",
        N_("Book money…"),
        _book_money,
        ("return", "refund", "carrier_damage", "repair", "parts", "complaint"),
        style="secondary-outline",
        order=35,
    ),
    RecordAction(
        "reverse_money",
        N_("Reverse money…"),
        _reverse_money,
        when=lambda d: bool(_standing(d)),
        style="danger-outline",
        order=36,
    ),
    RecordAction(
        "capa",
        N_("Corrective action…"),
        _capa,
        RETURN,
        when=lambda d: (
            d.rma is not None and bool(d.rma.inspection_result) and d.status != "cancelled"
        ),
        style="secondary-outline",
        order=40,
    ),
    RecordAction(
        "reply",
        N_("Customer reply…"),
        _reply,
        RETURN,
        when=lambda d: (
            d.rma is not None and (d.rma.report_sent_at is not None or d.status == "rejected")
        ),
        style="secondary-outline",
        order=45,
    ),
    RecordAction(
        "shipping",
        N_("Shipping status…"),
        _shipping,
        REFUND,
        target="verifying",
        when=in_status("requested"),
        style="primary",
    ),
    RecordAction(
        "shipping_update",
        N_("Shipping status…"),
        _shipping,
        REFUND,
        when=in_status("verifying", "intercepting"),
        style="secondary-outline",
        order=10,
    ),
)

# Complaints, missing parts, carrier damage and carrier claims register their buttons there.
from app.ui.record import case_actions  # noqa: E402,F401
