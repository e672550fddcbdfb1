"""The Intake tab takes an online order: its fields show when the request comes from the online
queue (or the goods were sold online), a masked number without the buyer's ID is refused under
the phone field, and the saved case and its record view carry the platform's details."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from app.services.casework.cases import show_case
from app.services.shop.context import Context
from app.store.models import Customer
from tests.conftest import row_counts
from tests.ui.conftest import pump
from tests.ui.test_intake import Desk


@pytest.fixture
def window(tk_root: Any, ctx: Context) -> Iterator[Any]:
    from app.ui.app import build

    win = build(ctx, root=tk_root)
    tk_root.deiconify()
    pump(tk_root)
    yield win
    for child in list(tk_root.winfo_children()):
        child.destroy()
    pump(tk_root)


def _inside(widget: Any, outer: Any) -> bool:
    """The widget is drawn wholly inside `outer` (nothing cut at the right or the bottom)."""
    x, y = widget.winfo_rootx(), widget.winfo_rooty()
    ox, oy = outer.winfo_rootx(), outer.winfo_rooty()
    return (
        x >= ox
        and x + widget.winfo_width() <= ox + outer.winfo_width()
        and y >= oy
        and widget.winfo_width() > 1
    )


def test_an_online_order_at_the_counter(window: Any, ctx: Context) -> None:
    window.root.geometry("1366x728")
    desk = Desk(window)
    tab = desk.tab
    tab.kind_buttons["return"].invoke()
    pump(desk.root)
    assert not tab.online_box.winfo_ismapped()  # a walk-in sale: nothing about platforms
    desk.choose(tab.request_form, "channel", "online_shop")
    assert tab.online_box.winfo_ismapped()
    desk.type(tab.customer_form, "phone", "138****1234")
    desk.type(tab.customer_form, "name", "陈静")
    desk.type(tab.product_form, "product", "小米 14")
    desk.choose(tab.product_form, "category", "phone")
    desk.type(tab.product_form, "sold", "2026-02-20")
    desk.type(tab.product_form, "amount", "3999")
    desk.type(tab.product_form, "order_no", "3905123456789012345")
    desk.choose(tab.online_form, "platform", "taobao")
    assert tab.product_form.get("sale_channel") == "online"
    desk.type(tab.online_form, "platform_refund_no", "TB-RF-778899")
    desk.choose(tab.online_form, "platform_reason", "quality")
    assert tab.request_form.get("reason") == "quality"  # the platform's reason fills the case's
    desk.type(tab.online_form, "received", "2026-02-25")
    desk.settle(tab.PREVIEW_MS + 200)
    for name in tab.online_form.widgets:  # every field fits the column at 1366x728
        assert _inside(tab.online_form.widgets[name], tab.product_box), name
    # A masked number without the buyer's ID: refused under the phone field, nothing written.
    before = row_counts()
    assert tab.save() is None
    pump(desk.root)
    assert row_counts() == before
    assert "buyer" in tab.customer_form.errors["phone"].cget("text")
    desk.type(tab.online_form, "buyer_id", "tb_chenjing")
    number = tab.save()
    assert number is not None
    d = show_case(ctx, number)
    assert (d.sale.platform, d.sale.buyer_id, d.sale.received_date) == (
        "taobao",
        "tb_chenjing",
        date(2026, 2, 25),
    )
    assert (d.platform_refund_no, d.platform_reason, d.reason) == (
        "TB-RF-778899",
        "quality",
        "quality",
    )
    assert Customer.get(Customer.phone == "138****1234").name == "陈静"
    # The record view's facts name the platform, the buyer and the received date.
    from app.ui.record.facts import product_rows

    rows = dict(product_rows(ctx, d))
    assert rows["Platform"] == "Taobao/Tmall"
    assert rows["Buyer ID"] == "tb_chenjing"
    assert rows["Signed for"] == "2026-02-25"
    assert rows["Platform refund no."] == "TB-RF-778899"
    assert rows["Platform's reason"] == "Quality problem"
    # The next intake starts without them.
    tab.new()
    pump(desk.root)
    assert not tab.online_box.winfo_ismapped()
    assert tab.online_form.get("buyer_id") == ""


def test_goods_sold_online_show_the_online_fields_too(window: Any) -> None:
    desk = Desk(window)
    tab = desk.tab
    tab.kind_buttons["repair"].invoke()
    desk.choose(tab.product_form, "sale_channel", "online")
    assert tab.online_box.winfo_ismapped()
    desk.choose(tab.product_form, "sale_channel", "store")
    assert not tab.online_box.winfo_ismapped()
