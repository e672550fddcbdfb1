"""Data flows one way: ui/cli → services → domain + store. These tests read the imports (ast)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"

GUI = ("tkinter", "ttkbootstrap", "PIL.ImageTk")
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "domain": (*GUI, "peewee", "playhouse", "app.store", "app.services", "app.i18n"),
    "store": (*GUI, "app.services", "app.ui", "app.cli"),
    "services": (*GUI, "app.ui", "app.cli"),
    "documents": (*GUI, "peewee", "playhouse", "app.store", "app.services", "app.ui", "app.cli"),
    "i18n": (*GUI, "peewee", "playhouse", "app.store", "app.ui", "app.cli"),
    "ui": ("peewee", "playhouse", "app.store", "app.cli"),
}
MONEY_NAME = re.compile(r"amount|price|total|refund|cost", re.IGNORECASE)


def _modules(layer: str) -> list[Path]:
    return sorted((APP / layer).rglob("*.py"))


def _package_of(path: Path, app: Path) -> list[str]:
    return list(path.relative_to(app.parent).with_suffix("").parts[:-1])


def imported_names(path: Path, app: Path = APP) -> set[str]:
    """Every module a file imports, anywhere in it; `from a import b` gives `a` and `a.b`."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = _package_of(path, app)
                base = package[: len(package) - (node.level - 1)]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def _hits(names: set[str], forbidden: tuple[str, ...]) -> list[str]:
    return sorted(n for n in names for f in forbidden if n == f or n.startswith(f + "."))


def test_the_layers_have_modules() -> None:
    for layer in FORBIDDEN:
        assert _modules(layer), f"app/{layer} has no modules: the layering test would be vacuous"


def test_import_reader_sees_every_form(tmp_path: Path) -> None:
    pkg = tmp_path / "app" / "domain"
    pkg.mkdir(parents=True)
    src = pkg / "x.py"
    src.write_text(
        "import tkinter.ttk\n"
        "from PIL import ImageTk\n"
        "from .. import store\n"
        "def f():\n"
        "    import peewee as pw\n",
        encoding="utf-8",
    )
    names = imported_names(src, tmp_path / "app")
    assert {"tkinter.ttk", "PIL.ImageTk", "app.store", "peewee"} <= names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_nothing_above_it(layer: str) -> None:
    offences = {
        str(path.relative_to(APP.parent)): hits
        for path in _modules(layer)
        if (hits := _hits(imported_names(path), FORBIDDEN[layer]))
    }
    assert offences == {}


def _float_on_money(path: Path, app: Path = APP) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "float"
            and any(MONEY_NAME.search(ast.unparse(arg)) for arg in node.args)
        ):
            found.append(f"{path.relative_to(app.parent)}:{node.lineno}: {ast.unparse(node)}")
    return found


def test_money_is_never_turned_into_float() -> None:
    offences = [hit for path in sorted(APP.rglob("*.py")) for hit in _float_on_money(path)]
    assert offences == []


def test_float_check_catches_an_offence(tmp_path: Path) -> None:
    src = tmp_path / "app" / "bad.py"
    src.parent.mkdir()
    src.write_text("def f(case):\n    return float(case.refund_total)\n", encoding="utf-8")
    assert len(_float_on_money(src, tmp_path / "app")) == 1
