"""Light and dark themes and a font that has Chinese glyphs on every system."""

from __future__ import annotations

import sys
import tkinter.font as tkfont
from tkinter import Misc

THEMES = {"light": "bootstrap-light", "dark": "bootstrap-dark"}

# First installed family wins; Tk falls back per glyph through fontconfig on Linux anyway.
_FAMILIES = {
    "win32": ("Microsoft YaHei UI", "Microsoft YaHei", "SimHei", "SimSun"),
    "darwin": ("PingFang SC", "Hiragino Sans GB", "Heiti SC"),
    "linux": ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Source Han Sans SC", "DejaVu Sans"),
}


def cjk_family(root: Misc) -> str | None:
    """The first installed font family with Chinese glyphs, or None."""
    installed = set(tkfont.families(root))
    key = "win32" if sys.platform == "win32" else "darwin" if sys.platform == "darwin" else "linux"
    return next((f for f in _FAMILIES[key] if f in installed), None)


def apply_fonts(root: Misc, size: int = 10) -> str | None:
    """Point Tk's named fonts at a CJK family; returns the family used."""
    family = cjk_family(root)
    if family is None:
        return None
    for name in ("TkDefaultFont", "TkTextFont", "TkMenuFont", "TkHeadingFont", "TkCaptionFont"):
        try:
            tkfont.nametofont(name, root=root).configure(family=family, size=size)
        except Exception:  # noqa: BLE001, S112 - a missing named font is harmless
            continue
    return family


def apply_spacing(root: Misc) -> None:
    """Rows tall enough for Chinese text in every list."""
    import ttkbootstrap as ttk

    height = tkfont.nametofont("TkDefaultFont", root=root).metrics("linespace") + 8
    ttk.Style.get_instance().configure("Treeview", rowheight=height)


def theme_name(mode: str) -> str:
    return THEMES.get(mode, THEMES["light"])
