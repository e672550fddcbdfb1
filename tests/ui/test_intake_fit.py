"""Intake at the counter PC's size (1366×768 less the taskbar): nothing of the product section is
cut off at its edge, whatever the language's word lengths."""

from __future__ import annotations

from typing import Any

import ttkbootstrap as ttk

from app.ui.widgets.flow import FlowFrame
from tests.ui.conftest import pump


def _right(widget: Any) -> int:
    return int(widget.winfo_rootx() + widget.winfo_width())


def test_the_product_check_boxes_and_hints_stay_inside_their_section(window: Any) -> None:
    root = window.root
    root.geometry("1366x728")
    try:
        tab = window.show_tab("intake")
        pump(root, 200)
        edge = _right(tab.product_box)
        for button in tab.flag_buttons.values():
            assert button.winfo_ismapped()
            assert _right(button) <= edge, button.cget("text")
        form = tab.product_form
        for name, line in form.errors.items():
            if str(line.cget("text")):
                assert _right(line) <= _right(form), name
                assert "\n" not in form.error_text(name)  # the message as written
        # A message set later wraps under its field too, and reads back as written.
        long = "价格必须是正数，最多两位小数，例如 3999 或 3999.50"
        form.set_error("warranty_months", long)
        pump(root)
        line = form.errors["warranty_months"]
        assert _right(line) <= _right(form)
        assert "\n" in str(line.cget("text"))
        assert form.error_text("warranty_months") == long
        form.set_error("warranty_months", "")
        assert form.error_text("warranty_months") == ""
    finally:
        root.geometry("1360x860")
        pump(root, 100)


def test_a_flow_frame_starts_a_new_line_when_the_room_is_too_narrow(tk_root: Any) -> None:
    holder = ttk.Frame(tk_root, width=200, height=100)
    holder.place(x=0, y=0, width=200)
    try:
        flow = FlowFrame(holder)
        flow.pack(fill="x")
        for text in ("one box", "a second box", "the third box", "four"):
            flow.add(ttk.Checkbutton(flow, text=text))
        pump(tk_root)
        assert flow.lines() >= 2
        assert all(_right(w) <= _right(flow) for w in flow.winfo_children())
        tall = flow.winfo_height()
        holder.place_configure(width=900)
        pump(tk_root)
        assert flow.lines() == 1
        assert flow.winfo_height() < tall
    finally:
        holder.destroy()
