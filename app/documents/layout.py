"""Form layouts as data: reading and checking the TOML files in ``forms/``.

A shop changes the wording of a slip by copying a file from the program's ``forms/`` folder into
``<data folder>/forms/`` and editing it there: a file in the data folder wins over the program's
file of the same name. ``forms/README.md`` describes the format for a shop owner.

A bad file never half-renders: `load_form` raises `DomainError("form_spec_invalid", file=…,
key=…, problem=…)` naming the file and the key, e.g. ``block[3].columns[1].width``.
"""

from __future__ import annotations

import dataclasses
import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app import paths
from app.domain.errors import DomainError

LANGS = ("zh", "en")
#: The media (paper) a form can be printed on: width, height in mm (None: the roll grows).
PAGE_SIZES: dict[str, tuple[float, float | None]] = {
    "A4": (210, 297),
    "A5": (148, 210),
    "roll80": (80, None),
    "label50x30": (50, 30),
}
ALIGNS = ("left", "center", "right")
TEXT_STYLES = ("normal", "small", "notice", "strong")
COMMON = "common"


@dataclass(frozen=True)
class LText:
    """One piece of wording in both languages; `get` falls back to Chinese."""

    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" and self.en else self.zh


@dataclass(frozen=True)
class Page:
    size: str
    width_mm: float
    height_mm: float | None  # None: the 80 mm roll grows with its content
    margin_mm: float
    font_size: float
    # Printers leave each edge of the media blank: ink only inside this inset (an 80 mm roll
    # prints 72 mm: 4 mm each side; office printers about 5 mm). The margin is never smaller.
    printable_mm: float = 0.0
    mono: bool = False  # a thermal printer: pure black on white, barcodes on whole dots

    @property
    def printable_width_mm(self) -> float:
        return self.width_mm - 2 * self.printable_mm


@dataclass(frozen=True)
class Header:
    shop: bool = True  # shop name, address, hotline (and the logo when set)
    number: str = ""  # placeholder of the record number shown top right
    code128: bool = False  # the number as Code128 under it


@dataclass(frozen=True)
class FieldRow:
    label: LText
    value: LText  # usually one template for both languages
    span: bool = False  # takes the whole row of a multi-column table


@dataclass(frozen=True)
class Column:
    label: LText
    value: str
    width: float = 1.0
    align: str = "left"


@dataclass(frozen=True)
class SignatureBox:
    label: LText
    image: str = ""  # data key holding signature strokes
    name: str = ""  # placeholder: who signs
    date: str | None = None  # placeholder: when ("" = a line to write on; None = no date line)
    stamp: bool = False  # room for the shop's 40 mm round seal (公章)


@dataclass(frozen=True)
class Block:
    kind: str
    heading: LText | None = None
    when: str = ""  # placeholder: the block is printed only when it fills to some text


@dataclass(frozen=True)
class FieldsBlock(Block):
    columns: int = 2
    rows: tuple[FieldRow, ...] = ()


@dataclass(frozen=True)
class TextBlock(Block):
    text: LText = LText("", "")
    style: str = "normal"


@dataclass(frozen=True)
class ListBlock(Block):
    items: tuple[LText, ...] = ()
    numbered: bool = True


@dataclass(frozen=True)
class TableBlock(Block):
    source: str = ""  # data key holding a list of row dicts
    columns: tuple[Column, ...] = ()
    blank_rows: int = 3  # empty rows printed on a blank form (and when there are none)
    total: FieldRow | None = None
    empty: LText | None = None


@dataclass(frozen=True)
class SignaturesBlock(Block):
    boxes: tuple[SignatureBox, ...] = ()
    height_mm: float = 18


@dataclass(frozen=True)
class CodesBlock(Block):
    value: str = ""
    qr: bool = True
    code128: bool = True
    qr_mm: float = 16
    bar_mm: float = 6
    lines: tuple[str, ...] = ()  # placeholders printed beside the QR


@dataclass(frozen=True)
class SpacerBlock(Block):
    height_mm: float = 3


@dataclass(frozen=True)
class FormSpec:
    code: str
    path: Path
    page: Page
    title: LText
    header: Header
    money: bool  # shows money: "非发票 / not a tax invoice" is printed
    blocks: tuple[Block, ...]
    strings: Mapping[str, LText] = field(default_factory=dict)


