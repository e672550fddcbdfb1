"""The demo shop's catalogue, read from app/demo/data/*.json: what it sells, the spare parts on its
shelf, the faults phones come in with, and the phrases people write on cases.

The files are data, not code, so a shop (or a translator) can see and change what the demo shows
without reading the scripts; build/afterdesk.spec bundles them with the program.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from app.paths import resource_root

Item = dict[str, Any]  # name, spec, category, price (yuan); phones also brand, model, prefix


def data_dir() -> Path:
    """app/demo/data in the source tree or in the frozen bundle."""
    return resource_root() / "app" / "demo" / "data"


@cache
def load(name: str) -> dict[str, Any]:
    with open(data_dir() / name, encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


@dataclass(frozen=True)
class Fault:
    key: str
    fault: str
    condition: str
    diagnosis: str
    result: str
    part: str | None  # a part kind of parts.json "labels"; None: no part is fitted
    labour: str
    labour_amount: int
    minutes: int
    man_made: bool = False


@dataclass(frozen=True)
class SparePart:
    part_no: str
    name: str
    stock: int  # opening stock
    cost: int
    price: int


def phones() -> list[Item]:
    return [{**p, "category": "phone"} for p in load("products.json")["phones"]]


def accessories() -> list[Item]:
    return [dict(a) for a in load("products.json")["accessories"]]


def gift() -> Item:
    return dict(load("products.json")["gift"])


def batch_categories() -> tuple[str, ...]:
    return tuple(load("products.json")["batch_categories"])


@cache
def spare_parts() -> tuple[SparePart, ...]:
    return tuple(SparePart(**p) for p in load("parts.json")["spare_parts"])


def part_label(kind: str) -> str:
    labels: dict[str, str] = load("parts.json")["labels"]
    return labels[kind]


def part_labels() -> dict[str, str]:
    return dict(load("parts.json")["labels"])


def supplier() -> str:
    return str(load("parts.json")["supplier"])


def part_no(kind: str, item: Item) -> str | None:
    """The shelf's part number for a part kind on this item (a generic part fits every model)."""
    generic: dict[str, str] = load("parts.json")["generic"]
    if kind in generic:
        return generic[kind]
    candidate = f"{item.get('prefix', '')}-{kind}"
    return candidate if any(p.part_no == candidate for p in spare_parts()) else None


def part_price(kind: str, item: Item) -> int:
    """What the part costs the customer (a screen not on the shelf list: by the phone's price)."""
    pn = part_no(kind, item)
    for p in spare_parts():
        if p.part_no == pn:
            return p.price
    if kind == "LCD":
        return int(round(item["price"] * 0.2, -1)) - 1
    return 199


@cache
def faults() -> tuple[Fault, ...]:
    return tuple(Fault(**f) for f in load("faults.json")["faults"])


def fault(key: str) -> Fault:
    return next(f for f in faults() if f.key == key)


def warranty_faults() -> tuple[Fault, ...]:
    return tuple(f for f in faults() if not f.man_made)


def conditions() -> list[str]:
    return list(load("faults.json")["conditions"])


def accessory_codes() -> list[str]:
    return list(load("faults.json")["accessory_codes"])


def phrases(key: str) -> Any:
    """One entry of phrases.json (carriers, complaints, claim notes, …)."""
    return load("phrases.json")[key]


def customers(key: str) -> Any:
    """One entry of customers.json (dealers, businesses, batch buyers)."""
    return load("customers.json")[key]


def people(key: str) -> Any:
    """One entry of people.json (staff, name parts, phone prefixes, addresses)."""
    return load("people.json")[key]
