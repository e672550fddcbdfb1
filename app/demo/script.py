"""What every workflow script of the demo shares: the dice, the people, the clock, the staff's
contexts, and the steps most cases have (intake, a status move, a signature at pickup).

A workflow script (repairs, returns, refunds, complaints, parts, damage, claims) is a module of
functions taking the `Script` and a `Plan`; it appends steps to the plan, which `batch` later
plays in time order. Every step calls a public service as the staff member named for it.
"""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from app.demo import catalogue
from app.demo.calendar import Calendar, Clock
from app.demo.catalogue import Item
from app.demo.people import People
from app.demo.plan import Plan
from app.domain.rules.approval import ApprovalLevel, approval_needed
from app.services.casework.intake import IntakeForm, take_intake
from app.services.casework.records import find_case
from app.services.casework.transitions import move
from app.services.remedies.dealers import dealer_account, dealer_deposit
from app.services.remedies.repairs import sign
from app.services.shop.context import Context

SEED = 20240618


def money(value: float | int | Decimal) -> str:
    """An amount as the desk types it (two decimals)."""
    return str(Decimal(str(value)).quantize(Decimal("0.01")))


class Script:
    """A batch's shared state: dice seeded from the cases already on file (so a second batch
    differs and is reproducible), the clock the services read, the staff's contexts, the plans."""

    def __init__(self, ctx: Context, cases: int, existing: int) -> None:
        self.ctx = ctx
        self.target = cases
        self.rng = random.Random(SEED + existing)
        now = ctx.now().astimezone(UTC)
        self.clock = Clock(now)
        self.cal = Calendar(self.rng, now, ctx.tz)
        self.people = People(self.rng)
        self.users: dict[str, str] = {}  # staff key -> sign-in name
        self.ctxs: dict[str, Context] = {}  # staff key -> their context on the demo clock
        self.made: list[int] = []  # ids of the cases this batch made
        self.plans: list[Plan] = []
        self.tracks: list[Plan] = []

    @property
    def base(self) -> Context:
        """The caller's context on the demo clock."""
        return replace(self.ctx, clock=self.clock)

    # -- dice ----------------------------------------------------------------------------------

    def h(self, lo: float, hi: float) -> float:
        return self.rng.uniform(lo, hi)

    def pick(self, seq: Any) -> Any:
        return self.rng.choice(seq)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def digits(self, n: int) -> str:
        return self.people.digits(n)

    def tracking(self) -> tuple[str, str]:
        """A carrier and a tracking number of its usual shape (SF + 13 digits, ...)."""
        carriers = catalogue.phrases("carriers")
        if self.chance(0.3):
            carriers = carriers + catalogue.phrases("carriers_more")
        c = self.pick(carriers)
        return c["name"], c["prefix"] + self.digits(c["digits"])

    def order_no(self, channel: str) -> str:
        if channel == "tmall":
            return "3" + self.digits(18)
        if channel == "wechat":
            return "WX" + self.digits(14)
        return "XS" + self.digits(12)

    def scribble(self) -> list[list[list[float]]]:
        """Signature strokes: a few joined-up loops drifting to the right, then a flourish."""
        strokes: list[list[list[float]]] = []
        x = self.h(0.06, 0.16)
        for _ in range(self.rng.randint(2, 4)):
            width = self.h(0.14, 0.26)
            base, amp = self.h(0.42, 0.58), self.h(0.1, 0.22)
            freq, phase = self.h(2.5, 5.5) * math.pi, self.h(0, 2 * math.pi)
            n = self.rng.randint(18, 36)
            pts = []
            for j in range(n):
                t = j / (n - 1)
                px = x + width * t + 0.035 * math.sin(3 * freq * t + phase)
                py = base + amp * math.sin(freq * t + phase) + self.h(-0.012, 0.012)
                pts.append([round(min(0.98, max(0.02, px)), 4), round(min(0.95, max(0.05, py)), 4)])
            strokes.append(pts)
            x += width + self.h(0.02, 0.06)
            if x > 0.82:
                break
        if self.chance(0.6):  # underline
            y = self.h(0.72, 0.85)
            strokes.append(
                [[round(0.1 + 0.07 * k, 4), round(y + self.h(-0.02, 0.02), 4)] for k in range(12)]
            )
        return strokes

    # -- catalogue picks -----------------------------------------------------------------------

    def phone_item(self) -> Item:
        phones = catalogue.phones()
        return dict(self.rng.choices(phones, weights=[p["popularity"] for p in phones])[0])

    def accessory_item(self, categories: tuple[str, ...] | None = None) -> Item:
        pool = [
            a for a in catalogue.accessories() if categories is None or a["category"] in categories
        ]
        return dict(self.rng.choices(pool, weights=[a["popularity"] for a in pool])[0])

    def any_item(self, phone_share: float = 0.55) -> Item:
        return self.phone_item() if self.chance(phone_share) else self.accessory_item()

    # -- who -----------------------------------------------------------------------------------

    def approver(self, amount: int | float) -> str:
        """Who approves `amount`: the owner above the shop's threshold, else the desk."""
        level = approval_needed(Decimal(str(amount)), self.ctx.settings.approval)
        return "owner" if level is ApprovalLevel.OWNER else "desk"

    # -- steps most cases have -------------------------------------------------------------------

    def intake(self, p: Plan, user: str, status: str, **fields: Any) -> None:
        """The case is taken in; a dealer's first case is when they pay their deposit."""
        sold_days = fields.pop("sold_days", None)
        sold_on = fields.pop("sold_on", None)

        def fn(c: Context, st: dict[str, Any]) -> None:
            person = p.person
            form = {
                "name": person.name,
                "phone": person.phone,
                "address": person.address,
                "customer_kind": person.kind,
                "service_class": person.cls,
                **fields,
            }
            if sold_days is not None:
                form["sold"] = c.today() - timedelta(days=sold_days)
            elif sold_on is not None:
                form["sold"] = min(sold_on, c.today())
            case = take_intake(c, IntakeForm(**form))
            st["no"] = case.number
            st["id"] = case.id
            self.made.append(case.id)
            dealer = f"#{case.customer_id}"
            if person.deposit and not dealer_account(c, dealer).deposited:
                dealer_deposit(
                    self.ctxs["owner"],
                    dealer,
                    Decimal(person.deposit),
                    "bank",
                    "经销商预存售后保证金",
                )

        p.go(0, user, fn, status)

    def mv(
        self, p: Plan, hours: float, user: str, status: str, note: str = "", key: str = "no"
    ) -> None:
        def fn(c: Context, st: dict[str, Any]) -> None:
            move(c, st[key], status, note)

        p.go(hours, user, fn, status, key)

    def sale_fields(self, channel: str | None = None) -> dict[str, Any]:
        sale = channel or self.rng.choices(("store", "tmall", "wechat"), weights=(6, 3, 1))[0]
        out: dict[str, Any] = {"sale_channel": sale}
        if sale == "store":
            out["invoice_no"] = "0" + self.digits(7)
            out["channel"] = "walk_in" if self.chance(0.85) else "phone"
        else:
            out["order_no"] = self.order_no(sale)
            out["channel"] = "online_shop" if sale == "tmall" else "wechat"
        return out

    def item_fields(self, item: Item, qty: int = 1) -> dict[str, Any]:
        out = {
            "product": item["name"],
            "model_spec": item["spec"],
            "category": item["category"],
            "amount": money(item["price"] * qty),
            "qty": qty,
            "add_to_catalogue": True,  # the demo shop keeps a catalogue of what it sells
            "barcode": ean13(f"{item['name']}|{item['spec']}"),
        }
        if item["category"] == "phone":
            out["serial"] = item.get("serial") or self.people.imei()
        return out

    def pickup(
        self,
        p: Plan,
        key: str,
        status: str,
        note: str,
        delay: tuple[float, float] = (2, 60),
    ) -> None:
        """The customer signs for the device at the desk, then the case moves on."""
        strokes = self.scribble()
        signer = p.person.name.split("（")[-1].rstrip("）") if "（" in p.person.name else ""

        def fn(c: Context, st: dict[str, Any]) -> None:
            who = signer or find_case(st[key]).customer.name
            sign(c, st[key], strokes, who)

        p.do(self.h(*delay), p.desk, fn)
        self.mv(p, self.h(0.01, 0.1), p.desk, status, note, key)

    def at(self, when: datetime) -> None:
        """Set the demo clock: every service call reads this moment as now."""
        self.clock.at = when


def ean13(key: str) -> str:
    """A made-up but well-formed EAN-13 (China's 69 prefix) that is the same for the same item,
    so the demo's products can be scanned at intake."""
    body = "69" + str(int(hashlib.sha256(key.encode()).hexdigest(), 16))[:10]
    check = (10 - sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body)) % 10) % 10
    return body + str(check)
