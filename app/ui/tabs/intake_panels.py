"""The intake screen's read-only parts: who the customer is, and what they are entitled to.

Both only display what a service computed (`intake_help.customer_lookup` and `preview`); the
sentences come from app.i18n.rule_texts, the same ones the slips print.
"""

from __future__ import annotations

import tkinter as tk
import tkinter.font as tkfont
from collections.abc import Callable
from datetime import date

import ttkbootstrap as ttk

from app.domain.rules.entitlement import RIGHTS
from app.i18n import _
from app.i18n.labels import KINDS, STATUSES, label
from app.i18n.rule_texts import basis_text, eligibility_text, right_name
from app.services.casework.intake_help import CustomerSummary, IntakePreview, KnownSale
from app.ui.widgets.combo import Combobox
from app.ui.widgets.wrapping import wrap

WRAP = 310
SMALL = ("TkDefaultFont", 9)


def purchase_text(p: KnownSale) -> str:
    """One past purchase as the desk reads it: date, product and model, serial or order."""
    day = p.sale_date.isoformat() if p.sale_date else "—"
    what = " ".join(x for x in (p.product, p.model_spec) if x)
    ref = p.serial or p.order_no
    return f"{day}  {what}" + (f" · {ref}" if ref else "")


class CustomerCard(ttk.Frame):
    """ "Known customer · N cases" or "New customer", and their latest cases."""

    def __init__(
        self,
        master: tk.Misc,
        on_open: Callable[[str], None],
        on_pick: Callable[[KnownSale], None] | None = None,
    ) -> None:
        super().__init__(master)
        self._on_open = on_open
        self._on_pick = on_pick
        self.purchases: list[KnownSale] = []
        self.summary: CustomerSummary | None = None
        self.badge = ttk.Label(self, padding=(6, 2), bootstyle="secondary")
        self.badge.pack(anchor="w")
        columns = ("number", "kind", "status", "product", "date")
        self.tree = ttk.Treeview(
            self, columns=columns, show="headings", height=4, takefocus=False, selectmode="browse"
        )
        for col, text, width in (
            ("number", _("Number"), 112),
            ("kind", _("Kind"), 60),
            ("status", _("Status"), 76),
            ("product", _("Product"), 90),
            ("date", _("Date"), 80),
        ):
            self.tree.heading(col, text=text, anchor="w")
            self.tree.column(col, width=width, minwidth=40, stretch=col == "product")
        self.tree.bind("<Double-1>", self._open)
        self.tree.bind("<Return>", self._open)
        # What they bought here before: picking one fills the product and sale fields.
        self.purchase_row = ttk.Frame(self)
        ttk.Label(self.purchase_row, text=_("Past purchase"), bootstyle="secondary").pack(
            side="left"
        )
        self.purchase_box = Combobox(self.purchase_row, state="readonly", width=34)
        self.purchase_box.pack(side="left", fill="x", expand=True, padx=(6, 0))
        self.purchase_box.bind("<<ComboboxSelected>>", self._picked)
        self.show(None, typed=False)

    def show(self, summary: CustomerSummary | None, *, typed: bool) -> None:
        """``typed``: a whole phone number was typed (so "not found" means a new customer)."""
        self.summary = summary
        self.tree.delete(*self.tree.get_children())
        self.purchases = list(summary.purchases) if summary is not None else []
        self.purchase_box.set("")
        self.purchase_box.configure(values=[purchase_text(p) for p in self.purchases])
        if self.purchases and self._on_pick is not None:
            self.purchase_row.pack(fill="x", pady=(4, 0))
        else:
            self.purchase_row.pack_forget()
        if summary is None:
            self.tree.pack_forget()
            if typed:
                self.badge.configure(
                    text=_("New customer: fill in the name; the record is created on save."),
                    bootstyle="info",
                )
            else:
                self.badge.configure(
                    text=_("Type the phone number first: a known customer fills in."),
                    bootstyle="secondary",
                )
            return
        text = _("Known customer · class {cls} · {count} case(s)").format(
            cls=summary.service_class, count=summary.total_cases
        )
        if summary.warranty_repairs:
            text += " · " + _("{n} warranty repair(s)").format(n=summary.warranty_repairs)
        self.badge.configure(text=text, bootstyle="success")
        for c in summary.cases:
            self.tree.insert(
                "",
                "end",
                iid=c.number,
                values=(
                    c.number,
                    label(KINDS, c.kind),
                    label(STATUSES, c.status),
                    c.product or c.serial,
                    c.created.isoformat(),
                ),
            )
        self.tree.configure(height=min(3, max(1, len(summary.cases))))
        self.tree.pack(fill="x", pady=(4, 0), before=self.purchase_row if self.purchases else None)

    def rows(self) -> list[str]:
        return list(self.tree.get_children())

    def pick(self, index: int) -> None:
        """Use a past purchase (what choosing it in the list does)."""
        if self._on_pick is not None and 0 <= index < len(self.purchases):
            self._on_pick(self.purchases[index])

    def _picked(self, _event: object = None) -> None:
        self.pick(self.purchase_box.current())

    def _open(self, _event: object = None) -> None:
        selected = self.tree.selection()
        if selected:
            self._on_open(selected[0])


