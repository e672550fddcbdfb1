"""Owner-only steps at someone else's session: the owner types their PIN for that one step.

When the signed-in user may do the step themselves, it simply runs. Otherwise a small dialog asks
for an owner and their PIN; the step then runs once with the owner's rights and the event log
records who confirmed it for whom.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from typing import Any

from app.i18n import N_, _
from app.services.shop import accounts
from app.services.shop.context import Context
from app.services.shop.permissions import Action, allowed
from app.ui.desk import Desk, Outcome
from app.ui.dialogs import FormDialog
from app.ui.widgets.fields import Field, FormFrame


def ask_owner(
    master: tk.Misc,
    desk: Desk,
    proceed: Callable[[Context], Outcome],
    *,
    reason: str = "",
) -> FormDialog:
    """The owner-PIN dialog; ``proceed(owner_ctx)`` runs when the PIN is right."""
    names = accounts.owner_names()
    fields = [
        Field(
            "owner",
            N_("Owner"),
            kind="choice",
            choices=[(n, n) for n in names],
            default=names[0] if names else "",
        ),
        Field("pin", N_("Owner's PIN"), kind="password", required=True, width=16),
    ]

    def submit(values: dict[str, Any], form: FormFrame) -> Outcome:
        got = desk.read(accounts.confirm_owner, values["owner"], values["pin"], form=form)
        if not got.ok:
            form.set("pin", "")
            return got
        return proceed(got.value)

    intro = reason or _("This step needs the owner. The owner enters their PIN to allow it once.")
    return FormDialog(
        master,
        _("Owner's confirmation"),
        fields,
        submit,
        intro=intro,
        ok_text=_("Allow"),
        ok_style="warning",
    )


def confirm_owner(
    panel: Any,
    permission: Action,
    proceed: Callable[[Context], Any],
    *,
    form: FormFrame | None = None,
    done: str = "",
) -> Outcome:
    """Run ``proceed(ctx)`` with the rights ``permission`` needs, asking the owner when needed.

    ``panel`` is anything with a ``desk`` (a record panel, a tab). When the owner must confirm,
    this returns a failed Outcome at once (the calling dialog stays open) and closes that dialog
    after the owner's PIN allowed the step and it succeeded.
    """
    desk: Desk = panel.desk
    if allowed(desk.ctx, permission):
        return desk.call(lambda ctx: proceed(ctx), form=form, done=done)
    caller = form.winfo_toplevel() if form is not None else None

    def with_owner(owner_ctx: Context) -> Outcome:
        outcome = desk.call(lambda ctx: proceed(ctx), form=form, done=done, as_ctx=owner_ctx)
        if outcome.ok and caller is not None and caller is not desk.root and caller.winfo_exists():
            caller.destroy()
        return outcome

    dialog = ask_owner(panel, desk, with_owner)
    if hasattr(panel, "dialog"):
        panel.owner_dialog = dialog
    desk.owner_dialog = dialog  # type: ignore[attr-defined]
    desk.notify(_("Waiting for the owner's PIN…"), "info")
    return Outcome(False)
