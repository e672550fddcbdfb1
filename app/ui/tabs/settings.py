"""设置: every shop setting, grouped by section, with inline checks and one Save.

Values are checked as they are typed with the same `Settings.replace_path` the service uses, so
the error under a field is the one a save would give. Saving goes through
`services.rules.update_settings` (owner only): a clerk sees the refusal, nothing is written.
"""

from __future__ import annotations

import dataclasses
import tkinter as tk
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from tkinter import filedialog
from typing import Any

import ttkbootstrap as ttk

from app import paths
from app.documents.printing import list_printers
from app.domain.errors import FieldError, ValidationError
from app.domain.settings import FORM_PRINTERS, Settings
from app.i18n import N_, _
from app.i18n.messages import field_message
from app.i18n.setting_labels import SECTIONS, section_title, setting_help, setting_label
from app.services.casework.rules import update_settings
from app.services.shop.context import Context
from app.services.shop.permissions import Action, allowed
from app.ui.desk import Desk, Outcome
from app.ui.owner import ask_owner
from app.ui.theme import theme_name
from app.ui.widgets.fields import Field, FormFrame
from app.ui.widgets.scrolling import ScrollFrame

LANGUAGES = (("", N_("Follow the system")), ("zh", N_("Chinese (简体中文)")), ("en", N_("English")))
THEMES = (("light", N_("Light")), ("dark", N_("Dark")))
SLIP_LANGUAGES = (("zh", N_("Chinese (简体中文)")), ("en", N_("English")))
PERIODS_FROM = (("sale", N_("The sale date")), ("received", N_("The received date")))
DEFAULT_PRINTER = N_("System default printer")
# Paths picked with a file or folder dialog: (dialog kind, file types).
PICKERS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "printing.font_path": ("file", ((N_("TrueType fonts"), "*.ttf *.ttc *.otf"),)),
    "printing.logo_path": ("file", ((N_("Images"), "*.png *.jpg *.jpeg"),)),
    "backup.second_folder": ("folder", ()),
    "report.folder_qc": ("folder", ()),
    "report.folder_technical": ("folder", ()),
    "report.folder_sales": ("folder", ()),
    "report.folder_management": ("folder", ()),
}
COLUMNS = {"warranty": 2, "returns": 1, "printing": 1}
CERTIFICATE = "certificate"
SERVER = "server"  # where this PC's database is: kept in the data folder, not in the settings
HINT_WRAP = {False: 520, True: 260}  # pixels, by "two columns"


def printer_names() -> list[str]:
    """Installed printers (empty when the PC has no print system)."""
    try:
        return [str(p) for p in list_printers()]
    except Exception:  # noqa: BLE001 - no print system: the default printer is still offered
        return []


def _section_fields(section: str) -> list[str]:
    return [p for p in Settings.paths() if p.split(".", 1)[0] == section]


