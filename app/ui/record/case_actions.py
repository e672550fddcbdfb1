"""The buttons of complaints, carrier-damage cases and the carrier claims shown on a case.

Complaint: resolve with the solution told to the customer, follow up with satisfaction 1–5,
open a return, exchange, refund or repair from it. Carrier damage: file the claim. Any case with
goods in transit: open a carrier claim (索赔单) and move it (filed, accepted, paid …).
Missing-parts cases have no data of their own: their plain moves (and Reject…) are enough.
"""

from __future__ import annotations

from typing import Any

from app.domain import kinds as case_kinds
from app.domain.money import format_money, parse_money
from app.i18n import N_, _
from app.i18n.labels import KINDS, STATUSES, label
from app.services.actions.returns import claim_open_allowed, live_claim
from app.services.casework import complaints, follow_ups
from app.services.casework.views import CaseDetail, ClaimView
from app.services.remedies import money, return_help
from app.ui.desk import Outcome
from app.ui.dialogs import FormDialog
from app.ui.record.actions import RecordAction, done_text, register
from app.ui.record.panel import RecordPanel
from app.ui.widgets.fields import Field, FormFrame

COMPLAINT = ("complaint",)
NOTE = Field("note", N_("Note"), kind="multiline", height=2, width=44)
SATISFACTION = (
    ("5", N_("5 — very satisfied")),
    ("4", N_("4 — satisfied")),
    ("3", N_("3 — neutral")),
    ("2", N_("2 — dissatisfied")),
    ("1", N_("1 — very dissatisfied")),
)


# --- complaints --------------------------------------------------------------------------------


def _resolve(panel: RecordPanel, d: CaseDetail) -> FormDialog:
    field = Field(
        "resolution",
        N_("Resolution"),
        kind="multiline",
        required=True,
        height=4,
        width=48,
        hint=N_("The solution, as told to the customer"),
    )

    def submit(values: dict[str, Any], form: FormFrame) -> Outcome:
        return panel.desk.call(
            complaints.resolve,
            d.number,
            values["resolution"],
            form=form,
            done=done_text(d, label(STATUSES, "resolved")),
        )

    dialog = panel.form(
        _("Resolve complaint {number}").format(number=d.number),
        [field],
        submit,
        ok_text=label(STATUSES, "resolved"),
        ok_style="success",
    )
    dialog.form.set("resolution", d.resolution)
    return dialog


def _follow_up(panel: RecordPanel, d: CaseDetail) -> FormDialog:
    fields = [
        Field(
            "satisfaction",
            N_("Satisfaction"),
            kind="choice",
            choices=SATISFACTION,
            required=True,
            width=22,
        ),
        Field("follow_up", N_("What the customer said"), kind="multiline", height=3, width=44),
    ]

    complaint = d.kind == "complaint"  # its call closes it

    def submit(values: dict[str, Any], form: FormFrame) -> Outcome:
        if not values["satisfaction"]:
            form.set_error("satisfaction", _("Choose how satisfied the customer is."))
            return Outcome(False)
        score = values["satisfaction"]
        return panel.desk.call(
            complaints.follow_up if complaint else follow_ups.record_follow_up,
            d.number,
            score,
            values["follow_up"],
            form=form,
            done=done_text(
                d,
                _("followed up ({score}/5), closed").format(score=score)
                if complaint
                else _("followed up ({score}/5)").format(score=score),
            ),
        )

    dialog = panel.form(
        _("Follow-up call"),
        fields,
        submit,
        intro=_("Ask the customer whether the solution worked; the complaint is then closed.")
        if complaint
        else _("Ask the customer how it went and how satisfied they are."),
        ok_text=_("Save and close") if complaint else _("Save"),
        ok_style="success",
    )
    dialog.form.set("follow_up", d.follow_up)
    return dialog


def _spawn(panel: RecordPanel, d: CaseDetail) -> FormDialog:
    fields = [
        Field(
            "kind",
            N_("New case"),
            kind="choice",
            choices=tuple((k, KINDS[k]) for k in case_kinds.spawnable_kinds()),
            required=True,
            width=18,
            default="return",
        ),
        Field("description", N_("Description"), kind="multiline", height=3, width=44),
    ]

    def submit(values: dict[str, Any], form: FormFrame) -> Outcome:
        got = panel.desk.call(
            complaints.spawn, d.number, values["kind"], values["description"], form=form
        )
        if got.ok:
            panel.desk.notify(
                done_text(
                    d,
                    _("{kind} {new} opened").format(
                        kind=label(KINDS, values["kind"]), new=got.value.number
                    ),
                ),
                "success",
            )
        return got

    dialog = panel.form(
        _("Open a case from {number}").format(number=d.number),
        fields,
        submit,
        intro=_("The new case takes the customer, product and sale of this complaint."),
        ok_text=_("Open case"),
    )
    dialog.form.set("description", d.description)
    return dialog


# --- carrier claims ------------------------------------------------------------------------------


def _claim_amount(d: CaseDetail) -> Any:
    if d.amount is not None:
        return d.amount
    return d.rma.total if d.rma is not None else None


