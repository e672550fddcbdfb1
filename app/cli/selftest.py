"""``selftest``: check that this installation works, in a throw-away data folder.

One line per check, ``ok  <check>: <detail>`` or ``FAIL  <check>: <reason>``; exit 0 when every
check passed, 1 otherwise. The markers ``ok``/``FAIL`` stay in English so scripts can read them;
the rest is translated. Everything is written to a temporary folder that is removed afterwards:
the user's real data folder is never opened. Without a display (no ``$DISPLAY`` on Linux) the
window check says "skipped (no display)", which is not a failure.
"""

from __future__ import annotations

import argparse
import gettext
import os
import re
import shutil
import sys
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from app.cli.common import EXIT_FAIL, EXIT_OK, AddVerb
from app.domain.errors import DomainError
from app.i18n import N_, _
from app.i18n.messages import describe

CJK = re.compile(r"[\u4e00-\u9fff]")
#: A message every catalog has, and what the Chinese catalog must turn it into.
KNOWN_MSGID, KNOWN_ZH = "AfterDesk", "售后台"
ZONE = "Asia/Shanghai"

CHECKS = {
    "database": N_("database"),
    "zone": N_("time zone"),
    "demo": N_("demo data"),
    "signin": N_("sign-in"),
    "font": N_("font"),
    "forms": N_("forms"),
    "signature": N_("signature"),
    "report": N_("monthly report"),
    "catalogs": N_("translations"),
    "window": N_("window"),
}


class CheckFailed(Exception):
    """A check found something wrong; the message is already translated."""


class Skipped(Exception):
    """A check that cannot run here and is not a failure (no display)."""


@dataclass
class _State:
    folder: Path
    ctx: Any = None
    demo: dict[str, Any] = field(default_factory=dict)


def has_display() -> bool:
    """Windows and macOS always have one; elsewhere Tk needs an X display ($DISPLAY)."""
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY"))


def _needs(state: _State) -> Any:
    if state.ctx is None:
        raise CheckFailed(_("not run: the database could not be opened"))
    return state.ctx


# --- the checks --------------------------------------------------------------------------------


def _open_local(folder: Path) -> None:
    """Open `folder`'s own SQLite database: never a shop server named by ``--db`` (the
    installation is checked, not the shop's records, which must stay untouched)."""
    from app.services.shop.setup import open_data_folder

    open_data_folder(folder, local=True)


def check_database(state: _State) -> str:
    from app.services.shop.setup import context_for, sqlite_pragmas

    _open_local(state.folder)
    got = sqlite_pragmas("journal_mode", "foreign_keys", "synchronous")
    want = {"journal_mode": "wal", "foreign_keys": "1", "synchronous": "2"}  # 2 = FULL
    wrong = [f"{k}={got[k]}" for k in want if got[k] != want[k]]
    if wrong:
        raise CheckFailed(_("unexpected settings: {settings}").format(settings=", ".join(wrong)))
    state.ctx = context_for(state.folder)
    return _("journal WAL, foreign keys on, synchronous FULL")


def check_zone(state: _State) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        offset = datetime(2026, 1, 1, 12, 0, tzinfo=ZoneInfo(ZONE)).utcoffset()
    except ZoneInfoNotFoundError as exc:
        raise CheckFailed(_("no time zone data for {zone}").format(zone=ZONE)) from exc
    if offset != timedelta(hours=8):
        raise CheckFailed(_("{zone} is {offset} from UTC").format(zone=ZONE, offset=offset))
    return _("{zone} is UTC+8").format(zone=ZONE)


def check_demo(state: _State) -> str:
    from app.demo import make_demo

    summary = make_demo(_needs(state), cases=1)  # the smallest batch that shows every state
    if not summary.get("cases"):
        raise CheckFailed(_("no demo case was made"))
    state.demo = summary
    return _("{cases} cases, {customers} customers").format(**summary)