class EntitlementPanel(ttk.Labelframe):
    """The three guarantees for what is typed so far, updated live, with the rule's basis."""

    def __init__(self, master: tk.Misc) -> None:
        super().__init__(master, text=" " + _("Entitlement") + " ", padding=(10, 6))
        self.preview: IntakePreview | None = None
        self.rights: dict[str, tuple[ttk.Label, ttk.Label]] = {}
        grid = ttk.Frame(self)
        grid.pack(fill="x")
        for row, right in enumerate(RIGHTS):
            name = ttk.Label(grid, text=right_name(right))
            name.grid(row=row, column=0, sticky="w", pady=1)
            value = ttk.Label(grid, text="—", padding=(6, 1), bootstyle="secondary")
            value.grid(row=row, column=1, sticky="w", padx=(8, 0), pady=1)
            self.rights[right] = (name, value)
        grid.columnconfigure(1, weight=1)
        self.missing_label = ttk.Label(self, bootstyle="secondary", wraplength=WRAP, justify="left")
        self.missing_label.pack(fill="x", pady=(6, 0))
        self.eligibility_label = ttk.Label(self, wraplength=WRAP, justify="left")
        self.repeat_label = ttk.Label(
            self, bootstyle="danger", wraplength=WRAP, justify="left", font=SMALL
        )
        # One order, one refund: cases already taken on the typed order number.
        self.order_label = ttk.Label(
            self, bootstyle="danger", wraplength=WRAP, justify="left", font=SMALL
        )
        self.basis_frame = ttk.Frame(self)
        self.basis_frame.pack(fill="x", pady=(6, 0))
        self.basis_labels: list[ttk.Label] = []
        sep = ttk.Separator(self)
        sep.pack(fill="x", pady=8)
        self.promise_title = ttk.Label(self, bootstyle="secondary")
        self.promise_title.pack(anchor="w")
        self.promise_label = ttk.Label(self, font=("TkDefaultFont", 14, "bold"))
        self.promise_label.pack(anchor="w")
        self.answer_label = ttk.Label(self, bootstyle="secondary", font=SMALL)
        self.answer_label.pack(anchor="w")

    def _measure(self, text: str) -> int:
        if not hasattr(self, "_small_font"):
            self._small_font = tkfont.Font(root=self, font=SMALL)
        return int(self._small_font.measure(text))

    def show(self, p: IntakePreview, *, tz_local: Callable[[object], object]) -> None:
        self.preview = p
        ent = p.entitlement
        for right in RIGHTS:
            _name, value = self.rights[right]
            text, style = self._right_text(p, right)
            value.configure(text=text, bootstyle=style)
        if ent is None:
            self.missing_label.configure(
                text=_(
                    "Enter the category (or pick a known product) and the sale date to see "
                    "the three-guarantee rights."
                )
            )
            self.missing_label.pack(fill="x", pady=(6, 0), before=self.basis_frame)
        else:
            self.missing_label.pack_forget()
        for lbl in self.basis_labels:
            lbl.destroy()
        self.basis_labels = []
        if ent is not None:
            for b in ent.basis:
                if b.code == "expired":
                    continue  # the grid above already says which periods ended
                lbl = ttk.Label(
                    self.basis_frame,
                    # wrapped here: Tk alone left "•" and "。" on lines of their own and cut
                    # dates in two (issue 18 §8)
                    text=wrap("• " + basis_text(b.code, b.params), self._measure, WRAP - 4),
                    wraplength=WRAP,
                    justify="left",
                    font=SMALL,
                )
                lbl.pack(anchor="w", fill="x", pady=1)
                self.basis_labels.append(lbl)
        self._show_eligibility(p)
        self._show_repeat(p)
        self._show_same_order(p)
        self.promise_title.configure(
            text=_("Promise date (class {cls})").format(cls=p.service_class)
        )
        self.promise_label.configure(text=_weekday(p.promise_date))
        answer = tz_local(p.first_answer_due)
        self.answer_label.configure(
            text=_("First answer due by {when}").format(
                when=answer.strftime("%Y-%m-%d %H:%M")  # type: ignore[attr-defined]
            )
        )

    @staticmethod
    def _right_text(p: IntakePreview, right: str) -> tuple[str, str]:
        ent = p.entitlement
        if ent is None:
            return "—", "secondary"
        until = ent.until.get(right)
        held = {
            "no_reason_return": ent.no_reason_return,
            "return": ent.return_,
            "exchange": ent.exchange,
            "free_repair": ent.free_repair,
        }[right]
        if until is None:
            return _("does not apply"), "secondary"
        if held:
            return _("✓ until {until}").format(until=until.isoformat()), "success"
        if ent.on > until:
            return _("ended {until}").format(until=until.isoformat()), "secondary"
        return _("✗ not now (until {until})").format(until=until.isoformat()), "warning"

    def _show_eligibility(self, p: IntakePreview) -> None:
        e = p.eligibility
        if e is None:
            self.eligibility_label.pack_forget()
            return
        self.eligibility_label.configure(
            text=_("Return: {text}").format(text=eligibility_text(e.code, e.params)),
            bootstyle="success" if e.eligible else "danger",
        )
        self.eligibility_label.pack(fill="x", pady=(6, 0), before=self.basis_frame)

    def _show_repeat(self, p: IntakePreview) -> None:
        ent = p.entitlement
        if ent is not None and ent.repeat_failure_exchange:
            text = _(
                "Repeat failure: {n} warranty repairs on this serial already. If it still fails, "
                "the customer gets a free exchange."
            ).format(n=p.warranty_repairs)
            self.repeat_label.configure(text=text, bootstyle="danger")
        elif p.warranty_repairs:
            text = _("{n} earlier warranty repair(s) on this serial (free exchange after {limit}).")
            self.repeat_label.configure(
                text=text.format(n=p.warranty_repairs, limit=p.repeat_limit), bootstyle="warning"
            )
        else:
            self.repeat_label.pack_forget()
            return
        self.repeat_label.pack(fill="x", pady=(6, 0), before=self.basis_frame)

    def _show_same_order(self, p: IntakePreview) -> None:
        if not p.same_order:
            self.order_label.pack_forget()
            return
        self.order_label.configure(
            text=_(
                "This order already has case(s) {cases}: one order, one refund. The cases will "
                "be linked."
            ).format(cases=", ".join(p.same_order))
        )
        self.order_label.pack(fill="x", pady=(6, 0), before=self.basis_frame)

    def texts(self) -> list[str]:
        """Everything the panel shows, for tests and for copying."""
        out = [f"{n.cget('text')}: {v.cget('text')}" for n, v in self.rights.values()]
        for widget in (
            self.missing_label,
            self.eligibility_label,
            self.repeat_label,
            self.order_label,
        ):
            if widget.winfo_manager():
                out.append(str(widget.cget("text")))
        out.extend(str(lbl.cget("text")) for lbl in self.basis_labels)
        out.append(f"{self.promise_title.cget('text')}: {self.promise_label.cget('text')}")
        return out


def _weekday(day: date) -> str:
    names = (_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun"))
    return f"{day.isoformat()} {names[day.weekday()]}"
