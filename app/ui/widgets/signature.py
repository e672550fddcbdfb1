"""The customer's signature: drawn with mouse, pen or touch (all arrive as pointer events),
kept as strokes of points normalised to 0..1, and rendered with Pillow for the printed slip —
never a screen grab, so the print is sharp at any size. The preview uses the documents'
renderer (app.documents.handwriting), so what the pad shows is what the slip prints."""

from __future__ import annotations

import base64
import io
import math
import tkinter as tk
from collections.abc import Callable, Sequence
from typing import Any

import ttkbootstrap as ttk
from PIL import Image

from app.documents.handwriting import PAD_ASPECT, strokes_to_image
from app.domain.errors import DomainError, ValidationError
from app.i18n import N_, _
from app.i18n.messages import describe
from app.ui.dialogs import place_over
from app.ui.widgets.fields import Field, FormFrame

Strokes = list[list[list[float]]]
SaveCallback = Callable[[Strokes, str, str], Any]  # (strokes, signer, comment) -> Outcome

PAD_WIDTH = 600
PAD_HEIGHT = round(PAD_WIDTH / PAD_ASPECT)  # the slip keeps the pad's proportions
PREVIEW_WIDTH = 210
INK = "#14213d"
MIN_STEP_PX = 1.5  # closer points add nothing but weight
MAX_POINTS = 20000  # the service's limit; drawing stops adding points beyond it

SIGNER = Field("signer", N_("Signed by"), width=24, hint=N_("The customer's name, as printed"))
COMMENT = Field("customer_comment", N_("Customer's comment"), width=44)


# --- rendering with Pillow ---------------------------------------------------------------------


def photo_of(image: Image.Image, master: tk.Misc) -> tk.PhotoImage:
    """A Tk image from a Pillow one, through PNG bytes (no ImageTk build dependency)."""
    white = Image.new("RGB", image.size, "white")
    white.paste(image, mask=image.split()[-1] if image.mode == "RGBA" else None)
    buf = io.BytesIO()
    white.save(buf, format="PNG")
    return tk.PhotoImage(master=master, data=base64.b64encode(buf.getvalue()).decode("ascii"))


# --- the pad -------------------------------------------------------------------------------------


