"""Record numbers: one series per record type and year, e.g. SH-2026-000123."""

from __future__ import annotations

import re
from enum import StrEnum


class Series(StrEnum):
    CASE = "SH"  # 售后单
    REPAIR = "WX"  # 维修单
    RMA = "RMA"  # 退货授权
    CLAIM = "SP"  # 索赔单


_PATTERN = re.compile(r"^(SH|WX|RMA|SP)-(\d{4})-(\d{6,})$")


def format_number(series: Series, year: int, seq: int) -> str:
    return f"{series.value}-{year:04d}-{seq:06d}"


def parse_number(text: str) -> tuple[Series, int, int] | None:
    """Split a record number; tolerant of case and surrounding spaces (scanners add them)."""
    m = _PATTERN.match(text.strip().upper())
    if not m:
        return None
    return Series(m.group(1)), int(m.group(2)), int(m.group(3))
