"""Draw the program's icon: `python build/make_icon.py` writes assets/afterdesk.png and .ico.

A rounded square in the shop's blue with a white "售" (the first character of 售后台) and a
small green tick: the desk that sees an after-sales case through. Drawn at 4× and scaled down
for smooth edges; the .ico holds every size Windows asks for (16-256 px). The glyph comes from
the bundled font, so the result is the same on every machine.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parent.parent
FONT = ROOT / "assets" / "fonts" / "wqy-microhei.ttc"
PNG = ROOT / "assets" / "afterdesk.png"
ICO = ROOT / "assets" / "afterdesk.ico"
SIZE = 256
SCALE = 4
ICO_SIZES = [(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)]
TOP, BOTTOM = (37, 99, 235), (14, 116, 144)  # blue to teal
TICK = (34, 197, 94)


def _gradient(size: int) -> Image.Image:
    img = Image.new("RGBA", (size, size))
    draw = ImageDraw.Draw(img)
    for y in range(size):
        t = y / (size - 1)
        colour = tuple(round(a + (b - a) * t) for a, b in zip(TOP, BOTTOM, strict=True))
        draw.line([(0, y), (size, y)], fill=(*colour, 255))
    return img


def draw_icon() -> Image.Image:
    big = SIZE * SCALE
    margin = 10 * SCALE
    radius = 52 * SCALE
    mask = Image.new("L", (big, big), 0)
    ImageDraw.Draw(mask).rounded_rectangle(
        (margin, margin, big - margin, big - margin), radius=radius, fill=255
    )
    # A soft shadow under the tile.
    shadow = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    shadow_mask = mask.filter(ImageFilter.GaussianBlur(6 * SCALE)).point(lambda v: v * 0.35)
    shadow.paste((15, 23, 42, 255), (0, 3 * SCALE), shadow_mask)
    icon = Image.alpha_composite(Image.new("RGBA", (big, big), (0, 0, 0, 0)), shadow)
    tile = _gradient(big)
    icon.paste(tile, (0, 0), mask)

    draw = ImageDraw.Draw(icon)
    font = ImageFont.truetype(str(FONT), 150 * SCALE, index=0)
    left, top, right, bottom = draw.textbbox((0, 0), "售", font=font)
    x = (big - (right - left)) / 2 - left
    y = (big - (bottom - top)) / 2 - top - 6 * SCALE
    draw.text((x, y), "售", font=font, fill=(255, 255, 255, 255))

    # The tick badge in the lower right corner.
    r = 38 * SCALE
    cx, cy = big - margin - r + 6 * SCALE, big - margin - r + 6 * SCALE
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(255, 255, 255, 255))
    inner = r - 7 * SCALE
    draw.ellipse((cx - inner, cy - inner, cx + inner, cy + inner), fill=(*TICK, 255))
    w = 9 * SCALE
    points = [
        (cx - 16 * SCALE, cy + 1 * SCALE),
        (cx - 4 * SCALE, cy + 13 * SCALE),
        (cx + 18 * SCALE, cy - 12 * SCALE),
    ]
    draw.line(points, fill=(255, 255, 255, 255), width=w, joint="curve")
    for px, py in (points[0], points[-1]):
        draw.ellipse((px - w / 2, py - w / 2, px + w / 2, py + w / 2), fill=(255, 255, 255, 255))
    return icon.resize((SIZE, SIZE), Image.Resampling.LANCZOS)


def main() -> None:
    icon = draw_icon()
    icon.save(PNG, optimize=True)
    icon.save(ICO, sizes=ICO_SIZES)
    print(f"wrote {PNG.relative_to(ROOT)} and {ICO.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