def check_signin(state: _State) -> str:
    from app.services.shop.accounts import login

    ctx = _needs(state)
    if not state.demo:
        raise CheckFailed(_("not run: there is no demo data"))
    name = state.demo["accounts"]["owner"]
    login(ctx.data_dir, name, state.demo["pin"])  # argon2: the PIN's hash is checked
    try:
        login(ctx.data_dir, name, "000000")
    except DomainError:
        pass
    else:
        raise CheckFailed(_("a wrong PIN was accepted"))
    return _("“{name}” signs in with the demo PIN; a wrong PIN is refused").format(name=name)


def check_font(state: _State) -> str:
    from app.documents.fonts import cjk_font

    font = cjk_font("")
    if font.warning or font.path is None:
        raise CheckFailed(describe(DomainError(font.warning or "cjk_font_missing")))
    return f"{font.path.name} ({font.source})"


def _numbers(ctx: Any) -> list[str]:
    """Every case's number, newest first: the forms pick the first that fits them."""
    from app.services.casework.cases import list_cases

    return [row.number for row in list_cases(ctx, limit=500)]


def _render_any(ctx: Any, form: str, numbers: list[str]) -> bytes:
    from app.services.paper.documents import render_slip

    for number in numbers:
        try:
            return render_slip(ctx, number, form, lang="zh")
        except DomainError as exc:
            if exc.code != "form_not_for_record":
                raise
    raise CheckFailed(_("no demo record fits the form {form}").format(form=form))


