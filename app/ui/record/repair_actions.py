"""The buttons of a repair ticket: diagnosis, estimate and the customer's answer, parts and
labour, on-site visits, ready for pickup, the customer's signature, scrapping.

Each one opens a small form and calls one service; the guards in the services decide, and a
refusal lands in the status bar. Actions that perform a transition carry ``target=`` so they
replace the plain "→ status" button for it.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from typing import Any

from app.domain.money import format_money, parse_money
from app.i18n import N_, _
from app.i18n.labels import STATUSES, label
from app.services.actions.casework import SIGN_AT  # one list for the window and `act`
from app.services.casework.views import CaseDetail
from app.services.remedies import repair_help, repairs
from app.services.shop.context import Context
from app.services.shop.permissions import Action
from app.ui.desk import Desk, Outcome
from app.ui.dialogs import FormDialog
from app.ui.owner import confirm_owner
from app.ui.record.actions import RecordAction, done_text, moved_text, register
from app.ui.record.panel import RecordPanel
from app.ui.widgets.fields import Field, FormFrame
from app.ui.widgets.signature import SignaturePad

REPAIR = ("repair",)
# Statuses in which the bench (or the technician on site, once there) works on the device.
WORK = ("diagnosing", "awaiting_parts", "repairing", "quality_check", "visited")

NOTE = Field("note", N_("Note"), kind="multiline", height=2)
ESTIMATE = Field(
    "estimate",
    N_("Estimate"),
    required=True,
    width=14,
    check=lambda v: parse_money(v, "estimate"),
    hint=N_("Parts and labour the customer will pay, e.g. 380.00"),
)


def _when(*statuses: str) -> Callable[[CaseDetail], bool]:
    return lambda d: d.repair is not None and d.status in statuses


def _open(d: CaseDetail) -> bool:
    return d.repair is not None and not d.final


# --- the owner's confirmation: the one place -----------------------------------------------------


# --- ticket text and technician ------------------------------------------------------------------


def _edit(panel: RecordPanel, d: CaseDetail) -> FormDialog:
    t = d.repair
    assert t is not None
    fields = [
        Field("fault", N_("Reported fault"), kind="multiline", height=2, width=48),
        Field("condition", N_("Condition on receipt"), kind="multiline", height=2, width=48),
        Field("diagnosis", N_("Diagnosis"), kind="multiline", height=3, width=48),
        Field("result", N_("Repair result"), kind="multiline", height=2, width=48),
        Field(
            "factory_tag",
            N_("Factory return tag"),
            width=20,
            hint=N_("Tag number of a faulty part sent back to the factory"),
        ),
    ]

    def submit(values: dict[str, Any], form: FormFrame) -> Outcome:
        return panel.desk.call(
            repairs.update_ticket,
            d.number,
            form=form,
            done=done_text(d, _("ticket saved")),
            **values,
        )

    dialog = panel.form(_("Repair ticket {number}").format(number=t.number), fields, submit)
    for name in ("fault", "condition", "diagnosis", "result", "factory_tag"):
        dialog.form.set(name, getattr(t, name))
    return dialog


def _assign(panel: RecordPanel, d: CaseDetail) -> FormDialog:
    got = panel.desk.read(repair_help.technicians)
    techs = got.value if got.ok else []
    field = Field(
        "technician", N_("Technician"), kind="choice", choices=techs, required=True, width=20
    )

    def submit(values: dict[str, Any], form: FormFrame) -> Outcome:
        name = values["technician"]
        if not name:
            form.set_error("technician", _("Choose a technician."))
            return Outcome(False)
        shown = dict(techs).get(name, name)
        return panel.desk.call(
            repairs.assign_technician,
            d.number,
            name,
            form=form,
            done=done_text(d, _("assigned to {name}").format(name=shown)),
        )

    dialog = panel.form(_("Assign technician"), [field], submit, ok_text=_("Assign"))
    current = next((n for n, shown in techs if shown == d.assignee), "")
    dialog.form.set("technician", current)
    return dialog


# --- estimate and the customer's answer --------------------------------------------------------


def _estimate(panel: RecordPanel, d: CaseDetail) -> FormDialog:
    t = d.repair
    assert t is not None
    intro = _(
        "Out of warranty: the customer pays. Quote parts and labour; the ticket then waits for "
        "the customer's answer."
    )
    if t.in_warranty:
        intro = _("This repair is in warranty; quote only work the warranty does not cover.")

    def submit(values: dict[str, Any], form: FormFrame) -> Outcome:
        return panel.desk.call(
            repairs.set_estimate,
            d.number,
            values["estimate"],
            values["note"],
            form=form,
            done=done_text(
                d, _("estimate {amount} sent to the customer").format(amount=values["estimate"])
            ),
        )

    title = _("Estimate for {number}").format(number=t.number)
    dialog = panel.form(title, [ESTIMATE, NOTE], submit, intro=intro, ok_text=_("Save estimate"))
    if t.estimate is not None:
        dialog.form.set("estimate", f"{t.estimate:.2f}")
    return dialog


def _quote(d: CaseDetail) -> str:
    t = d.repair
    amount = format_money(t.estimate) if t is not None and t.estimate is not None else "—"
    return _("Estimate: {amount}.").format(amount=amount)


def _decide(approved: bool, then: str = "") -> Callable[[RecordPanel, CaseDetail], FormDialog]:
    """The customer's answer; ``then`` moves on once the repair has started (awaiting parts)."""

    def run(panel: RecordPanel, d: CaseDetail) -> FormDialog:
        def work(ctx: Context, note: str) -> Any:
            if then:
                return repairs.decide_and_move(ctx, d.number, approved, then, note)
            return repairs.decide_estimate(ctx, d.number, approved, note)

        target = then or ("repairing" if approved else "ready_for_pickup")

        def submit(values: dict[str, Any], form: FormFrame) -> Outcome:
            return panel.desk.call(work, values["note"], form=form, done=moved_text(d, target))

        if approved:
            question = _quote(d) + " " + _("The customer agrees to the repair.")
            title, ok, style = _("Customer approves"), _("Approved"), "success"
        else:
            question = (
                _quote(d)
                + " "
                + _(
                    "The customer declines: the device is returned unrepaired (the note is kept as "
                    "the result)."
                )
            )
            title, ok, style = _("Customer declines"), _("Declined"), "danger"
        return panel.form(title, [NOTE], submit, intro=question, ok_text=ok, ok_style=style)

    return run


