"""Lists in and out of spreadsheets: a shop moving in from Excel, and its lists back to Excel.

Each list (products, customers, parts, …) supplies one `Table`: its columns, how one row is
checked against the database, and how a checked row is written. Everything else is here, once:
reading XLSX and CSV (UTF-8, or GBK as Excel on a Chinese PC saves it), matching the header row
in either language, a preview with every bad row named in plain words, and a commit that checks
the whole file again inside one transaction and writes all of it or nothing. Re-importing the
same file finds every row already there ("same") and writes nothing.
"""

from __future__ import annotations

import csv
import gettext
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from importlib import import_module
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zipfile import BadZipFile

from app.domain.errors import DomainError, FieldError, ValidationError
from app.i18n import DOMAIN, LANGUAGES, LOCALE_DIR, _
from app.i18n.messages import describe, field_message
from app.services.shop import audit
from app.services.shop.context import Context
from app.services.shop.permissions import Action, require
from app.store.db import write_transaction

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
ACTIONS = ("add", "update", "same")

# kind -> "module:attribute" of its Table. Imported only when asked for.
TABLES: dict[str, str] = {
    "products": "app.services.shop.products:PRODUCTS",
    "customers": "app.services.casework.customers:CUSTOMERS",
    "dealers": "app.services.casework.customers:DEALERS",
    "parts": "app.services.shop.stock_tables:PARTS",
    "suppliers": "app.services.shop.stock_tables:SUPPLIERS",
    "platform-orders": "app.services.casework.platform_orders:PLATFORM_ORDERS",
}


@dataclass(frozen=True)
class Column:
    key: str
    title: str  # N_("English header"); the export writes it translated
    aliases: tuple[str, ...] = ()  # other headers accepted on import
    required: bool = False  # the file must have this column
    whole: bool = False  # a whole number or digits (a count, a phone, a barcode): "5.0" is 5


@dataclass(frozen=True)
class SourceRow:
    line: int  # the row's line in the file or sheet (the header row is counted)
    values: dict[str, str]  # column key -> stripped text ("" when empty or absent)

    def get(self, key: str) -> str:
        return self.values.get(key, "")


@dataclass(frozen=True)
class PlannedRow:
    line: int
    action: str  # add | update | same
    label: str  # what the preview shows for the row
    data: Any = None


@dataclass(frozen=True)
class RowError:
    line: int
    field: str  # a column key, or "" for the row as a whole
    message: str  # translated, names the column as the file does


class Table:
    """One list's import and export. Subclass it; one instance per list."""

    kind: str = ""
    title: str = ""
    columns: tuple[Column, ...] = ()
    action: Action = Action.SETTINGS  # needed to import
    export_action: Action | None = None  # needed to export (None: anyone signed in)

    def plan(self, ctx: Context, row: SourceRow, earlier: list[PlannedRow]) -> PlannedRow:
        """Check one row against the database and the rows above it; never writes."""
        raise NotImplementedError

    def apply(self, ctx: Context, row: PlannedRow) -> None:
        """Write one checked row, inside the import's transaction."""
        raise NotImplementedError

    def export_rows(self, ctx: Context) -> Iterable[dict[str, object]]:
        raise NotImplementedError


@dataclass
class Preview:
    kind: str
    file: str
    rows: list[PlannedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)  # headers no column knows

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(ACTIONS, 0)
        for row in self.rows:
            out[row.action] += 1
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "file": self.file,
            "ok": self.ok,
            "counts": self.counts,
            "rows": [{"line": r.line, "action": r.action, "label": r.label} for r in self.rows],
            "errors": [
                {"line": e.line, "field": e.field, "message": e.message} for e in self.errors
            ],
            "ignored_columns": self.ignored_columns,
        }


# --- the registry ------------------------------------------------------------------------------


def kinds() -> list[str]:
    return list(TABLES)


def table(kind: str) -> Table:
    spec = TABLES.get(str(kind or "").strip())
    if spec is None:
        raise ValidationError.single("kind", "not_a_choice", choices=kinds())
    module, attr = spec.split(":", 1)
    return getattr(import_module(module), attr)


