"""受理 Intake: a new request in under a minute.

Phone first (a known customer fills in with their past cases), then what they ask for, the
product with its serial and sale date (the rights and the promise date show live on the right),
the repair checklists, a description and photos. Ctrl+S saves everything in one go, Ctrl+P prints
the receipt, Ctrl+N starts the next one with the cursor in the phone field.
"""

from __future__ import annotations

import contextlib
import tkinter as tk
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import ttkbootstrap as ttk

from app.domain import kinds as case_kinds
from app.domain.codes import Channel, PlatformReason
from app.domain.errors import ValidationError
from app.domain.online import REASON_MEANS
from app.i18n import _
from app.i18n.labels import KINDS, label
from app.i18n.messages import field_message
from app.services.casework import intake_fields as spec
from app.services.casework.cases import show_case
from app.services.casework.intake import IntakeForm
from app.services.casework.intake_help import (
    KnownSale,
    ProductChoice,
    barcode_lookup,
    check_photos,
    customer_lookup,
    parse_appointment,
    preview,
    product_choices,
    sale_lookup,
    save_intake,
)
from app.ui.desk import Desk
from app.ui.tabs.intake_panels import CustomerCard, EntitlementPanel
from app.ui.widgets.combo import Combobox
from app.ui.widgets.fields import FormFrame
from app.ui.widgets.flow import FlowFrame
from app.ui.widgets.photos import PhotoStrip
from app.ui.widgets.scrolling import ScrollFrame
from app.ui.widgets.wrapping import wrap
from app.ui.worker import Latest


class _Form(FormFrame):
    """A FormFrame whose messages wrap under their field instead of widening the column, with
    Chinese line breaks."""

    NAME_WRAP = 120
    WRAP_MESSAGES = False  # wrapped here, with Chinese line breaks (`_rewrap`)

    def __init__(self, master: tk.Misc, fields: Any, *, columns: int = 1, **kw: Any) -> None:
        self._raw: dict[str, str] = {}  # each message as written, before it is wrapped
        self._fallback = 125 if columns > 1 else 320  # the width before the form is laid out
        super().__init__(master, fields, columns=columns, **kw)
        if columns > 1:  # a long field name (in English) takes two lines, not the fields' room
            errors = set(self.errors.values())
            for widget in self.grid_slaves():
                if widget.winfo_class() == "TLabel" and widget not in errors:
                    widget.configure(wraplength=self.NAME_WRAP, justify="right")
        for name, line in self.errors.items():
            line.configure(justify="left")
            self._raw[name] = str(line.cget("text"))
            self._rewrap(name)
            # As wide as its field, whatever the window's width, with Chinese line breaks.
            self.widgets[name].bind(
                "<Configure>", lambda e, n=name: self._rewrap(n, e.width), add="+"
            )

    def set_error(self, name: str, text: str) -> None:
        super().set_error(name, text)
        self._raw[name] = str(self.errors[name].cget("text"))
        if name in self.widgets:
            self._rewrap(name)

    def error_text(self, name: str) -> str:
        f = self.fields[name]
        text = self._raw.get(name, "")
        return "" if f.hint and text == _(f.hint) else text

    def _rewrap(self, name: str, width: int = 0) -> None:
        line = self.errors[name]
        width = width or self.widgets[name].winfo_width()
        font = line.cget("font")

        def measure(text: str) -> int:
            return int(self.tk.call("font", "measure", font, text))

        room = max(width, 40) if width > 1 else self._fallback
        line.configure(text=wrap(self._raw.get(name, ""), measure, room))


class _AllForms:
    """Puts each validation error under its field in whichever section holds it."""

    def __init__(self, tab: IntakeTab) -> None:
        self.tab = tab

    def show_errors(self, exc: ValidationError) -> bool:
        first = None
        photo_lines = []
        for err in exc.errors:
            name = err.field.split("[", 1)[0]
            if name == "photos":
                photo_lines.append(field_message(err))
                continue
            for form in self.tab.forms:
                if name in form.errors:
                    form.set_error(name, field_message(err))
                    widget = form.widgets[name]
                    if first is None or self.tab.order_of(widget) < self.tab.order_of(first):
                        first = widget
        if photo_lines:
            self.tab.photos.show_error("\n".join(photo_lines))
        if first is not None:
            first.focus_set()
        return first is not None or bool(photo_lines)

    def clear_errors(self) -> None:
        for form in self.tab.forms:
            form.clear_errors()
        self.tab.photos.show_error("")


