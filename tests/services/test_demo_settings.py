"""The demo follows the shop's settings (docs/DOMAIN.md, "Approval levels").

Until the demo read the owner's threshold it approved every return up to 500.00 at the desk, so
a shop with a threshold of 100.00 got no demo at all (the whole batch rolled back).
"""

from __future__ import annotations

from app.demo import make_demo
from app.domain.codes import Role
from app.services.casework.rules import update_settings, with_settings
from app.services.shop.context import Context
from app.store.history import verify_chain
from app.store.models import Case, ReturnAuth


def test_demo_succeeds_with_the_owner_threshold_at_100(ctx: Context, backend: str) -> None:
    ctx = with_settings(ctx, update_settings(ctx, {"approval.owner_threshold": "100"}))
    summary = make_demo(ctx, cases=0)
    assert summary["cases"] > 100
    assert Case.select().count() == summary["cases"]
    approved = list(ReturnAuth.select().where(ReturnAuth.approved_by.is_null(False)))
    owner_level = [r for r in approved if r.approval_level == "owner"]
    assert owner_level, "some demo returns are above 100.00"
    assert all(r.approved_by.role == Role.OWNER for r in owner_level)
    assert verify_chain()[0]