# --- parts, labour -------------------------------------------------------------------------------


def _part(panel: RecordPanel, d: CaseDetail) -> Any:
    from app.ui.record.part_picker import PartPicker

    t = d.repair
    panel.dialog = PartPicker(panel, panel.desk, d.number, in_warranty=bool(t and t.in_warranty))
    return panel.dialog


def _labour(panel: RecordPanel, d: CaseDetail) -> FormDialog:
    t = d.repair
    fields = [
        Field("description", N_("Work done"), required=True, width=32),
        Field(
            "amount",
            N_("Amount"),
            required=True,
            width=12,
            check=lambda v: parse_money(v, "amount"),
            default="0.00",
        ),
        Field("minutes", N_("Minutes"), width=8, default="30"),
        Field("charged", N_("Charge the customer"), kind="check", default=not t.in_warranty),
    ]

    def submit(values: dict[str, Any], form: FormFrame) -> Outcome:
        return panel.desk.call(
            repairs.add_labour,
            d.number,
            values["description"],
            values["amount"],
            minutes=values["minutes"] or 0,
            charged=values["charged"],
            form=form,
            done=done_text(d, _("labour added")),
        )

    return panel.form(_("Add labour"), fields, submit, ok_text=_("Add labour"))


# --- on-site visits ----------------------------------------------------------------------------

APPOINTMENT = Field(
    "appointment_at", N_("Appointment"), width=18, hint=N_("YYYY-MM-DD HH:MM, shop time")
)


def _appointment(panel: RecordPanel, d: CaseDetail) -> FormDialog:
    t = d.repair
    assert t is not None

    def work(ctx: Context, text: str, note: str) -> None:
        when = repair_help.parse_appointment(ctx, text, required=True)
        repairs.schedule_visit(ctx, d.number, when, note)

    def submit(values: dict[str, Any], form: FormFrame) -> Outcome:
        return panel.desk.call(
            work,
            values["appointment_at"],
            values["note"],
            form=form,
            done=done_text(d, _("appointment {at}").format(at=values["appointment_at"])),
        )

    intro = _("Agree a time with the customer (contact within {hours} h of the request).").format(
        hours=panel.desk.ctx.settings.promise.onsite_contact_hours
    )
    if t.site_address:
        intro += "\n" + _("Site: {address}").format(address=t.site_address)
    dialog = panel.form(_("On-site appointment"), [APPOINTMENT, NOTE], submit, intro=intro)
    if t.appointment_at:
        dialog.form.set(
            "appointment_at", panel.desk.ctx.local(t.appointment_at).strftime("%Y-%m-%d %H:%M")
        )
    return dialog


