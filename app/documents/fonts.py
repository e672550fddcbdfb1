"""Finding and registering a TrueType CJK font, so a slip looks the same on every PC.

reportlab embeds TrueType (glyf) outlines only; fonts with CFF outlines (most .otf files, some
.ttc collections such as Noto Sans CJK) are refused. The lookup order is fixed and shown to the
user when nothing fits:

1. the font file named in the settings (``printing.font_path``);
2. a font shipped with the program in ``assets/fonts/``;
3. the system's fonts: Windows (``C:\\Windows\\Fonts``: SimHei, SimSun, Microsoft YaHei, ...)
   and Linux (WenQuanYi, Droid Sans Fallback, ...).

When none is usable the slip falls back to reportlab's built-in (not embedded) STSong-Light and
`FontChoice.warning` carries the code ``cjk_font_missing`` for the window and the command line.
"""

from __future__ import annotations

import dataclasses
import os
import struct
from dataclasses import dataclass, field
from pathlib import Path

from app import paths

FONT_NAME = "AfterDeskCJK"
FALLBACK_FONT = "STSong-Light"  # a CID font every PDF reader knows; not embedded
LATIN_FALLBACK = "Helvetica"

WINDOWS_FONTS = ("simhei.ttf", "simsun.ttc", "msyh.ttc", "msyh.ttf", "simkai.ttf", "simfang.ttf")
LINUX_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
)


@dataclass(frozen=True)
class FontChoice:
    """The font the slips use: its reportlab name, where it came from, and any warning code."""

    name: str
    path: Path | None = None
    subfont_index: int = 0
    source: str = ""  # "setting", "bundled", "system" or "" (fallback)
    warning: str | None = None  # "cjk_font_missing" | "font_setting_unusable"
    rejected: tuple[tuple[str, str], ...] = field(default=())  # (path, why) tried and refused

    @property
    def embedded(self) -> bool:
        return self.path is not None


def candidates(font_path: str = "") -> list[tuple[Path, str]]:
    """Every font file to try, in lookup order, with the source it belongs to."""
    found: list[tuple[Path, str]] = []
    if font_path.strip():
        found.append((Path(font_path.strip()).expanduser(), "setting"))
    bundled = paths.asset("fonts")
    if bundled.is_dir():
        for pattern in ("*.ttf", "*.ttc"):
            found.extend((p, "bundled") for p in sorted(bundled.glob(pattern)))
    windir = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"
    found.extend((windir / name, "system") for name in WINDOWS_FONTS)
    found.extend((Path(p), "system") for p in LINUX_FONTS)
    return found


def truetype_problem(path: Path, subfont_index: int = 0) -> str | None:
    """Why a file cannot be embedded by reportlab (None: a usable TrueType font).

    Reads only the sfnt table directory: a TrueType font has a ``glyf`` table, a CFF-outline
    font a ``CFF `` or ``CFF2`` table instead.
    """
    try:
        with open(path, "rb") as fh:
            head = fh.read(12)
            offset = 0
            if head[:4] == b"ttcf":
                count = struct.unpack(">I", head[8:12])[0]
                if subfont_index >= count:
                    return "no such font in the collection"
                fh.seek(12 + 4 * subfont_index)
                offset = struct.unpack(">I", fh.read(4))[0]
                fh.seek(offset)
                head = fh.read(12)
            if head[:4] == b"OTTO":
                return "CFF (PostScript) outlines"
            if head[:4] not in (b"\x00\x01\x00\x00", b"true"):
                return "not a TrueType font"
            tables = struct.unpack(">H", head[4:6])[0]
            directory = fh.read(16 * tables)
    except FileNotFoundError:
        return "missing"
    except (OSError, struct.error):
        return "unreadable"
    tags = {directory[i : i + 4] for i in range(0, len(directory), 16)}
    if b"CFF " in tags or b"CFF2" in tags:
        return "CFF (PostScript) outlines"
    if b"glyf" not in tags:
        return "no TrueType outlines"
    return None


_registered: dict[str, FontChoice] = {}
_names: dict[tuple[str, int], str] = {}


def cjk_font(font_path: str = "") -> FontChoice:
    """Register (once per process) and return the CJK font the slips are drawn with."""
    cached = _registered.get(font_path)
    if cached is None:
        cached = choose_font(candidates(font_path))
        if font_path.strip() and cached.source != "setting" and cached.warning is None:
            cached = dataclasses.replace(cached, warning="font_setting_unusable")
        _registered[font_path] = cached
    return cached


def choose_font(files: list[tuple[Path, str]]) -> FontChoice:
    """The first usable TrueType font of `files`, registered with reportlab; else the fallback."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    rejected: list[tuple[str, str]] = []
    for path, source in files:
        problem = truetype_problem(path)
        if problem is None:
            key = (str(path), 0)
            name = _names.get(key) or f"{FONT_NAME}-{len(_names)}"
            try:
                if key not in _names:
                    font = TTFont(name, str(path), subfontIndex=0)
                    if 0x4E2D not in font.face.charToGlyph:  # 中
                        raise ValueError("no Chinese characters")
                    pdfmetrics.registerFont(font)
                    _names[key] = name
            except (TTFError, OSError, ValueError, struct.error) as exc:
                problem = str(exc)
            else:
                return FontChoice(name, path, 0, source, None, tuple(rejected))
        if problem != "missing" or source != "system":
            rejected.append((str(path), problem))
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_FONT))
    return FontChoice(FALLBACK_FONT, None, 0, "", "cjk_font_missing", tuple(rejected))
