"""Chinese and mixed text wrapped before Tk: no lone bullet, no line starting with "。", no
date cut in two (issue 18 §8, the three-guarantee panel)."""

from __future__ import annotations

from app.ui.widgets.wrapping import wrap


def width(s: str) -> int:
    """A CJK character is two columns, anything else one (like a real font, roughly)."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)


def test_the_bullet_stays_with_its_text() -> None:
    text = "• 依据《部分商品修理更换退货责任规定》第八条，自售出之日起7日内可退货。"
    lines = wrap(text, width, 30).split("\n")
    assert lines[0].startswith("• 依") and lines[0] != "•"
    assert all(width(line) <= 30 for line in lines)


def test_no_line_starts_with_closing_punctuation() -> None:
    text = "• " + "质量问题退货" * 4 + "。下一句话，还有更多。"
    for w in range(8, 40):
        for line in wrap(text, width, w).split("\n")[1:]:
            assert line and line[0] not in "。，、）", (w, line)


def test_dates_and_numbers_are_never_split() -> None:
    text = "换货期限至 2026-03-05，保修期至 2027-03-04 为止。金额 ¥1,299.00。"
    for w in range(12, 40):
        out = wrap(text, width, w)
        assert "2026-03-05" in out and "2027-03-04" in out, (w, out)
        assert "¥1,299.00" in out, (w, out)
        assert "-\n" not in out


def test_short_text_is_left_as_it_is() -> None:
    assert wrap("退货 ✓", width, 40) == "退货 ✓"
    assert wrap("", width, 10) == ""
