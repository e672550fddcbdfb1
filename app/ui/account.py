"""The Account menu: change my PIN, staff accounts, lock, switch user, backups, customer data.

Owner-only steps ask for the owner's PIN when someone else is signed in (app/ui/owner.py).
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from pathlib import Path
from tkinter import filedialog
from typing import Any

import ttkbootstrap as ttk

from app import paths
from app.domain.codes import Role
from app.i18n import N_, _
from app.i18n.check_texts import history_verdict
from app.i18n.labels import ROLES, backup_reason, label
from app.services.safekeeping import backups, privacy
from app.services.safekeeping.audit_check import verify_history
from app.services.shop import accounts
from app.services.shop.context import Context
from app.services.shop.permissions import Action, allowed
from app.ui.desk import Desk, Outcome
from app.ui.dialogs import FormDialog
from app.ui.login import OWNER_PIN_HINT
from app.ui.owner import ask_owner
from app.ui.widgets.fields import Field, FormFrame

ROLE_CHOICES = [(code, text) for code, text in ROLES.items()]


def change_pin(master: tk.Misc, desk: Desk) -> FormDialog:
    fields = [
        Field("old", N_("Current PIN"), kind="password", required=True, width=18),
        Field(
            "new",
            N_("New PIN"),
            kind="password",
            required=True,
            width=18,
            hint=OWNER_PIN_HINT
            if desk.ctx.actor.role == Role.OWNER
            else N_("6 or more digits, not 123456 or 000000"),
        ),
        Field("new2", N_("New PIN again"), kind="password", required=True, width=18),
    ]

    def submit(values: dict[str, Any], form: FormFrame) -> Outcome:
        if values["new"] != values["new2"]:
            form.set_error("new2", _("The two PINs differ."))
            return Outcome(False)
        return desk.call(
            accounts.change_own_pin,
            values["old"],
            values["new"],
            form=form,
            done=_("Your PIN is changed."),
        )

    return FormDialog(master, _("Change my PIN"), fields, submit)


def with_owner(master: tk.Misc, desk: Desk, action: Action, open_: Callable[[Context], Any]) -> Any:
    """Open an owner-only screen: directly for the owner, after the owner's PIN otherwise."""
    if allowed(desk.ctx, action):
        return open_(desk.ctx)

    def proceed(owner_ctx: Context) -> Outcome:
        open_(owner_ctx)
        return Outcome(True)

    return ask_owner(master, desk, proceed)


