"""Forms built from field specs (data), with the error shown right under the field.

A field may carry a pure check (a validator from app.domain.validation); it runs when the field
loses focus and shortly after typing stops, so mistakes show while the customer is still there.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable, Sequence
from typing import Any

import ttkbootstrap as ttk

from app.domain.errors import DomainError, ValidationError
from app.domain.fields import FieldSpec
from app.i18n import _
from app.i18n.messages import describe, field_message
from app.ui.widgets.combo import Combobox

#: The window's field is the domain's field spec: one declaration for window, CLI and slips.
Field = FieldSpec


class FormFrame(ttk.Frame):
    """Label, widget and error line for each field, in one or more columns."""

    DEBOUNCE_MS = 500
    #: Tk wraps each message at its field's width; a form that breaks its lines itself (the
    #: intake's, with Chinese line-break rules) says False, or Tk would break them again.
    WRAP_MESSAGES = True

    def __init__(
        self,
        master: tk.Misc,
        fields: Sequence[Field],
        *,
        columns: int = 1,
        on_change: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(master)
        self.fields = {f.name: f for f in fields}
        self.widgets: dict[str, tk.Widget] = {}
        self.vars: dict[str, tk.Variable] = {}
        self.errors: dict[str, ttk.Label] = {}
        self._on_change = on_change
        self._pending: dict[str, str] = {}
        row = col = 0
        for f in fields:
            if f.span and col:
                row, col = row + 1, 0
            self._build(f, row, col, columns if f.span else 1)
            col = columns if f.span else col + 1
            if col >= columns:
                row, col = row + 1, 0
        for c in range(columns):
            self.columnconfigure(c * 2 + 1, weight=1)

    # --- building --------------------------------------------------------------------------

    def _build(self, f: Field, row: int, col: int, span: int = 1) -> None:
        text = _(f.label) + (" *" if f.required else "")
        ttk.Label(self, text=text).grid(
            row=row * 2, column=col * 2, sticky="ne", padx=(8, 6), pady=(6, 0)
        )
        widget = self._widget(f)
        widget.grid(
            row=row * 2,
            column=col * 2 + 1,
            columnspan=span * 2 - 1,
            sticky="we",
            padx=(0, 10),
            pady=(4, 0),
        )
        hint = _(f.hint) if f.hint else ""
        err = ttk.Label(self, text=hint, bootstyle="secondary", font=("TkDefaultFont", 8))
        err.grid(
            row=row * 2 + 1, column=col * 2 + 1, columnspan=span * 2 - 1, sticky="w", padx=(0, 10)
        )
        if f.kind != "check" and self.WRAP_MESSAGES:
            # A message wraps under its field instead of widening the column (a list's side
            # form jumped wider, squeezing the table, each time a narrow field had an error).
            widget.bind(
                "<Configure>",
                lambda e, line=err: line.configure(wraplength=max(e.width - 6, 60)),
                "+",
            )
        self.errors[f.name] = err
        self.widgets[f.name] = widget

    def _widget(self, f: Field) -> tk.Widget:
        if f.kind == "multiline":
            w = ttk.Text(self, height=f.height, width=f.width, wrap="word", undo=True)
            if f.default:
                w.insert("1.0", str(f.default))
            # Tab moves on instead of typing a tab character.
            w.bind("<Tab>", lambda e: (e.widget.tk_focusNext().focus_set(), "break")[1])
            w.bind("<Shift-Tab>", lambda e: (e.widget.tk_focusPrev().focus_set(), "break")[1])
            w.bind("<KeyRelease>", lambda _e, n=f.name: self._changed(n), add="+")
            w.bind("<FocusOut>", lambda _e, n=f.name: self.check_field(n), add="+")
            return w
        if f.kind == "check":
            var: tk.Variable = tk.BooleanVar(self, value=bool(f.default))
            self.vars[f.name] = var
            w = ttk.Checkbutton(self, variable=var, command=lambda n=f.name: self._changed(n))
            return w
        var = tk.StringVar(self, value=self._label_for(f, f.default) if f.choices else f.default)
        self.vars[f.name] = var
        if f.kind == "choice":
            w = Combobox(
                self,
                textvariable=var,
                values=[_(label) for _code, label in f.choices],
                state="readonly",
                width=f.width,
            )
            w.bind("<<ComboboxSelected>>", lambda _e, n=f.name: self._changed(n), add="+")
            return w
        if f.kind == "combo":  # typed, or picked from the suggestions its owner sets (values=)
            w = Combobox(self, textvariable=var, width=f.width)
            w.bind("<<ComboboxSelected>>", lambda _e, n=f.name: self._changed(n), add="+")
        else:
            w = ttk.Entry(
                self, textvariable=var, width=f.width, show="•" if f.kind == "password" else ""
            )
        w.bind("<KeyRelease>", lambda _e, n=f.name: self._changed(n), add="+")
        w.bind("<FocusOut>", lambda _e, n=f.name: self.check_field(n), add="+")
        return w

    @staticmethod
    def _label_for(f: Field, code: object) -> str:
        for c, label in f.choices:
            if c == code:
                return _(label)
        return ""

    # --- values ----------------------------------------------------------------------------

    def get(self, name: str) -> Any:
        f = self.fields[name]
        w = self.widgets[name]
        if f.kind == "multiline":
            return w.get("1.0", "end-1c")  # type: ignore[attr-defined]
        if f.kind == "check":
            return bool(self.vars[name].get())
        value = self.vars[name].get()
        if f.kind == "choice":
            for code, label in f.choices:
                if _(label) == value:
                    return code
            return ""
        return value

    def values(self) -> dict[str, Any]:
        return {name: self.get(name) for name in self.fields}

    def set(self, name: str, value: Any) -> None:
        f = self.fields[name]
        w = self.widgets[name]
        if f.kind == "multiline":
            w.delete("1.0", "end")  # type: ignore[attr-defined]
            w.insert("1.0", "" if value is None else str(value))  # type: ignore[attr-defined]
        elif f.kind == "check":
            self.vars[name].set(bool(value))
        elif f.kind == "choice":
            self.vars[name].set(self._label_for(f, value))
        else:
            self.vars[name].set("" if value is None else str(value))

    def clear(self) -> None:
        for name, f in self.fields.items():
            self.set(name, f.default)
        self.clear_errors()

    def focus_first(self) -> None:
        first = next(iter(self.widgets.values()), None)
        if first is not None:
            first.focus_set()

    # --- errors ----------------------------------------------------------------------------

    def _changed(self, name: str) -> None:
        if self._on_change:
            self._on_change(name)
        if self.fields[name].check is None:
            return
        old = self._pending.pop(name, None)
        if old:
            self.after_cancel(old)
        self._pending[name] = self.after(self.DEBOUNCE_MS, lambda: self._debounced(name))

    def _debounced(self, name: str) -> None:
        self._pending.pop(name, None)
        if self.winfo_exists():
            self.check_field(name, quiet_when_empty=True)

    def check_field(self, name: str, *, quiet_when_empty: bool = False) -> bool:
        """Run the field's own check; shows the message under it. True when fine."""
        f = self.fields[name]
        value = self.get(name)
        if f.check is None or (isinstance(value, str) and not value.strip()):
            if not quiet_when_empty or not value:
                self.set_error(name, "")
            return True
        try:
            f.check(value)
        except ValidationError as exc:
            self.set_error(name, field_message(exc.errors[0]))
            return False
        except DomainError as exc:
            self.set_error(name, describe(exc))
            return False
        self.set_error(name, "")
        return True

    def set_error(self, name: str, text: str) -> None:
        label = self.errors[name]
        f = self.fields[name]
        if text:
            label.configure(text=text, bootstyle="danger")
        else:
            label.configure(text=_(f.hint) if f.hint else "", bootstyle="secondary")

    def error_text(self, name: str) -> str:
        label = self.errors[name]
        f = self.fields[name]
        text = str(label.cget("text"))
        return "" if f.hint and text == _(f.hint) else text

    def show_errors(self, exc: ValidationError) -> bool:
        """Put each error under its field; True when at least one field was found."""
        names = [e.field.split("[", 1)[0] for e in exc.errors]
        for name, err in zip(names, exc.errors, strict=True):
            if name in self.errors:
                self.set_error(name, field_message(err))
        found = [n for n in names if n in self.errors]
        if found:
            self.widgets[found[0]].focus_set()
        return bool(found)

    def clear_errors(self) -> None:
        for name in self.errors:
            self.set_error(name, "")