def _as_text(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return "" if value is None else str(value)


class SettingsTab(ttk.Frame):
    def __init__(self, master: tk.Misc, desk: Desk) -> None:
        super().__init__(master, padding=(10, 8))
        self.desk = desk
        self.forms: dict[str, FormFrame] = {}
        self.pages: dict[str, ttk.Frame] = {}
        self.section_of: dict[str, str] = {}
        self.printers = printer_names()
        self.certificate: Any = None
        self._build()
        self.load()
        self.show_section("shop")
        desk.on("context", lambda _ctx: self._printers_changed())

    # --- building --------------------------------------------------------------------------

    def _build(self) -> None:
        nav = ttk.Frame(self, padding=(0, 0, 12, 0))
        nav.pack(side="left", fill="y")
        self.nav_var = tk.StringVar(self, value="shop")
        self.nav_buttons: dict[str, ttk.Radiobutton] = {}
        sections = [*SECTIONS, *(s for s in self._all_sections() if s not in SECTIONS)]
        extra = {CERTIFICATE: _("Shop certificate"), SERVER: _("Shop server (several PCs)")}
        for section in [*sections, CERTIFICATE, SERVER]:
            text = extra.get(section) or section_title(section)
            b = ttk.Radiobutton(
                nav,
                text=text,
                value=section,
                variable=self.nav_var,
                bootstyle="primary-outline-toolbutton",
                width=24,
                command=lambda s=section: self.show_section(s),
            )
            b.pack(fill="x", pady=2)
            self.nav_buttons[section] = b

        right = ttk.Frame(self)
        right.pack(side="left", fill="both", expand=True)
        self.title = ttk.Label(right, font=("TkDefaultFont", 13, "bold"))
        self.title.pack(anchor="w")
        self.intro = ttk.Label(right, bootstyle="secondary")
        self.intro.pack(anchor="w", pady=(0, 8))
        ttk.Separator(right).pack(fill="x", pady=(0, 6))
        # The section scrolls and the Save bar below it is packed first, so Save stays in view
        # on a 1366×728 window (the printing section alone is taller than that).
        self.body_scroll = ScrollFrame(right)
        self.body_scroll.pack(fill="both", expand=True)
        self.body = self.body_scroll.interior
        for section in sections:
            self.pages[section] = self._build_section(section)
        self.pages[CERTIFICATE] = self._build_certificate()
        self.pages[SERVER] = self._build_server()

        bar = ttk.Frame(right, padding=(0, 8, 0, 0))
        bar.pack(fill="x", side="bottom", before=self.body_scroll)
        self.save_button = ttk.Button(
            bar, text=_("Save (Ctrl+S)"), bootstyle="primary", command=self.save
        )
        self.revert_button = ttk.Button(
            bar, text=_("Undo changes"), bootstyle="secondary-outline", command=self.load
        )
        self.message = ttk.Label(bar, text="", wraplength=640, justify="left")
        self.message.pack(side="left", fill="x", expand=True)
        if not allowed(self.desk.ctx, Action.SETTINGS):
            self._say(_("Only the owner can change the shop's settings."), "secondary")

    @staticmethod
    def _all_sections() -> list[str]:
        return [f.name for f in dataclasses.fields(Settings)]

    def _field(self, path: str) -> Field:
        name = path.split(".", 1)[1]
        label = setting_label(path)
        hint = setting_help(path)
        value = self.desk.ctx.settings.get_path(path)
        check = self._checker(path)
        if isinstance(value, bool):
            return Field(path, label, kind="check", hint=hint)
        if path == "ui.language":
            return Field(path, label, kind="choice", choices=LANGUAGES, hint=hint, width=26)
        if path == "ui.theme":
            return Field(path, label, kind="choice", choices=THEMES, hint=hint, width=26)
        if path == "printing.slip_language":
            return Field(path, label, kind="choice", choices=SLIP_LANGUAGES, hint=hint, width=26)
        if path == "warranty.online_periods_from":
            return Field(path, label, kind="choice", choices=PERIODS_FROM, hint=hint, width=12)
        if path.startswith("printing.") and name in FORM_PRINTERS:
            return Field(
                path, label, kind="choice", choices=self._printer_choices(value), hint=hint
            )
        width = 40 if path.startswith("shop.") or path in PICKERS else 12
        if path in ("shop.address", "shop.return_address"):
            width = 60  # a whole street address with the postcode, without scrolling
        return Field(path, label, check=check, hint=hint, width=width)

    def _printer_choices(self, current: str) -> list[tuple[str, str]]:
        names = list(self.printers)
        if current and current not in names:
            names.append(current)  # remembered although not installed now: keep it visible
        return [("", DEFAULT_PRINTER), *((n, n) for n in names)]

    def _checker(self, path: str) -> Callable[[str], object]:
        def check(value: str) -> object:
            try:
                return Settings().replace_path(path, value)
            except ValidationError as exc:
                raise self._labelled(exc) from None

        return check

    @staticmethod
    def _labelled(exc: ValidationError) -> ValidationError:
        """The same errors, named by the setting's label instead of its dotted path."""
        return ValidationError(
            [FieldError(setting_label(e.field), e.code, e.params) for e in exc.errors]
        )

    def _build_section(self, section: str) -> ttk.Frame:
        page = ttk.Frame(self.body)
        paths = _section_fields(section)
        columns = COLUMNS.get(section, 1)
        form = FormFrame(page, [self._field(p) for p in paths], columns=columns)
        form.pack(anchor="nw")  # natural widths: a 2-digit setting needs no 900-pixel entry
        self.forms[section] = form
        for label in form.errors.values():  # long help wraps instead of being cut off
            label.configure(wraplength=HINT_WRAP[columns > 1], justify="left")
        for i, path in enumerate(paths):
            self.section_of[path] = section
            if path in PICKERS and columns == 1:
                ttk.Button(
                    form,
                    text=_("Choose…"),
                    bootstyle="secondary-outline",
                    command=lambda p=path: self.pick(p),
                ).grid(row=i * 2, column=2, sticky="w", pady=(4, 0))
        if section == "ui":
            form.widgets["ui.theme"].bind(
                "<<ComboboxSelected>>", lambda _e: self.apply_theme(), add="+"
            )
        return page

    def _build_certificate(self) -> ttk.Frame:
        page = ttk.Frame(self.body)
        self.cert_text = ttk.Label(page, text="", justify="left", wraplength=640)
        self.cert_text.pack(anchor="w", pady=(4, 4))
        self.cert_grid = ttk.Frame(page)
        self.cert_grid.pack(anchor="w", pady=(0, 10))
        self.export_button = ttk.Button(
            page,
            text=_("Export certificate…"),
            bootstyle="primary-outline",
            command=self.ask_export_certificate,
        )
        self.export_button.pack(anchor="w")
        ttk.Label(
            page,
            text=_(
                "Give the exported certificate to anyone who needs to check that a slip came "
                "from this shop and was not changed."
            ),
            bootstyle="secondary",
            wraplength=640,
            justify="left",
        ).pack(anchor="w", pady=(8, 0))
        return page

    def _build_server(self) -> ttk.Frame:
        from app.ui.server_panel import ServerPanel

        page = ttk.Frame(self.body)
        self.server_panel = ServerPanel(
            page, self.desk.data_dir, can_save=allowed(self.desk.ctx, Action.SETTINGS), wrap=640
        )
        self.server_panel.pack(anchor="nw", pady=(4, 0))
        return page

    # --- showing ---------------------------------------------------------------------------

    def show_section(self, section: str) -> None:
        self.nav_var.set(section)
        for page in self.pages.values():
            page.pack_forget()
        self.pages[section].pack(fill="both", expand=True)
        self.body_scroll.canvas.yview_moveto(0)
        self.save_button.pack_forget()
        self.revert_button.pack_forget()
        if section not in (CERTIFICATE, SERVER):  # nothing to save, or their own Save
            self.save_button.pack(side="right")
            self.revert_button.pack(side="right", padx=(0, 8))
        if section == SERVER:
            self.title.configure(text=_("Shop server (several PCs)"))
            self.intro.configure(
                text=_("Several PCs of the shop share one database on the shop's server.")
            )
            self.server_panel.load()
        elif section == CERTIFICATE:
            self.title.configure(text=_("Shop certificate"))
            self.intro.configure(text=_("Every printed slip is signed with this certificate."))
            self.show_certificate()
        else:
            self.title.configure(text=section_title(section))
            entry = SECTIONS.get(section)
            self.intro.configure(text=_(entry[1]) if entry else "")

    def load(self) -> None:
        """Show the saved values (also "undo changes")."""
        settings = self.desk.ctx.settings
        for form in self.forms.values():
            for path in form.fields:
                form.set(path, _as_text(settings.get_path(path)))
            form.clear_errors()

    def _printers_changed(self) -> None:
        """A printer remembered from the Print tab shows here too (other edits are kept)."""
        form = self.forms.get("printing")
        if form is None or not form.winfo_exists():
            return
        for path in list(form.fields):
            if path.split(".", 1)[1] not in FORM_PRINTERS:
                continue
            value = self.desk.ctx.settings.get_path(path)
            choices = self._printer_choices(value)
            form.fields[path] = dataclasses.replace(form.fields[path], choices=choices)
            form.widgets[path].configure(values=[_(text) for _c, text in choices])
            form.set(path, value)

    def show_certificate(self) -> None:
        from app.documents.signing import identity_info  # loads cryptography: only when shown

        got = self.desk.read(lambda _ctx: identity_info(self.desk.data_dir))
        if not got.ok:
            self._cert_message(self.desk.messages[-1].text)
            return
        self.certificate = got.value
        for child in self.cert_grid.winfo_children():
            child.destroy()
        rows = _identity_rows(got.value)
        self._cert_message(
            "" if rows else _("No certificate yet: one is made when the first slip is signed.")
        )
        for i, (name, value) in enumerate(rows):
            ttk.Label(self.cert_grid, text=name, bootstyle="secondary").grid(
                row=i, column=0, sticky="nw", padx=(0, 14), pady=2
            )
            ttk.Label(self.cert_grid, text=value).grid(row=i, column=1, sticky="w", pady=2)
        self.export_button.configure(state="normal" if rows else "disabled")

    def _cert_message(self, text: str) -> None:
        """One line above the certificate's details; hidden when there is nothing to say."""
        self.cert_text.configure(text=text)
        self.cert_text.pack_forget()
        if text:
            self.cert_text.pack(anchor="w", pady=(4, 4), before=self.cert_grid)

    # --- actions ---------------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for form in self.forms.values():
            out.update(form.values())
        return out

    def set_value(self, path: str, value: Any) -> None:
        """Type a value into a setting's field (as the user would)."""
        self.forms[self.section_of[path]].set(path, value)

    def error_text(self, path: str) -> str:
        return self.forms[self.section_of[path]].error_text(path)

    def changes(self) -> tuple[dict[str, Any], list[FieldError]]:
        """What differs from the saved settings, and the errors of values that cannot be used."""
        saved = self.desk.ctx.settings
        changes: dict[str, Any] = {}
        errors: list[FieldError] = []
        for path, value in self.values().items():
            try:
                candidate = saved.replace_path(path, value)
            except ValidationError as exc:
                errors.extend(exc.errors)
                continue
            if candidate.get_path(path) != saved.get_path(path):
                changes[path] = value
        return changes, errors

    def save(self) -> bool:
        """Check every field, then save the changed ones in one call. True when saved."""
        for form in self.forms.values():
            form.clear_errors()
        changes, errors = self.changes()
        if errors:
            self._show_errors(errors)
            first = self.section_of.get(errors[0].field)
            if first:
                self.show_section(first)
            text = _("Not saved: {n} setting(s) need a correction.").format(n=len(errors))
            self._say(text, "danger")
            self.desk.notify(text, "warning")
            return False
        if not changes:
            self._say(_("Nothing changed."), "secondary")
            return False
        if not allowed(self.desk.ctx, Action.SETTINGS):
            # Settings are the owner's: the owner types their PIN to allow this one save.
            self.owner_dialog = ask_owner(
                self, self.desk, lambda owner_ctx: self._store(changes, owner_ctx)
            )
            text = _("Saving settings needs the owner: waiting for the owner's PIN.")
            self._say(text, "warning")
            self.desk.notify(text, "warning")
            return False
        return self._store(changes, self.desk.ctx).ok

    def _store(self, changes: dict[str, Any], ctx: Context) -> Outcome:
        got = self.desk.call(update_settings, changes, as_ctx=ctx)
        if not got.ok:
            if isinstance(got.error, ValidationError):
                self._show_errors(got.error.errors)
            self._say(self.desk.messages[-1].text if self.desk.messages else "", "danger")
            return got
        old_theme = self.desk.ctx.settings.ui.theme
        self.desk.with_settings(got.value)
        self.load()
        if got.value.ui.theme != old_theme:
            self.apply_theme()
        text = _("Saved {n} setting(s).").format(n=len(changes))
        if "ui.language" in changes:
            text += " " + _("The language changes at the next start.")
        self._say(text, "success")
        self.desk.notify(text, "success")
        return got

    def _show_errors(self, errors: list[FieldError]) -> None:
        for e in errors:
            section = self.section_of.get(e.field)
            if section:
                labelled = FieldError(setting_label(e.field), e.code, e.params)
                self.forms[section].set_error(e.field, field_message(labelled))

    def _say(self, text: str, style: str) -> None:
        self.message.configure(text=text, bootstyle=style)

    def apply_theme(self) -> str:
        """Show the chosen theme at once (saving it keeps it for the next start)."""
        mode = self.forms["ui"].get("ui.theme") or "light"
        style = ttk.Style.get_instance()
        if style.theme.name != theme_name(mode):
            style.theme_use(theme_name(mode))
            self.desk.emit("theme", mode)
        return mode

    def pick(self, path: str) -> str:
        kind, types = PICKERS[path]
        current = str(self.values().get(path) or "")
        start = str(Path(current).parent) if current else str(Path.home())
        if kind == "folder":
            chosen = filedialog.askdirectory(parent=self, initialdir=start, mustexist=True)
        else:
            chosen = filedialog.askopenfilename(
                parent=self,
                initialdir=start,
                filetypes=[*((_(label), pattern) for label, pattern in types), (_("All"), "*")],
            )
        if chosen:
            self.set_value(path, str(chosen))
        return str(chosen or "")

    def ask_export_certificate(self) -> None:
        out = filedialog.asksaveasfilename(
            parent=self,
            initialdir=str(paths.documents_dir()),
            defaultextension=".pem",
            initialfile="afterdesk-shop-certificate.pem",
            filetypes=[(_("Certificate"), "*.pem *.crt *.cer"), (_("All"), "*")],
        )
        if out:
            self.export_certificate(Path(out))

    def export_certificate(self, out: Path) -> bool:
        from app.services.paper.certificates import export_certificate

        got = self.desk.read(export_certificate, out)
        if got.ok:
            text = _("Certificate saved to {path}.").format(path=out)
            self.desk.notify(text, "success")
            self._say(text, "success")
        return got.ok


def _identity_rows(info: Any) -> list[tuple[str, str]]:
    """(name, value) lines about the signing identity; empty when there is none yet."""
    if not info:
        return []
    if dataclasses.is_dataclass(info):
        info = {f.name: getattr(info, f.name) for f in dataclasses.fields(info)}
    if not isinstance(info, dict):
        return [(_("Certificate"), str(info))]
    names = {
        "subject": _("Issued to"),
        "issuer": _("Issued by"),
        "serial": _("Serial number"),
        "not_before": _("Valid from"),
        "not_after": _("Valid until"),
        "fingerprint": _("SHA-256 fingerprint"),
        "root_fingerprint": _("Root certificate fingerprint"),
        "source": _("Source"),
    }
    sources = {"created": _("made by AfterDesk"), "imported": _("imported (PKCS#12)")}
    return [
        (names.get(k, k), sources.get(str(v), str(v)) if k == "source" else str(v))
        for k, v in info.items()
        if v not in (None, "")
    ]