def _visit(panel: RecordPanel, d: CaseDetail) -> FormDialog:
    t = d.repair
    assert t is not None
    repeat = bool(t.visits)
    fields = [
        Field("outcome", N_("Outcome"), kind="multiline", required=True, height=3, width=44),
        Field(
            "reason",
            N_("Why another visit"),
            kind="multiline",
            required=repeat,
            height=2,
            width=44,
            hint=N_("Needed for a repeat visit: the reason told to the customer"),
        ),
    ]

    def submit(values: dict[str, Any], form: FormFrame) -> Outcome:
        return panel.desk.call(
            repairs.record_visit,
            d.number,
            values["outcome"],
            values["reason"],
            form=form,
            done=moved_text(d, "visited"),
        )

    intro = _("What was done on site, and how the device works now.")
    if repeat:
        intro = _("This is visit number {n}: say why another visit was needed.").format(
            n=len(t.visits) + 1
        )
    return panel.form(_("Record visit"), fields, submit, intro=intro, ok_text=_("Save visit"))


def _revisit(panel: RecordPanel, d: CaseDetail) -> FormDialog:
    fields = [
        Field(
            "note",
            N_("Reason told to the customer"),
            kind="multiline",
            required=True,
            height=2,
            width=44,
        ),
        APPOINTMENT,
    ]

    def work(ctx: Context, reason: str, text: str) -> None:
        when = repair_help.parse_appointment(ctx, text)
        repairs.schedule_revisit(ctx, d.number, reason, when)

    def submit(values: dict[str, Any], form: FormFrame) -> Outcome:
        return panel.desk.call(
            work,
            values["note"],
            values["appointment_at"],
            form=form,
            done=moved_text(d, "revisit_scheduled"),
        )

    return panel.form(
        _("Schedule another visit"),
        fields,
        submit,
        intro=_("A repeat visit needs a reason, told to the customer."),
    )


# --- result, signature, hand-over, scrap -----------------------------------------------------


def _ready(panel: RecordPanel, d: CaseDetail) -> FormDialog:
    t = d.repair
    assert t is not None
    field = Field(
        "result",
        N_("Repair result"),
        kind="multiline",
        required=True,
        height=3,
        width=48,
        hint=N_("What was done; printed on the ticket"),
    )

    def work(ctx: Context, result: str) -> Any:
        return repairs.ready_for_pickup(ctx, d.number, result.strip())

    def submit(values: dict[str, Any], form: FormFrame) -> Outcome:
        return panel.desk.call(
            work, values["result"], form=form, done=moved_text(d, "ready_for_pickup")
        )

    dialog = panel.form(
        _("Ready for pickup"),
        [field],
        submit,
        intro=_("Record the result; the customer can then be told to collect the device."),
        ok_text=label(STATUSES, "ready_for_pickup"),
        ok_style="success",
    )
    dialog.form.set("result", t.result)
    return dialog


def _sign(panel: RecordPanel, d: CaseDetail) -> SignaturePad:
    existing = panel.desk.read(repair_help.signature_of, d.number)

    def save(strokes: list[list[list[float]]], signer: str, comment: str = "") -> Outcome:
        return panel.desk.call(
            repairs.sign,
            d.number,
            strokes,
            signer,
            comment,
            done=done_text(d, _("signature saved")),
        )

    pad = SignaturePad(
        panel,
        save,
        title=_("Customer signature — {number}").format(number=d.number),
        intro=_("The customer confirms receipt of the device and the repair result above."),
        signer=d.customer.name,
        existing=existing.value if existing.ok else None,
    )
    panel.dialog = pad
    return pad


def dropoff_pad(
    master: tk.Misc,
    desk: Desk,
    number: str,
    signer: str,
    *,
    done: str = "",
    on_saved: Callable[[], object] | None = None,
) -> SignaturePad:
    """The customer signs for what was handed over (the record view and the intake tab)."""

    def save(strokes: list[list[list[float]]], who: str, comment: str = "") -> Outcome:
        got = desk.call(
            repairs.sign_dropoff,
            number,
            strokes,
            who,
            done=done or _("drop-off signature saved"),
        )
        if got.ok and on_saved is not None:
            on_saved()
        return got

    return SignaturePad(
        master,
        save,
        title=_("Customer signature — {number}").format(number=number),
        intro=_(
            "The customer confirms what was handed over: the device, its accessories, its "
            "condition and the pre-check on the intake receipt."
        ),
        signer=signer,
    )


def _sign_dropoff(panel: RecordPanel, d: CaseDetail) -> SignaturePad:
    done = done_text(d, _("drop-off signature saved"))
    panel.dialog = pad = dropoff_pad(panel, panel.desk, d.number, d.customer.name, done=done)
    return pad