class StaffDialog(ttk.Toplevel):
    """Staff accounts: add, reset a PIN, unlock, disable (acting as the owner)."""

    def __init__(self, master: tk.Misc, desk: Desk, ctx: Context) -> None:
        super().__init__(
            title=_("Staff accounts"), transient=master.winfo_toplevel(), master=master
        )
        self.desk, self.ctx = desk, ctx
        body = ttk.Frame(self, padding=14)
        body.pack(fill="both", expand=True)
        cols = ("name", "display", "role", "state", "last")
        self.tree = ttk.Treeview(body, columns=cols, show="headings", height=9, selectmode="browse")
        for col, text, width in (
            ("name", _("Login name"), 110),
            ("display", _("Name"), 120),
            ("role", _("Role"), 110),
            ("state", _("State"), 170),
            ("last", _("Last sign-in"), 130),
        ):
            self.tree.heading(col, text=text, anchor="w")
            self.tree.column(col, width=width, anchor="w")
        self.tree.pack(fill="both", expand=True)
        bar = ttk.Frame(body)
        bar.pack(fill="x", pady=(10, 0))
        for text, style, command in (
            (_("Add…"), "primary", self.add),
            (_("Set PIN…"), "secondary", self.set_pin),
            (_("Unlock"), "secondary", self.unlock),
            (_("Disable"), "danger-outline", self.disable),
            (_("Close"), "secondary-outline", self.destroy),
        ):
            ttk.Button(bar, text=text, bootstyle=style, command=command).pack(
                side="left", padx=(0, 6)
            )
        self.bind("<Escape>", lambda _e: self.destroy())
        self.refresh()

    def refresh(self) -> None:
        self.tree.delete(*self.tree.get_children())
        got = self.desk.call(accounts.list_users, writes=False, as_ctx=self.ctx)
        for u in got.value if got.ok else []:
            state = [] if u.active else [_("disabled")]
            if u.locked_until:
                state.append(_("locked"))
            if u.demo_pin:
                state.append(_("demo PIN — change it"))
            last = (
                self.ctx.local(u.last_login_at).strftime("%Y-%m-%d %H:%M")
                if u.last_login_at
                else ""
            )
            role = label(ROLES, u.role) + (" · " + _("manager") if u.is_manager else "")
            self.tree.insert(
                "",
                "end",
                iid=u.name,
                values=(u.name, u.display_name, role, ", ".join(state) or _("active"), last),
            )

    def selected(self) -> str:
        sel = self.tree.selection()
        return sel[0] if sel else ""

    def _call(
        self,
        fn: Callable[..., Any],
        *args: Any,
        form: FormFrame | None = None,
        done: str = "",
        **kwargs: Any,
    ) -> Outcome:
        outcome = self.desk.call(fn, *args, form=form, done=done, as_ctx=self.ctx, **kwargs)
        if outcome.ok:
            self.refresh()
        return outcome

    def add(self) -> FormDialog:
        fields = [
            Field("login", N_("Login name"), required=True, width=20),
            Field("display_name", N_("Name"), width=20),
            Field("role", N_("Role"), kind="choice", choices=ROLE_CHOICES, default="front_desk"),
            Field("is_manager", N_("Manager on duty (may approve up to the limit)"), kind="check"),
            Field(
                "pin",
                N_("PIN"),
                kind="password",
                required=True,
                width=20,
                hint=N_("6 or more digits, not 123456 or 000000"),
            ),
        ]

        def submit(v: dict[str, Any], form: FormFrame) -> Outcome:
            return self._call(
                accounts.add_user,
                v["login"],
                v["display_name"],
                v["role"],
                v["pin"],
                is_manager=bool(v["is_manager"]),
                form=form,
                done=_("Account added."),
            )

        self.dialog = FormDialog(self, _("New staff account"), fields, submit)
        self.dialog.bind(
            "<Destroy>", lambda _e: self.refresh() if self.winfo_exists() else None, add="+"
        )
        return self.dialog

    def set_pin(self) -> FormDialog | None:
        name = self.selected()
        if not name:
            return None
        fields = [Field("pin", N_("New PIN"), kind="password", required=True, width=20)]

        def submit(v: dict[str, Any], form: FormFrame) -> Outcome:
            return self._call(
                accounts.set_pin,
                name,
                v["pin"],
                form=form,
                done=_("PIN set for {name}.").format(name=name),
            )

        self.dialog = FormDialog(self, _("Set PIN for {name}").format(name=name), fields, submit)
        return self.dialog

    def unlock(self) -> Outcome | None:
        name = self.selected()
        return (
            self._call(accounts.unlock, name, done=_("{name} unlocked.").format(name=name))
            if name
            else None
        )

    def disable(self) -> Outcome | None:
        name = self.selected()
        return (
            self._call(accounts.deactivate, name, done=_("{name} disabled.").format(name=name))
            if name
            else None
        )


