"""The monthly summary's rhythm (003): offered to the owner early in the month, and the signed PDF
copied to each recipient's folder (QC, technical, sales, management).

The copies are the very bytes of the signed file kept under ``reports/``: whoever opens one can
check its signature like the owner's own copy.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.domain.codes import Role
from app.domain.errors import DomainError
from app.i18n import N_, _
from app.services.paper.figures import current_month, previous_month
from app.services.shop.context import Context
from app.services.shop.permissions import Action, require

if TYPE_CHECKING:  # exports imports reportlab: the window asks for the offer at every start
    from app.services.paper.exports import ReportFile

#: Who gets a copy (003 售后服务管理制度: the monthly figures go to these departments).
RECIPIENTS: dict[str, str] = {
    "qc": N_("Quality control"),
    "technical": N_("Technical"),
    "sales": N_("Sales"),
    "management": N_("Management"),
}


@dataclass(frozen=True)
class SummaryOffer:
    """Last month's summary, ready to be made."""

    year: int
    month: int

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def made_summaries(ctx: Context, year: int, month: int) -> list[Path]:
    """The signed summaries of that month already kept in the data folder, oldest first."""
    pattern = f"report_{year:04d}-{month:02d}_*.pdf"
    return sorted((ctx.data_dir / "reports").glob(f"*/{pattern}"))  # exports.reports_dir


def summary_offer(ctx: Context) -> SummaryOffer | None:
    """Last month's summary when the owner should be told it is ready: an owner signed in, on the
    1st to the `report.offer_until_day`-th of a month (the shop's local date), and no signed copy
    of it made yet. None otherwise (nobody is nagged once it was made)."""
    if ctx.actor.role != Role.OWNER.value:
        return None
    if ctx.today().day > ctx.settings.report.offer_until_day:
        return None
    year, month = previous_month(*current_month(ctx))
    if made_summaries(ctx, year, month):
        return None
    return SummaryOffer(year, month)


def recipient_name(code: str) -> str:
    return _(RECIPIENTS[code]) if code in RECIPIENTS else code


def recipient_folders(ctx: Context) -> dict[str, Path]:
    """The recipients with a folder set, in the 003 order."""
    cfg = ctx.settings.report
    out = {}
    for code in RECIPIENTS:
        folder = str(getattr(cfg, f"folder_{code}") or "").strip()
        if folder:
            out[code] = Path(folder)
    return out


@dataclass(frozen=True)
class Delivered:
    recipient: str
    path: Path


def recipient_targets(ctx: Context, only: Iterable[str] = ()) -> dict[str, Path]:
    """The folders a summary would be copied to (all set ones, or `only` those), each checked to
    exist: call it before making the PDF so a wrong folder stops everything."""
    require(ctx, Action.REPORT)
    wanted = [str(c).strip().lower() for c in only if str(c).strip()]
    for code in wanted:
        if code not in RECIPIENTS:
            raise DomainError("unknown_recipient", field="send", recipient=code)
    folders = recipient_folders(ctx)
    if wanted:
        missing = [c for c in wanted if c not in folders]
        if missing:
            raise DomainError("no_recipient_folders", field=f"report.folder_{missing[0]}")
        folders = {c: folders[c] for c in wanted}
    if not folders:
        raise DomainError("no_recipient_folders", field="report.folder_qc")
    for code, folder in folders.items():
        if not folder.is_dir():
            raise DomainError(
                "recipient_folder_missing",
                field=f"report.folder_{code}",
                recipient=recipient_name(code),
                folder=str(folder),
            )
    return folders


def send_to_recipients(ctx: Context, made: ReportFile, only: Iterable[str] = ()) -> list[Delivered]:
    """Copy the signed summary into each recipient's folder (all set ones, or `only` those).

    Every folder is checked before anything is copied: a missing one copies nothing.
    """
    from app.services.paper.exports import write_atomic

    out = []
    for code, folder in recipient_targets(ctx, only).items():
        target = folder / made.path.name
        write_atomic(target, made.pdf)
        out.append(Delivered(code, target))
    return out
