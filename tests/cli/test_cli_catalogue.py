"""`products` and `customers` on the command line, and `import`/`export` of their lists: the
manager keeps the catalogue, the desk finds and corrects customers, a refusal exits 2 with one
line and writes nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.services.casework.intake import IntakeForm, take_intake
from app.services.shop.setup import close_data_folder, open_data_folder
from tests.cli.conftest import staffed_shop
from tests.cli.test_cli_accounts import Cli
from tests.conftest import row_counts


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory, backend: str) -> Iterator[Path]:
    """An owner, a manager on duty, a desk clerk and one customer known twice."""
    folder = tmp_path_factory.mktemp("shop") / "data"
    owner = staffed_shop(folder)
    for person in (("张三", "13800138000"), ("张 三", "13900139000")):
        take_intake(owner, IntakeForm(kind="complaint", name=person[0], phone=person[1]))
    close_data_folder()
    yield folder
    close_data_folder()


def _rows(folder: Path) -> dict[str, int]:
    from app.store.models import Event

    open_data_folder(folder)
    try:
        counts = row_counts()
        counts["Event"] = Event.select().where(Event.entity != "user").count()
        counts.pop("CustomerAccess")  # a sign-in's own bookkeeping aside, views are logged
        return counts
    finally:
        close_data_folder()


def test_products_add_list_edit_merge(cli: Cli, shop: Path) -> None:
    rc, out, err = cli(
        "products",
        "add",
        "华为 Mate 60",
        "--model",
        "BRA-AL00",
        "--category",
        "phone",
        "--barcode",
        "6941487303214",
        "--price",
        "5999",
        "--warranty-months",
        "24",
        user="desk",
    )
    assert rc == 0, err
    assert "6941487303214" in out and "¥5999.00" in out
    rc, out, err = cli("products", "add", "华为mate60", "--json", user="desk")
    assert rc == 0, err
    dup = json.loads(out)["id"]
    rc, out, err = cli("products", "list", "694148", user="desk")
    assert rc == 0 and out.count("\n") == 1 and "华为 Mate 60" in out
    before = _rows(shop)
    rc, _, err = cli("products", "edit", "6941487303214", "--price", "1", user="desk")
    assert rc == 2 and len(err.strip().splitlines()) == 1 and "manager" in err
    rc, _, err = cli("products", "add", "X", "--price", "abc", "--category", "tv", user="desk")
    assert rc == 2 and len(err.strip().splitlines()) == 1
    assert "Category" in err and "Selling price" in err
    assert _rows(shop) == before
    rc, out, err = cli("products", "edit", "6941487303214", "--price", "5799", user="mgr")
    assert rc == 0 and "¥5799.00" in out, err
    rc, out, err = cli("products", "merge", "6941487303214", f"#{dup}", user="mgr")
    assert rc == 0, err
    assert out.startswith(f"#{dup} merged into")
    rc, out, err = cli("products", "list", "--all", "--json", user="desk")
    assert [p["name"] for p in json.loads(out)] == ["华为 Mate 60"]
    rc, out, err = cli("products", "edit", f"#{dup}", "--deactivate", user="mgr")
    assert rc == 2 and "merged" in err
    # The intake takes the product by its barcode alone; a new one typed is added on request.
    base = ("intake", "--kind", "repair", "--name", "李四", "--phone", "13500135000")
    rc, out, err = cli(*base, "--barcode", "6941487303214", "--json", user="desk")
    assert rc == 0, err
    assert json.loads(out)["product"]["name"] == "华为 Mate 60"
    rc, out, err = cli(
        *base,
        "--product",
        "荣耀 90",
        "--barcode",
        "6936520812345",
        "--add-to-catalogue",
        user="desk",
    )
    assert rc == 0, err
    rc, out, err = cli("products", "list", "6936520812345", user="desk")
    assert "荣耀 90" in out


def test_customers_list_show_edit_merge(cli: Cli, shop: Path) -> None:
    rc, out, err = cli("customers", "list", "张", user="desk")
    assert rc == 0, err
    assert out.count("\n") == 2
    rc, out, err = cli("customers", "show", "13800138000", "--json", user="desk")
    assert rc == 0, err
    shown = json.loads(out)
    assert shown["name"] == "张三" and len(shown["cases"]) == 1
    before = _rows(shop)
    rc, _, err = cli("customers", "edit", "13800138000", "--class", "A", user="desk")
    assert rc == 2  # --reason is required
    rc, _, err = cli(
        "customers", "edit", "13800138000", "--phone", "13900139000", "--reason", "x", user="desk"
    )
    assert rc == 2 and "merge" in err
    rc, _, err = cli("customers", "edit", "13800138000", "--kind", "vip", "--reason", "x")
    assert rc == 2  # needs --user once the shop has an owner
    assert _rows(shop) == before
    rc, out, err = cli(
        "customers", "edit", "13800138000", "--class", "A", "--reason", "常客", user="desk"
    )
    assert rc == 0 and "class A" in out, err
    rc, out, err = cli(
        "customers", "merge", "13800138000", "13900139000", "--reason", "同一人", user="desk"
    )
    assert rc == 0, err
    assert "1 cases moved" in out
    rc, out, err = cli(
        "customers",
        "add",
        "--name",
        "杭州某某公司",
        "--phone",
        "0571-88886666",
        "--kind",
        "business",
        user="desk",
    )
    assert rc == 0 and "杭州某某公司" in out, err
    rc, _, err = cli("customers", "add", "--name", "重复", "--phone", "0571-88886666", user="desk")
    assert rc == 2 and "merge" in err
    rc, out, err = cli("customers", "show", "13900139000", user="desk")
    assert rc == 0 and out.startswith("#") and "张三" in out.splitlines()[0]
    assert out.count("SH-") == 2


def test_import_and_export_of_the_lists(cli: Cli, shop: Path, tmp_path: Path) -> None:
    csv = tmp_path / "经销商.csv"
    csv.write_bytes("客户名称,手机,期初余额\n鑫达通讯,13906571288,30000\n".encode("gbk"))
    rc, out, err = cli("import", "dealers", str(csv), user="desk")
    assert rc == 2 and "manager" in err
    rc, out, err = cli("import", "dealers", str(csv), "--commit", user="mgr")
    assert rc == 0, err
    rc, out, err = cli("import", "dealers", str(csv), "--commit", "--json", user="mgr")
    assert rc == 0, err
    assert json.loads(out)["counts"] == {"add": 0, "update": 0, "same": 1}
    out_file = tmp_path / "products.xlsx"
    rc, out, err = cli("export", "products", str(out_file), user="desk")
    assert rc == 0 and out_file.exists(), err
    rc, out, err = cli("export", "customers", str(tmp_path / "c.xlsx"), user="desk")
    assert rc == 2 and "owner" in err