class _Reader:
    """Checks one TOML file's values, naming the file and key on the first problem."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str, problem: str) -> DomainError:
        return DomainError("form_spec_invalid", file=str(self.path), key=key, problem=problem)

    def table(self, value: Any, key: str, allowed: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key, "expected a table { ... }")
        for k in value:
            if k not in allowed:
                raise self.fail(f"{key}.{k}" if key else k, "unknown key")
        return value

    def template(self, value: Any, key: str) -> str:
        if not isinstance(value, str):
            raise self.fail(key, "expected text")
        try:
            list(string.Formatter().parse(value))
        except ValueError as exc:
            raise self.fail(key, f"bad {{placeholder}}: {exc}") from None
        return value

    def ltext(self, value: Any, key: str) -> LText:
        if isinstance(value, str):
            self.template(value, key)
            return LText(value, value)
        t = self.table(value, key, LANGS)
        if "zh" not in t:
            raise self.fail(f"{key}.zh", "the Chinese wording is missing")
        zh = self.template(t["zh"], f"{key}.zh")
        en = self.template(t.get("en", zh), f"{key}.en")
        return LText(zh, en)

    def number(self, value: Any, key: str, lo: float, hi: float) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(key, "expected a number")
        if not lo <= value <= hi:
            raise self.fail(key, f"must be between {lo} and {hi}")
        return value

    def flag(self, value: Any, key: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(key, "expected true or false")
        return value

    def choice(self, value: Any, key: str, choices: tuple[str, ...]) -> str:
        if value not in choices:
            raise self.fail(key, "expected one of " + ", ".join(choices))
        return value

    def array(self, value: Any, key: str) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(key, "expected a list [ ... ]")
        return value


def _row(r: _Reader, value: Any, key: str) -> FieldRow:
    t = r.table(value, key, ("zh", "en", "value", "span"))
    if "zh" not in t:
        raise r.fail(f"{key}.zh", "the Chinese label is missing")
    return FieldRow(
        label=r.ltext({k: t[k] for k in LANGS if k in t}, key),
        value=r.ltext(t.get("value", ""), f"{key}.value"),
        span=r.flag(t.get("span", False), f"{key}.span"),
    )


def _block(r: _Reader, value: Any, key: str) -> Block:
    block = _block_body(r, value, key)
    if isinstance(value, dict) and "when" in value:
        block = dataclasses.replace(block, when=r.template(value["when"], f"{key}.when"))
    return block


def _block_body(r: _Reader, value: Any, key: str) -> Block:
    common = ("type", "heading", "when")
    if not isinstance(value, dict) or "type" not in value:
        raise r.fail(f"{key}.type", "every block needs a type")
    kind = value["type"]
    heading = r.ltext(value["heading"], f"{key}.heading") if "heading" in value else None
    if kind == "fields":
        t = r.table(value, key, (*common, "columns", "rows"))
        rows = r.array(t.get("rows", []), f"{key}.rows")
        return FieldsBlock(
            kind,
            heading,
            columns=int(r.number(t.get("columns", 2), f"{key}.columns", 1, 3)),
            rows=tuple(_row(r, v, f"{key}.rows[{i + 1}]") for i, v in enumerate(rows)),
        )
    if kind == "text":
        t = r.table(value, key, (*common, "text", "style"))
        if "text" not in t:
            raise r.fail(f"{key}.text", "missing")
        return TextBlock(
            kind,
            heading,
            text=r.ltext(t["text"], f"{key}.text"),
            style=r.choice(t.get("style", "normal"), f"{key}.style", TEXT_STYLES),
        )
    if kind == "list":
        t = r.table(value, key, (*common, "items", "numbered"))
        items = r.array(t.get("items", []), f"{key}.items")
        return ListBlock(
            kind,
            heading,
            items=tuple(r.ltext(v, f"{key}.items[{i + 1}]") for i, v in enumerate(items)),
            numbered=r.flag(t.get("numbered", True), f"{key}.numbered"),
        )
    if kind == "table":
        t = r.table(value, key, (*common, "source", "columns", "blank_rows", "total", "empty"))
        cols = []
        for i, c in enumerate(r.array(t.get("columns", []), f"{key}.columns")):
            ck = f"{key}.columns[{i + 1}]"
            ct = r.table(c, ck, ("zh", "en", "value", "width", "align"))
            cols.append(
                Column(
                    label=r.ltext({k: ct[k] for k in LANGS if k in ct}, ck),
                    value=r.template(ct.get("value", ""), f"{ck}.value"),
                    width=r.number(ct.get("width", 1), f"{ck}.width", 0.2, 20),
                    align=r.choice(ct.get("align", "left"), f"{ck}.align", ALIGNS),
                )
            )
        if not cols:
            raise r.fail(f"{key}.columns", "a table needs at least one column")
        source = t.get("source")
        if not isinstance(source, str) or not source.isidentifier():
            raise r.fail(f"{key}.source", 'expected the name of a list, e.g. "lines"')
        return TableBlock(
            kind,
            heading,
            source=source,
            columns=tuple(cols),
            blank_rows=int(r.number(t.get("blank_rows", 3), f"{key}.blank_rows", 0, 30)),
            total=_row(r, t["total"], f"{key}.total") if "total" in t else None,
            empty=r.ltext(t["empty"], f"{key}.empty") if "empty" in t else None,
        )
    if kind == "signatures":
        t = r.table(value, key, (*common, "boxes", "height_mm"))
        boxes = []
        for i, b in enumerate(r.array(t.get("boxes", []), f"{key}.boxes")):
            bk = f"{key}.boxes[{i + 1}]"
            bt = r.table(b, bk, ("zh", "en", "image", "name", "date", "stamp"))
            image = bt.get("image", "")
            if not isinstance(image, str):
                raise r.fail(f"{bk}.image", "expected the name of the signature data")
            boxes.append(
                SignatureBox(
                    label=r.ltext({k: bt[k] for k in LANGS if k in bt}, bk),
                    image=image,
                    name=r.template(bt.get("name", ""), f"{bk}.name"),
                    date=r.template(bt["date"], f"{bk}.date") if "date" in bt else None,
                    stamp=r.flag(bt.get("stamp", False), f"{bk}.stamp"),
                )
            )
        if not 1 <= len(boxes) <= 4:
            raise r.fail(f"{key}.boxes", "between 1 and 4 signature boxes")
        return SignaturesBlock(
            kind,
            heading,
            boxes=tuple(boxes),
            height_mm=r.number(t.get("height_mm", 18), f"{key}.height_mm", 8, 60),
        )
    if kind == "codes":
        t = r.table(value, key, (*common, "value", "qr", "code128", "qr_mm", "bar_mm", "lines"))
        lines = r.array(t.get("lines", []), f"{key}.lines")
        return CodesBlock(
            kind,
            heading,
            value=r.template(t.get("value", "{number}"), f"{key}.value"),
            qr=r.flag(t.get("qr", True), f"{key}.qr"),
            code128=r.flag(t.get("code128", True), f"{key}.code128"),
            qr_mm=r.number(t.get("qr_mm", 16), f"{key}.qr_mm", 8, 60),
            bar_mm=r.number(t.get("bar_mm", 6), f"{key}.bar_mm", 3, 30),
            lines=tuple(r.template(v, f"{key}.lines[{i + 1}]") for i, v in enumerate(lines)),
        )
    if kind == "spacer":
        t = r.table(value, key, (*common, "height_mm"))
        return SpacerBlock(
            kind, heading, height_mm=r.number(t.get("height_mm", 3), f"{key}.height_mm", 0, 100)
        )
    raise r.fail(f"{key}.type", "expected fields, text, list, table, signatures, codes or spacer")


def _read(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise DomainError("form_spec_invalid", file=str(path), key="", problem=str(exc)) from None
    except OSError as exc:
        raise DomainError(
            "form_spec_invalid", file=str(path), key="", problem=exc.strerror or str(exc)
        ) from None


def form_file(code: str, override_dir: Path | None = None) -> Path:
    """The file a form is read from: the data folder's copy wins over the program's."""
    if override_dir is not None:
        mine = Path(override_dir) / f"{code}.toml"
        if mine.is_file():
            return mine
    return paths.form_spec(f"{code}.toml")


def load_strings(override_dir: Path | None = None) -> dict[str, LText]:
    """Wording shared by all forms (footer, "not a tax invoice", …); the data folder's wins."""
    out: dict[str, LText] = {}
    files = [paths.form_spec(f"{COMMON}.toml")]
    if override_dir is not None and (Path(override_dir) / f"{COMMON}.toml").is_file():
        files.append(Path(override_dir) / f"{COMMON}.toml")
    for path in files:
        r = _Reader(path)
        data = r.table(_read(path), "", ("strings",))
        strings = r.table(data.get("strings", {}), "strings", tuple(data.get("strings", {})))
        for k, v in strings.items():
            out[k] = r.ltext(v, f"strings.{k}")
    return out