class SignaturePad(ttk.Toplevel):
    """Sign in the white box; Save hands ``(strokes, signer, comment)`` to ``on_save``.

    The dialog closes when ``on_save`` returns something truthy (an ok Outcome); refusals stay
    under the box. It does not grab: the counter keeps working while the customer signs.
    """

    def __init__(
        self,
        master: tk.Misc,
        on_save: SaveCallback,
        *,
        title: str = "",
        intro: str = "",
        signer: str = "",
        existing: Strokes | None = None,
    ) -> None:
        super().__init__(
            title=title or _("Customer signature"), transient=master.winfo_toplevel(), master=master
        )
        self._on_save = on_save
        self.strokes: Strokes = []
        self._current: list[list[float]] | None = None
        self._current_items: list[int] = []
        self._stroke_items: list[list[int]] = []
        self._preview_image: tk.PhotoImage | None = None
        self.existing = existing or []
        self.result: Any = None
        self.resizable(False, False)
        self._build(intro, signer)
        self.bind("<Escape>", lambda _e: self.destroy())
        self.bind("<Control-z>", lambda _e: self.undo())
        self.bind("<Return>", self._on_return)
        self.after_idle(self._place)

    # --- layout ----------------------------------------------------------------------------

    def _build(self, intro: str, signer: str) -> None:
        body = ttk.Frame(self, padding=14)
        body.pack(fill="both", expand=True)
        ttk.Label(
            body,
            text=intro or _("Please sign inside the box with the mouse, a pen or a finger."),
            wraplength=PAD_WIDTH + PREVIEW_WIDTH,
            justify="left",
        ).grid(row=0, column=0, columnspan=2, sticky="w", pady=(0, 8))
        frame = ttk.Frame(body, bootstyle="secondary", padding=1)
        frame.grid(row=1, column=0, sticky="nw")
        self.canvas = ttk.Canvas(
            frame,
            width=PAD_WIDTH,
            height=PAD_HEIGHT,
            autostyle=False,
            background="white",
            highlightthickness=0,
            cursor="pencil",
        )
        self.canvas.pack()
        self._draw_guide()
        self.canvas.bind("<ButtonPress-1>", self._press)
        self.canvas.bind("<B1-Motion>", self._motion)
        self.canvas.bind("<ButtonRelease-1>", self._release)
        side = ttk.Frame(body, padding=(12, 0, 0, 0))
        side.grid(row=1, column=1, sticky="nw")
        self.preview_title = ttk.Label(
            side, text=_("As printed on the slip"), bootstyle="secondary"
        )
        self.preview_title.pack(anchor="w")
        self.preview = ttk.Label(side, background="white", relief="solid", borderwidth=1)
        self.preview.pack(anchor="w", pady=(4, 0))
        self.counter = ttk.Label(side, bootstyle="secondary", font=("TkDefaultFont", 8))
        self.counter.pack(anchor="w", pady=(4, 0))
        self.error = ttk.Label(body, text="", bootstyle="danger")
        self.error.grid(row=2, column=0, columnspan=2, sticky="w", pady=(4, 0))
        self.form = FormFrame(body, [SIGNER, COMMENT])
        self.form.grid(row=3, column=0, sticky="w", pady=(4, 0))
        self.form.set("signer", signer)
        bar = ttk.Frame(body)
        bar.grid(row=4, column=0, columnspan=2, sticky="we", pady=(12, 0))
        self.save_button = ttk.Button(bar, text=_("Save signature"), bootstyle="success")
        self.save_button.configure(command=self.save)
        self.save_button.pack(side="right")
        self.cancel_button = ttk.Button(
            bar, text=_("Cancel"), bootstyle="secondary-outline", command=self.destroy
        )
        self.cancel_button.pack(side="right", padx=(0, 8))
        self.clear_button = ttk.Button(
            bar, text=_("Clear"), bootstyle="warning-outline", command=self.clear
        )
        self.clear_button.pack(side="left")
        self.undo_button = ttk.Button(
            bar, text=_("Undo stroke"), bootstyle="secondary-link", command=self.undo
        )
        self.undo_button.pack(side="left", padx=(8, 0))
        self._update_preview()

    def _draw_guide(self) -> None:
        y = PAD_HEIGHT - 48
        self.canvas.create_line(28, y, PAD_WIDTH - 28, y, fill="#c9ced6", dash=(4, 3), tags="guide")
        self.canvas.create_text(
            30, y - 14, text="×", fill="#9aa1ab", font=("TkDefaultFont", 16), tags="guide"
        )
        self.canvas.create_text(
            PAD_WIDTH - 28,
            y + 14,
            text=_("Customer signature"),
            anchor="e",
            fill="#9aa1ab",
            font=("TkDefaultFont", 9),
            tags="guide",
        )

    def _place(self) -> None:
        place_over(self, self.canvas)

    # --- drawing ---------------------------------------------------------------------------

    def _norm(self, x: float, y: float) -> list[float]:
        nx = min(1.0, max(0.0, x / (PAD_WIDTH - 1)))
        ny = min(1.0, max(0.0, y / (PAD_HEIGHT - 1)))
        return [round(nx, 4), round(ny, 4)]

    def _points(self) -> int:
        return sum(len(s) for s in self.strokes) + len(self._current or [])

    def _press(self, event: tk.Event) -> None:
        self.error.configure(text="")
        self._current = [self._norm(event.x, event.y)]
        self._current_items = []
        self._last_px = (event.x, event.y)
        dot = self.canvas.create_oval(
            event.x - 1, event.y - 1, event.x + 1, event.y + 1, fill=INK, outline=INK
        )
        self._current_items.append(dot)

    def _motion(self, event: tk.Event) -> None:
        if self._current is None or self._points() >= MAX_POINTS:
            return
        lx, ly = self._last_px
        if math.hypot(event.x - lx, event.y - ly) < MIN_STEP_PX:
            return
        self._current_items.append(
            self.canvas.create_line(
                lx, ly, event.x, event.y, fill=INK, width=2.5, capstyle="round", smooth=True
            )
        )
        self._last_px = (event.x, event.y)
        self._current.append(self._norm(event.x, event.y))

    def _release(self, event: tk.Event) -> None:
        if self._current is None:
            return
        self._motion(event)
        stroke = self._current
        self._current = None
        for item in self._current_items:
            self.canvas.delete(item)
        self.strokes.append(stroke)
        self._stroke_items.append([self._draw_stroke(stroke)])
        self._update_preview()

    def _draw_stroke(self, stroke: list[list[float]]) -> int:
        """One smoothed polyline for a finished stroke (a dot for a single tap)."""
        px = [(x * (PAD_WIDTH - 1), y * (PAD_HEIGHT - 1)) for x, y in stroke]
        if len(px) == 1:
            x, y = px[0]
            return self.canvas.create_oval(x - 1.5, y - 1.5, x + 1.5, y + 1.5, fill=INK, width=0)
        flat = [c for p in px for c in p]
        return self.canvas.create_line(
            *flat, fill=INK, width=2.5, capstyle="round", joinstyle="round", smooth=True
        )

    # --- the API tests and keys use -----------------------------------------------------------

    def add_stroke(self, points_px: Sequence[tuple[float, float]]) -> None:
        """Draw one stroke through pad pixel coordinates, exactly as the pointer would."""
        if not points_px:
            return
        (x0, y0), rest = points_px[0], points_px[1:]
        self._press(_PointerEvent(x0, y0))
        for x, y in rest:
            self._motion(_PointerEvent(x, y))
        x1, y1 = points_px[-1]
        self._release(_PointerEvent(x1, y1))

    def undo(self) -> None:
        if self.strokes:
            self.strokes.pop()
            for item in self._stroke_items.pop():
                self.canvas.delete(item)
            self._update_preview()

    def clear(self) -> None:
        self.strokes = []
        self._stroke_items = []
        self.canvas.delete("all")
        self._draw_guide()
        self.error.configure(text="")
        self._update_preview()

    def image(self, width_px: int = PAD_WIDTH, height_px: int = PAD_HEIGHT) -> Image.Image:
        """The signature as the slip prints it (Pillow, from the strokes)."""
        return strokes_to_image(self.strokes or self.existing, width_px, height_px)

    def _update_preview(self) -> None:
        strokes = self.strokes or self.existing
        height = round(PREVIEW_WIDTH * PAD_HEIGHT / PAD_WIDTH)
        if strokes:
            self._preview_image = photo_of(strokes_to_image(strokes, PREVIEW_WIDTH, height), self)
            self.preview.configure(image=self._preview_image, text="")
        else:
            self._preview_image = photo_of(Image.new("RGB", (PREVIEW_WIDTH, height), "white"), self)
            self.preview.configure(image=self._preview_image)
        if self.strokes:
            text = _("{strokes} strokes, {points} points").format(
                strokes=len(self.strokes), points=self._points()
            )
        elif self.existing:
            text = _("Signature on file; sign again to replace it.")
        else:
            text = _("Nothing signed yet.")
        self.counter.configure(text=text)

    def _on_return(self, _event: object) -> str:
        self.save()
        return "break"

    def save(self) -> Any:
        """Hand the strokes to the callback; close when it succeeded."""
        if not self.strokes:
            self.error.configure(text=_("Please sign inside the box first."))
            return None
        outcome = self._on_save(
            [list(map(list, s)) for s in self.strokes],
            self.form.get("signer"),
            self.form.get("customer_comment"),
        )
        self.result = outcome
        if outcome:
            self.destroy()
            return outcome
        exc = getattr(outcome, "error", None)
        if isinstance(exc, ValidationError):
            self.form.show_errors(exc)
            if any(e.field == "signature" for e in exc.errors):
                self.error.configure(text=describe(exc))
        elif isinstance(exc, DomainError):
            self.error.configure(text=describe(exc))
        return outcome


class _PointerEvent:
    """The two fields of a pointer event the pad reads (for ``add_stroke``)."""

    def __init__(self, x: float, y: float) -> None:
        self.x = round(x)
        self.y = round(y)
