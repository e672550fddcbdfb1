"""The demo's people: staff accounts, and customers with believable Chinese names, mobile numbers,
Hangzhou addresses and IMEIs, none repeating one already on file.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from app.demo import catalogue
from app.domain.validation import luhn_ok
from app.services.shop.accounts import add_demo_account
from app.services.shop.context import Context
from app.services.shop.demo_folder import people_on_file


@dataclass(frozen=True)
class StaffMember:
    key: str  # how the scripts name them: owner, desk, desk2, tech, tech2
    login: str
    display_name: str
    role: str
    manager: bool


def staff() -> list[StaffMember]:
    return [StaffMember(**s) for s in catalogue.people("staff")]


def make_staff(ctx: Context) -> dict[str, str]:
    """The demo's staff accounts (demo PIN); returns key -> the sign-in name each got."""
    return {
        s.key: add_demo_account(ctx, s.login, s.display_name, s.role, is_manager=s.manager)
        for s in staff()
    }


@dataclass
class Person:
    name: str
    phone: str
    address: str
    kind: str = "consumer"
    cls: str = "B"
    fresh: bool = True  # made for this case: its class may be fitted to the case's timing
    deposit: int = 0


class People:
    """Invents customers and serials, never repeating a phone, name or IMEI."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used_phones, self.used_names = people_on_file()
        self.used_imeis: set[str] = set()
        self.regulars: list[Person] = []
        self.dealers: list[Person] = []
        self.businesses: list[Person] = []

    def digits(self, n: int) -> str:
        return "".join(self.rng.choice("0123456789") for _ in range(n))

    def imei(self) -> str:
        while True:
            body = "86" + self.digits(12)
            for d in "0123456789":
                if luhn_ok(body + d):
                    if body + d not in self.used_imeis:
                        self.used_imeis.add(body + d)
                        return body + d
                    break

    def phone(self) -> str:
        prefixes = catalogue.people("mobile_prefixes")
        while True:
            p = self.rng.choice(prefixes) + self.digits(8)
            if p not in self.used_phones:
                self.used_phones.add(p)
                return p

    def name(self) -> str:
        pick, chance = self.rng.choice, self.rng.random
        for _ in range(50):
            if chance() < 0.03:
                surname = pick(catalogue.people("compound_surnames"))
            else:
                surname = pick(catalogue.people("surnames"))
            if chance() < 0.3:
                given = pick(catalogue.people("given_single"))
            else:
                given = pick(catalogue.people("given_first")) + pick(
                    catalogue.people("given_second")
                )
            if surname + given not in self.used_names:
                break
        self.used_names.add(surname + given)
        return surname + given

    def address(self) -> str:
        rng = self.rng
        place = rng.choice(catalogue.people("districts"))
        text = (
            f"浙江省杭州市{place['district']}{rng.choice(place['streets'])}{rng.randint(1, 999)}号"
        )
        if rng.random() < 0.75:
            text += (
                f"{rng.choice(catalogue.people('estates'))}{rng.randint(1, 28)}幢"
                f"{rng.randint(1, 4)}单元{rng.randint(1, 28)}0{rng.randint(1, 4)}室"
            )
        return text

    def person(self) -> Person:
        cls = self.rng.choices("ABC", weights=(2, 6, 3))[0]
        return Person(self.name(), self.phone(), self.address(), cls=cls)

    def known(self) -> None:
        """The dealers and businesses of customers.json, and fourteen regulars."""
        for d in catalogue.customers("dealers"):
            self.used_phones.add(d["phone"])
            self.dealers.append(
                Person(d["name"], d["phone"], d["address"], "dealer", "A", False, d["deposit"])
            )
        for i, b in enumerate(catalogue.customers("businesses")):
            self.used_phones.add(b["phone"])
            self.businesses.append(
                Person(b["name"], b["phone"], b["address"], "business", "AB"[i % 2], False)
            )
        for _ in range(14):
            p = self.person()
            p.fresh = False
            self.regulars.append(p)

    def customer_for(self, mode: str) -> Person:
        """A regular comes back now and then; otherwise someone new."""
        if mode in ("closed", "recent") and self.rng.random() < 0.16:
            return self.rng.choice(self.regulars)
        return self.person()
