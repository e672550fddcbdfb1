"""Carrier claim scripts: a claim opened on a case, then filed, accepted or rejected (and filed
again), paid in full or in part, closed or withdrawn — on its own clock beside its case.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from app.demo import catalogue
from app.demo.catalogue import Item
from app.demo.plan import Plan, Step
from app.demo.script import Script
from app.services.casework.records import case_detail, find_case
from app.services.remedies import money as money_svc
from app.services.remedies.return_help import ClaimInput
from app.services.remedies.return_help import open_claim as open_claim_svc
from app.services.shop.context import Context
from app.services.shop.errors import NotFound


def steps(
    d: Script, p: Plan, key: str, statuses: tuple[str, ...] | list[str], stop_at: str | None = None
) -> bool:
    """Move the case's newest claim through `statuses`; True when it stopped at `stop_at`."""
    if stop_at == "draft":
        return True
    notes = catalogue.phrases("claim_notes")
    delays = catalogue.phrases("claim_delays")
    filed_before = False
    for status in statuses:
        note = notes[status]
        if status == "filed" and filed_before:
            note = "补充开箱视频和保价凭证后重新提交"
        filed_before = filed_before or status == "filed"
        p.do(d.h(*delays[status]), p.desk, move(d, key, status, note))
        if status == stop_at:
            return True
    return False


def move(d: Script, key: str, status: str, note: str) -> Step:
    """A step moving the case's newest claim; a paid claim recovers all or 80 % of the claim."""
    partial = d.chance(0.3)

    def fn(c: Context, st: dict[str, Any]) -> None:
        detail = case_detail(find_case(st[key]), c)
        if not detail.claims:
            raise NotFound("claim", st[key])
        claim = detail.claims[-1]
        recovered = None
        text = note
        if detail.kind == "refund":  # a parcel lost on the way out: no box to photograph
            text = catalogue.phrases("lost_claim_notes").get(status, note)
        if status == "paid":
            amount = claim.amount_claimed
            recovered = (amount * Decimal("0.8")).quantize(Decimal("0.01")) if partial else amount
        money_svc.move_claim(c, claim.number, status, recovered=recovered, note=text)

    return fn


def track(d: Script, p: Plan, key: str) -> None:
    """A claim runs on its own clock from now on while the case goes on."""
    if p.done:
        return
    claim = Plan("claim", None, "track", p.person, p.desk, p.tech, st=p.st)
    claim.parent, claim.anchor = p, len(p.steps) - 1
    path = (
        p.st.get("claim_path")
        or d.rng.choices(("paid", "rejected", "refiled", "withdrawn"), weights=(6, 2, 2, 1))[0]
    )
    steps(d, claim, key, catalogue.phrases("claim_paths")[path], p.st.get("claim_target"))
    if claim.steps:
        d.tracks.append(claim)


def open_claim(d: Script, p: Plan, item: Item, key: str = "no") -> None:
    """The desk opens a claim on the case for the item's value (a carrier-damage case waiting
    for its claim moves to "claim filed" with it)."""
    carrier, tracking = d.tracking()
    data = ClaimInput(amount=Decimal(item["price"]), carrier=carrier, tracking_no=tracking)

    def fn(c: Context, st: dict[str, Any]) -> None:
        open_claim_svc(c, st[key], data)

    p.do(d.h(0.2, 6), p.desk, fn)