def _open_claim(panel: RecordPanel, d: CaseDetail) -> FormDialog:
    fields = [
        Field(
            "amount",
            N_("Amount claimed"),
            required=True,
            width=12,
            check=lambda v: parse_money(v, "amount"),
        ),
        Field("order_no", N_("Order number"), width=24),
        Field("carrier", N_("Carrier"), width=20),
        Field("tracking_no", N_("Tracking number"), width=24),
        Field("item_code", N_("Item code"), width=20),
        Field("size", N_("Size"), width=10),
    ]

    def submit(values: dict[str, Any], form: FormFrame) -> Outcome:
        data = return_help.ClaimInput(
            amount=values["amount"],
            carrier=values["carrier"],
            tracking_no=values["tracking_no"],
            order_no=values["order_no"],
            item_code=values["item_code"],
            size=values["size"],
        )
        got = panel.desk.call(return_help.open_claim, d.number, data, form=form)
        if got.ok:
            panel.desk.notify(
                done_text(d, _("carrier claim {claim} opened").format(claim=got.value)), "success"
            )
        return got

    dialog = panel.form(
        _("Carrier claim (索赔单)"),
        fields,
        submit,
        intro=_(
            "A damaged or lost parcel is claimed from the carrier (within {hours} h of receipt)."
        ).format(hours=panel.desk.ctx.settings.returns.carrier_claim_hours),
        ok_text=_("Open claim"),
        columns=2,
    )
    amount = _claim_amount(d)
    if amount is not None:
        dialog.form.set("amount", f"{amount:.2f}")
    if d.rma is not None:
        dialog.form.set("carrier", d.rma.freight_carrier)
        dialog.form.set("tracking_no", d.rma.tracking_no)
    if d.sale is not None:
        dialog.form.set("order_no", d.sale.order_no)
    if d.product is not None:
        dialog.form.set("item_code", d.product.model_spec)
    return dialog


def open_claim_of(d: CaseDetail) -> ClaimView | None:
    """The newest claim on the case that can still move."""
    return live_claim(d)


def _move_claim(panel: RecordPanel, d: CaseDetail) -> FormDialog:
    claim = open_claim_of(d)
    assert claim is not None
    fields = [
        Field(
            "target",
            N_("Move to"),
            kind="choice",
            choices=tuple((s, STATUSES[s]) for s in claim.allowed),
            required=True,
            width=18,
            default=claim.allowed[0],
        ),
        Field(
            "recovered",
            N_("Amount recovered"),
            width=12,
            check=lambda v: parse_money(v, "amount_recovered"),
            hint=N_("When the carrier paid"),
        ),
        NOTE,
    ]

    def submit(values: dict[str, Any], form: FormFrame) -> Outcome:
        return panel.desk.call(
            money.move_claim,
            claim.number,
            values["target"],
            recovered=values["recovered"] or None,
            note=values["note"],
            form=form,
            done=done_text(d, f"{claim.number} → {label(STATUSES, values['target'])}"),
        )

    intro = (
        _("{claim}: {status}, claimed {amount}, {carrier} {tracking}")
        .format(
            claim=claim.number,
            status=label(STATUSES, claim.status),
            amount=format_money(claim.amount_claimed),
            carrier=claim.carrier,
            tracking=claim.tracking_no,
        )
        .strip()
    )
    dialog = panel.form(_("Move carrier claim"), fields, submit, intro=intro, ok_text=_("Move"))
    dialog.form.set("recovered", f"{claim.amount_claimed:.2f}")
    return dialog


register(
    RecordAction(
        "resolve", N_("Resolve…"), _resolve, COMPLAINT, target="resolved", style="success"
    ),
    RecordAction(
        "follow_up",
        N_("Follow up…"),
        _follow_up,
        COMPLAINT,
        target="follow_up",
        when=lambda d: d.status == "resolved",
    ),
    RecordAction(
        "follow_up_close",
        N_("Follow up and close…"),
        _follow_up,
        COMPLAINT,
        target="closed",
        when=lambda d: d.status == "follow_up",
        style="success",
    ),
    RecordAction(
        "follow_up_call",
        N_("Follow-up call…"),
        _follow_up,
        when=lambda d: d.kind != "complaint",
        style="success",
        order=40,
    ),
    RecordAction(
        "spawn",
        N_("Open return / repair…"),
        _spawn,
        COMPLAINT,
        when=lambda d: not d.final,
        style="secondary-outline",
        order=30,
    ),
    RecordAction(
        "file_claim",
        N_("File carrier claim…"),
        _open_claim,
        ("carrier_damage",),
        target="claim_filed",
    ),
    RecordAction(
        "open_claim",
        N_("Carrier claim…"),
        _open_claim,
        when=claim_open_allowed,
        style="secondary-outline",
        order=60,
    ),
    RecordAction(
        "move_claim",
        N_("Update claim…"),
        _move_claim,
        when=lambda d: open_claim_of(d) is not None,
        style="secondary-outline",
        order=61,
    ),
)
