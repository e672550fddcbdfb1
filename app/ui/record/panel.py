"""The record view: header with status and overdue mark, the buttons the state allows,
the facts, and the timeline."""

from __future__ import annotations

import tkinter as tk
import tkinter.font as tkfont
from collections.abc import Callable, Sequence
from typing import Any

import ttkbootstrap as ttk

from app.domain.workflows import workflow_for
from app.i18n import N_, _
from app.i18n.labels import KINDS, STATUSES, label
from app.services.casework.cases import move, show_case
from app.services.casework.views import CaseDetail
from app.ui.desk import Desk, Outcome
from app.ui.dialogs import ConfirmDialog, FormDialog
from app.ui.record import actions as registry
from app.ui.record import facts
from app.ui.widgets.fields import Field, FormFrame
from app.ui.widgets.timeline import Timeline, has_cjk, theme_colours
from app.ui.worker import Latest

NOTE = Field("note", N_("Note"), kind="multiline", height=2)

# Colours of the status badge by how far along a record is.
_FINAL_OK = {"collected", "done", "closed", "refunded", "exchanged", "credited", "paid", "resolved"}
_STOPPED = {"rejected", "cancelled", "scrapped", "returned_unrepaired", "withdrawn"}


#: Steps ordered from here on (extend the promise, correct the intake, show the passcode) are
#: seldom needed: they sit under one "More" menu, so a record's buttons stay one or two rows.
MORE_FROM = 70


class _MenuEntry:
    """A "More" menu item that tests (and keyboard users) can invoke like a button."""

    def __init__(self, command: Callable[[], Any]) -> None:
        self.command = command

    def invoke(self) -> Any:
        return self.command()

    def winfo_exists(self) -> bool:
        return True


def _read_record(ctx: Any, number: str) -> CaseDetail:
    """The record, read on the panel's reader thread; the first time, the modules of its
    buttons are imported there too (~20 ms the window would otherwise wait for)."""
    registry.load()
    return show_case(ctx, number)


