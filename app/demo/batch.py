"""One demo batch: the shop's staff and shelf, every case's story planned, then all steps played
in time order on the demo clock, and a summary of what was made.

Every state of every workflow is left on at least one case (`OPEN_COVERAGE`, `OVERDUE`), each
path is played once to its end (`VARIANTS`), and the rest of the half year is drawn by how often
the shop sees each kind (`KIND_SHARE`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from typing import Any

from app.demo import catalogue, complaints, damage, parts, people, refunds, repairs, returns
from app.demo.calendar import DEMO_DAYS
from app.demo.plan import Plan
from app.demo.script import Script
from app.services.casework.cases import CaseFilter, count_cases
from app.services.remedies.repair_help import part_stock, spare_parts
from app.services.shop.accounts import DEMO_PIN
from app.services.shop.context import Context
from app.services.shop.demo_folder import batch_figures
from app.services.shop.errors import DomainError
from app.services.shop.setup import context_for
from app.services.shop.stock import create_part, stock_in
from app.services.shop.suppliers import add_supplier, list_suppliers

OPEN_COVERAGE: tuple[tuple[str, str, str], ...] = (
    ("repair", "warranty", "received"),
    ("repair", "warranty", "diagnosing"),
    ("repair", "paid", "awaiting_approval"),
    ("repair", "warranty", "repairing"),
    ("repair", "warranty", "quality_check"),
    ("repair", "onsite", "scheduled"),
    ("repair", "onsite", "visited"),
    ("repair", "onsite_revisit", "revisit_scheduled"),
    ("return", "quality_refund", "requested"),
    ("return", "quality_refund", "approved"),
    ("exchange", "ship_first", "replacement_shipped"),
    ("return", "no_reason", "awaiting_goods"),
    ("exchange", "exchange", "received"),
    ("return", "quality_refund", "inspected"),
    ("exchange", "exchange", "liability_decided"),
    ("return", "quality_refund", "disposition_done"),
    ("return", "no_reason", "refunded"),
    ("exchange", "exchange", "exchanged"),
    ("return", "batch_credit", "credited"),
    ("return", "rejected", "rejected"),
    ("refund", "not_shipped", "requested"),
    ("refund", "delivered", "verifying"),
    ("refund", "not_shipped", "refunded"),
    ("refund", "reject_direct", "rejected"),
    ("complaint", "full", "logged"),
    ("complaint", "full", "acknowledged"),
    ("complaint", "quick", "resolved"),
    ("complaint", "reopen", "follow_up"),
    ("parts", "full", "requested"),
    ("parts", "full", "shipped"),
    ("parts", "full", "delivered"),
    ("parts", "rejected", "rejected"),
    ("carrier_damage", "replace_claim", "reported"),
    ("carrier_damage", "refund_close", "documented"),
    ("carrier_damage", "replace_close", "replacement_shipped"),
    ("carrier_damage", "refund_claim", "refunded"),
    ("carrier_damage", "rejected", "rejected"),
)
# Open cases left past their promise (or first-answer) date.
OVERDUE: tuple[tuple[str, str, str], ...] = (
    ("repair", "paid_parts", "awaiting_parts"),
    ("repair", "warranty", "ready_for_pickup"),
    ("return", "no_reason", "awaiting_goods"),
    ("complaint", "full", "investigating"),
    ("complaint", "full", "logged"),
    ("carrier_damage", "replace_claim", "claim_filed"),
    ("refund", "intercept", "intercepting"),
    ("parts", "full", "approved"),
)
# Paths per kind with how often the shop sees them.
VARIANTS: dict[str, dict[str, int]] = {
    "repair": {
        "warranty": 40,
        "paid": 22,
        "paid_parts": 5,
        "declined": 6,
        "scrap": 3,
        "quick": 9,
        "cancel": 3,
        "onsite": 6,
        "onsite_revisit": 3,
        "onsite_cancel": 2,
    },
    "return": {
        "quality_refund": 11,
        "no_reason": 11,
        "rejected": 5,
        "damaged_parcel": 2,
        "no_fault": 3,
        "cancel": 2,
        "cancel_goods": 1,
        "scrap": 2,
        "batch_credit": 3,
    },
    "exchange": {
        "exchange": 16,
        "ship_first": 6,
        "approved_ship_first": 2,
        "rejected": 3,
        "no_fault": 2,
        "cancel": 1,
    },
    "refund": {
        "not_shipped": 12,
        "intercept": 6,
        "intercept_failed": 3,
        "lost": 4,
        "delivered": 5,
        "reject_direct": 2,
    },
    "complaint": {"full": 13, "quick": 7, "reopen": 3, "spawn_repair": 4, "spawn_exchange": 2},
    "parts": {"full": 16, "rejected": 4},
    "carrier_damage": {
        "replace_claim": 7,
        "refund_close": 6,
        "refund_claim": 4,
        "replace_close": 4,
        "rejected": 3,
    },
}
KIND_SHARE = {
    "repair": 50,
    "return": 9,
    "exchange": 8,
    "refund": 12,
    "complaint": 10,
    "parts": 5,
    "carrier_damage": 6,
}


BUILDERS = {
    "repair": repairs.build,
    "refund": refunds.build,
    "complaint": complaints.build,
    "parts": parts.build,
    "carrier_damage": damage.build,
}


class Batch(Script):
    def __init__(self, ctx: Context, cases: int) -> None:
        super().__init__(ctx, cases, existing=count_cases(ctx))

    # -- the shop --------------------------------------------------------------------------------

    def ensure_staff(self) -> None:
        self.users = people.make_staff(self.base)
        self.ctxs = {
            key: context_for(self.ctx.data_dir, name, clock=self.clock)
            for key, name in self.users.items()
        }

    def ensure_parts(self) -> None:
        """The shelf's opening stock, bought by the owner from the demo's supplier (parts on
        file already are left alone): each part with its shelf and reorder level."""
        owner = self.ctxs["owner"]
        name = catalogue.supplier()
        if not any(s.name == name for s in list_suppliers(owner)):
            add_supplier(owner, name, contact="李经理", phone="0755-83211234", terms="月结30天")
        for i, part in enumerate(catalogue.spare_parts()):
            if part_stock(owner, part.part_no) is not None:
                continue
            create_part(
                owner,
                part.part_no,
                part.name,
                cost=Decimal(part.cost),
                price=Decimal(part.price),
                reorder_level=2,
                fits="通用" if part.part_no.startswith("GEN-") else part.name.rsplit(" ", 1)[0],
                location=f"{'AB'[i % 2]}-{i // 2 + 1:02d}",
            )
            stock_in(owner, part.part_no, part.stock, Decimal(part.cost), name, "期初采购入库")

    # -- plans -----------------------------------------------------------------------------------

    def plan(
        self,
        kind: str,
        variant: str,
        target: str | None = None,
        mode: str = "closed",
        **st: Any,
    ) -> Plan:
        person = self.people.customer_for(mode)
        p = Plan(
            kind,
            target,
            mode,
            person,
            desk=self.rng.choices(("desk", "desk2"), weights=(3, 2))[0],
            tech=self.rng.choices(("tech", "tech2"), weights=(3, 2))[0],
            st=dict(st),
            label=f"{kind}/{variant}" + (f"->{target}" if target else ""),
        )
        if "person" in st:
            p.person = st["person"]
        if "start" in st:
            p.start = st["start"]
        builder = BUILDERS.get(kind)
        if builder is not None:
            builder(self, p, variant)
        else:
            returns.build(self, p, kind, variant)
        self.plans.append(p)
        return p

    def build(self) -> None:
        # The goods dealers return by the batch first come back singly: intake creates a product
        # from its first case and takes that case's amount as the unit price.
        start = self.cal.now0 - timedelta(days=DEMO_DAYS)
        batch_goods = [
            a for a in catalogue.accessories() if a["category"] in catalogue.batch_categories()
        ]
        for i, item in enumerate(batch_goods):
            self.plan(
                "return",
                "no_reason",
                mode="fixed",
                item=item,
                start=start + timedelta(days=1.2 * i, hours=self.h(0, 8)),
            )
        # Every state of every workflow, open, in the last days (not overdue yet).
        for kind, variant, target in OPEN_COVERAGE:
            self.plan(kind, variant, target, "open")
        # A handful of open cases stuck past their promise date.
        for kind, variant, target in OVERDUE:
            self.plan(kind, variant, target, "overdue")
        # Each path once to its end.
        for kind, variants in VARIANTS.items():
            for variant in variants:
                self.plan(kind, variant)
        # "Ship first, settle later" for dealers whose damage is then deducted from their account.
        for _ in range(3):
            self.plan("exchange", "ship_first", dealer=True)
        # Carrier claims in each of their states.
        self.plan("refund", "lost", mode="recent", claim_target="draft")
        self.plan("refund", "lost", mode="recent", claim_path="paid", claim_target="accepted")
        self.plan("return", "damaged_parcel", mode="recent", claim_path="paid", claim_target="paid")
        self.plan(
            "return",
            "damaged_parcel",
            mode="recent",
            claim_path="rejected",
            claim_target="rejected",
        )
        self.plan("return", "damaged_parcel", claim_path="withdrawn")
        self.plan("carrier_damage", "replace_claim", claim_path="refiled")
        # A regular whose phone fails three times: two warranty repairs, then a free exchange.
        self.story()
        # The rest of the half year.
        kinds = list(KIND_SHARE)
        while self.case_count() < self.target:
            kind = self.rng.choices(kinds, weights=[KIND_SHARE[k] for k in kinds])[0]
            variants = VARIANTS[kind]
            variant = self.rng.choices(list(variants), weights=list(variants.values()))[0]
            if variant.startswith("spawn") and self.case_count() + 2 > self.target:
                continue
            self.plan(kind, variant)

    def case_count(self) -> int:
        return sum(2 if "spawn" in p.label else 1 for p in self.plans)

    def story(self) -> None:
        person = self.people.person()
        person.fresh, person.cls = False, "A"
        self.people.regulars.append(person)
        item = dict(self.phone_item())
        item["serial"] = self.people.imei()
        now = self.cal.now0
        sold = (now - timedelta(days=200)).astimezone(self.cal.tz).date()
        fault = catalogue.fault("reboot")
        for days in (170, 120):
            self.plan(
                "repair",
                "warranty",
                mode="fixed",
                person=person,
                item=item,
                fault=fault,
                sold_on=sold,
                start=now - timedelta(days=days),
            )
        self.plan(
            "exchange",
            "exchange",
            mode="fixed",
            person=person,
            item=item,
            sold_on=sold,
            start=now - timedelta(days=80),
            description=f"{item['name']}第三次出现死机重启，已保修维修两次仍未解决，"
            "按三包规定申请更换同型号新机",
        )

    # -- playing ---------------------------------------------------------------------------------

    def run(self) -> None:
        now = self.cal.now0
        self.at(now - timedelta(days=DEMO_DAYS + 5))
        self.ensure_staff()
        self.at(now - timedelta(days=DEMO_DAYS + 3))
        self.ensure_parts()
        self.people.known()
        self.build()
        for plan in self.plans:
            plan.times = self.cal.place(plan)
        for track in self.tracks:
            track.times = self.cal.place_track(track)
        everything = self.plans + self.tracks
        order = sorted(
            (t, i, j) for i, plan in enumerate(everything) for j, t in enumerate(plan.times)
        )
        for at, i, j in order:
            plan = everything[i]
            _, user, fn = plan.steps[j]
            self.at(at)
            try:
                fn(self.ctxs[user], plan.st)
            except DomainError as exc:
                label = plan.parent.label if plan.parent else plan.label
                exc.add_note(f"demo: {label} step {j} at {at.isoformat()} as {user}")
                raise

    def summary(self, seconds: float) -> dict[str, Any]:
        now0 = self.cal.now0
        at_now = replace(self.ctx, clock=lambda: now0)
        keys = [s.key for s in people.staff()]
        return {
            **batch_figures(self.made),
            "users": [self.users[key] for key in keys],
            "accounts": {key: self.users[key] for key in keys},
            "pin": DEMO_PIN,
            "spare_parts": len(spare_parts(at_now)),
            "overdue": count_cases(at_now, CaseFilter(overdue=True)),
            "total_cases": count_cases(at_now),
            "from": (now0 - timedelta(days=DEMO_DAYS)).astimezone(self.cal.tz).date().isoformat(),
            "to": now0.astimezone(self.cal.tz).date().isoformat(),
            "seconds": round(seconds, 2),
        }
