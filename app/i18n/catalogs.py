"""Maintain the gettext catalogs: `python -m app.i18n.catalogs update|compile|check|merge`.

update: extract every marked string from app/ and main.py and merge it into the zh_CN and en
catalogs; compile: write the .mo files the program loads; check: exit 1 when a catalog misses a
translation or a .mo file is stale; merge FILE.json…: take zh_CN translations from JSON files
mapping the English source string to its Chinese text (then update and compile).
"""

from __future__ import annotations

import io
import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from app.i18n import DOMAIN, LOCALE_DIR

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ("zh_CN", "en")
KEYWORDS = {
    "_": None,
    "N_": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "NC_": ((1, "c"), 2),
}
#: In a merge file a key "context\x04English" is the English string in that msgctxt (gettext's
#: own separator), so one English word can carry two translations.
CONTEXT_SEP = "\x04"


def extract() -> Catalog:
    """Every marked string in the program's sources, as a template catalog."""
    template = Catalog(project="AfterDesk", charset="utf-8")
    sources = [ROOT / "app"]
    for folder in sources:
        for filename, lineno, message, comments, context in extract_from_dir(
            folder, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            template.add(
                message,
                None,
                [(f"app/{filename}", lineno)],
                auto_comments=comments,
                context=context,
            )
    return template


def po_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def load(locale: str) -> Catalog:
    path = po_path(locale)
    if not path.exists():
        return Catalog(locale=locale, project="AfterDesk", charset="utf-8")
    with path.open("rb") as fh:
        return read_po(fh, locale=locale)


def save(catalog: Catalog, locale: str) -> None:
    path = po_path(locale)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        write_po(fh, catalog, width=100, omit_header=False, sort_output=True, include_lineno=False)


def mo_bytes(catalog: Catalog) -> bytes:
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    return buf.getvalue()


# A fixed creation date keeps `update` from changing files (and staling .mo) when nothing changed.
FIXED_DATE = datetime(2026, 11, 23, tzinfo=UTC)


def update() -> None:
    template = extract()
    template.creation_date = FIXED_DATE
    for locale in LOCALES:
        catalog = load(locale)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.creation_date = FIXED_DATE
        catalog.obsolete.clear()
        if locale == "en":
            for msg in catalog:
                empty = not any(msg.string) if msg.pluralizable else not msg.string
                if msg.id and empty:
                    msg.string = msg.id
        save(catalog, locale)


def compile_all() -> None:
    for locale in LOCALES:
        mo = po_path(locale).with_suffix(".mo")
        mo.write_bytes(mo_bytes(load(locale)))


def problems() -> list[str]:
    """Untranslated, fuzzy or unknown strings, and stale .mo files."""
    out = []
    template_ids = {(m.context or "", m.id) for m in extract() if m.id}
    for locale in LOCALES:
        catalog = load(locale)
        ids = {(m.context or "", m.id) for m in catalog if m.id}
        for context, missing in sorted(template_ids - ids, key=str):
            where = f" (msgctxt {context!r})" if context else ""
            out.append(f"{locale}: not in catalog: {missing!r}{where}")
        for msg in catalog:
            if msg.id and (not msg.string or msg.fuzzy):
                out.append(f"{locale}: untranslated: {msg.id!r}")
        mo = po_path(locale).with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != mo_bytes(catalog):
            out.append(f"{locale}: {mo.name} is missing or stale: run compile")
    return out


def merge(files: list[str]) -> int:
    """Fill zh_CN translations from JSON files {english: chinese}; returns how many were set."""
    import json

    update()
    catalog = load("zh_CN")
    count = 0
    for name in files:
        for key, text in json.loads(Path(name).read_text(encoding="utf-8")).items():
            context, _sep, source = key.rpartition(CONTEXT_SEP)
            msg = catalog.get(source, context=context or None)
            if msg is not None and text:
                msg.string = (text,) * catalog.num_plurals if msg.pluralizable else text
                msg.flags.discard("fuzzy")
                count += 1
    save(catalog, "zh_CN")
    compile_all()
    return count


def main(argv: list[str]) -> int:
    verb = argv[0] if argv else "check"
    if verb == "merge":
        print(f"{merge(argv[1:])} translations merged")
    elif verb == "update":
        update()
    elif verb == "compile":
        compile_all()
    found = problems()
    for line in found:
        print(line)
    return 1 if (verb == "check" and found) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