class IntakeTab(ttk.Frame):
    """The intake form on the left, the live entitlement and the Save button on the right."""

    PREVIEW_MS = 300
    LOOKUP_MS = 250
    SIDE_WIDTH = 350
    scrolls_itself = True  # the form and the side column scroll each on their own
    #: Widget classes the Tab key stops at (frames and labels never take the focus).
    INPUTS = frozenset(
        {"TEntry", "TCombobox", "Text", "TCheckbutton", "TRadiobutton", "TButton", "Treeview"}
    )

    def __init__(self, master: tk.Misc, desk: Desk) -> None:
        super().__init__(master, padding=(6, 4))
        self.desk = desk
        self.kind = tk.StringVar(self, value=case_kinds.codes()[0])
        self.saved_number: str | None = None
        self._auto: dict[str, Any] = {}  # values the tab filled in itself (safe to overwrite)
        self._timers: dict[str, str] = {}
        self._choices: dict[str, Any] = {}
        self._choices_for: str | None = None  # the product text the suggestions were asked for
        # The lookups as the clerk types, each on its own reader thread (issue #20: the window
        # never waits on a query): a newer keystroke interrupts the older lookup, and an answer
        # is used only while its field still holds what it was asked for.
        self.readers = {
            name: Latest(self, f"intake-{name}")
            for name in ("customer", "products", "barcode", "sale")
        }
        self.errors = _AllForms(self)
        self._build()
        self.new()

    # --- layout ----------------------------------------------------------------------------

    def _build(self) -> None:
        self.columnconfigure(0, weight=1)
        self.rowconfigure(0, weight=1)
        # The program's own scroll frame (as every tab's): the bar only when the form is taller
        # than the window, the wheel through the window's one handler. ttkbootstrap's walked all
        # of the form's widgets each time the pointer entered or left it (each tab switch).
        self.scroll = ScrollFrame(self, height=600, lane=True)
        self.scroll.grid(row=0, column=0, sticky="nsew")
        body = self.scroll.interior
        body.columnconfigure((0, 1), weight=1, uniform="col")
        left = ttk.Frame(body)
        left.grid(row=0, column=0, sticky="new", padx=(0, 6))
        right = ttk.Frame(body)
        right.grid(row=0, column=1, sticky="new", padx=(6, 4))
        self._build_customer(left)
        self._build_request(left)
        self._build_description(left)
        self._build_photos(left)
        self._build_product(right)
        self._build_repair(right)
        self._build_side()
        # The Tab key walks the sections in this order, whatever column they sit in.
        self.sections = [
            self.customer_box,
            self.request_box,  # holds the description too
            self.product_box,
            self.repair_box,
            self.photos_box,
            self.side,
        ]
        self.forms = [
            self.customer_form,
            self.request_form,
            self.severity_form,
            self.description_form,
            self.product_form,
            self.online_form,
            self.condition_form,
            self.device_form,
            self.site_form,
        ]
        for widget in self._descendants(self):
            if widget.winfo_class() not in self.INPUTS:
                continue
            widget.bind("<FocusIn>", lambda e: self._see(e.widget), add="+")
            widget.bind("<Tab>", lambda e: self._traverse(e.widget, 1))
            widget.bind("<Shift-Tab>", lambda e: self._traverse(e.widget, -1))
            widget.bind("<ISO_Left_Tab>", lambda e: self._traverse(e.widget, -1))
            if widget.winfo_class() == "TCombobox":
                self._popdown_follows_the_chain(widget)  # type: ignore[arg-type]
            if widget.winfo_class() in ("TEntry", "TCombobox"):
                # Enter moves on like Tab (a scanner's Enter too); the window's own Enter
                # handlers (the scanner's record numbers) still see the key.
                widget.bind("<Return>", self._enter_moves_on, add="+")
                widget.bind("<KP_Enter>", self._enter_moves_on, add="+")

    def _section(self, master: tk.Misc, title: str) -> ttk.Labelframe:
        frame = ttk.Labelframe(master, text=" " + title + " ", padding=(8, 4))
        frame.pack(fill="x", pady=(0, 6))
        return frame

    def _build_customer(self, master: tk.Misc) -> None:
        self.customer_box = box = self._section(master, _("Customer"))
        self.customer_form = _Form(
            box, spec.CUSTOMER_FIELDS, columns=2, on_change=self._customer_changed
        )
        self.customer_form.pack(fill="x")
        self.customer_card = CustomerCard(box, on_open=self.desk.open, on_pick=self.use_purchase)
        self.customer_card.pack(fill="x", pady=(2, 2))

    def _build_request(self, master: tk.Misc) -> None:
        self.request_box = box = self._section(master, _("Request"))
        kinds = ttk.Frame(box)
        kinds.pack(fill="x", pady=(0, 4))
        self.kind_buttons: dict[str, ttk.Radiobutton] = {}
        for i, code in enumerate(case_kinds.codes()):
            button = ttk.Radiobutton(
                kinds,
                text=label(KINDS, code),
                value=code,
                variable=self.kind,
                bootstyle="primary-outline-toolbutton",
                command=self._kind_changed,
                padding=(6, 6),
            )
            button.grid(row=i // 4, column=i % 4, sticky="ew", padx=1, pady=1)
            button.bind("<Left>", lambda _e: self._step_kind(-1))
            button.bind("<Right>", lambda _e: self._step_kind(1))
            self.kind_buttons[code] = button
        for c in range(4):
            kinds.columnconfigure(c, weight=1, uniform="kind")
        self.request_form = _Form(
            box, spec.REQUEST_FIELDS, columns=2, on_change=self._request_changed
        )
        self.request_form.pack(fill="x")
        self.severity_form = _Form(box, [spec.SEVERITY_FIELD], columns=2)
        self.severity_slot = ttk.Frame(box)  # keeps the severity above the description
        self.severity_slot.pack(fill="x")

    def _build_description(self, master: tk.Misc) -> None:
        """What happened, in the customer's words: part of the request, under its choices."""
        self.description_box = box = ttk.Frame(self.request_box)
        box.pack(fill="x")
        self.description_form = _Form(box, [spec.DESCRIPTION_FIELD])
        self.description_form.pack(fill="x")

    def _build_product(self, master: tk.Misc) -> None:
        self.product_box = box = self._section(master, _("Product"))
        self.product_form = _Form(
            box, spec.PRODUCT_FIELDS, columns=2, on_change=self._product_changed
        )
        self.product_form.pack(fill="x")
        product = self.product_form.widgets["product"]
        product.configure(postcommand=self._suggest_products)  # type: ignore[call-arg]
        # An online order's platform, buyer, refund number and reason, received date: shown
        # when the request comes from the online queue or the goods were sold online.
        self.online_box = ttk.Labelframe(box, text=" " + _("Online order") + " ", padding=(6, 2))
        self.online_form = _Form(
            self.online_box,
            spec.ONLINE_FIELDS,
            columns=2,
            on_change=self._online_changed,
        )
        self.online_form.pack(fill="x")
        self.flags_box = flags = FlowFrame(box)
        flags.pack(fill="x", pady=(4, 2))
        self.flag_vars: dict[str, tk.BooleanVar] = {}
        self.flag_buttons: dict[str, ttk.Checkbutton] = {}
        for f in spec.FLAG_FIELDS:
            var = tk.BooleanVar(self, value=bool(f.default))
            button = ttk.Checkbutton(
                flags, text=_(f.label), variable=var, command=self._schedule_preview
            )
            flags.add(button)
            self.flag_vars[f.name] = var
            self.flag_buttons[f.name] = button

    def _build_repair(self, master: tk.Misc) -> None:
        self.repair_box = box = self._section(master, _("Repair details"))
        accessories = spec.ACCESSORIES_FIELD
        ttk.Label(box, text=_(accessories.label), bootstyle="secondary").pack(anchor="w")
        self.accessory_vars = self._checklist(box, dict(accessories.choices), columns=4)
        ttk.Label(box, text=_("Condition on receipt"), bootstyle="secondary").pack(
            anchor="w", pady=(6, 0)
        )
        self.condition_vars = self._checklist(box, spec.CONDITIONS, columns=3)
        self.condition_form = _Form(box, [spec.CONDITION_NOTE])
        self.condition_form.pack(fill="x", pady=(4, 0))
        # The pre-check in front of the customer, the passcode, a first estimate and a deposit.
        ttk.Label(box, text=_("Not working at the pre-check"), bootstyle="secondary").pack(
            anchor="w", pady=(6, 0)
        )
        self.precheck_vars = self._checklist(box, spec.PRECHECK, columns=4)
        self.device_form = _Form(
            box, list(spec.DEVICE_FIELDS[:1] + spec.DEVICE_FIELDS[2:]), columns=2
        )
        self.device_form.pack(fill="x", pady=(4, 0))
        self.on_site = tk.BooleanVar(self, value=False)
        self.on_site_button = ttk.Checkbutton(
            box,
            text=_("On-site service (we go to the customer)"),
            variable=self.on_site,
            command=self._on_site_changed,
            bootstyle="round-toggle",
        )
        self.on_site_button.pack(anchor="w", pady=(6, 2))
        # The appointment is checked against the shop's calendar as it is typed.
        site = [
            replace(f, check=lambda v: parse_appointment(self.desk.ctx, v))
            if f.name == "appointment_at"
            else f
            for f in spec.SITE_FIELDS
        ]
        self.site_form = _Form(box, site, columns=2)

    def _checklist(
        self, master: tk.Misc, table: dict[str, str], *, columns: int
    ) -> dict[str, tk.BooleanVar]:
        grid = ttk.Frame(master)
        grid.pack(fill="x", pady=(2, 0))
        out: dict[str, tk.BooleanVar] = {}
        for i, (code, text) in enumerate(table.items()):
            var = tk.BooleanVar(self, value=False)
            ttk.Checkbutton(grid, text=_(text), variable=var).grid(
                row=i // columns, column=i % columns, sticky="w", padx=(4, 2), pady=1
            )
            out[code] = var
        for c in range(columns):
            grid.columnconfigure(c, weight=1)
        return out

    def _build_photos(self, master: tk.Misc) -> None:
        self.photos_box = box = self._section(master, _("Photos"))
        self.photos = PhotoStrip(box, check=self._check_photos)
        self.photos.pack(fill="x")

    def _build_side(self) -> None:
        # Its own scroll: at 1366×728 (or larger system fonts) the saved number and the buttons
        # after saving sit below the entitlement panel and must stay reachable.
        self.side_scroll = ScrollFrame(self, width=self.SIDE_WIDTH)
        self.side_scroll.grid(row=0, column=1, sticky="nsew", padx=(8, 0))
        self.side = side = self.side_scroll.interior
        self.entitlement = EntitlementPanel(side)
        self.entitlement.pack(fill="x")
        self.save_button = ttk.Button(
            side,
            text=_("Save intake (Ctrl+S)"),
            bootstyle="success",
            command=self.save,
            padding=(10, 10),
        )
        self.save_button.pack(fill="x", pady=(10, 0))
        self.save_print_button = ttk.Button(
            side,
            text=_("Save and print (Ctrl+Shift+S)"),
            bootstyle="success-outline",
            command=self.save_and_print,
        )
        self.save_print_button.pack(fill="x", pady=(6, 0))
        self.result = ttk.Labelframe(side, text=" " + _("Saved") + " ", padding=(10, 6))
        self.result_number = ttk.Label(
            self.result, font=("TkDefaultFont", 18, "bold"), bootstyle="success"
        )
        self.result_number.pack(anchor="w")
        self.result_detail = ttk.Label(
            self.result, bootstyle="secondary", wraplength=330, justify="left"
        )
        self.result_detail.pack(anchor="w", pady=(0, 6))
        buttons = ttk.Frame(self.result)
        buttons.pack(fill="x")
        buttons.columnconfigure((0, 1), weight=1, uniform="result")
        self.open_button = ttk.Button(
            buttons,
            text=_("Open record"),
            bootstyle="primary-outline",
            command=self.open_saved,
        )
        self.open_button.grid(row=0, column=0, sticky="ew", padx=(0, 3))
        self.print_button = ttk.Button(
            buttons,
            text=_("Print receipt (Ctrl+P)"),
            bootstyle="primary-outline",
            command=self.print_current,
        )
        self.print_button.grid(row=0, column=1, sticky="ew", padx=(3, 0))
        # A repair: the customer signs for what was handed over, before leaving the device.
        self.sign_button = ttk.Button(
            buttons,
            text=_("Customer signs the intake…"),
            bootstyle="success-outline",
            command=self.sign_dropoff,
        )
        self.new_button = ttk.Button(
            buttons, text=_("New intake (Ctrl+N)"), bootstyle="primary", command=self.new
        )
        self.new_button.grid(row=2, column=0, columnspan=2, sticky="ew", pady=(6, 0))

    # --- keyboard and scrolling ------------------------------------------------------------

    def _descendants(self, widget: tk.Misc) -> Iterator[tk.Misc]:
        for child in widget.winfo_children():
            yield child
            yield from self._descendants(child)

    def focus_chain(self) -> list[tk.Misc]:
        """The widgets the Tab key visits, in order: section by section, then Save."""
        chain: list[tk.Misc] = []
        for section in self.sections:
            for widget in self._descendants(section):
                if widget.winfo_class() in self.INPUTS and self.tk.call("tk::FocusOK", widget._w):  # type: ignore[attr-defined]
                    chain.append(widget)
        return chain

    def _traverse(self, widget: tk.Misc, step: int) -> str:
        chain = self.focus_chain()
        if widget in chain:
            target = chain[(chain.index(widget) + step) % len(chain)]
        else:
            target = widget.tk_focusNext() if step > 0 else widget.tk_focusPrev()
        if target is not None:
            target.focus_set()
        return "break"

    def _popdown_follows_the_chain(self, combo: Combobox) -> None:
        """Tab in a combobox's open list picks the entry and moves to the next field of this
        form's order, at once. Tk's own binding goes to Tk's next widget (not this form's) and
        only after the list is gone, so fast typing landed in the wrong fields (issue #18 item 4).
        Bound when the list is first opened (the list window is made then)."""
        combo.when_opened(lambda popdown: self._bind_list_tab(combo, f"{popdown}.f.l"))

    def _bind_list_tab(self, combo: tk.Misc, listbox: str) -> None:
        def target(direction: str) -> str:
            chain = self.focus_chain()
            if combo not in chain:
                return ""
            step = 1 if direction == "next" else -1
            return str(chain[(chain.index(combo) + step) % len(chain)])

        name = combo.register(target)
        for sequence, direction in (("<Tab>", "next"), ("<<PrevWindow>>", "prev")):
            combo.tk.call(
                "bind",
                listbox,
                sequence,
                f"ttk::combobox::LBSelect %W; ttk::combobox::Unpost {combo}; "
                f"set t [{name} {direction}]; "
                f"if {{$t ne {{}}}} {{focus $t; after 0 [list ttk::traverseTo $t]}}; break",
            )

    def _enter_moves_on(self, event: tk.Event) -> None:
        self._traverse(event.widget, 1)

    def order_of(self, widget: tk.Misc) -> int:
        """Position of a widget in the Tab order."""
        chain = self.focus_chain()
        return chain.index(widget) if widget in chain else 1 << 30

    def _see(self, widget: tk.Misc) -> None:
        """Scroll the form so the field that got the focus is visible."""
        body, canvas = self.scroll.interior, self.scroll.canvas
        total = body.winfo_height()
        view = canvas.winfo_height()
        if total <= view or total <= 1:
            return
        top = widget.winfo_rooty() - body.winfo_rooty()
        first, last = canvas.yview() or (0.0, 1.0)
        if top < first * total or top + widget.winfo_height() > last * total:
            canvas.yview_moveto(max(0.0, (top - 40) / total))

    def _step_kind(self, step: int) -> str:
        order = list(case_kinds.codes())
        i = (order.index(self.kind.get()) + step) % len(order)
        self.set_kind(order[i])
        self.kind_buttons[order[i]].focus_set()
        return "break"

    def _update_kind_focus(self) -> None:
        """Only the chosen kind is a Tab stop; the arrow keys move between the kinds."""
        for code, button in self.kind_buttons.items():
            button.configure(takefocus=code == self.kind.get())

    # --- reacting to typing ----------------------------------------------------------------

    def _later(self, key: str, ms: int, fn: Any) -> None:
        old = self._timers.pop(key, None)
        if old:
            self.after_cancel(old)
        self._timers[key] = self.after(ms, lambda: (self._timers.pop(key, None), fn()))

    def _schedule_preview(self) -> None:
        self._later("preview", self.PREVIEW_MS, self.update_preview)

    def _customer_changed(self, name: str) -> None:
        if name == "phone":
            self._later("lookup", self.LOOKUP_MS, self.lookup_customer)
        if name in ("phone", "service_class"):
            self._schedule_preview()

    def _request_changed(self, name: str) -> None:
        if name == "channel":
            self._show_online()
            self._default_goods_here()
        self._schedule_preview()

    def is_online(self) -> bool:
        """The request comes from the online-shop queue, or the goods were sold online."""
        return self.request_form.get("channel") == "online_shop" or self.product_form.get(
            "sale_channel"
        ) in ("online", "tmall")

    def _online_changed(self, name: str) -> None:
        sold_in_store = self.product_form.get("sale_channel") in ("", "store")
        if name == "platform" and self.online_form.get("platform") and sold_in_store:
            self.product_form.set("sale_channel", "online")  # sold on that platform
        if name == "platform_reason":  # the platform's reason says the case's, unless typed
            code = self.online_form.get("platform_reason")
            if code:
                self._fill(self.request_form, "reason", REASON_MEANS[PlatformReason(code)][0])
        self._schedule_preview()

    def _show_online(self) -> None:
        if self.is_online():
            if not self.online_box.winfo_manager():
                self.online_box.pack(fill="x", pady=(4, 0), before=self.flags_box)
        else:
            self.online_box.pack_forget()

    def _product_changed(self, name: str) -> None:
        if name == "barcode":
            self._later("barcode", self.LOOKUP_MS, self.lookup_barcode)
        if name == "sale_channel":
            self._show_online()
        if name == "product":
            self._product_picked()
        if name == "serial":
            self._later("sale", self.LOOKUP_MS, self.lookup_sale)
        self._schedule_preview()

    def use_purchase(self, sale: KnownSale) -> None:
        """A past purchase picked from the customer's card: its product and sale fill in (the
        desk chose it, so what was there is replaced)."""
        form = self.product_form
        for name, value in (
            ("product", sale.product),
            ("model_spec", sale.model_spec),
            ("category", sale.category),
            ("serial", sale.serial),
            ("sold", sale.sale_date.isoformat() if sale.sale_date else ""),
            ("order_no", sale.order_no),
            ("invoice_no", sale.invoice_no),
        ):
            form.set(name, value)
        self._schedule_preview()

    def lookup_sale(self) -> None:
        """A known IMEI/serial fills what the shop already knows of its sale (fields the desk
        typed by hand are never overwritten). Read on the sale reader; used on arrival while
        the serial field still holds what was looked up."""
        serial = self.product_form.get("serial")
        self.desk.read_later(
            self.readers["sale"],
            sale_lookup,
            serial,
            then=lambda sale: self._sale_found(serial, sale),
        )

    def _sale_found(self, serial: str, sale: KnownSale | None) -> None:
        if sale is None or not self.winfo_exists() or self.product_form.get("serial") != serial:
            return
        product = self.product_form
        self._fill(product, "product", sale.product)
        self._fill(product, "model_spec", sale.model_spec)
        self._fill(product, "category", sale.category)
        self._fill(product, "sold", sale.sale_date.isoformat() if sale.sale_date else "")
        self._fill(product, "order_no", sale.order_no)
        self._fill(product, "invoice_no", sale.invoice_no)
        if sale.customer_phone:
            self._fill(self.customer_form, "phone", sale.customer_phone)
            self._fill(self.customer_form, "name", sale.customer_name)
        self.desk.notify(
            _("Known sale: {product}, sold {date} — filled from the shop's record.").format(
                product=sale.product or sale.serial,
                date=sale.sale_date.isoformat() if sale.sale_date else "—",
            ),
            "info",
        )
        self._schedule_preview()

    def _kind_changed(self) -> None:
        kind = case_kinds.kind(self.kind.get())
        self._update_kind_focus()
        self._fill(self.request_form, "reason", kind.default_reason)
        self._fill(self.request_form, "request", kind.default_request)
        if kind.asks_severity:
            self.severity_form.pack(fill="x", before=self.severity_slot)
        else:
            self.severity_form.pack_forget()
        if kind.ticket:
            self.repair_box.pack(fill="x", pady=(0, 6))
        else:
            self.repair_box.pack_forget()
        self._default_goods_here()
        self._schedule_preview()

    def _default_goods_here(self) -> None:
        """A walk-in's return is usually handed over there and then; one that came by phone,
        WeChat, a dealer or the online shop's after-sales queue comes by post later."""
        kind = case_kinds.kind(self.kind.get())
        walk_in = self.request_form.get("channel") in ("", Channel.WALK_IN.value)
        self.flag_vars["goods_at_counter"].set(kind.rma and walk_in)

    def _on_site_changed(self) -> None:
        if self.on_site.get():
            self.site_form.pack(fill="x")
        else:
            self.site_form.pack_forget()

    def _fill(self, form: FormFrame, name: str, value: Any) -> None:
        """Fill a field the desk has not typed in (or that the tab filled before)."""
        key = (id(form), name)
        current = form.get(name)
        if current in ("", None, False) or current == self._auto.get(key):
            form.set(name, value)
            self._auto[key] = form.get(name)

    def set_kind(self, kind: str) -> None:
        self.kind.set(kind)
        self._kind_changed()

    def lookup_customer(self) -> None:
        """The returning customer for the phone typed, read on the customer reader: shown
        (and the name, class, kind and address filled) only while the phone field still holds
        the number it was found for."""
        phone = self.customer_form.get("phone").strip()
        digits = sum(ch.isdigit() for ch in phone)
        if digits < 7:
            self.readers["customer"].cancel()
            self.customer_card.show(None, typed=False)
            return
        self.desk.read_later(
            self.readers["customer"],
            customer_lookup,
            phone,
            then=lambda summary: self._customer_found(phone, summary),
            failed=lambda _e: self._customer_found(phone, None),
        )

    def _customer_found(self, phone: str, summary: Any) -> None:
        if not self.winfo_exists() or self.customer_form.get("phone").strip() != phone:
            return  # the clerk typed on: a newer lookup is on its way
        self.customer_card.show(summary, typed=True)
        form = self.customer_form
        if summary is not None:
            self._fill(form, "name", summary.name)
            self._fill(form, "service_class", summary.service_class)
            self._fill(form, "customer_kind", summary.kind)
            self._fill(form, "address", summary.address)
        else:
            for name in ("name", "service_class", "customer_kind", "address"):
                key = (id(form), name)
                if key in self._auto and form.get(name) == self._auto[key]:
                    form.set(name, "")
                    self._auto.pop(key)
        self._schedule_preview()

    def _suggest_products(self) -> None:
        """The product field's suggestions for what is typed, read on the products reader
        (the list opened before they arrive shows the last ones; they are there next time)."""
        text = self.product_form.get("product")
        if text == self._choices_for:
            return  # asked already (and arrived, or on its way)
        self._choices_for = text
        self.desk.read_later(
            self.readers["products"],
            product_choices,
            text,
            then=lambda choices: self._products_found(text, choices),
        )

    def _products_found(self, text: str, choices: list[ProductChoice]) -> None:
        if not self.winfo_exists() or self.product_form.get("product") != text:
            return
        self._choices = {}
        for c in choices:
            self._choices.setdefault(c.name, c)
        combo = self.product_form.widgets["product"]
        combo.configure(values=list(self._choices))  # type: ignore[call-arg]
        with contextlib.suppress(tk.TclError):  # the list already open shows them too
            if combo.has_popdown() and combo.tk.call("winfo", "ismapped", combo.popdown()):
                combo.tk.call("ttk::combobox::ConfigureListbox", str(combo))
        self._use_choice(text.strip())

    def _product_picked(self) -> None:
        name = self.product_form.get("product").strip()
        if not self._choices or name not in self._choices:
            self._suggest_products()  # the choice, if the catalogue knows it, on arrival
        self._use_choice(name)

    def _use_choice(self, name: str) -> None:
        choice = self._choices.get(name)
        if choice is not None:
            self._fill(self.product_form, "model_spec", choice.model_spec)
            self._fill(self.product_form, "category", choice.category)
            self._fill_catalogue(choice)

    def _fill_catalogue(self, choice: ProductChoice) -> None:
        """The catalogue's price and warranty (and barcode) for a product it knows."""
        form = self.product_form
        if choice.barcode:
            self._fill(form, "barcode", choice.barcode)
        if choice.price is not None and choice.price > 0:
            self._fill(form, "amount", f"{choice.price:.2f}")
        if choice.warranty_months:
            self._fill(form, "warranty_months", str(choice.warranty_months))

    def lookup_barcode(self) -> None:
        """A scanned or typed barcode the catalogue knows fills the product line: name, model,
        category, price and warranty (fields the desk typed by hand are never overwritten).
        Read on the barcode reader; used on arrival while the field still holds that code."""
        code = self.product_form.get("barcode").strip()
        if len(code) < 4:
            self.readers["barcode"].cancel()
            return
        self.desk.read_later(
            self.readers["barcode"],
            barcode_lookup,
            code,
            then=lambda choice: self._barcode_found(code, choice),
        )

    def _barcode_found(self, code: str, choice: ProductChoice | None) -> None:
        if choice is None or not self.winfo_exists():
            return
        if self.product_form.get("barcode").strip() != code:
            return  # another code was scanned meanwhile: its own lookup fills the line
        form = self.product_form
        self._fill(form, "product", choice.name)
        self._fill(form, "model_spec", choice.model_spec)
        self._fill(form, "category", choice.category)
        self._fill_catalogue(choice)
        self._schedule_preview()

    def update_preview(self) -> None:
        self._show_online()
        got = self.desk.read(preview, self.collect())
        if got.ok:
            self.entitlement.show(got.value, tz_local=self.desk.ctx.local)

    def _check_photos(self, paths: list[Path]) -> str:
        got = self.desk.read(check_photos, paths)
        if not got.ok:
            return ""
        return "\n".join(field_message(e) for e in got.value)

    # --- the form's value ------------------------------------------------------------------

    def collect(self) -> IntakeForm:
        """What the desk typed, as the service's form (raw values; the service validates).

        Every field of every section goes in by its declared name (casework.intake_fields),
        so a field added there reaches the service with nothing to change here; only what the
        kind hides is left out.
        """
        kind = case_kinds.kind(self.kind.get())
        values: dict[str, Any] = {"kind": kind.code}
        for form in (self.customer_form, self.request_form, self.product_form):
            values.update(form.values())
        if self.is_online():
            values.update(self.online_form.values())
        values.update(self.description_form.values())
        if kind.asks_severity:
            values.update(self.severity_form.values())
        values.update({name: var.get() for name, var in self.flag_vars.items()})
        if kind.ticket:
            values["accessories"] = [k for k, v in self.accessory_vars.items() if v.get()]
            values["condition"] = self._condition()
            values.update(self.device_form.values())
            values["faults_found"] = [k for k, v in self.precheck_vars.items() if v.get()]
            values["on_site"] = bool(self.on_site.get())
            if values["on_site"]:
                values.update(self.site_form.values())
        values.pop("appointment_at", None)  # save() hands it over with the calendar check
        return IntakeForm.from_values(values)

    def _condition(self) -> str:
        """The ticked conditions and the note, as one line of words for the ticket."""
        ticked = [_(spec.CONDITIONS[k]) for k, v in self.condition_vars.items() if v.get()]
        note = self.condition_form.get("condition").strip()
        parts = ticked + ([note] if note else [])
        condition = parts[0] if parts else ""
        for part in parts[1:]:
            condition = _("{first}; {second}").format(first=condition, second=part)
        return condition

    # --- the tab's commands (Ctrl+S, Ctrl+P, Ctrl+N) ---------------------------------------

    def save(self) -> str | None:
        """Write the intake; returns the new case number, or None (errors shown at the fields)."""
        if self.saved_number:
            self.desk.notify(
                _("Already saved as {number}. Press Ctrl+N for a new intake.").format(
                    number=self.saved_number
                ),
                "info",
            )
            return None
        form = self.collect()
        appointment = self.site_form.get("appointment_at") if form.on_site else None
        got = self.desk.call(
            save_intake,
            form,
            appointment=appointment,
            photos=list(self.photos.paths),
            form=self.errors,
        )
        if not got.ok:
            return None
        case = got.value
        self.saved_number = case.number
        promise = case.promise_date.isoformat() if case.promise_date else ""
        self.result_number.configure(text=case.number)
        self.result_detail.configure(text=self._saved_summary(case.number, form.kind, promise))
        self.result.pack(fill="x", pady=(10, 0))
        if case_kinds.kind(form.kind).ticket:
            self.sign_button.grid(row=1, column=0, columnspan=2, sticky="ew", pady=(6, 0))
        else:
            self.sign_button.grid_remove()
        self.save_button.configure(state="disabled")
        self.save_print_button.configure(state="disabled")
        self.desk.notify(
            _("Intake saved as {number}; promise date {date}.").format(
                number=case.number, date=promise
            ),
            "success",
        )
        self.print_button.focus_set()
        self.after_idle(lambda: self.side_scroll.see(self.result))
        return case.number

    def _saved_summary(self, number: str, kind: str, promise: str) -> str:
        """What was saved, read back from the record (not from the form): a product saved as
        "4" or a date in the model field shows here before the customer leaves."""
        got = self.desk.read(show_case, number)
        if not got.ok:
            return _("{kind} · promise date {date}").format(kind=label(KINDS, kind), date=promise)
        d = got.value
        product = (
            " ".join(x for x in (d.product.name, d.product.model_spec) if x) if d.product else ""
        )
        sold = d.sale.sale_date.isoformat() if d.sale and d.sale.sale_date else ""
        lines = [
            _("{kind} for {name} {phone}")
            .format(kind=label(KINDS, d.kind), name=d.customer.name, phone=d.customer.phone or "")
            .strip(),
            " · ".join(
                x
                for x in (
                    product,
                    _("IMEI/SN {serial}").format(serial=d.serial) if d.serial else "",
                    _("sold {date}").format(date=sold) if sold else "",
                )
                if x
            ),
            (d.description[:60] + "…") if len(d.description) > 60 else d.description,
            _("Promise date {date}").format(date=promise),
        ]
        return "\n".join(line for line in lines if line)

    def save_and_print(self) -> str | None:
        """One key at the counter: save, then print the receipt and, for a repair, the label
        that goes on the device."""
        kind = self.kind.get()
        number = self.save()
        if number:
            self.print_current(("intake", "label") if kind == "repair" else ("intake",))
        return number

    def print_current(self, forms: tuple[str, ...] = ("intake",)) -> bool:
        """Print the receipt of the intake just saved on the printer remembered for it (else
        the system's default). The status bar says what really happened: sent, or why not;
        "printed" is logged only for a job the printer accepted. Returns whether it started."""
        number = self.saved_number
        if not number:
            self.desk.notify(
                _("Save the intake first (Ctrl+S), then print its receipt."), "warning"
            )
            return False
        from app.services.paper.documents import print_slip  # loads reportlab: only when printing

        ctx = self.desk.ctx

        def work(progress: Any) -> list[Any]:
            done = []
            for i, form in enumerate(forms):
                progress(i / len(forms), _("Sending to the printer…"))
                done.append(print_slip(ctx, number, form))
            return done

        def done(jobs: list[Any]) -> None:
            self.last_prints = jobs
            text = (
                _("Sent the receipt and the device label of {number} to {printer}.")
                if len(jobs) > 1
                else _("Sent the receipt of {number} to {printer}.")
            )
            self.desk.notify(text.format(number=number, printer=jobs[0].printer), "success")
            self.desk.changed()

        def failed(_exc: BaseException) -> None:
            self.desk.changed()  # the message is in the status bar; Save as PDF is on Print

        self.desk.run_long("print", work, done, on_error=failed)
        return True

    def sign_dropoff(self) -> Any:
        """The signature pad for the saved repair: the customer signs the intake receipt."""
        number = self.saved_number
        if not number:
            return None
        from app.ui.record.repair_actions import dropoff_pad

        self.pad = dropoff_pad(
            self,
            self.desk,
            number,
            self.customer_form.get("name"),
            on_saved=lambda: self.sign_button.configure(state="disabled"),
        )
        return self.pad

    def open_saved(self) -> None:
        if self.saved_number:
            self.desk.open(self.saved_number)

    def new(self) -> None:
        """Clear everything for the next customer; the cursor goes to the phone field."""
        for form in (
            self.customer_form,
            self.request_form,
            self.severity_form,
            self.description_form,
            self.product_form,
            self.online_form,
            self.condition_form,
            self.device_form,
            self.site_form,
        ):
            form.clear()
        self._auto.clear()
        for reader in self.readers.values():
            reader.cancel()  # a lookup for the last customer is never filled in
        self._choices_for = None
        self._suggest_products()  # read now, so the list is there when the clerk opens it
        self._show_online()
        for f in spec.FLAG_FIELDS:
            self.flag_vars[f.name].set(bool(f.default))
        for var in (
            *self.accessory_vars.values(),
            *self.condition_vars.values(),
            *self.precheck_vars.values(),
        ):
            var.set(False)
        self.on_site.set(False)
        self._on_site_changed()
        self.photos.clear()
        self.customer_card.show(None, typed=False)
        self.saved_number = None
        self.result.pack_forget()
        self.save_button.configure(state="normal")
        self.save_print_button.configure(state="normal")
        self.sign_button.configure(state="normal")
        self.set_kind(case_kinds.codes()[0])  # the most frequent kind
        self.scroll.canvas.yview_moveto(0)
        self.update_preview()
        self.customer_form.widgets["phone"].focus_set()

    @classmethod
    def owns(cls, kind: str) -> bool:
        """The intake opens no records: they belong to the Repairs, Returns and All tabs."""
        return False

    def refresh(self) -> None:
        if self.customer_card.summary is not None:
            self.lookup_customer()
