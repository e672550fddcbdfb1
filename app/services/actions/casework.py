"""The steps of repairs (in the shop and on site), complaints, and every record's plain moves."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from app.domain import kinds, workflows
from app.domain.errors import ValidationError
from app.domain.fields import FieldSpec as F
from app.i18n import N_
from app.i18n.labels import COMPLAINT_CLASSES, KINDS
from app.services.actions import Action, register
from app.services.casework import complaints, corrections, follow_ups
from app.services.casework.transitions import move
from app.services.casework.views import CaseDetail
from app.services.remedies import repair_help, repairs
from app.services.shop.context import Context
from app.services.shop.permissions import Action as Permission

REPAIR = ("repair",)
COMPLAINT = ("complaint",)
NOTE = F("note", N_("Note"), kind="multiline", span=True)
STROKES = F(
    "strokes",
    N_("Signature strokes"),
    kind="file",
    required=True,
    hint=N_("A JSON file: a list of strokes, each a list of [x, y] points from 0 to 1"),
)
SIGNER = F("signer", N_("Signed by"))
YES_NO = (("yes", N_("Yes")), ("no", N_("No")))
#: States in which the customer signs the ticket: at pickup, and after an on-site visit.
SIGN_AT = ("ready_for_pickup", "visited")


def _in(*states: str) -> Any:
    return lambda d: d.repair is not None and d.status in states


def _yes(value: object) -> bool | None:
    """ "yes"/"no" from a choice field; blank leaves the rule to decide (warranty → free)."""
    if value in (None, ""):
        return None
    return str(value).strip().lower() in ("yes", "y", "1", "true", "是")


def _strokes(raw: object) -> object:
    """The signature's strokes: a JSON file (``[[[x, y], …], …]``) or the list itself."""
    if isinstance(raw, (list, tuple)):
        return raw
    path = Path(str(raw))
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise ValidationError.single("strokes", "invalid") from None


def _follow_up_open(d: CaseDetail) -> bool:
    """A complaint's call closes it (after its solution); the other kinds' calls come once the
    case is settled (it may close, or has), once."""
    if d.kind == "complaint":
        return d.status in ("resolved", "follow_up")
    if not follow_ups.may_follow_up(d.kind) or d.follow_up_at is not None:
        return False
    return follow_ups.settled(d.kind, d.status)


def _follow_up(ctx: Context, number: str, v: dict[str, Any]) -> Any:
    if follow_ups.find_kind(number) == "complaint":
        return complaints.follow_up(ctx, number, v["satisfaction"], v["note"])
    return follow_ups.record_follow_up(ctx, number, v["satisfaction"], v["note"])


def _correct(ctx: Context, number: str, v: dict[str, Any]) -> Any:
    changes = {k: v[k] for k in corrections.CORRECTABLE if v.get(k) not in (None, "")}
    return corrections.correct_case(ctx, number, changes, v["reason"])


def _schedule(ctx: Context, number: str, v: dict[str, Any]) -> Any:
    when = repair_help.parse_appointment(ctx, v["at"], required=True)
    return repairs.schedule_visit(ctx, number, when, v["note"])


def _revisit(ctx: Context, number: str, v: dict[str, Any]) -> Any:
    when = repair_help.parse_appointment(ctx, v["at"])
    return repairs.schedule_revisit(ctx, number, v["reason"], when)


def _decide(ctx: Context, number: str, v: dict[str, Any]) -> Any:
    approved = bool(_yes(v["approved"]))
    if approved and v["then"]:
        return repairs.decide_and_move(ctx, number, True, v["then"], v["note"])
    return repairs.decide_estimate(ctx, number, approved, v["note"])


def _move(ctx: Context, number: str, v: dict[str, Any]) -> Any:
    return move(ctx, number, v["to"], v["note"])


def _open_repair(d: CaseDetail) -> bool:
    return d.repair is not None and not workflows.workflow_for(d.kind).is_final(d.status)


def _can_move(d: CaseDetail) -> bool:
    return bool(workflows.workflow_for(d.kind).allowed(d.status))


APPOINTMENT = F("at", N_("Appointment"), hint=N_("e.g. 2026-03-04 14:30, in the shop's time zone"))