class RecordPanel(ttk.Frame):
    """Shows one case; ``show(number)`` loads it, every write refreshes it.

    Records load on the panel's own reader thread (`ui.worker.Latest`): the window keeps
    answering meanwhile, and when the clerk picks A and then B before A arrived, A's answer is
    dropped and B is shown. ``wanted`` is the number asked for last, ``detail`` the one shown.
    """

    def __init__(self, master: tk.Misc, desk: Desk) -> None:
        super().__init__(master, padding=(10, 6))
        self.desk = desk
        self.detail: CaseDetail | None = None
        self.wanted: str | None = None
        self.reader = Latest(self, "record")
        self.buttons: dict[str, ttk.Button] = {}
        self.dialog: tk.Toplevel | None = None
        self._build()
        desk.on("changed", self.refresh)
        # Another person at the desk: the buttons are theirs (a clerk never keeps a manager's).
        desk.on("context", lambda _ctx: self.refresh())
        self.show_empty()

    # --- layout ----------------------------------------------------------------------------

    def _build(self) -> None:
        # Asks the pane for room for the facts and a row of buttons; the list beside it gets
        # the rest (the pane shares any shortfall by weight).
        ttk.Frame(self, width=590, height=0).pack(side="top")
        head = ttk.Frame(self)
        head.pack(fill="x")
        self.number_label = ttk.Label(head, font=("TkDefaultFont", 15, "bold"))
        self.number_label.pack(side="left")
        self.status_badge = ttk.Label(head, padding=(8, 2), bootstyle="@info")
        self.status_badge.pack(side="left", padx=(10, 0))
        self.overdue_badge = ttk.Label(
            head, text=" " + _("OVERDUE") + " ", padding=(6, 2), bootstyle="@danger"
        )
        # A second line: what the record is (kind and its ticket / RMA numbers) and the promise,
        # so neither is cut off beside a long number in a narrow pane.
        sub = ttk.Frame(self)
        sub.pack(fill="x", pady=(2, 0))
        self.kind_label = ttk.Label(sub, bootstyle="secondary", font=("TkDefaultFont", 10))
        self.kind_label.pack(side="left")
        self.promise_label = ttk.Label(sub, bootstyle="secondary")
        self.promise_label.pack(side="right")
        self.action_bar = ttk.Frame(self, height=1)
        self.action_bar.pack(fill="x", pady=(8, 6))
        self.action_bar.bind("<Configure>", self._flow, add="+")
        panes = ttk.Panedwindow(self, orient="vertical")
        panes.pack(fill="both", expand=True)
        self.facts_box = ttk.Frame(panes)
        self.facts_text = ttk.Text(
            self.facts_box,
            wrap="word",
            height=16,
            width=40,  # a small request: the pane decides the width
            relief="flat",
            borderwidth=0,
            highlightthickness=0,
            padx=4,
            pady=4,
            cursor="arrow",
        )
        scroll = ttk.Scrollbar(self.facts_box, orient="vertical", command=self.facts_text.yview)
        self.facts_text.configure(yscrollcommand=scroll.set)
        scroll.pack(side="right", fill="y")  # first, so a narrow pane never hides it
        self.facts_text.pack(side="left", fill="both", expand=True)
        self.facts_text.tag_configure(
            "section", font=("TkDefaultFont", 10, "bold"), spacing1=8, spacing3=2
        )
        self.facts_text.tag_configure("key", lmargin1=6)
        self.facts_text.tag_configure("value", lmargin2=150)
        self.facts_text.tag_configure("cjk", wrap="char")
        self.facts_text.tag_configure("rule", lmargin1=12, lmargin2=24)
        self._colour_facts()
        panes.add(self.facts_box, weight=3)
        timeline_box = ttk.Labelframe(panes, text=_("Timeline"), padding=4)
        self.timeline = Timeline(timeline_box, lambda when: self.desk.ctx.local(when))
        self.timeline.pack(fill="both", expand=True)
        panes.add(timeline_box, weight=1)
        self.desk.on("theme", self._restyle)

    def _colour_facts(self) -> None:
        """Muted keys and green rule lines in colours the current theme can read."""
        muted, _rule = theme_colours()
        try:
            green = str(ttk.Style.get_instance().colors.success)
        except Exception:  # noqa: BLE001 - no style yet
            green = "#2c6e49"
        self.facts_text.tag_configure("key", foreground=muted)
        self.facts_text.tag_configure("rule", foreground=green)

    def _restyle(self, *_args: object) -> None:
        if self.winfo_exists():
            self._colour_facts()
            self.timeline.restyle()

    def show_empty(self) -> None:
        self.reader.cancel()
        self.wanted = None
        self.detail = None
        self.number_label.configure(text=_("No record selected"))
        self.kind_label.configure(text=_("Pick one from the list or search with Ctrl+F."))
        self.status_badge.pack_forget()
        self.overdue_badge.pack_forget()
        self.promise_label.configure(text="")
        self._clear_actions()
        self._write_facts([])
        self.timeline.show([])

    # --- loading ---------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """Whether the record asked for last has not arrived yet."""
        return self.reader.busy

    def show(self, number: str) -> None:
        """Load a record; it is shown when it arrives, unless another was asked for since."""
        self.wanted = number
        self.desk.read_later(
            self.reader, _read_record, number, then=self._arrived, failed=self._lost
        )

    def show_detail(self, d: CaseDetail) -> None:
        """Show a record already read (opening one reads it to find its tab)."""
        self.reader.cancel()
        self.wanted = d.number
        self._render(d)

    def refresh(self) -> None:
        """Read the record again (after a write, or another person at the desk)."""
        if self.wanted is not None and self.winfo_exists():
            self.show(self.wanted)

    def _arrived(self, d: CaseDetail) -> None:
        if self.winfo_exists():
            self._render(d)

    def _lost(self, _exc: BaseException) -> None:
        """The record could not be read (the message says why): keep showing the last one."""
        self.wanted = self.detail.number if self.detail is not None else None

    def _render(self, d: CaseDetail) -> None:
        self.detail = d
        self.number_label.configure(text=d.number)
        kind = label(KINDS, d.kind)
        extra = [
            x for x in (d.repair.number if d.repair else "", d.rma.number if d.rma else "") if x
        ]
        self.kind_label.configure(text=" · ".join([kind, *extra]))
        style = (
            "@success"
            if d.status in _FINAL_OK
            else "@secondary"
            if d.status in _STOPPED
            else "@primary"
        )
        self.status_badge.configure(text=label(STATUSES, d.status), bootstyle=style)
        self.status_badge.pack(side="left", padx=(10, 0), after=self.number_label)
        if d.overdue:
            self.overdue_badge.pack(side="left", padx=(8, 0), after=self.status_badge)
        else:
            self.overdue_badge.pack_forget()
        promise = d.promise_date.isoformat() if d.promise_date else ""
        self.promise_label.configure(
            text=_("Promised by {date}").format(date=promise) if promise else ""
        )
        self._render_actions(d)
        ctx = self.desk.ctx
        sections: list[tuple[str, Any]] = [
            (_("Customer"), facts.customer_rows(d)),
            (_("Request"), facts.product_rows(ctx, d)),
            (_("Three-guarantee entitlement"), facts.entitlement_rows(d)),
            (_("Repair"), facts.repair_rows(ctx, d)),
            (_("Return"), facts.rma_rows(ctx, d)),
            (_("Money"), facts.money_rows(ctx, d)),
        ]
        self._write_facts(sections)
        self.timeline.show(d.events)

    def _write_facts(self, sections: Sequence[tuple[str, Any]]) -> None:
        t = self.facts_text
        font = tkfont.nametofont("TkDefaultFont")
        keys = [row[0] for _title, rows in sections for row in rows if not isinstance(row, str)]
        # The value column starts after the longest key (within reason), so both line up.
        widest = max((font.measure(k) for k in keys), default=80)
        indent = min(max(widest, 80), font.measure("M" * 16)) + 24
        t.tag_configure("value", lmargin2=indent)
        t.configure(state="normal", tabs=(indent,))
        t.delete("1.0", "end")
        for title, rows in sections:
            if not rows:
                continue
            t.insert("end", title + "\n", "section")
            for row in rows:
                if isinstance(row, str):
                    tags = ("rule", "cjk") if has_cjk(row) else ("rule",)
                    t.insert("end", "• " + row + "\n", tags)
                else:
                    key, value = row
                    text = str(value)
                    t.insert("end", f"{key}", "key")
                    tags = ("value", "cjk") if has_cjk(text) else ("value",)
                    t.insert("end", "\t" + text + "\n", tags)
        t.configure(state="disabled")

    def facts_plain(self) -> str:
        return self.facts_text.get("1.0", "end")

    # --- actions ---------------------------------------------------------------------------

    def _clear_actions(self) -> None:
        for child in self.action_bar.winfo_children():
            child.destroy()
        self.buttons = {}

    def _render_actions(self, d: CaseDetail) -> None:
        self._clear_actions()
        items: list[tuple[str, str, str, Callable[[], Any]]] = []
        for target in d.allowed:
            if registry.is_automatic(d, target):
                continue
            action = registry.transition_action(d, target, self.desk.ctx)
            if action is not None:
                items.append((action.id, _(action.label), action.style, self._runner(action)))
            else:
                items.append(
                    (
                        f"move:{target}",
                        "→ " + label(STATUSES, target),
                        "danger-outline" if target in _STOPPED else "primary-outline",
                        lambda t=target: self.ask_move(t),
                    )
                )
        rare: list[tuple[str, str, Callable[[], Any]]] = []
        for action in registry.extra_actions(d, self.desk.ctx):
            if action.order >= MORE_FROM:  # seldom needed: kept under "More…"
                rare.append((action.id, _(action.label) + "…", self._runner(action)))
            else:
                items.append((action.id, _(action.label), action.style, self._runner(action)))
        for key, text, style, command in items:
            self.buttons[key] = ttk.Button(
                self.action_bar, text=text, bootstyle=style, command=command
            )
        self._placed = list(self.buttons.values())
        if rare:
            more = ttk.Menubutton(self.action_bar, text=_("More"), bootstyle="secondary-outline")
            menu = tk.Menu(more, tearoff=False)
            for key, text, command in rare:
                menu.add_command(label=text, command=command)
                self.buttons[key] = _MenuEntry(command)  # type: ignore[assignment]
            more.configure(menu=menu)
            self.more_menu = menu
            self._placed.append(more)
        self._flow()

    def _flow(self, _event: object = None) -> None:
        """Lay the buttons out in rows as wide as the pane, so none is cut off."""
        width = self.action_bar.winfo_width()
        if width <= 1:
            width = max(self.winfo_width() - 24, 320)
        x = y = row_height = 0
        for b in getattr(self, "_placed", ()):
            w, h = b.winfo_reqwidth(), b.winfo_reqheight()
            if x and x + w > width:
                x, y, row_height = 0, y + row_height + 4, 0
            b.place(x=x, y=y)
            x += w + 6
            row_height = max(row_height, h)
        height = y + row_height + 2 if getattr(self, "_placed", ()) else 1
        if int(self.action_bar.cget("height")) != height:
            self.action_bar.configure(height=height)

    def _runner(self, action: registry.RecordAction) -> Callable[[], Any]:
        def run() -> Any:
            if self.detail is None:
                return None
            return action.run(self, self.detail)

        return run

    def press(self, key: str) -> Any:
        """Click one of the record's buttons by its id (``move:<status>`` for plain moves)."""
        return self.buttons[key].invoke()

    # --- helpers for actions ----------------------------------------------------------------

    def form(
        self,
        title: str,
        fields: Sequence[Field],
        submit: Callable[[dict[str, Any], FormFrame], Outcome],
        **kwargs: Any,
    ) -> FormDialog:
        """Open a dialog over the window; remembers it so tests and keys can reach it."""
        self.dialog = FormDialog(self, title, fields, submit, **kwargs)
        return self.dialog

    def ask_step(self, name: str) -> FormDialog:
        """A registry step without a dialog of its own: its fields, then `actions.run`."""
        from app.services import actions as steps

        d = self.detail
        assert d is not None
        step = steps.get(name)

        def submit(values: dict[str, Any], form: FormFrame) -> Outcome:
            return self.desk.call(
                steps.run,
                d.number,
                step.name,
                values,
                form=form,
                done=registry.done_text(d, _(step.label)),
            )

        return self.form(
            f"{_(step.label)} — {d.number}",
            list(step.fields),
            submit,
            intro=_(step.help) if step.help else "",
            ok_text=_(step.label),
            ok_style=step.style if step.style in ("primary", "success", "warning") else "primary",
        )

    def ask_move(self, target: str) -> ConfirmDialog:
        d = self.detail
        assert d is not None
        wf = workflow_for(d.kind)
        question = _("Move {number} from “{old}” to “{new}”?").format(
            number=d.number, old=label(STATUSES, d.status), new=label(STATUSES, target)
        )
        final = wf.is_final(target)

        def submit(values: dict[str, Any], form: FormFrame) -> Outcome:
            return self.desk.call(
                move,
                d.number,
                target,
                values.get("note", ""),
                form=form,
                done=_("{number}: {status}").format(
                    number=d.number, status=label(STATUSES, target)
                ),
            )

        self.dialog = ConfirmDialog(
            self,
            _("Change status"),
            question,
            submit,
            note=NOTE,
            ok_text=label(STATUSES, target),
            ok_style="danger" if target in _STOPPED else "success" if final else "primary",
        )
        return self.dialog