class BackupDialog(ttk.Toplevel):
    """Backups: the list, back up now, restore one (owner; a backup of now is made first)."""

    def __init__(self, master: tk.Misc, desk: Desk, on_restored: Callable[[], Any]) -> None:
        super().__init__(title=_("Backups"), transient=master.winfo_toplevel(), master=master)
        self.desk = desk
        self.on_restored = on_restored
        body = ttk.Frame(self, padding=14)
        body.pack(fill="both", expand=True)
        ttk.Label(
            body,
            text=_(
                "Backups are taken when the program closes and every {n} minutes "
                "while something changes; old ones are thinned out."
            ).format(n=desk.ctx.settings.backup.interval_minutes),
            wraplength=560,
            justify="left",
            bootstyle="secondary",
        ).pack(anchor="w", pady=(0, 8))
        self.tree = ttk.Treeview(
            body,
            columns=("at", "reason", "size", "where"),
            show="headings",
            height=10,
            selectmode="browse",
        )
        for col, text, width in (
            ("at", _("Taken"), 140),
            ("reason", _("Why"), 130),
            ("size", _("Size"), 80),
            ("where", _("Folder"), 220),
        ):
            self.tree.heading(col, text=text, anchor="w")
            self.tree.column(col, width=width, anchor="w")
        self.tree.pack(fill="both", expand=True)
        bar = ttk.Frame(body)
        bar.pack(fill="x", pady=(10, 0))
        ttk.Button(bar, text=_("Back up now"), bootstyle="primary", command=self.backup).pack(
            side="left", padx=(0, 6)
        )
        ttk.Button(
            bar, text=_("Restore selected…"), bootstyle="danger-outline", command=self.restore
        ).pack(side="left", padx=(0, 6))
        ttk.Button(bar, text=_("Close"), bootstyle="secondary-outline", command=self.destroy).pack(
            side="right"
        )
        ttk.Button(
            bar,
            text=_("Check the records…"),
            bootstyle="secondary-outline",
            command=self.check_records,
        ).pack(side="right", padx=(0, 6))
        self.check_result = ttk.Label(body, text="", wraplength=560, justify="left")
        self.check_result.pack(anchor="w", pady=(8, 0))
        self.verdict: Any = None
        self.bind("<Escape>", lambda _e: self.destroy())
        self.infos: list[backups.BackupInfo] = []
        self.refresh()

    def refresh(self) -> None:
        self.tree.delete(*self.tree.get_children())
        got = self.desk.read(backups.list_backups)
        self.infos = got.value if got.ok else []
        for i, b in enumerate(self.infos):
            self.tree.insert(
                "",
                "end",
                iid=str(i),
                values=(
                    self.desk.ctx.local(b.taken_at).strftime("%Y-%m-%d %H:%M"),
                    backup_reason(b.reason),
                    f"{b.size / 1024:.0f} KB",
                    str(b.path.parent),
                ),
            )

    def check_records(self) -> FormDialog:
        """Walk the whole event log (seconds on a large shop: off the window's thread)."""
        seal = Field(
            "seal",
            N_("Record seal (optional)"),
            width=40,
            hint=N_("The seal printed at the end of a monthly summary."),
        )

        def submit(values: dict[str, Any], _form: FormFrame) -> Outcome:
            anchor = str(values.get("seal") or "").strip()

            def done(report: Any) -> None:
                self.verdict = report
                if not self.winfo_exists():
                    return
                self.check_result.configure(
                    text=history_verdict(report, anchor),
                    bootstyle="success" if report.ok else "danger",
                )
                if report.ok:
                    self.desk.notify(_("Records checked: nothing was changed."), "success")
                else:
                    self.desk.notify(_("The records check found a problem."), "danger")

            self.desk.run_long(
                "check-records",
                lambda _progress: verify_history(self.desk.ctx, anchor),
                done,
            )
            return Outcome(True, None)

        return FormDialog(
            self,
            _("Check the records"),
            [seal],
            submit,
            intro=_(
                "Every change the program makes is linked to the one before it. The check "
                "walks all of them and names the first that was altered or removed."
            ),
            ok_text=_("Check"),
        )

    def backup(self) -> Outcome:
        outcome = self.desk.call(
            backups.backup_now, "manual", writes=False, done=_("Backup written.")
        )
        self.refresh()
        return outcome

    def restore(self) -> Any:
        sel = self.tree.selection()
        if not sel:
            return None
        source = self.infos[int(sel[0])].path

        def proceed(ctx: Context) -> Outcome:
            outcome = self.desk.call(
                backups.restore,
                source,
                writes=False,
                as_ctx=ctx,
                done=_("Restored. Please sign in again."),
            )
            if outcome.ok:
                self.destroy()
                self.on_restored()
            return outcome

        return ask_owner(
            self,
            self.desk,
            proceed,
            reason=_(
                "Restoring replaces today's records with the backup's (a backup of now is made "
                "first). The owner enters their PIN to go ahead."
            ),
        )


def customer_data(master: tk.Misc, desk: Desk) -> FormDialog:
    """Export one customer's data as JSON, or erase it on request (owner)."""
    fields = [
        Field("key", N_("Customer phone, #id or a record number"), required=True, width=24),
        Field("erase", N_("Erase this customer's personal data (cannot be undone)"), kind="check"),
    ]

    def submit(v: dict[str, Any], form: FormFrame) -> Outcome:
        if v["erase"]:

            def proceed(ctx: Context) -> Outcome:
                return desk.call(
                    privacy.erase_customer,
                    v["key"],
                    confirm_owner=True,
                    form=form,
                    as_ctx=ctx,
                    done=_("Customer data erased."),
                )

            if allowed(desk.ctx, Action.ERASE):
                return proceed(desk.ctx)
            ask_owner(master, desk, proceed)
            return Outcome(False)
        out = filedialog.asksaveasfilename(
            parent=master,
            initialdir=str(paths.documents_dir()),
            defaultextension=".json",
            filetypes=[("JSON", "*.json")],
        )
        if not out:
            return Outcome(False)
        return export_customer_to(desk, v["key"], Path(out), form=form)

    return FormDialog(master, _("Customer data (privacy)"), fields, submit)


def export_customer_to(
    desk: Desk, key: str, out: Path, *, form: FormFrame | None = None
) -> Outcome:
    import json

    got = desk.call(privacy.export_customer, key, form=form, writes=False)
    if got.ok:
        out.write_text(json.dumps(got.value, ensure_ascii=False, indent=2), encoding="utf-8")
        desk.notify(_("Exported to {file}").format(file=out), "success")
    return got