register(
    # --- repairs in the shop ------------------------------------------------------------------
    Action(
        "diagnose",
        N_("Diagnosis"),
        lambda ctx, n, v: repairs.update_ticket(
            ctx,
            n,
            **{k: v[k] for k in ("diagnosis", "fault", "condition", "factory_tag") if v[k]},
        ),
        (
            F("diagnosis", N_("Diagnosis"), kind="multiline", required=True, span=True),
            F("fault", N_("Fault"), kind="multiline", span=True),
            F("condition", N_("Condition"), kind="multiline", span=True),
            F("factory_tag", N_("Returned-part tag"), cli="--factory-tag"),
        ),
        permission=Permission.REPAIR_WORK,
        workflows=REPAIR,
        when=lambda d: (
            d.repair is not None and not workflows.workflow_for(d.kind).is_final(d.status)
        ),
        order=5,
    ),
    Action(
        "sign-dropoff",
        N_("Customer signs the intake"),
        lambda ctx, n, v: repairs.sign_dropoff(ctx, n, _strokes(v["strokes"]), v["signer"]),
        (
            STROKES,
            SIGNER,
        ),
        workflows=REPAIR,
        when=lambda d: d.repair is not None and not d.repair.dropoff_signed and d.closed_at is None,
        style="secondary-outline",
        order=12,
    ),
    Action(
        "show-passcode",
        N_("Show the passcode"),
        lambda ctx, n, v: repairs.reveal_passcode(ctx, n),
        (),
        permission=Permission.REPAIR_WORK,
        workflows=REPAIR,
        when=lambda d: d.repair is not None and d.repair.has_passcode,
        style="secondary-outline",
        order=85,
        help=N_("For the technician testing the device; who looked is kept in the history."),
    ),
    Action(
        "estimate",
        N_("Estimate"),
        lambda ctx, n, v: repairs.set_estimate(ctx, n, v["amount"], v["note"]),
        (F("amount", N_("Estimate (¥)"), required=True, width=12), NOTE),
        permission=Permission.REPAIR_WORK,
        workflows=REPAIR,
        when=_in("diagnosing", "awaiting_approval"),  # a quote, or a changed quote
        help=N_("Quote an out-of-warranty repair; the ticket then waits for the customer."),
    ),
    Action(
        "decide-estimate",
        N_("Customer's answer to the estimate"),
        _decide,
        (
            F("approved", N_("Customer agrees"), kind="choice", choices=YES_NO, required=True),
            F(
                "then",
                N_("Then"),
                kind="choice",
                choices=(("awaiting_parts", N_("Awaiting parts")),),
                hint=N_("Leave blank to start repairing at once"),
            ),
            NOTE,
        ),
        workflows=REPAIR,
        when=_in("awaiting_approval"),
    ),
    Action(
        "add-part",
        N_("Add part"),
        lambda ctx, n, v: repairs.add_part(
            ctx,
            n,
            part_no=v["part_no"],
            description=v["description"],
            qty=v["qty"] or 1,
            unit_price=v["unit_price"] or None,
            charged=_yes(v["charged"]),
        ),
        (
            F("part_no", N_("Part no. (from stock)")),
            F("description", N_("Part")),
            F("qty", N_("Quantity"), width=6, default="1"),
            F("unit_price", N_("Price (¥)"), width=12),
            F("charged", N_("Charged to the customer"), kind="choice", choices=YES_NO),
        ),
        permission=Permission.REPAIR_WORK,
        workflows=REPAIR,
        when=_in("diagnosing", "awaiting_parts", "repairing", "quality_check", "visited"),
        style="secondary-outline",
        order=20,
    ),
    Action(
        "add-labour",
        N_("Add labour"),
        lambda ctx, n, v: repairs.add_labour(
            ctx,
            n,
            v["description"],
            v["amount"],
            minutes=v["minutes"] or 0,
            charged=_yes(v["charged"]),
        ),
        (
            F("description", N_("Work done"), required=True),
            F("amount", N_("Amount (¥)"), required=True, width=12),
            F("minutes", N_("Minutes"), width=6),
            F("charged", N_("Charged to the customer"), kind="choice", choices=YES_NO),
        ),
        permission=Permission.REPAIR_WORK,
        workflows=REPAIR,
        when=_in("diagnosing", "awaiting_parts", "repairing", "quality_check", "visited"),
        style="secondary-outline",
        order=21,
    ),
    Action(
        "assign",
        N_("Assign technician"),
        lambda ctx, n, v: repairs.assign_technician(ctx, n, v["technician"]),
        (F("technician", N_("Technician (login)"), required=True),),
        workflows=REPAIR,
        when=lambda d: (
            d.repair is not None and not workflows.workflow_for(d.kind).is_final(d.status)
        ),
        style="secondary-outline",
        order=3,
    ),
    Action(
        "ready",
        N_("Ready for pickup"),
        lambda ctx, n, v: repairs.ready_for_pickup(ctx, n, v["result"]),
        (F("result", N_("Result"), kind="multiline", span=True),),
        permission=Permission.REPAIR_WORK,
        workflows=REPAIR,
        target="ready_for_pickup",
        when=lambda d: d.repair is not None and d.status != "awaiting_approval",
        style="success",
    ),
    Action(
        "approve-scrap",
        N_("Scrap (owner)"),
        lambda ctx, n, v: repairs.scrap(ctx, n, v["report"]),
        (F("report", N_("Scrap report"), kind="multiline", required=True, span=True),),
        permission=Permission.SCRAP_APPROVE,
        workflows=REPAIR,
        target="scrapped",
        style="danger-outline",
    ),
    Action(
        "sign",
        N_("Customer signs"),
        lambda ctx, n, v: repairs.sign(
            ctx, n, _strokes(v["strokes"]), v["signer"], v["customer_comment"]
        ),
        (
            STROKES,
            SIGNER,
            F("customer_comment", N_("Customer's comment"), span=True, cli="--comment"),
        ),
        workflows=REPAIR,
        when=_in(*SIGN_AT),
        style="success",
        order=10,
    ),
    # --- repairs on site ----------------------------------------------------------------------
    Action(
        "schedule-visit",
        N_("On-site appointment"),
        _schedule,
        (APPOINTMENT, NOTE),
        workflows=REPAIR,
        when=lambda d: (
            d.repair is not None
            and d.repair.on_site
            and d.status in ("scheduled", "revisit_scheduled")
        ),
        order=8,
    ),
    Action(
        "record-visit",
        N_("Record visit"),
        lambda ctx, n, v: repairs.record_visit(ctx, n, v["outcome"], v["reason"]),
        (
            F("outcome", N_("What was found and done"), kind="multiline", required=True, span=True),
            F("reason", N_("Why another visit was needed (told to the customer)")),
        ),
        permission=Permission.REPAIR_WORK,
        workflows=REPAIR,
        target="visited",
    ),
    Action(
        "revisit",
        N_("Another visit"),
        _revisit,
        (F("reason", N_("Reason told to the customer"), required=True), APPOINTMENT),
        workflows=REPAIR,
        target="revisit_scheduled",
    ),
    # --- complaints ---------------------------------------------------------------------------
    Action(
        "resolve",
        N_("Resolve"),
        lambda ctx, n, v: complaints.resolve(ctx, n, v["resolution"]),
        (F("resolution", N_("Solution told to the customer"), kind="multiline", required=True),),
        workflows=COMPLAINT,
        target="resolved",
        style="success",
    ),
    Action(
        "classify",
        N_("Classify the complaint"),
        lambda ctx, n, v: follow_ups.classify_complaint(
            ctx, n, v["complaint_class"], v["complaint_cause"], v["responsible"]
        ),
        (
            F(
                "complaint_class",
                N_("Complaint about"),
                kind="choice",
                choices=tuple(COMPLAINT_CLASSES.items()),
                required=True,
                cli="--about",
            ),
            F("complaint_cause", N_("Cause"), kind="multiline", span=True, cli="--cause"),
            F("responsible", N_("Person responsible"), cli="--responsible"),
        ),
        workflows=COMPLAINT,
        when=lambda d: d.closed_at is None,
        style="secondary-outline",
        order=25,
    ),
    Action(
        "follow-up",
        N_("Follow-up call"),
        _follow_up,
        (
            F(
                "satisfaction",
                N_("Satisfaction (1–5)"),
                kind="choice",
                choices=tuple((str(i), str(i)) for i in range(1, 6)),
                required=True,
            ),
            NOTE,
        ),
        when=_follow_up_open,
        style="success",
    ),
    Action(
        "spawn-case",
        N_("Open a case from it"),
        lambda ctx, n, v: complaints.spawn(ctx, n, v["kind"], v["description"]).number,
        (
            F(
                "kind",
                N_("Kind"),
                kind="choice",
                choices=tuple((k, KINDS[k]) for k in kinds.spawnable_kinds()),
                required=True,
            ),
            F("description", N_("Description"), kind="multiline", span=True),
        ),
        permission=Permission.CASE_CREATE,
        workflows=COMPLAINT,
        when=lambda d: d.status not in ("closed",),
        style="secondary-outline",
        order=30,
    ),
    # --- every record ---------------------------------------------------------------------------
    Action(
        "extend-promise",
        N_("Extend the promise date"),
        lambda ctx, n, v: corrections.extend_promise(ctx, n, v["promise_date"], v["reason"]),
        (
            F("promise_date", N_("New promise date"), required=True, cli="--until"),
            F("reason", N_("Reason told to the customer"), required=True, span=True),
        ),
        when=lambda d: d.closed_at is None,
        style="secondary-outline",
        order=70,
    ),
    Action(
        "correct",
        N_("Correct the intake"),
        _correct,
        (
            F("sold", N_("Sale date"), default=None),
            F("amount", N_("Amount paid"), default=None),
            F("product", N_("Product"), default=None),
            F("serial", N_("Serial/IMEI"), default=None),
            F("reason", N_("Why it was wrong"), required=True, span=True),
        ),
        permission=Permission.CASE_CORRECT,
        when=lambda d: d.closed_at is None,
        style="secondary-outline",
        order=80,
        help=N_("Give only what was wrong; the rights are decided again from the corrected facts."),
    ),
    Action(
        "close",
        N_("Close"),
        lambda ctx, n, v: move(ctx, n, "closed", v["note"]),
        (NOTE,),
        target="closed",
        style="secondary",
    ),
    Action(
        "move",
        N_("Move to"),
        _move,
        (F("to", N_("New status"), required=True), NOTE),
        when=_can_move,
        style="secondary-outline",
        order=90,
        help=N_("Any move the workflow allows (`act NUMBER --list` shows them)."),
    ),
)
