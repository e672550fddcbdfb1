"""A data folder made as a demo: the mark, the refusal of a live shop, one batch's transaction.

The demo itself (app/demo) plays the shop's half year through the public services; what only
this layer can do for it is here: whether the folder is a demo, the one transaction a whole
batch runs in (so a failed batch leaves nothing, not even the mark), and the names and phones
already on file (a new batch invents people who are not).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from app.services.shop.context import Context
from app.services.shop.errors import DomainError
from app.store.db import write_transaction
from app.store.history import record_event
from app.store.models import CarrierClaim, Case, Customer, Setting, User, put_setting

DEMO_KEY = "demo_folder"


def is_demo_folder() -> bool:
    """Whether this database was made as a demo (the window's title says so)."""
    return Setting.get_or_none(Setting.key == DEMO_KEY) is not None


def demo_allowed() -> bool:
    """Demo data goes only into a folder made as a demo, or an empty one (no case and no
    account anyone can sign in with): never into a live shop, whose owner would find fake
    cases in the books and an owner account with the published PIN."""
    if is_demo_folder():
        return True
    has_cases = Case.select().exists()
    has_accounts = (
        User.select().where((User.name != "system") & User.secret_hash.is_null(False)).exists()
    )
    return not has_cases and not has_accounts


def _claim_demo_folder(ctx: Context) -> None:
    """Refuse a live shop; mark an empty folder as a demo for good."""
    if not demo_allowed():
        raise DomainError("demo_live_shop")
    if is_demo_folder():
        return
    now = ctx.now()
    put_setting(DEMO_KEY, {"since": now.isoformat()}, now, None)
    record_event(
        at=now,
        actor_id=ctx.actor.id,
        entity="setting",
        entity_id=0,
        action="demo_folder",
        data={"key": DEMO_KEY},
    )


@contextmanager
def demo_batch(ctx: Context) -> Iterator[None]:
    """One write transaction around a whole demo batch, in a folder marked as a demo.

    A live shop is refused before anything is written; the mark is written inside the batch's
    transaction, so a refused or failed batch leaves no mark. The services the batch calls
    nest their own transactions inside this one.
    """
    with write_transaction():
        _claim_demo_folder(ctx)
        yield


def people_on_file() -> tuple[set[str], set[str]]:
    """(phones, names) of the customers already on file, for inventing new ones."""
    phones = {p for (p,) in Customer.select(Customer.phone).tuples() if p}
    names = {n for (n,) in Customer.select(Customer.name).tuples()}
    return phones, names


def batch_figures(case_ids: list[int]) -> dict[str, object]:
    """What a batch made: its cases by kind, their distinct customers and carrier claims."""
    cases = list(Case.select(Case.id, Case.customer, Case.kind).where(Case.id.in_(case_ids)))
    kinds: dict[str, int] = {}
    for c in cases:
        kinds[c.kind] = kinds.get(c.kind, 0) + 1
    return {
        "cases": len(cases),
        "customers": len({c.customer_id for c in cases}),
        "kinds": kinds,
        "claims": CarrierClaim.select().where(CarrierClaim.case.in_(case_ids)).count(),
    }
