"""Settings are stored as overrides of the shipped defaults (docs/DOMAIN.md, "Settings").

A shop that saved one setting must still receive a default changed by a new version, and the
v5 migration must turn the whole trees saved until v4 into overrides without losing a value the
shop changed.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest

from app.domain import settings as settings_mod
from app.domain.settings import Settings, overrides_of
from app.services.casework.rules import update_settings
from app.services.shop.context import Context
from app.services.shop.print_prefs import remember_printer
from app.services.shop.setup import SETTINGS_KEY, context_for, load_settings
from app.store import schema
from app.store.models import Event, Setting, put_setting

_sections = settings_mod._section_classes  # the real sections, before a test patches them


def _stored() -> dict:
    return Setting.get(Setting.key == SETTINGS_KEY).value


def test_overrides_keep_changed_values_only() -> None:
    changed = (
        Settings()
        .replace_path("approval.owner_threshold", "800")
        .replace_path("shop.name", "城南店")
    )
    assert changed.overrides() == {
        "shop": {"name": "城南店"},
        "approval": {"owner_threshold": "800.00"},
    }
    assert Settings.from_dict(changed.overrides()) == changed
    # Equal after parsing counts as unchanged ("500" is the default 500.00); a bad value is kept.
    assert overrides_of({"approval": {"owner_threshold": "500"}, "ui": {"theme": "pink"}}) == {
        "ui": {"theme": "pink"}
    }


def test_a_save_stores_only_what_differs(ctx: Context, backend: str) -> None:
    update_settings(ctx, {"shop.name": "城南店", "warranty.return_days": "7"})
    assert _stored() == {"shop": {"name": "城南店"}}
    remember_printer(ctx, "label", "Zebra")
    assert _stored() == {"shop": {"name": "城南店"}, "printing": {"label": "Zebra"}}
    # Setting a value back to its default removes it from the row.
    update_settings(ctx, {"shop.name": Settings().shop.name})
    assert _stored() == {"printing": {"label": "Zebra"}}


def test_a_new_default_reaches_a_shop_that_saved_other_settings(
    ctx: Context, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    update_settings(ctx, {"shop.name": "城南店", "promise.days_c": "4"})
    # A new version ships 10 days for goods to come back instead of 7.
    new_returns = dataclasses.make_dataclass(
        "ReturnSettings",
        [("goods_expected_working_days", int, dataclasses.field(default=10))],
        bases=(settings_mod.ReturnSettings,),
        frozen=True,
    )
    monkeypatch.setattr(settings_mod, "ReturnSettings", new_returns)
    monkeypatch.setattr(
        settings_mod,
        "_section_classes",
        lambda: {**_sections(), "returns": new_returns},
    )
    loaded = load_settings()
    assert loaded.returns.goods_expected_working_days == 10
    assert (loaded.shop.name, loaded.promise.days_c) == ("城南店", 4)


def test_v5_migration_turns_saved_trees_into_overrides(
    data_dir: Path, ctx: Context, backend: str
) -> None:
    # As v4 saved it: the whole tree, two values changed by the shop.
    tree = (
        Settings()
        .replace_path("approval.owner_threshold", "100")
        .replace_path("printing.label", "Zebra")
        .to_dict()
    )
    put_setting(SETTINGS_KEY, tree, ctx.now(), ctx.actor.id)
    schema.SchemaInfo.update(version=4).execute()
    events = Event.select().where(Event.entity == "setting").count()

    assert schema.ensure_schema(lambda reason: None) == schema.SCHEMA_VERSION
    assert schema.current_version() == schema.SCHEMA_VERSION
    assert _stored() == {
        "approval": {"owner_threshold": "100.00"},
        "printing": {"label": "Zebra"},
    }
    again = context_for(data_dir, "boss")
    assert again.settings.approval.owner_threshold == Decimal("100.00")
    assert again.settings.printing.label == "Zebra"
    assert again.settings == Settings.from_dict(tree)
    settings_events = Event.select().where(Event.entity == "setting").count()
    assert settings_events == events  # the effective settings did not change
