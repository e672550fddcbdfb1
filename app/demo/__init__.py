"""Demo data: about 300 believable cases of a small phone shop's last six months.

`make_demo(ctx)` plays the shop's half year through the same public services the desk uses:
walk-in repairs (in and out of warranty, quotes approved or declined, parts from stock, labour,
quality checks, signatures, scrapping with an approved report), on-site jobs with revisits,
returns and exchanges with approval, freight, receipt, inspection, liability, disposition and
CAPA, "ship first, settle later" for dealers with deductions from their account, refund-only
orders (verify, intercept, lost parcels), complaints with follow-up ratings, missing parts and
parcels damaged in transit with carrier claims. Every state of every workflow is left on at
least one case, and a handful of open cases are overdue.

The package: `data/` (the catalogue: products, parts, faults, people, customers, phrases),
`people` (staff accounts and invented customers), `calendar` (the demo's time line), `plan` (one
case's story as steps), `script` (what every workflow script shares), one script per workflow
(`repairs`, `returns`, `refunds`, `complaints`, `parts`, `damage`, `claims`) and `batch` (the
coverage tables, the staff and shelf, playing every step in time order).

Nothing here touches the database itself: the staff accounts, the parts bought in and the
dealers' deposits go through `accounts.add_demo_account`, `stock.stock_in` and
`dealers.dealer_deposit`, like every case step. The run is deterministic for a given data folder
(the random generator is seeded from the number of cases already there, so running the demo
again adds another batch and numbering continues) and is one transaction: the whole batch or
nothing.
"""

from __future__ import annotations

import time
from typing import Any

from app.demo.batch import Batch
from app.demo.calendar import DEMO_DAYS
from app.services.shop.context import Context
from app.services.shop.demo_folder import demo_allowed, demo_batch, is_demo_folder

__all__ = ["DEMO_CASES", "DEMO_DAYS", "demo_allowed", "is_demo_folder", "make_demo"]

DEMO_CASES = 300


def make_demo(ctx: Context, *, cases: int = DEMO_CASES) -> dict[str, Any]:
    """Add a batch of demo cases (with customers, staff and parts) to the data folder.

    The batch has `cases` cases, or the ~120 that leave every workflow state on some case when
    `cases` is smaller. Returns a summary: {"cases", "customers", "users", "kinds", "claims",
    "spare_parts", "overdue", "total_cases", "from", "to", "seconds", "accounts" (key -> sign-in
    name), "pin"}. Demo accounts sign in with the demo PIN. One transaction: the whole batch or
    nothing; a live shop's folder is refused ("demo_live_shop").
    """
    started = time.perf_counter()
    with demo_batch(ctx):
        batch = Batch(ctx, cases)
        batch.run()
        return batch.summary(time.perf_counter() - started)