# --- reading a file ----------------------------------------------------------------------------


@cache
def _chinese() -> gettext.NullTranslations:
    try:
        return gettext.translation(DOMAIN, LOCALE_DIR, languages=[LANGUAGES["zh"]])
    except OSError:
        return gettext.NullTranslations()


def _norm(text: str) -> str:
    """A header as compared: no spaces, markers or brackets' width, case folded."""
    text = str(text or "").replace("\ufeff", "").strip().strip("*").strip()
    text = text.replace("（", "(").replace("）", ")").replace("：", ":").rstrip(":")
    return re.sub(r"\s+", "", text).casefold()


def header_names(column: Column) -> list[str]:
    """Every header a column is known by: its key, its title in both languages, its aliases."""
    return [column.key, column.title, _chinese().gettext(column.title), *column.aliases]


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        # Excel keeps 13800138000 and 12.5 as floats: write them as typed, never 1.38e10.
        return str(int(value)) if value.is_integer() else format(Decimal(repr(value)), "f")
    text = str(value).replace("\u3000", " ").strip()
    # Platforms wrap long numbers as ="123…" (or a leading tab) so Excel keeps them as text.
    m = re.fullmatch(r'="(.*)"', text)
    return m.group(1).strip() if m else text


def _whole(text: str) -> str:
    """Digits another program wrote as a float ("20.0", "13700137000.0") as they were typed;
    "5.5" stays as it is, for the column's own check to refuse."""
    m = re.fullmatch(r"([+-]?\d+)\.0+", text)
    return m.group(1) if m else text


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError.single("file", "file_encoding")