def load_form(code: str, override_dir: Path | None = None) -> FormSpec:
    """Read and check one form's layout (the data folder's copy wins)."""
    path = form_file(code, override_dir)
    if not path.is_file():
        raise DomainError("form_spec_invalid", file=str(path), key="", problem="file not found")
    r = _Reader(path)
    data = r.table(_read(path), "", ("form", "header", "block"))
    f = r.table(
        data.get("form", {}),
        "form",
        ("page", "margin_mm", "font_size", "title", "money", "printable_mm", "mono"),
    )
    size = r.choice(f.get("page", "A4"), "form.page", tuple(PAGE_SIZES))
    width, height = PAGE_SIZES[size]
    small = size == "label50x30"
    printable = r.number(f.get("printable_mm", 0), "form.printable_mm", 0, min(width / 4, 20))
    margin = r.number(f.get("margin_mm", 2 if small else 10), "form.margin_mm", 0, 40)
    page = Page(
        size=size,
        width_mm=width,
        height_mm=height,
        # a copied form with a margin inside the printer's blank edge still prints whole
        margin_mm=max(margin, printable),
        font_size=r.number(f.get("font_size", 9), "form.font_size", 4, 16),
        printable_mm=printable,
        mono=r.flag(f.get("mono", False), "form.mono"),
    )
    if "title" not in f:
        raise r.fail("form.title", "missing")
    h = r.table(data.get("header", {}), "header", ("shop", "number", "code128"))
    header = Header(
        shop=r.flag(h.get("shop", not small), "header.shop"),
        number=r.template(h.get("number", ""), "header.number"),
        code128=r.flag(h.get("code128", False), "header.code128"),
    )
    blocks = r.array(data.get("block", []), "block")
    return FormSpec(
        code=code,
        path=path,
        page=page,
        title=r.ltext(f["title"], "form.title"),
        header=header,
        money=r.flag(f.get("money", False), "form.money"),
        blocks=tuple(_block(r, b, f"block[{i + 1}]") for i, b in enumerate(blocks)),
        strings=load_strings(override_dir),
    )