def _scrap(panel: RecordPanel, d: CaseDetail) -> FormDialog:
    t = d.repair
    assert t is not None
    field = Field(
        "scrap_report",
        N_("Scrap report"),
        kind="multiline",
        required=True,
        height=4,
        width=48,
        hint=N_("Why the device cannot be repaired"),
    )

    def work(ctx: Context, report: str) -> Any:
        return repairs.scrap(ctx, d.number, report)

    def submit(values: dict[str, Any], form: FormFrame) -> Outcome:
        return confirm_owner(
            panel,
            Action.SCRAP_APPROVE,
            lambda ctx: work(ctx, values["scrap_report"]),
            form=form,
            done=moved_text(d, "scrapped"),
        )

    dialog = panel.form(
        _("Scrap the device"),
        [field],
        submit,
        intro=_("Scrapping needs the owner's approval of the report."),
        ok_text=_("Approve and scrap"),
        ok_style="danger",
    )
    dialog.form.set("scrap_report", t.scrap_report)
    return dialog


register(
    # transitions (they replace the plain "→ status" buttons)
    RecordAction(
        "repair.estimate",
        N_("Estimate…"),
        _estimate,
        REPAIR,
        target="awaiting_approval",
        when=_when("diagnosing"),
    ),
    RecordAction(
        "repair.approve",
        N_("Customer approves…"),
        _decide(True),
        REPAIR,
        target="repairing",
        when=_when("awaiting_approval"),
        style="success",
    ),
    RecordAction(
        "repair.approve_parts",
        N_("Approved · wait for parts…"),
        _decide(True, then="awaiting_parts"),
        REPAIR,
        target="awaiting_parts",
        when=_when("awaiting_approval"),
        style="success-outline",
    ),
    RecordAction(
        "repair.decline",
        N_("Customer declines…"),
        _decide(False),
        REPAIR,
        target="ready_for_pickup",
        when=_when("awaiting_approval"),
        style="danger-outline",
    ),
    RecordAction(
        "repair.ready",
        N_("Ready for pickup…"),
        _ready,
        REPAIR,
        target="ready_for_pickup",
        when=lambda d: d.repair is not None and d.status != "awaiting_approval",
        style="success",
    ),
    RecordAction(
        "repair.visit",
        N_("Record visit…"),
        _visit,
        REPAIR,
        target="visited",
        when=_when("scheduled", "revisit_scheduled"),
    ),
    RecordAction(
        "repair.revisit",
        N_("Another visit…"),
        _revisit,
        REPAIR,
        target="revisit_scheduled",
        when=_when("visited"),
        style="primary-outline",
    ),
    RecordAction(
        "repair.scrap",
        N_("Scrap (owner)…"),
        _scrap,
        REPAIR,
        target="scrapped",
        when=_when("ready_for_pickup"),
        style="danger-outline",
    ),
    # extra actions, in this order after the moves
    RecordAction(
        "repair.sign_dropoff",
        N_("Customer signs the intake…"),
        _sign_dropoff,
        REPAIR,
        when=lambda d: d.repair is not None and not d.repair.dropoff_signed and not d.final,
        style="secondary-outline",
        order=12,
    ),
    RecordAction(
        "repair.sign",
        N_("Customer signs…"),
        _sign,
        REPAIR,
        when=lambda d: _when(*SIGN_AT)(d) and not d.repair.signed,  # type: ignore[union-attr]
        style="success",
        order=10,
    ),
    RecordAction(
        "repair.resign",
        N_("Signature (signed ✓)"),
        _sign,
        REPAIR,
        when=lambda d: _when(*SIGN_AT)(d) and bool(d.repair.signed),  # type: ignore[union-attr]
        style="success-outline",
        order=10,
    ),
    RecordAction(
        "repair.part", N_("Add part…"), _part, REPAIR, when=_when(*WORK), style="info", order=20
    ),
    RecordAction(
        "repair.labour",
        N_("Add labour…"),
        _labour,
        REPAIR,
        when=_when(*WORK),
        style="info",
        order=21,
    ),
    RecordAction(
        "repair.revise_estimate",
        N_("Change estimate…"),
        _estimate,
        REPAIR,
        when=_when("awaiting_approval"),
        style="secondary-outline",
        order=30,
    ),
    RecordAction(
        "repair.appointment",
        N_("Appointment…"),
        _appointment,
        REPAIR,
        when=lambda d: _when("scheduled", "revisit_scheduled")(d) and d.repair.on_site,  # type: ignore[union-attr]
        style="info-outline",
        order=31,
    ),
    RecordAction(
        "repair.edit",
        N_("Edit ticket…"),
        _edit,
        REPAIR,
        when=lambda d: d.repair is not None,
        style="secondary-outline",
        order=40,
    ),
    RecordAction(
        "repair.assign",
        N_("Assign technician…"),
        _assign,
        REPAIR,
        when=_open,
        style="secondary-outline",
        order=41,
    ),
)