def pdf_text(pdf: bytes) -> str:
    """All the text a PDF reader finds in `pdf` (pypdfium2)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        parts = []
        for page in doc:
            textpage = page.get_textpage()
            parts.append(textpage.get_text_bounded())
            textpage.close()
            page.close()
        return "\n".join(parts)
    finally:
        doc.close()


def check_forms(state: _State) -> str:
    from app import paths
    from app.services.paper.documents import FORMS, OTHER_FORMS

    ctx = _needs(state)
    folder = paths.form_spec()
    stems = {p.stem for p in folder.glob("*.toml")} - {"common"}
    if not stems:
        raise CheckFailed(_("no form files in {folder}").format(folder=folder))
    unknown = sorted(stems - set(FORMS.values()) - set(OTHER_FORMS))
    if unknown:
        raise CheckFailed(_("unknown form files: {names}").format(names=", ".join(unknown)))
    numbers = _numbers(ctx)
    for form in FORMS:
        pdf = _render_any(ctx, form, numbers)
        if not CJK.search(pdf_text(pdf)):
            raise CheckFailed(_("{form}: no Chinese text in the PDF").format(form=form))
    return _("{count} forms rendered with Chinese text").format(count=len(FORMS))


def check_signature(state: _State) -> str:
    from app.documents.signing import verify_pdf
    from app.services.paper.documents import make_slip

    ctx = _needs(state)
    numbers = _numbers(ctx)
    slip = make_slip(ctx, numbers[0], "intake", lang="zh")
    verdict = verify_pdf(slip.path, ctx.data_dir)
    if not verdict.ok:
        raise CheckFailed(describe(verdict.as_error()))
    tampered = bytearray(slip.pdf)
    tampered[7] ^= 1  # "%PDF-1.x": one byte of the signed range changed
    if verify_pdf(bytes(tampered), ctx.data_dir).ok:
        raise CheckFailed(_("a changed slip still verifies"))
    return _("slip signed by “{signer}” verifies; a changed copy does not").format(
        signer=verdict.signer
    )


def check_report(state: _State) -> str:
    from app.services.paper import exports, report
    from app.services.paper.figures import current_month

    ctx = _needs(state)
    year, month = current_month(ctx)
    rep = report.month_report(ctx, year, month)
    pdf = exports.render_report_pdf(ctx, rep)
    xlsx = exports.report_workbook(ctx, rep)
    if not CJK.search(pdf_text(pdf)):
        raise CheckFailed(_("no Chinese text in the report PDF"))
    if not xlsx.startswith(b"PK"):
        raise CheckFailed(_("the workbook is not an XLSX file"))
    return _("{period}: PDF {pdf} KB, workbook {xlsx} KB").format(
        period=rep.current.period.label, pdf=len(pdf) // 1024, xlsx=len(xlsx) // 1024
    )


def check_catalogs(state: _State) -> str:
    from app import i18n

    counts = []
    for lang in ("zh", "en"):
        try:
            tr = gettext.translation(i18n.DOMAIN, i18n.LOCALE_DIR, languages=[i18n.LANGUAGES[lang]])
        except OSError as exc:
            raise CheckFailed(
                _("no {lang} catalog in {folder}").format(lang=lang, folder=i18n.LOCALE_DIR)
            ) from exc
        text = tr.gettext(KNOWN_MSGID)
        if lang == "zh" and text != KNOWN_ZH:
            raise CheckFailed(_("“{msgid}” is not translated to Chinese").format(msgid=KNOWN_MSGID))
        counts.append(f"{lang} {len(getattr(tr, '_catalog', {}))}")
    return _("zh and en load ({counts} messages); “{msgid}” → “{text}”").format(
        counts=", ".join(counts), msgid=KNOWN_MSGID, text=KNOWN_ZH
    )


def check_window(state: _State) -> str:
    if not has_display():
        raise Skipped(_("skipped (no display)"))
    import ttkbootstrap as ttk

    from app.ui.app import build
    from app.ui.theme import theme_name

    ctx = _needs(state)
    root = ttk.App(title=_("AfterDesk"), theme=theme_name(ctx.settings.ui.theme))
    try:
        root.withdraw()
        window = build(ctx, root=root)
        root.update()
        widgets = _count(window)
    finally:
        root.destroy()
    return _("main window built ({count} widgets) and closed").format(count=widgets)


def _count(widget: Any) -> int:
    return 1 + sum(_count(child) for child in widget.winfo_children())


STEPS: tuple[tuple[str, Callable[[_State], str]], ...] = (
    ("database", check_database),
    ("zone", check_zone),
    ("demo", check_demo),
    ("signin", check_signin),
    ("font", check_font),
    ("forms", check_forms),
    ("signature", check_signature),
    ("report", check_report),
    ("catalogs", check_catalogs),
    ("window", check_window),
)


# --- the verb ----------------------------------------------------------------------------------


def _reason(exc: BaseException) -> str:
    if isinstance(exc, CheckFailed):
        return str(exc)
    if isinstance(exc, DomainError):
        return describe(exc)
    return f"{type(exc).__name__}: {exc}"


def run_checks(folder: Path, *, verbose: bool = False, out: Any = None) -> bool:
    """Run every check in `folder` (empty, thrown away by the caller); True when all passed."""
    from app.services.shop.setup import close_data_folder

    out = out or sys.stdout
    state = _State(folder)
    passed = True
    try:
        for key, step in STEPS:
            name = _(CHECKS[key])
            try:
                detail = step(state)
            except Skipped as exc:
                out.write(f"ok  {name}: {exc}\n")
            except Exception as exc:  # noqa: BLE001 - every failure is one line, not a crash
                passed = False
                out.write(f"FAIL  {name}: {_reason(exc)}\n")
                if verbose:
                    traceback.print_exc(file=sys.stderr)
            else:
                out.write(f"ok  {name}: {detail}\n")
            out.flush()
    finally:
        close_data_folder()
    return passed


def cmd_selftest(ctx: Any, args: argparse.Namespace) -> int:
    folder = Path(tempfile.mkdtemp(prefix="afterdesk-selftest-"))
    try:
        passed = run_checks(folder / "data", verbose=args.verbose)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return EXIT_OK if passed else EXIT_FAIL


def register(add: AddVerb) -> None:
    p = add(
        "selftest",
        _("check the installation in a temporary folder (never the real data folder)"),
        cmd_selftest,
        needs_data=False,
    )
    p.add_argument(
        "--verbose", action="store_true", help=_("print the details of a failure (traceback)")
    )
