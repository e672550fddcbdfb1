"""Line breaking for Chinese slips that never cuts a number, a code or an English word in two.

reportlab's CJK wrapping may break between any two characters, so "SH-2026-000013",
"0571-8888 6666" or "¥12,345.00" could end one line and start the next half-way through.
`Para` breaks between Chinese characters and at spaces, but never inside a run of Latin letters,
digits and the signs that belong to numbers; only a run longer than the whole line is cut.
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus.paragraph import (
    ALL_CANNOT_START,
    Paragraph,
    ParaLines,
    _handleBulletWidth,
    cjkU,
    makeCJKParaLine,
)

_FUZZ = 1e-6
#: Characters that belong to one unbreakable "word": Latin letters, digits, number signs.
_WORD_SIGNS = set("0123456789.,:;-+*/#%&@_()[]'¥$€￥")
#: Chinese punctuation that never starts a line (it hangs at the end of the line before).
_CANNOT_START = set(ALL_CANNOT_START) | set("，。、；：？！）》」』】〕…%·")


def _wordish(ch: str) -> bool:
    return bool(ch) and (ch.isascii() and ch.isalnum() or ch in _WORD_SIGNS)


def _can_break_before(glyphs: list[Any], i: int) -> bool:
    """A line may start at glyphs[i]: not inside a word, not before closing punctuation."""
    before, here = glyphs[i - 1], glyphs[i]
    if here in _CANNOT_START:
        return False
    return not (_wordish(before) and _wordish(here))


def split_keeping_words(frags: list[Any], max_widths: list[float], calc_bounds: bool) -> Any:
    """reportlab's CJK line splitting, with break points that keep words and numbers whole."""
    glyphs: list[Any] = []
    for f in frags:
        text = getattr(f, "text", "")
        if isinstance(text, bytes):
            text = text.decode("utf8")
        glyphs.extend([cjkU(t, f, "utf8") for t in text] if text else [cjkU(text, f, "utf8")])
    lines: list[Any] = []
    start = 0
    i = 0
    used = 0.0
    n = len(glyphs)

    def width_at(k: int) -> float:
        return max_widths[min(k, len(max_widths) - 1)]

    while i < n:
        g = glyphs[i]
        used += g.width
        line_break = hasattr(g.frag, "lineBreak")
        max_w = width_at(len(lines))
        if line_break:
            lines.append(
                makeCJKParaLine(glyphs[start : i + 1], max_w, used, max_w - used, True, calc_bounds)
            )
            i += 1
            start, used = i, 0.0
            continue
        if used > max_w + _FUZZ and i > start:
            cut = next(
                (b for b in range(i, start, -1) if _can_break_before(glyphs, b)),
                i,  # a word longer than the line: cut it where it overflows
            )
            line = glyphs[start:cut]
            width = sum(x.width for x in line)
            lines.append(makeCJKParaLine(line, max_w, width, max_w - width, False, calc_bounds))
            # a space at the start of the next line is dropped, as on paper
            while cut < n and glyphs[cut] == " ":
                cut += 1
            start, i, used = cut, cut, 0.0
            continue
        i += 1
    if start < n:
        max_w = width_at(len(lines))
        line = glyphs[start:]
        width = sum(x.width for x in line)
        lines.append(makeCJKParaLine(line, max_w, width, max_w - width, False, calc_bounds))
    return ParaLines(kind=1, lines=lines)


class Para(Paragraph):
    """A paragraph whose CJK wrapping keeps numbers, codes and English words whole."""

    def breakLinesCJK(self, maxWidths: Any) -> Any:  # noqa: N802, N803 - reportlab's names
        if not isinstance(maxWidths, list | tuple):
            maxWidths = [maxWidths]
        if hasattr(self, "blPara") and getattr(self, "_splitpara", 0):
            return self.blPara
        style = self.style
        self.height = 0
        _handleBulletWidth(self.bulletText, style, maxWidths)
        if not self.frags:
            return super().breakLinesCJK(maxWidths)
        auto = getattr(self, "autoLeading", getattr(style, "autoLeading", ""))
        return split_keeping_words(self.frags, list(maxWidths), auto not in ("", "off"))
