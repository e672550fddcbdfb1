"""Line breaks for Chinese and mixed text in labels, done before Tk sees the text.

Tk's `wraplength` breaks only at spaces, and a run without spaces where it overflows: a bullet
"• " followed by Chinese ends up alone on its line, a closing "。" starts the next line, and a date
"2026-03-05" is split in two. Here the text is cut into units that must stay together (a word,
number or date; one Chinese character with the punctuation that may not start a line; an opening
bracket with what follows; the bullet with its first unit) and the lines are filled greedily with
the label's own font measure.
"""

from __future__ import annotations

import re
from collections.abc import Callable

#: Punctuation that may not start a line (kinsoku): it sticks to the unit before it.
NO_LINE_START = frozenset("。，、；：？！）」』》〉】”’.,;:?!)%")
#: Punctuation that may not end a line: it sticks to the unit after it.
NO_LINE_END = frozenset("（「『《〈【“‘(¥$")
_UNIT = re.compile(r"[A-Za-z0-9][A-Za-z0-9.,\-:/_+×~%]*[A-Za-z0-9%]|[A-Za-z0-9]|\s+|.", re.S)


def units(text: str) -> list[str]:
    """The text as unbreakable pieces (spaces are their own pieces)."""
    raw = _UNIT.findall(text)
    out: list[str] = []
    carry = ""
    for piece in raw:
        if carry:
            piece, carry = carry + piece, ""
        if piece in NO_LINE_END or piece in ("• ", "•"):
            carry = piece
            continue
        if out and (piece[0] in NO_LINE_START) and not out[-1].isspace():
            out[-1] += piece
            continue
        if out and out[-1].endswith("•"):
            out[-1] += piece
            continue
        out.append(piece)
    if carry:
        out.append(carry)
    return _bullet_joined(out)


def _bullet_joined(pieces: list[str]) -> list[str]:
    """ "•" then a space then a unit: one unit."""
    out: list[str] = []
    i = 0
    while i < len(pieces):
        p = pieces[i]
        if p.rstrip() == "•" and i + 2 < len(pieces) and pieces[i + 1].isspace():
            out.append(p + pieces[i + 1] + pieces[i + 2])
            i += 3
            continue
        out.append(p)
        i += 1
    return out


def wrap(text: str, measure: Callable[[str], int], width: int) -> str:
    """`text` with newlines so that no line is wider than `width` (a unit wider than a whole
    line is put on a line of its own rather than cut)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for unit in units(paragraph):
            candidate = line + unit
            if line and measure(candidate.rstrip()) > width:
                lines.append(line.rstrip())
                line = "" if unit.isspace() else unit
            else:
                line = candidate
        lines.append(line.rstrip())
    return "\n".join(lines)
