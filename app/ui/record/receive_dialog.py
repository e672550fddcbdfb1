"""Receiving returned goods: one row per RMA line with the quantity that arrived and the
difference to what was expected, computed as you type (002 warehouse return receipt)."""

from __future__ import annotations

import dataclasses
import tkinter as tk
from typing import Any

import ttkbootstrap as ttk

from app.domain.errors import ValidationError
from app.domain.validation import validate_qty
from app.i18n import N_, _
from app.i18n.messages import field_message
from app.services.casework.views import CaseDetail
from app.services.remedies import returns
from app.ui.desk import Desk, Outcome
from app.ui.widgets.fields import Field, FormFrame

FIELDS = (
    Field(
        "package_damaged",
        N_("Package damaged"),
        kind="check",
        hint=N_("Damaged or missing units are claimed from the carrier (within {hours} h)"),
    ),
    Field("note", N_("Note"), kind="multiline", height=2, width=44),
)


class ReceiveDialog(ttk.Toplevel):
    """Per-line received quantities; ``ok()`` records them and moves the return to received."""

    def __init__(self, master: tk.Misc, desk: Desk, detail: CaseDetail) -> None:
        rma = detail.rma
        assert rma is not None
        super().__init__(
            title=_("Receive goods — {number}").format(number=rma.number),
            transient=master.winfo_toplevel(),
            master=master,
        )
        self.desk = desk
        self.detail = detail
        self.lines = {ln.id: ln for ln in rma.lines}
        self.qty: dict[int, tk.StringVar] = {}
        self.damaged: dict[int, tk.StringVar] = {}  # units that arrived broken (carrier claim)
        self.entries: dict[int, ttk.Entry] = {}
        self.diff_labels: dict[int, ttk.Label] = {}
        self.line_errors: dict[int, ttk.Label] = {}
        self.result: Outcome | None = None
        body = ttk.Frame(self, padding=14)
        body.pack(fill="both", expand=True)
        intro = _("Count what arrived, line by line; the difference is kept on the receipt.")
        if rma.expected_by:
            intro += " " + _("Expected by {date}.").format(date=rma.expected_by.isoformat())
        ttk.Label(body, text=intro, wraplength=520, justify="left").pack(anchor="w", pady=(0, 8))
        self._build_table(body)
        self.summary = ttk.Label(body, font=("TkDefaultFont", 10, "bold"))
        self.summary.pack(anchor="e", pady=(4, 4))
        hours = desk.ctx.settings.returns.carrier_claim_hours
        damaged = dataclasses.replace(FIELDS[0], hint=_(FIELDS[0].hint).format(hours=hours))
        self.form = FormFrame(body, (damaged, *FIELDS[1:]))
        self.form.pack(fill="x")
        bar = ttk.Frame(body)
        bar.pack(fill="x", pady=(12, 0))
        self.ok_button = ttk.Button(
            bar, text=_("Record receipt"), bootstyle="success", command=self.ok
        )
        self.ok_button.pack(side="right")
        ttk.Button(bar, text=_("Cancel"), bootstyle="secondary-outline", command=self.destroy).pack(
            side="right", padx=(0, 8)
        )
        self.bind("<Return>", self._on_return)
        self.bind("<Escape>", lambda _e: self.destroy())
        for line_id in self.lines:
            self._update(line_id)
        self.after_idle(self._place)

    # --- layout ------------------------------------------------------------------------------

    def _build_table(self, body: ttk.Frame) -> None:
        table = ttk.Frame(body)
        table.pack(fill="x")
        heads = (
            (_("Item"), "w"),
            (_("Batch"), "w"),
            (_("Expected"), "e"),
            (_("Received"), "e"),
            (_("Difference"), "e"),
            (_("Damaged"), "e"),
        )
        for col, (text, anchor) in enumerate(heads):
            ttk.Label(table, text=text, bootstyle="secondary").grid(
                row=0, column=col, sticky=anchor, padx=(0, 14), pady=(0, 4)
            )
        ttk.Separator(table).grid(row=1, column=0, columnspan=6, sticky="we", pady=(0, 4))
        table.columnconfigure(0, weight=1)
        for i, ln in enumerate(self.lines.values()):
            row = 2 + i * 2
            item = " ".join(x for x in (ln.description, ln.spec) if x)
            ttk.Label(table, text=item, wraplength=260).grid(
                row=row, column=0, sticky="w", padx=(0, 14)
            )
            ttk.Label(table, text=ln.batch or "—").grid(row=row, column=1, sticky="w", padx=(0, 14))
            ttk.Label(table, text=f"{ln.qty_expected} {ln.unit}").grid(
                row=row, column=2, sticky="e", padx=(0, 14)
            )
            start = ln.qty_received if ln.qty_received is not None else ln.qty_expected
            var = tk.StringVar(self, value=str(start))
            entry = ttk.Entry(table, textvariable=var, width=6, justify="right")
            entry.grid(row=row, column=3, sticky="e", padx=(0, 14), pady=2)
            var.trace_add("write", lambda *_a, n=ln.id: self._update(n))
            diff = ttk.Label(table, width=6, anchor="e", font=("TkDefaultFont", 10, "bold"))
            diff.grid(row=row, column=4, sticky="e")
            broken = tk.StringVar(self, value="0")
            ttk.Entry(table, textvariable=broken, width=5, justify="right").grid(
                row=row, column=5, sticky="e", padx=(14, 0), pady=2
            )
            self.damaged[ln.id] = broken
            err = ttk.Label(table, bootstyle="danger", font=("TkDefaultFont", 8))
            err.grid(row=row + 1, column=0, columnspan=6, sticky="e", padx=(0, 14))
            self.qty[ln.id] = var
            self.entries[ln.id] = entry
            self.diff_labels[ln.id] = diff
            self.line_errors[ln.id] = err

    def _place(self) -> None:
        if not self.winfo_exists():
            return
        first = next(iter(self.entries.values()), None)
        if first is not None:
            first.focus_set()
            first.select_range(0, "end")
        owner = self.master.winfo_toplevel()
        self.update_idletasks()
        x = owner.winfo_rootx() + max(0, (owner.winfo_width() - self.winfo_reqwidth()) // 2)
        y = owner.winfo_rooty() + max(0, (owner.winfo_height() - self.winfo_reqheight()) // 3)
        self.geometry(f"+{x}+{y}")

    # --- values ------------------------------------------------------------------------------

    def set_qty(self, line_id: int, value: int | str) -> None:
        self.qty[line_id].set(str(value))

    def discrepancy(self, line_id: int) -> int | None:
        """Received minus expected for a line, or None while the entry is not a quantity."""
        try:
            got = validate_qty(self.qty[line_id].get(), "qty_received", minimum=0)
        except ValidationError:
            return None
        return got - self.lines[line_id].qty_expected

    def _update(self, line_id: int) -> None:
        diff = self.discrepancy(line_id)
        label = self.diff_labels[line_id]
        if diff is None:
            label.configure(text="?", bootstyle="danger")
            try:
                validate_qty(self.qty[line_id].get(), "qty_received", minimum=0)
            except ValidationError as exc:
                self.line_errors[line_id].configure(text=field_message(exc.errors[0]))
        else:
            self.line_errors[line_id].configure(text="")
            text = "✓ 0" if diff == 0 else f"{diff:+d}".replace("-", "−")
            label.configure(
                text=text, bootstyle="success" if diff == 0 else "danger" if diff < 0 else "warning"
            )
        self._summarise()

    def _summarise(self) -> None:
        diffs = [self.discrepancy(n) for n in self.lines]
        if any(d is None for d in diffs):
            self.summary.configure(text="", bootstyle="default")
            return
        short = -sum(d for d in diffs if d is not None and d < 0)
        over = sum(d for d in diffs if d is not None and d > 0)
        if not short and not over:
            self.summary.configure(text=_("Everything arrived as expected."), bootstyle="success")
            return
        parts = []
        if short:
            parts.append(_("{n} short").format(n=short))
        if over:
            parts.append(_("{n} more than expected").format(n=over))
        self.summary.configure(text=" · ".join(parts), bootstyle="danger")

    # --- errors (the desk puts validation errors here) -----------------------------------------

    def show_errors(self, exc: ValidationError) -> bool:
        found = False
        rest = []
        for err in exc.errors:
            if err.field.startswith(("qty_received[", "qty_damaged[")):
                try:
                    line_id = int(err.field.split("[", 1)[1].rstrip("]"))
                except ValueError:
                    continue
                if line_id in self.line_errors:
                    self.line_errors[line_id].configure(text=field_message(err))
                    self.entries[line_id].focus_set()
                    found = True
            else:
                rest.append(err)
        if rest:
            found = self.form.show_errors(ValidationError(rest)) or found
        return found

    def clear_errors(self) -> None:
        for lbl in self.line_errors.values():
            lbl.configure(text="")
        self.form.clear_errors()

    # --- submit ------------------------------------------------------------------------------

    def _on_return(self, _event: object) -> str | None:
        if isinstance(self.focus_get(), tk.Text):
            return None
        self.ok()
        return "break"

    def ok(self) -> Outcome:
        d = self.detail
        received: dict[int, Any] = {n: var.get().strip() for n, var in self.qty.items()}
        damaged: dict[int, Any] = {
            n: var.get().strip() for n, var in self.damaged.items() if var.get().strip() not in "0"
        }
        outcome = self.desk.call(
            returns.receive,
            d.number,
            received,
            package_damaged=bool(self.form.get("package_damaged")),
            damaged=damaged,
            note=self.form.get("note"),
            form=self,
            done=_("{number}: {text}").format(number=d.number, text=_("goods received")),
        )
        self.result = outcome
        if outcome.ok:
            self.destroy()
        return outcome
