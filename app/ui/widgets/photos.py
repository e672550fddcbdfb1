"""A strip of photo thumbnails with "Add photos…" and a remove button under each picture.

Thumbnails are made with Pillow (EXIF rotation applied) and shown through ImageTk; the
PhotoImage objects are kept on the widget, or Tk would show empty squares once Python drops
them. The strip only holds file paths: the service checks and copies them on save.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable, Sequence
from pathlib import Path
from tkinter import filedialog

import ttkbootstrap as ttk
from PIL import Image, ImageOps, ImageTk, UnidentifiedImageError

from app.i18n import _

THUMB = 72  # pixels, the longer side of a thumbnail
FILE_TYPES = (("Images", "*.jpg *.jpeg *.png *.webp *.JPG *.JPEG *.PNG *.WEBP"),)


def make_thumbnail(path: Path, size: int = THUMB) -> Image.Image:
    """A small upright copy of the picture, centred on a transparent square so every cell of
    the strip has the same size (raises OSError when the file cannot be read)."""
    with Image.open(path) as img:
        upright = ImageOps.exif_transpose(img).convert("RGBA")
    upright.thumbnail((size, size))
    square = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    square.paste(upright, ((size - upright.width) // 2, (size - upright.height) // 2))
    return square


class PhotoStrip(ttk.Frame):
    """Pending photos: ``add(paths)``, ``remove(index)``, ``paths``, ``clear()``."""

    PER_ROW = 3

    def __init__(
        self,
        master: tk.Misc,
        *,
        check: Callable[[list[Path]], str] | None = None,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(master)
        self._check = check
        self._on_change = on_change
        self.paths: list[Path] = []
        self.images: list[ImageTk.PhotoImage] = []  # references keep the pictures alive
        bar = ttk.Frame(self)
        bar.pack(side="left", fill="y", anchor="n")
        self.add_button = ttk.Button(
            bar, text=_("Add photos…"), bootstyle="secondary-outline", command=self.choose
        )
        self.add_button.pack(anchor="w")
        self.count_label = ttk.Label(bar, bootstyle="secondary", font=("TkDefaultFont", 9))
        self.count_label.pack(anchor="w", pady=(4, 0))
        self.error_label = ttk.Label(
            self, bootstyle="danger", font=("TkDefaultFont", 9), wraplength=300, justify="left"
        )
        self.error_label.pack(side="top", fill="x", padx=(10, 0))
        self.thumbs = ttk.Frame(self)
        self.thumbs.pack(side="top", fill="x", padx=(10, 0))
        self._render()

    # --- behaviour -------------------------------------------------------------------------

    def choose(self) -> list[Path]:
        """Open the file dialog (not modal for the rest of the desk beyond the dialog itself)."""
        names = filedialog.askopenfilenames(
            parent=self, title=_("Add photos"), filetypes=FILE_TYPES
        )
        return self.add([Path(n) for n in names or ()])

    def add(self, paths: Sequence[str | Path]) -> list[Path]:
        """Add the pictures that can be read; problems are shown under the button."""
        new = [Path(p) for p in paths if Path(p) not in self.paths]
        if not new:
            return []
        problem = self._check(new) if self._check else ""
        if problem:
            self.error_label.configure(text=problem)
            return []
        self.error_label.configure(text="")
        self.paths.extend(new)
        self._render()
        self._changed()
        return new

    def remove(self, index: int) -> None:
        if 0 <= index < len(self.paths):
            del self.paths[index]
            self._render()
            self._changed()

    def clear(self) -> None:
        self.paths.clear()
        self.error_label.configure(text="")
        self._render()

    def show_error(self, text: str) -> None:
        self.error_label.configure(text=text)

    def _changed(self) -> None:
        if self._on_change:
            self._on_change()

    def _render(self) -> None:
        for child in self.thumbs.winfo_children():
            child.destroy()
        self.images = []
        for i, path in enumerate(self.paths):
            cell = ttk.Frame(self.thumbs, padding=2)
            cell.grid(row=i // self.PER_ROW, column=i % self.PER_ROW, padx=(0, 6), pady=(0, 4))
            try:
                image = ImageTk.PhotoImage(make_thumbnail(path), master=self)
            except (OSError, UnidentifiedImageError, ValueError):
                ttk.Label(cell, text=path.name, width=12).pack()
            else:
                self.images.append(image)
                ttk.Label(cell, image=image).pack()
            ttk.Button(
                cell,
                text=_("Remove"),
                bootstyle="danger-link",
                takefocus=False,
                command=lambda i=i: self.remove(i),
            ).pack()
        count = len(self.paths)
        self.count_label.configure(
            text=_("{count} photo(s) to attach").format(count=count) if count else _("No photos")
        )
