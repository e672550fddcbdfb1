"""The one appointment parser (`repair_help.parse_appointment`): intake, record view, CLI."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from app.domain.errors import ValidationError
from app.services.casework import intake_help
from app.services.remedies import repair_help
from app.services.shop.context import Context

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    "typed",
    [
        "2026-03-04 14:30",
        "2026/3/4 14:30",
        "2026-03-04T14:30",
        "2026-03-04 1430",
        "２０２６－０３－０４　１４：３０",
        "  2026-03-04   14:30 ",
    ],
)
def test_what_the_desk_types_is_understood(ctx: Context, typed: str) -> None:
    assert repair_help.parse_appointment(ctx, typed) == datetime(
        2026, 3, 4, 14, 30, tzinfo=SHANGHAI
    )


def test_a_day_alone_means_nine_and_blank_means_none(ctx: Context) -> None:
    assert repair_help.parse_appointment(ctx, "2026-03-04") == datetime(
        2026, 3, 4, 9, 0, tzinfo=SHANGHAI
    )
    assert repair_help.parse_appointment(ctx, "  ") is None
    with pytest.raises(ValidationError) as info:
        repair_help.parse_appointment(ctx, "", required=True)
    assert (info.value.errors[0].field, info.value.errors[0].code) == ("appointment_at", "required")


@pytest.mark.parametrize("typed", ["2026-03-04 25:00", "2026-03-04 14:30:00", "tomorrow", "1\n2"])
def test_nonsense_names_the_field(ctx: Context, typed: str) -> None:
    with pytest.raises(ValidationError) as info:
        repair_help.parse_appointment(ctx, typed)
    assert info.value.errors[0].field == "appointment_at"


def test_intake_uses_the_same_parser() -> None:
    assert intake_help.parse_appointment is repair_help.parse_appointment
