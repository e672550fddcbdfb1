"""Signature strokes → an image, for the printed slip and the window's signature pad alike.

Strokes are stored as `services.repairs.sign` keeps them: a list of strokes, each a list of
[x, y] points in 0..1 of the pad (x to the right, y downwards). Nothing here imports Tk, so the
pad and the PDF renderer draw the very same picture.
"""

from __future__ import annotations

from collections.abc import Sequence

from PIL import Image, ImageDraw

Strokes = Sequence[Sequence[Sequence[float]]]

#: Width / height of the signature pad the strokes were drawn on (the window's pad uses it too),
#: so the printed signature keeps its proportions.
PAD_ASPECT = 3.0
SUPERSAMPLE = 3  # draw larger, then shrink: smooth (anti-aliased) lines


def strokes_to_image(
    strokes: Strokes,
    width_px: int,
    height_px: int,
    *,
    ink: tuple[int, int, int] = (20, 30, 90),
    line_width: float | None = None,
    background: tuple[int, int, int, int] = (255, 255, 255, 0),
) -> Image.Image:
    """An RGBA image of the strokes on a transparent (or given) background.

    A stroke of one point is drawn as a dot. Points outside 0..1 are clamped, so a damaged
    record still gives a picture instead of an error.
    """
    width_px, height_px = max(int(width_px), 1), max(int(height_px), 1)
    scale = SUPERSAMPLE
    big = Image.new("RGBA", (width_px * scale, height_px * scale), background)
    draw = ImageDraw.Draw(big)
    pen = line_width if line_width is not None else max(1.5, min(width_px, height_px) / 40)
    pen_px = max(1, round(pen * scale))
    colour = (*ink, 255)

    def at(point: Sequence[float]) -> tuple[float, float]:
        x = min(max(float(point[0]), 0.0), 1.0)
        y = min(max(float(point[1]), 0.0), 1.0)
        return x * (width_px * scale - 1), y * (height_px * scale - 1)

    for stroke in strokes:
        pts = [at(p) for p in stroke if len(p) == 2]
        if not pts:
            continue
        if len(pts) > 1:
            draw.line(pts, fill=colour, width=pen_px, joint="curve")
        r = pen_px / 2
        for x, y in (pts[0], pts[-1]):  # round caps
            draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    return big.resize((width_px, height_px), Image.Resampling.LANCZOS)


def ink_box(strokes: Strokes) -> tuple[float, float, float, float] | None:
    """The strokes' bounding box (x0, y0, x1, y1) in 0..1, or None when there is no ink."""
    xs = [float(p[0]) for s in strokes for p in s if len(p) == 2]
    ys = [float(p[1]) for s in strokes for p in s if len(p) == 2]
    if not xs:
        return None
    return min(xs), min(ys), max(xs), max(ys)
