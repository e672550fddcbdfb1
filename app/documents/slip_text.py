"""Text that a slip can show: what the font cannot draw is replaced visibly, never dropped.

Emoji and right-to-left scripts (Arabic, Hebrew) are not in the shop's CJK font: reportlab drew
nothing for them, so a customer's "屏幕碎了😭" or an Arabic name left the slip silently shorter
than what was typed. Each such character becomes □ (a visible "something was here"), direction
controls that could reorder the printed line are removed, and an emoji's joiners and variation
selectors go with it. Applied to the values a slip is made from, before layout.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

REPLACEMENT = "□"  # U+25A1, in every CJK font
# Invisible characters that reorder or join what is printed around them.
_DROP = frozenset(
    [0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF]
    + list(range(0x202A, 0x202F))
    + list(range(0x2066, 0x206A))
    + list(range(0xFE00, 0xFE10))  # variation selectors (emoji presentation)
    + list(range(0x1F3FB, 0x1F400))  # skin-tone modifiers
)


def _unprintable(ch: str) -> bool:
    code = ord(ch)
    if code >= 0x1F000 or 0x2600 <= code <= 0x27BF or 0x2B00 <= code <= 0x2BFF:
        return True  # emoji, pictographs, dingbats
    return unicodedata.bidirectional(ch) in ("R", "AL")  # right-to-left letters


def printable(text: str, covered: Callable[[int], bool] | None = None) -> str:
    """`text` with what a slip cannot draw replaced by □ (one per letter; a run of emoji, joined
    or not, is one □). `covered(codepoint)` may tell what the font has; without it emoji
    and right-to-left letters are replaced."""
    out: list[str] = []
    for ch in text:
        code = ord(ch)
        if code in _DROP:
            continue
        missing = _unprintable(ch) or (
            covered is not None and ch.isprintable() and not ch.isspace() and not covered(code)
        )
        if missing:
            if out and out[-1] == REPLACEMENT and code >= 0x1F000:
                continue  # the rest of one emoji sequence (flags are pairs)
            out.append(REPLACEMENT)
        else:
            out.append(ch)
    return "".join(out)


def printable_values(value: Any, covered: Callable[[int], bool] | None = None) -> Any:
    """`printable` applied to every string inside a slip's values (dicts and lists too)."""
    if isinstance(value, str):
        return printable(value, covered)
    if isinstance(value, dict):
        return {k: printable_values(v, covered) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(printable_values(v, covered) for v in value)
    return value
