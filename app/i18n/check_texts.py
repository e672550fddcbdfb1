"""What the checks and rules found, in sentences: the command line and the window say the same."""

from __future__ import annotations

from typing import Any

from app.i18n import _


def history_verdict(report: Any, anchor: str = "") -> str:
    """The verdict of `audit_check.verify_history` for the shop's owner, in one or two lines."""
    if report.ok:
        return _("{count} events, chain intact, head {head}").format(
            count=report.checked, head=report.head
        )
    if report.why == "rows_changed":
        return _(
            "The event log is intact ({count} events), but these records were changed "
            "outside AfterDesk (they differ from what their last event recorded): {rows}"
        ).format(count=report.checked, rows=", ".join(report.rows))
    if report.why in ("checkpoint_mismatch", "checkpoint_unsigned"):
        if report.why == "checkpoint_mismatch":
            text = _(
                "TAMPERING: the event log links up, but event {id} no longer has the hash the "
                "shop's signed checkpoint recorded: the log was rewritten. The checkpoint is kept."
            )
        else:
            text = _(
                "TAMPERING: the log's checkpoint is not signed by this shop's key: it was "
                "changed outside AfterDesk. The checkpoint is kept; restore a backup."
            )
        return text.format(id=report.broken_id)
    if report.why == "anchor_missing":
        line = _(
            "Chain broken after event {count}: the head {anchor} printed earlier is no longer "
            "in the log — events at the end were removed."
        ).format(count=report.checked, anchor=anchor)
    else:
        at = report.broken_at.strftime("%Y-%m-%d %H:%M:%S") if report.broken_at else ""
        line = _("Chain broken at event {id} ({number} {at}): {what}.").format(
            id=report.broken_id,
            number=report.broken_number or "-",
            at=at,
            what=_why_text(report).format(id=(report.broken_id or 1) - 1),
        )
    return line + "\n" + _("{count} events before it are intact.").format(count=report.checked)


def _why_text(report: Any) -> str:
    if report.why == "changed":
        return _("its content was changed after it was written")
    if report.why == "relinked":
        return _("its link to the event before does not match: event {id} was changed or removed")
    if report.why == "missing":
        return _("events {first}–{last} were deleted").format(
            first=report.missing_from, last=report.broken_id - 1
        )
    return report.why


def closed_by_rule_text(ctx: Any, numbers: list[str]) -> str:
    """The cases the no-reply rule just closed."""
    return _("No reply within {days} days, taken as accepted and closed: {numbers}").format(
        days=ctx.settings.returns.no_reply_close_days, numbers=", ".join(numbers)
    )
