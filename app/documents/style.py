"""The colours every printed page shares, so slips and the monthly summary look like one shop."""

from __future__ import annotations

from reportlab.lib import colors

INK = colors.HexColor("#1F2933")
MUTED = colors.HexColor("#5F6B7A")
ACCENT = colors.HexColor("#1D4E89")
GRID = colors.HexColor("#B8C2CC")  # slip tables
SOFT_GRID = colors.HexColor("#C9D2DC")  # report tables and chart grid lines
LABEL_BG = colors.HexColor("#F1F4F8")
HEAD_BG = colors.HexColor("#E3EAF3")
ZEBRA = colors.HexColor("#F6F8FB")
NOTICE = colors.HexColor("#9B1C1C")
