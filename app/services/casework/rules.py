"""The rules as the desk asks them: entitlement look-ups and the settings behind every rule."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from app.domain import online
from app.domain.codes import Category
from app.domain.errors import ValidationError
from app.domain.rules.entitlement import Entitlement, decide_entitlement
from app.domain.settings import Settings
from app.domain.validation import Collector, validate_choice, validate_date
from app.services.shop import audit
from app.services.shop.context import Context
from app.services.shop.permissions import Action, require
from app.services.shop.setup import write_settings


def entitlement_for(
    ctx: Context,
    *,
    category: str,
    sold: str | date,
    on: str | date | None = None,
    man_made: bool = False,
    gift: bool = False,
    unused: bool = False,
    intact: bool = True,
    warranty_months: int | None = None,
) -> Entitlement:
    """What the three-guarantee rules give for one purchase on one day (default: today)."""
    v = Collector()
    cat = v.check("category", validate_choice, category, Category)
    today = ctx.today()
    on_day = v.check("on", validate_date, on, optional=True) or today
    sold_day = v.check("sold", validate_date, sold, not_after=on_day)
    v.raise_if_errors()
    return decide_entitlement(
        cat,  # type: ignore[arg-type]
        sold_day,  # type: ignore[arg-type]
        on_day,
        ctx.settings.warranty,
        man_made=man_made,
        gift=gift,
        intact=intact,
        unused=unused,
        warranty_months=warranty_months,
    )


def warranty_end(ctx: Context, detail: Any) -> date | None:
    """THE warranty end date of a case's item, for everything printed or shown.

    The intake decision's own last day (`Entitlement.warranty_until`) when the case has one,
    else the same rule run for the sale date; None for a gift or without a sale date. The
    intake slip, the warranty card and `entitlement --json` therefore always agree.
    """
    if detail.entitlement:
        return Entitlement.from_dict(detail.entitlement).warranty_until
    sale, product = detail.sale, detail.product
    if sale is None or sale.sale_date is None or product is None:
        return None
    ent = decide_entitlement(
        product.category,
        sale.sale_date,
        max(sale.sale_date, ctx.today()),
        ctx.settings.warranty,
        gift=sale.is_gift,
        warranty_months=product.warranty_months,
        received=received_for_periods(ctx, sale),
    )
    return ent.warranty_until


def received_for_periods(ctx: Context, sale: Any) -> date | None:
    """A stored sale's received date when the shop counts an online order's 7/15-day periods
    from it (`warranty.online_periods_from`), else None (they run from the sale)."""
    received = getattr(sale, "received_date", None)
    if received is None or sale.sale_date is None or received < sale.sale_date:
        return None
    is_online = online.is_online(
        sale_channel=sale.channel, platform=getattr(sale, "platform", "") or None
    )
    start = online.periods_start(
        ctx.settings.warranty.online_periods_from, online=is_online, received=received
    )
    return start if start is not None and start <= max(sale.sale_date, ctx.today()) else None


def update_settings(ctx: Context, changes: dict[str, Any]) -> Settings:
    """Change settings by dotted path ("approval.owner_threshold": "800.00").

    Every value is checked before anything is written; an unchanged value writes nothing.
    Decisions already recorded on cases keep their snapshot: nothing here rewrites them.
    """
    require(ctx, Action.SETTINGS)
    v = Collector()
    for path, value in changes.items():
        try:
            ctx.settings.replace_path(path, value)
        except ValidationError as exc:
            v.errors.extend(exc.errors)
    v.raise_if_errors()
    data = audit.stamp(ctx, {k: str(val) for k, val in changes.items()})
    return write_settings(ctx, changes, action="settings", data=data)


def with_settings(ctx: Context, settings: Settings) -> Context:
    return replace(ctx, settings=settings)
