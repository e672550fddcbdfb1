"""Deadlines and sampling of the return (RMA) procedure (002).

- Goods are expected at the shop within 7 working days of the approval (counted from the day after).
- A damaged package: claim from the carrier within 24 hours of receipt.
- Batch returns: inspect a random sample of at least 10% of the quantity (rounded up, at least
  the set number of units, at most all). The check records units sampled and failed, and how the
  received units split into usable, scrap and back to the supplier (the split adds up).
- No reply from the customer 45 days after the report was sent: closed as accepted. The reply
  window is counted like any period (the sending day not counted), so the case may be closed from
  the day after the window ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.domain.errors import FieldError, ValidationError
from app.domain.rules.common import require_aware, require_date
from app.domain.rules.periods import add_working_days, period_end
from app.domain.settings import ReturnSettings


def goods_expected_by(approved_on: date, settings: ReturnSettings) -> date:
    """Last day the returned goods are expected (working days after the approval day)."""
    return add_working_days(
        require_date("approved_on", approved_on), settings.goods_expected_working_days
    )


def carrier_claim_due(received_at: datetime, settings: ReturnSettings) -> datetime:
    """Deadline to claim from the carrier for a package received damaged."""
    return require_aware("received_at", received_at) + timedelta(hours=settings.carrier_claim_hours)


def inspection_sample_size(quantity: int, settings: ReturnSettings) -> int:
    """How many units of a batch to inspect: ceil(quantity x pct / 100), at least 1, at most all."""
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
        raise ValidationError.single("quantity", "out_of_range", min=0, max=None)
    if quantity == 0:
        return 0
    size = -(-quantity * settings.batch_sample_pct // 100)  # ceiling without floats
    return min(quantity, max(1, settings.batch_sample_min_units, size))


@dataclass(frozen=True)
class QcCounts:
    """What the quality check counted; None = not given."""

    sampled: int | None = None
    failed: int | None = None
    usable: int | None = None
    scrap: int | None = None
    to_supplier: int | None = None

    @property
    def has_split(self) -> bool:
        return any(v is not None for v in (self.usable, self.scrap, self.to_supplier))


def check_qc(received: int, counts: QcCounts, settings: ReturnSettings) -> QcCounts:
    """Refuse counts that do not add up; a batch must give them all. Returns the counts with
    an unspecified part of a given split as 0.

    Every error names its field: qc_sampled (required, sample_too_small, out_of_range),
    qc_failed (required, qc_failed_over_sample), qc_usable (qc_split_mismatch).
    """
    errors: list[FieldError] = []
    batch = received >= settings.batch_from_units
    need = inspection_sample_size(received, settings) if batch else 0
    if counts.sampled is None:
        if batch:
            errors.append(FieldError("qc_sampled", "required"))
    elif counts.sampled > received:
        errors.append(FieldError("qc_sampled", "out_of_range", {"min": 0, "max": received}))
    elif counts.sampled < need:
        errors.append(
            FieldError(
                "qc_sampled",
                "sample_too_small",
                {"minimum": settings.batch_sample_pct, "units": need},
            )
        )
    if counts.failed is None:
        if batch:
            errors.append(FieldError("qc_failed", "required"))
    elif counts.sampled is not None and counts.failed > counts.sampled:
        errors.append(FieldError("qc_failed", "qc_failed_over_sample", {"sampled": counts.sampled}))
    split = counts
    if batch or counts.has_split:
        split = QcCounts(
            counts.sampled,
            counts.failed,
            counts.usable or 0,
            counts.scrap or 0,
            counts.to_supplier or 0,
        )
        total = (split.usable or 0) + (split.scrap or 0) + (split.to_supplier or 0)
        if total != received:
            errors.append(
                FieldError("qc_usable", "qc_split_mismatch", {"received": received, "total": total})
            )
    if errors:
        raise ValidationError(errors)
    return split


def reply_window_end(report_sent: date, settings: ReturnSettings) -> date:
    """Last day the customer may still answer the return report."""
    return period_end(require_date("report_sent", report_sent), days=settings.no_reply_close_days)


def closes_without_reply(report_sent: date, on: date, settings: ReturnSettings) -> bool:
    """True when, with no reply so far, the case may be closed as accepted on day `on`."""
    return require_date("on", on) > reply_window_end(report_sent, settings)
