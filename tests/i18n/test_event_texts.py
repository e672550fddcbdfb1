"""The history reads as sentences: no stored code, bare tracking number or form code reaches the
timeline or `show` (issue #18 item 7), in Chinese and in English."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app import i18n
from app.i18n.event_texts import describe
from app.services.casework.cases import show_case
from app.store.models import Event
from tests.conftest import Clock, demo_copy

CODE = re.compile(r"\b[a-z]+_[a-z_]+\b")  # a snake_case code such as freight_charge


@pytest.fixture
def demo(demo_template: Path, data_dir: Path, clock: Clock):  # noqa: ANN201
    return demo_copy(demo_template, data_dir, clock)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_demo_event_reads_without_codes(demo, lang: str) -> None:  # noqa: ANN001
    i18n.setup(lang)
    numbers = sorted({e.number for e in Event.select(Event.number).where(Event.entity == "case")})
    seen: set[str] = set()
    for number in numbers:
        for e in show_case(demo, number).events:
            text = describe(e.action, "", e.data, e.from_state, e.to_state)
            seen.add(e.action)
            assert not CODE.search(text), (e.action, text)
            assert "None" not in text, (e.action, text)
            if lang == "zh" and e.action not in ("freight", "assigned"):
                # Nothing English is left in a Chinese history (carriers and names may be Latin).
                assert not re.search(r"[A-Za-z]{3,}", text), (e.action, text)
    assert {"money", "moved", "freight"} <= seen


def test_money_and_printed_say_what_they_are() -> None:
    i18n.setup("zh")
    money = describe(
        "money",
        "756870804617768",
        {"amount": "18.00", "kind": "freight_charge", "party": "customer"},
    )
    assert "¥18.00" in money and "运单 756870804617768" in money
    assert "756870804617768" not in money.replace("运单 756870804617768", "")
    printed = describe("printed", "intake", {"form": "intake", "file": "slips/x.pdf"})
    assert "intake" not in printed and "回执" in printed
    free = describe("part_added", "", {"charged": False, "qty": 1, "line": 3})
    assert "保修" in free and "款项" not in free
    i18n.setup("en")
    assert describe("dealer_charged", "", {"amount": "-22.50"}).endswith("-¥22.50")
    assert describe("printed", "rma", {"form": "rma"}) == "printed: Return authorisation form"
