"""Forms built from Field specs (app/ui/widgets/fields.py): layout of the grid."""

from __future__ import annotations

from typing import Any

from app.ui.widgets.fields import Field, FormFrame


def test_a_spanning_field_takes_the_whole_row(tk_root: Any) -> None:
    form = FormFrame(
        tk_root,
        [Field("a", "A"), Field("b", "B"), Field("address", "Address", span=True), Field("c", "C")],
        columns=2,
    )
    try:
        info = form.widgets["address"].grid_info()
        assert int(info["columnspan"]) == 3 and int(info["column"]) == 1
        assert int(form.widgets["c"].grid_info()["row"]) > int(info["row"])
    finally:
        form.destroy()
