"""The one page-numbering canvas of every PDF the program draws (slips and the monthly report).

reportlab draws a page before it knows how many follow; this canvas holds the pages back until
the document is saved, then calls the document's own `footer(canvas, page, total)` on each, so
a footer can say "page x of y".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.pdfgen import canvas as rl_canvas

Footer = Callable[[rl_canvas.Canvas, int, int], None]  # (canvas, page, total pages)


class NumberedCanvas(rl_canvas.Canvas):
    """Holds pages back until the end, then draws `footer` on each with its page x of y."""

    def __init__(self, *args: Any, footer: Footer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []
        self._footer = footer

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._footer(self, self._pageNumber, total)
            super().showPage()
        super().save()


def numbered(footer: Footer) -> Callable[..., NumberedCanvas]:
    """A `canvasmaker` for reportlab's `build` that numbers the pages with `footer`."""

    def make(*args: Any, **kwargs: Any) -> NumberedCanvas:
        return NumberedCanvas(*args, footer=footer, **kwargs)

    return make
