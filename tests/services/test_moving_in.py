"""README's "Moving in from Excel" stays true: every list that imports is in its table with every
required column as the program names it in Chinese, and every sample file it links imports into
a new shop and, imported again, writes nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app import i18n
from app.i18n import _
from app.services.shop import tables
from app.services.shop.context import Context
from tests.conftest import row_counts

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTION = README.split("## Moving in from Excel", 1)[1].split("\n## ", 1)[0]
ROWS = {m.group(1): m.group(0) for m in re.finditer(r"^\| `([a-z-]+)` \|.*$", SECTION, re.M)}
# A sample with a deliberately bad row shows the preview's errors: it is checked apart.
WITH_A_BAD_ROW = {"platform-orders"}


def _sample(kind: str) -> Path:
    link = re.search(r"\]\((tests/data/[^)]+)\)", ROWS[kind])
    assert link, kind
    return ROOT / link.group(1)


def test_every_importable_list_is_documented_with_its_required_columns() -> None:
    i18n.setup("zh")
    assert set(ROWS) == set(tables.kinds())
    for kind in tables.kinds():
        required = [_(c.title) for c in tables.table(kind).columns if c.required]
        row = ROWS[kind]
        if kind == "platform-orders":  # named by the platform's own headers
            continue
        for title in required:
            assert f"{title}\\*" in row, (kind, title)
        assert _sample(kind).is_file(), kind


@pytest.mark.parametrize("kind", sorted(set(ROWS) - WITH_A_BAD_ROW))
def test_each_sample_moves_in_once(ctx: Context, kind: str) -> None:
    sample = _sample(kind)
    seen = tables.preview(ctx, kind, sample)
    assert seen.ok, [e.message for e in seen.errors]
    assert seen.counts["add"] >= 2
    tables.commit(ctx, kind, sample)
    before = row_counts()
    again = tables.commit(ctx, kind, sample)
    assert again.counts["add"] == again.counts["update"] == 0
    assert row_counts() == before


def test_the_platform_sample_names_its_bad_row(ctx: Context) -> None:
    seen = tables.preview(ctx, "platform-orders", _sample("platform-orders"))
    assert [e.line for e in seen.errors] == [9]
    assert seen.counts["add"] >= 5
