"""Deadlines and sampling of the return (RMA) procedure (002).

- Goods are expected at the shop within 7 working days of the approval (counted from the day after).
- A damaged package: claim from the carrier within 24 hours of receipt.
- Batch returns: inspect a random sample of at least 10% of the quantity (rounded up, at least 1).
- No reply from the customer 45 days after the report was sent: closed as accepted. The reply
  window is counted like any period (the sending day not counted), so the case may be closed from
  the day after the window ends.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from app.domain.errors import ValidationError
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
    return min(quantity, max(1, size))


def reply_window_end(report_sent: date, settings: ReturnSettings) -> date:
    """Last day the customer may still answer the return report."""
    return period_end(require_date("report_sent", report_sent), days=settings.no_reply_close_days)


def closes_without_reply(report_sent: date, on: date, settings: ReturnSettings) -> bool:
    """True when, with no reply so far, the case may be closed as accepted on day `on`."""
    return require_date("on", on) > reply_window_end(report_sent, settings)
