"""Import… and Export… for one list: a file chooser, then a preview of every row before anything
is written. The preview and the import run on the worker thread, so a shop's whole product list
read from Excel never freezes the counter; the import is all-or-nothing (services.shop.tables).
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from datetime import date
from pathlib import Path
from tkinter import filedialog
from typing import Any

import ttkbootstrap as ttk

from app.i18n import _, ngettext
from app.ui.desk import Desk
from app.ui.dialogs import place_over


def _file_types() -> list[tuple[str, str]]:
    return [(_("Excel or CSV"), "*.xlsx *.csv"), (_("All files"), "*.*")]


def _action_label(action: str) -> str:
    return {"add": _("new"), "update": _("changed"), "same": _("already there")}[action]


class ImportExportBar(ttk.Frame):
    """Two buttons for one list (`kind`, a table of services.shop.tables)."""

    def __init__(
        self,
        master: tk.Misc,
        desk: Desk,
        kind: str,
        *,
        on_done: Callable[[], object] | None = None,
    ) -> None:
        super().__init__(master)
        self.desk = desk
        self.kind = kind
        self.on_done = on_done
        self.dialog: ImportPreviewDialog | None = None
        self.import_button = ttk.Button(
            self, text=_("Import…"), bootstyle="secondary-outline", command=self.ask_import
        )
        self.import_button.pack(side="left")
        self.export_button = ttk.Button(
            self, text=_("Export…"), bootstyle="secondary-outline", command=self.ask_export
        )
        self.export_button.pack(side="left", padx=(6, 0))

    def ask_import(self) -> None:
        path = filedialog.askopenfilename(
            parent=self, title=_("Import from Excel or CSV"), filetypes=_file_types()
        )
        if path:
            self.start_import(Path(path))

    def start_import(self, path: Path) -> None:
        """Read and check the file on the worker thread, then show the preview."""
        from app.services.shop.tables import preview

        ctx = self.desk.ctx

        def work(progress: Any) -> Any:
            progress(0.1, _("Reading {file}…").format(file=path.name))
            return preview(ctx, self.kind, path)

        self.desk.run_long("import", work, lambda result: self._previewed(path, result))

    def _previewed(self, path: Path, result: Any) -> None:
        if not self.winfo_exists():
            return
        # The status line said "Reading …" until now: say what the reading found.
        if result.errors:
            self.desk.notify(
                ngettext(
                    "{file}: {count} row has errors, nothing was imported.",
                    "{file}: {count} rows have errors, nothing was imported.",
                    len(result.errors),
                ).format(file=path.name, count=len(result.errors)),
                "warning",
            )
        else:
            self.desk.notify(
                _("{file} checked: confirm in the preview to import it.").format(file=path.name),
                "info",
            )
        self.dialog = ImportPreviewDialog(self, self.desk, self.kind, path, result, self._done)

    def _done(self) -> None:
        self.dialog = None
        if self.on_done is not None:
            self.on_done()

    def ask_export(self) -> None:
        path = filedialog.asksaveasfilename(
            parent=self,
            title=_("Export to Excel"),
            defaultextension=".xlsx",
            initialfile=f"{self.kind}-{date.today().isoformat()}.xlsx",
            filetypes=[(_("Excel"), "*.xlsx")],
        )
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        """Write the XLSX on the worker thread (tens of thousands of rows take seconds: the
        window keeps answering); the status line says when it is saved."""
        from app.services.shop.tables import export

        ctx = self.desk.ctx

        def work(progress: Any) -> Any:
            progress(0.1, _("Writing {file}…").format(file=path.name))
            return export(ctx, self.kind, path)

        def saved(done: Any) -> None:
            self.desk.notify(_("Saved {file}.").format(file=done), "success")

        self.desk.run_long("export", work, saved)


class ImportPreviewDialog(ttk.Toplevel):
    """Every row of the file with what importing it would do, and every bad row in words.

    "Import" is offered only when no row is bad: a file is imported whole or not at all.
    """

    def __init__(
        self,
        master: tk.Misc,
        desk: Desk,
        kind: str,
        path: Path,
        result: Any,
        on_done: Callable[[], object],
    ) -> None:
        super().__init__(
            title=_("Import preview: {file}").format(file=path.name),
            transient=master.winfo_toplevel(),
            master=master,
        )
        self.desk, self.kind, self.path, self.result = desk, kind, path, result
        self.on_done = on_done
        body = ttk.Frame(self, padding=14)
        body.pack(fill="both", expand=True)
        counts = result.counts
        summary = _("{add} new, {update} changed, {same} already there").format(**counts)
        self.summary = ttk.Label(body, text=summary, font=("TkDefaultFont", 11, "bold"))
        self.summary.pack(anchor="w")
        if result.ignored_columns:
            ttk.Label(
                body,
                text=_("columns not read: {columns}").format(
                    columns=", ".join(result.ignored_columns)
                ),
                bootstyle="secondary",
                wraplength=640,
                justify="left",
            ).pack(anchor="w")
        self.error_text = ""
        if result.errors:
            self.error_text = "\n".join(
                _("line {line}: {message}").format(line=e.line, message=e.message)
                for e in result.errors
            )
            head = ngettext(
                "{count} row has errors: nothing is imported until it is fixed.",
                "{count} rows have errors: nothing is imported until they are fixed.",
                len(result.errors),
            )
            ttk.Label(body, text=head.format(count=len(result.errors)), bootstyle="danger").pack(
                anchor="w", pady=(8, 2)
            )
            errors = tk.Text(body, height=min(8, len(result.errors) + 1), width=90, wrap="word")
            errors.insert("1.0", self.error_text)
            errors.configure(state="disabled")
            errors.pack(fill="x")
        frame = ttk.Frame(body)
        frame.pack(fill="both", expand=True, pady=(8, 0))
        self.table = ttk.Treeview(
            frame, columns=("line", "action", "label"), show="headings", height=12
        )
        for col, text, width in (
            ("line", _("Line"), 60),
            ("action", _("Import"), 110),
            ("label", _("Row"), 460),
        ):
            self.table.heading(col, text=text, anchor="w")
            self.table.column(col, width=width, anchor="w", stretch=col == "label")
        bar = ttk.Scrollbar(frame, orient="vertical", command=self.table.yview)
        self.table.configure(yscrollcommand=bar.set)
        self.table.pack(side="left", fill="both", expand=True)
        bar.pack(side="left", fill="y")
        for row in result.rows:
            self.table.insert("", "end", values=(row.line, _action_label(row.action), row.label))
        buttons = ttk.Frame(body)
        buttons.pack(fill="x", pady=(12, 0))
        writes = counts["add"] + counts["update"]
        self.ok_button = ttk.Button(
            buttons,
            text=ngettext("Import {count} row", "Import {count} rows", writes).format(count=writes),
            bootstyle="primary",
            command=self.confirm,
            state="normal" if result.ok and writes else "disabled",
        )
        self.ok_button.pack(side="right")
        ttk.Button(
            buttons, text=_("Cancel"), bootstyle="secondary-outline", command=self.destroy
        ).pack(side="right", padx=(0, 8))
        self.bind("<Escape>", lambda _e: self.destroy())
        # Enter imports, as in the other dialogs (nothing happens while the file has errors).
        self.bind("<Return>", lambda _e: self.confirm())
        self.after_idle(lambda: place_over(self, self.ok_button))

    def confirm(self) -> None:
        """Import the file (checked again as it is written); the dialog closes when it is in."""
        from app.services.shop.tables import commit

        if str(self.ok_button.cget("state")) == "disabled":
            return
        self.ok_button.configure(state="disabled")
        ctx = self.desk.ctx

        def work(progress: Any) -> Any:
            progress(0.1, _("Importing {file}…").format(file=self.path.name))
            return commit(ctx, self.kind, self.path)

        def done(result: Any) -> None:
            counts = result.counts
            self.desk.notify(
                _("Imported {file}: {add} new, {update} changed.").format(
                    file=self.path.name, **counts
                ),
                "success",
            )
            self.desk.changed()
            if self.winfo_exists():
                self.destroy()
            self.on_done()

        def failed(_exc: BaseException) -> None:
            if self.winfo_exists():
                self.ok_button.configure(state="normal")

        self.desk.run_long("import", work, done, on_error=failed)