def _csv_rows(raw: bytes) -> list[list[str]]:
    text = _decode(raw)
    first = text.split("\n", 1)[0]
    delimiter = max((",", "\t", ";"), key=first.count)
    return [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def _xlsx_rows(path: Path) -> list[list[object]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError) as exc:
        raise ValidationError.single(
            "file", "file_unreadable", file=path.name, error=str(exc)[:120]
        ) from exc
    try:
        sheet = book.worksheets[0]
        return [list(r) for r in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _raw_rows(path: Path) -> list[list[object]]:
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".txt", ".xlsx", ".xlsm"):
        raise ValidationError.single("file", "file_kind", choices=["xlsx", "csv"])
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ValidationError.single("file", "file_missing", file=str(path)) from exc
    if size > MAX_BYTES:
        raise ValidationError.single("file", "file_too_big", limit_mb=MAX_BYTES // 1024 // 1024)
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_rows(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ValidationError.single("file", "file_missing", file=str(path)) from exc
    return _csv_rows(raw)  # type: ignore[return-value]


def read_table(path: Path | str, columns: Sequence[Column]) -> tuple[list[SourceRow], list[str]]:
    """The file's rows keyed by column, and the headers no column knows (they are ignored).

    The header is the first row naming at least one known column, so a title line or a
    platform's note above the table is skipped.
    """
    rows = _raw_rows(Path(path))
    known: dict[str, str] = {}
    for column in columns:
        for name in header_names(column):
            known.setdefault(_norm(name), column.key)
    header_at = next(
        (i for i, r in enumerate(rows[:20]) if any(_norm(_cell_text(c)) in known for c in r)),
        None,
    )
    if header_at is None:
        raise ValidationError.single("file", "file_no_header", columns=_titles(columns))
    header = [_cell_text(c) for c in rows[header_at]]
    keys: list[str | None] = []
    ignored: list[str] = []
    for name in header:
        key = known.get(_norm(name))
        if key is None or key in keys:
            keys.append(None)
            if name:
                ignored.append(name)
        else:
            keys.append(key)
    whole = {c.key for c in columns if c.whole}
    missing = [c for c in columns if c.required and c.key not in keys]
    if missing:
        raise ValidationError.single("file", "file_missing_columns", columns=_titles(missing))
    out: list[SourceRow] = []
    for offset, raw in enumerate(rows[header_at + 1 :], start=header_at + 2):
        values = dict.fromkeys((c.key for c in columns), "")
        for key, cell in zip(keys, raw, strict=False):
            if key is not None:
                values[key] = _whole(_cell_text(cell)) if key in whole else _cell_text(cell)
        if not any(values.values()):
            continue
        out.append(SourceRow(line=offset, values=values))
        if len(out) > MAX_ROWS:
            raise ValidationError.single("file", "file_too_many_rows", limit=MAX_ROWS)
    return out, ignored


def _titles(columns: Iterable[Column]) -> str:
    return "、".join(_(c.title) for c in columns)


# --- preview, commit, export ---------------------------------------------------------------------


def _row_errors(t: Table, line: int, exc: DomainError) -> list[RowError]:
    titles = {c.key: _(c.title) for c in t.columns}
    if isinstance(exc, ValidationError):
        return [
            RowError(line, e.field, field_message(e, titles.get(e.field.split("[", 1)[0])))
            for e in exc.errors
        ]
    name = str(exc.params.get("field", "") or "")
    if name in titles:
        text = field_message(FieldError(name, exc.code, dict(exc.params)), titles[name])
    else:
        text = describe(exc)
    return [RowError(line, name, text)]


def _plan(ctx: Context, t: Table, path: Path | str) -> Preview:
    rows, ignored = read_table(path, t.columns)
    result = Preview(kind=t.kind, file=str(path), ignored_columns=ignored)
    if not rows:
        raise ValidationError.single("file", "file_empty")
    for row in rows:
        try:
            planned = t.plan(ctx, row, result.rows)
        except DomainError as exc:
            result.errors.extend(_row_errors(t, row.line, exc))
            continue
        result.rows.append(planned)
    return result


def preview(ctx: Context, kind: str, path: Path | str) -> Preview:
    """What importing the file would do, row by row; nothing is written."""
    t = table(kind)
    require(ctx, t.action)
    return _plan(ctx, t, path)


def commit(ctx: Context, kind: str, path: Path | str) -> Preview:
    """Import the whole file or nothing: checked again inside the transaction that writes it."""
    t = table(kind)
    require(ctx, t.action)
    with write_transaction():
        result = _plan(ctx, t, path)
        if result.errors:
            first = result.errors[0]
            raise ValidationError.single(
                "file",
                "file_has_errors",
                count=len(result.errors),
                line=first.line,
                first=first.message,
            )
        for row in result.rows:
            if row.action != "same":
                t.apply(ctx, row)
        if any(r.action != "same" for r in result.rows):
            audit.log(
                ctx,
                "import",
                SimpleNamespace(id=0),
                "imported",
                {"kind": t.kind, "file": Path(path).name, **result.counts},
                number=t.kind,
            )
    return result


def export(ctx: Context, kind: str, path: Path | str) -> Path:
    """The list as an XLSX file with translated headers, written whole or not at all."""
    from openpyxl import Workbook

    from app.services.paper.exports import write_atomic

    t = table(kind)
    if t.export_action is not None:
        require(ctx, t.export_action)
    out = Path(path)
    if out.suffix.lower() != ".xlsx":
        raise ValidationError.single("out", "file_kind", choices=["xlsx"])
    book = Workbook()
    sheet = book.active
    sheet.title = _(t.title)[:31] or t.kind
    sheet.append([_(c.title) for c in t.columns])
    for row in t.export_rows(ctx):
        sheet.append([_export_cell(row.get(c.key)) for c in t.columns])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, Decimal):
                cell.number_format = "0.00"
    for i, column in enumerate(t.columns, start=1):
        sheet.column_dimensions[sheet.cell(1, i).column_letter].width = max(
            10, min(40, len(_(column.title)) * 2 + 2)
        )
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    write_atomic(out, buffer.getvalue())
    return out


def _export_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, (Decimal, int, date, str)):  # openpyxl writes a Decimal as a number
        return value
    return str(value)
