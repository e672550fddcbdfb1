"""The customer's reply to the shop's return report, and the rule that closes a silent case.

DOMAIN.md "Returns": once the report (findings, cause, corrective and preventive action, what
the customer gets) is sent, the customer has `returns.no_reply_close_days` (45) days to answer.
Without an answer by then the reply is taken as acceptance and the case closes by itself. No
background service is needed: `apply_reply_rule` runs whenever the program starts a session or
a command runs, and catches up on every case whose window ended since.

A reply "taken as accepted" is stored as a reply time with no reply text (`reply_deemed`), with
an event naming the rule; the report slip and the history say so in words.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

from app.domain import workflows
from app.domain.errors import DomainError
from app.domain.rules.returns import closes_without_reply, reply_window_end
from app.services.casework.transitions import apply_transition
from app.services.shop import audit
from app.services.shop.context import Context
from app.services.shop.permissions import Action, allowed
from app.store.db import write_transaction
from app.store.models import Case, ReturnAuth

log = logging.getLogger(__name__)

#: The event data of a reply taken as accepted, and of the move it closes the case with.
RULE = "no_reply_close_days"


@dataclass(frozen=True)
class AwaitingReply:
    number: str
    rma_number: str
    customer_name: str
    report_sent: date  # shop's calendar day
    closes_on: date  # the first day the case closes by itself
    days_left: int  # 0: closes at the next start or command


def reply_deemed(rma: ReturnAuth) -> bool:
    """The customer did not answer in time: the reply is taken as acceptance."""
    return rma.customer_reply_at is not None and not rma.customer_reply


def _report_day(ctx: Context, rma: ReturnAuth) -> date:
    return ctx.local(rma.report_sent_at).date()


def _waiting(now: datetime) -> object:
    return (
        Case.select(Case, ReturnAuth)
        .join(ReturnAuth, on=(ReturnAuth.case == Case.id), attr="rma_row")
        .where(
            ReturnAuth.report_sent_at.is_null(False)
            & (ReturnAuth.report_sent_at <= now)
            & ReturnAuth.customer_reply_at.is_null()
            & Case.closed_at.is_null()
            & (Case.status != "cancelled")
        )
    )


def awaiting_reply(ctx: Context) -> list[AwaitingReply]:
    """Reports sent, no answer yet: soonest to close first (the Returns tab's list)."""
    now = ctx.now()
    today = ctx.local(now).date()
    settings = ctx.settings.returns
    out = []
    for case in _waiting(now):
        rma = case.rma_row
        sent = _report_day(ctx, rma)
        closes_on = date.fromordinal(reply_window_end(sent, settings).toordinal() + 1)
        out.append(
            AwaitingReply(
                number=case.number,
                rma_number=rma.number,
                customer_name=case.customer.name,
                report_sent=sent,
                closes_on=closes_on,
                days_left=max(0, (closes_on - today).days),
            )
        )
    return sorted(out, key=lambda a: (a.closes_on, a.number))


def apply_reply_rule(ctx: Context) -> list[str]:
    """Take every overdue silence as acceptance and close what may be closed; the numbers closed.

    Runs with the signed-in account as the actor of record (the events name the rule). An
    account that may not move cases leaves the work to the next one that may. A case whose
    state cannot close yet (its disposition is still open) keeps its accepted reply and closes
    the next time this runs after staff have finished it.
    """
    if not allowed(ctx, Action.CASE_MOVE):
        return []
    now = ctx.now()
    today = ctx.local(now).date()
    settings = ctx.settings.returns
    closed: list[str] = []
    with write_transaction():
        for case in _waiting(now):
            rma = case.rma_row
            sent = _report_day(ctx, rma)
            if not closes_without_reply(sent, today, settings):
                continue
            rma.customer_reply = ""
            rma.customer_reply_at = now
            rma.save()
            audit.log(
                ctx,
                "rma",
                rma,
                "reply_deemed",
                {"rule": RULE, "days": settings.no_reply_close_days, "report_sent": str(sent)},
            )
        deemed = (
            Case.select(Case, ReturnAuth)
            .join(ReturnAuth, on=(ReturnAuth.case == Case.id), attr="rma_row")
            .where(
                ReturnAuth.customer_reply_at.is_null(False)
                & (ReturnAuth.customer_reply == "")
                & Case.closed_at.is_null()
            )
        )
        for case in deemed:
            wf = workflows.workflow_for(case.kind)
            if "closed" not in wf.allowed(case.status):
                continue
            try:
                apply_transition(
                    ctx, case, "closed", "", {"rule": RULE, "days": settings.no_reply_close_days}
                )
            except DomainError as exc:  # a guard wants something first: staff will finish it
                log.info("%s not closed by the reply rule: %s", case.number, exc.code)
                continue
            closed.append(case.number)
    return closed
