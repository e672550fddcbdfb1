"""The printer remembered per form: any staff member may set it; only that value changes."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.domain.errors import ValidationError
from app.services.casework.rules import update_settings
from app.services.shop.context import Context
from app.services.shop.print_prefs import remember_printer, remembered_printer
from app.services.shop.setup import load_settings
from app.store.models import Event
from tests.conftest import row_counts, unsealed


def test_a_clerk_may_remember_a_printer(ctx: Context, desk_ctx: Context) -> None:
    update_settings(ctx, {"shop.name": "城南店"})  # stored by the owner meanwhile
    settings = remember_printer(desk_ctx, "label", "Zebra-GK420")
    assert settings.printing.label == "Zebra-GK420"
    stored = load_settings()
    assert stored.printing.label == "Zebra-GK420"
    assert stored.shop.name == "城南店"  # built on the stored settings, not the clerk's copy
    event = Event.select().order_by(Event.id.desc()).get()
    assert (event.action, event.actor_id, unsealed(event.data)) == (
        "printer_remembered",
        desk_ctx.actor.id,
        {"printing.label": "Zebra-GK420"},
    )
    ctx2 = replace(desk_ctx, settings=stored)
    assert remembered_printer(ctx2, "label") == "Zebra-GK420"
    assert remembered_printer(ctx2, "intake") == ""


def test_the_same_printer_again_writes_nothing(desk_ctx: Context) -> None:
    remember_printer(desk_ctx, "intake", "HP")
    before = row_counts()
    remember_printer(desk_ctx, "intake", "HP")
    assert row_counts() == before


def test_unknown_form_or_bad_name_is_refused(desk_ctx: Context) -> None:
    before = row_counts()
    with pytest.raises(ValidationError) as info:
        remember_printer(desk_ctx, "poster", "HP\x00")
    assert {e.field for e in info.value.errors} == {"form", "printer"}
    assert row_counts() == before
