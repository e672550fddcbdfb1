"""Data flows one way: ui/cli/demo → services → domain + store (read from the imports, ast)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"

GUI = ("tkinter", "ttkbootstrap", "PIL.ImageTk")
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "domain": (*GUI, "peewee", "playhouse", "app.store", "app.services", "app.i18n", "app.demo"),
    "store": (*GUI, "app.services", "app.ui", "app.cli", "app.demo"),
    "services": (*GUI, "app.ui", "app.cli", "app.demo"),
    "documents": (*GUI, "peewee", "playhouse", "app.store", "app.services", "app.ui", "app.cli"),
    "i18n": (*GUI, "peewee", "playhouse", "app.store", "app.services", "app.ui", "app.cli"),
    # The demo plays the shop through the public services only: no store, no window.
    "demo": (*GUI, "peewee", "playhouse", "app.store", "app.ui", "app.cli"),
    "ui": ("peewee", "playhouse", "app.store", "app.cli"),
    # the command line talks to services; only `selftest` opens the window and the database
    "cli": ("peewee", "playhouse"),
}
MONEY_NAME = re.compile(r"amount|price|total|refund|cost", re.IGNORECASE)


def _modules(layer: str) -> list[Path]:
    return sorted((APP / layer).rglob("*.py"))


def _package_of(path: Path, app: Path) -> list[str]:
    return list(path.relative_to(app.parent).with_suffix("").parts[:-1])


def imported_names(path: Path, app: Path = APP, *, running: bool = False) -> set[str]:
    """Every module a file imports, anywhere in it; `from a import b` gives `a` and `a.b`.

    `running`: only what runs (imports under `if TYPE_CHECKING:` are for type checkers).
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    skip: set[int] = set()
    if running:
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                skip.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    names: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
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


def _runtime_imports(path: Path, app: Path = APP) -> set[str]:
    """The app modules a file imports when it runs (function-level imports included)."""
    names = imported_names(path, app, running=True)
    return {n for n in names if n == "app" or n.startswith("app.")}


def _module_name(path: Path, app: Path) -> str:
    parts = list(path.relative_to(app.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_cycles(app: Path = APP) -> list[list[str]]:
    """Every circle of modules importing each other (Tarjan's strongly connected components)."""
    files = {_module_name(p, app): p for p in sorted(app.rglob("*.py"))}
    graph = {
        mod: sorted(
            n
            for n in _runtime_imports(path, app)
            if n in files
            and n != mod
            and not (files[n].name == "__init__.py" and mod.startswith(n + "."))
        )
        for mod, path in files.items()
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def test_no_module_imports_itself_in_a_circle() -> None:
    """money ↔ returns ↔ transitions and setup ↔ server once hid behind function-level imports;
    a circle means the layer cannot be read (or tested) one module at a time."""
    assert import_cycles() == []


def test_the_cycle_finder_sees_a_function_level_circle(tmp_path: Path) -> None:
    pkg = tmp_path / "app" / "services"
    pkg.mkdir(parents=True)
    (tmp_path / "app" / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "a.py").write_text("from app.services import b\n", encoding="utf-8")
    (pkg / "b.py").write_text("def f():\n    from app.services.a import x\n", encoding="utf-8")
    (pkg / "c.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from app.services import a\n",
        encoding="utf-8",
    )
    assert import_cycles(tmp_path / "app") == [["app.services.a", "app.services.b"]]
