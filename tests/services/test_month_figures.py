"""The 003 monthly figures, as a shop lives a month: each scenario on a real data folder, the
clock moved by hand, the summary read at the month's end (issue 16, item 6)."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from app import i18n
from app.domain.errors import DomainError, ValidationError
from app.services.casework import complaints
from app.services.casework.intake import IntakeForm, take_intake
from app.services.casework.rules import update_settings, with_settings
from app.services.casework.transitions import move
from app.services.paper.delivery import SummaryOffer, send_to_recipients, summary_offer
from app.services.paper.documents import slip_data
from app.services.paper.exports import make_report_pdf, render_report_pdf, report_tables
from app.services.paper.report import (
    Report,
    Summary,
    month_period,
    month_report,
    previous_period,
    summarize,
)
from app.services.remedies import money, repairs
from app.services.shop.context import Context
from app.store.models import Case, RepairTicket, User
from tests.conftest import Clock, context_for, make_user
from tests.documents.slipdata import have_poppler, pdf_text

MARCH = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


@pytest.fixture
def shop(data_dir: Any) -> dict[str, Context]:
    """An owner, a desk clerk and two technicians, all on one moved-by-hand clock."""
    clock = Clock(MARCH)
    make_user("boss", "owner")
    make_user("desk", "front_desk")
    make_user("li", "technician")
    make_user("zhao", "technician")
    out = {n: context_for(data_dir, n, clock=clock) for n in ("boss", "desk", "li", "zhao")}
    out["clock"] = clock  # type: ignore[assignment]
    return out


def repair(desk: Context, **extra: Any) -> str:
    form = IntakeForm(
        kind="repair",
        name="王芳",
        phone="13600001234",
        product="华为 P60",
        category="phone",
        fault="屏幕不亮",
        sold="2026-02-20",  # in warranty: no estimate to approve
        **extra,
    )
    return take_intake(desk, form).number


def fix(tech: Context, number: str) -> None:
    for target, note in (("diagnosing", ""), ("repairing", ""), ("quality_check", "")):
        move(tech, number, target, note)
    move(tech, number, "ready_for_pickup", "screen replaced")


def test_technicians_who_did_the_work_get_its_counts(shop: dict[str, Context]) -> None:
    desk, li, zhao, clock = shop["desk"], shop["li"], shop["zhao"], shop["clock"]
    li_id = User.get(User.name == "li").id
    # Li is assigned at the desk and works both repairs through their status changes only.
    first = repair(desk, assignee_id=li_id)
    second = repair(desk, assignee_id=li_id)
    clock.advance(hours=2)  # type: ignore[attr-defined]
    fix(li, first)
    fix(li, second)
    # Zhao picks up an unassigned repair and finishes it; one more waits on his bench.
    third = repair(desk)
    clock.advance(days=3)  # type: ignore[attr-defined]
    fix(zhao, third)
    waiting = repair(desk)
    move(zhao, waiting, "diagnosing")
    # Booked for Li at the desk, but Zhao did the work: the work is Zhao's.
    swapped = repair(desk, assignee_id=li_id)
    fix(zhao, swapped)
    clock.advance(days=30)  # type: ignore[attr-defined]  # April: the owner reads March

    work = {t.name: t for t in month_report(shop["boss"], 2026, 3).current.technicians}
    assert set(work) == {"Li", "Zhao"}, work  # nothing left "(unassigned)"
    assert (work["Li"].received, work["Li"].finished, work["Li"].open_at_end) == (2, 2, 0)
    assert (work["Zhao"].received, work["Zhao"].finished, work["Zhao"].open_at_end) == (3, 2, 1)


def complaint(desk: Context, phone: str) -> str:
    form = IntakeForm(
        kind="complaint",
        name="陈静",
        phone=phone,
        reason="service_attitude",
        description="店员态度差",
    )
    return take_intake(desk, form).number


def test_on_site_satisfaction_and_open_cases_at_the_month_end(
    shop: dict[str, Context], tmp_path: Path
) -> None:
    boss, desk, li, zhao, clock = (shop[k] for k in ("boss", "desk", "li", "zhao", "clock"))
    # On-site: one job, visited by Li, then revisited by Zhao two days later; one visit in April.
    job = repair(desk, on_site=True, site_address="福田区 深南大道 1 号")
    repairs.schedule_visit(desk, job, clock.now + timedelta(days=1))  # type: ignore[attr-defined]
    clock.advance(days=1)  # type: ignore[attr-defined]
    repairs.record_visit(li, job, "主板进水，需返厂")
    repairs.add_labour(li, job, "上门检测", "80.00", minutes=60, charged=False)
    money.record_entry(boss, job, "freight", "35.00", note="上门车费")  # travel
    move(desk, job, "revisit_scheduled", "配件到货后再上门")
    clock.advance(days=2)  # type: ignore[attr-defined]
    repairs.record_visit(zhao, job, "更换主板，已修好", reason="配件到货")
    # Complaints followed up: scores 5 and 1; a third one is still being looked into.
    happy, angry, pending = (complaint(desk, f"1390000000{i}") for i in (1, 2, 3))
    for number, score in ((happy, 5), (angry, 1)):
        move(boss, number, "acknowledged")
        move(boss, number, "investigating")
        complaints.resolve(boss, number, "道歉并赠送贴膜")
        complaints.follow_up(boss, number, score, "回访电话")
    move(boss, pending, "acknowledged")
    late = repair(desk)  # left open: overdue at the end of March
    clock.now = datetime(2026, 4, 1, 3, 0, tzinfo=UTC)  # type: ignore[attr-defined]
    move(desk, job, "revisit_scheduled", "客户要求复查")
    repairs.record_visit(li, job, "复查正常", reason="客户要求复查")  # April: not March's

    rep = month_report(boss, 2026, 3)
    s = rep.current
    assert (s.on_site.visits, s.on_site.jobs, s.on_site.technicians) == (2, 1, 2)
    assert s.on_site.technician_days == 2 and s.on_site.labour == Decimal("80.00")
    assert s.on_site.travel == Decimal("35.00") and s.on_site.cost == Decimal("115.00")
    assert (s.satisfaction.count, s.satisfaction.average) == (2, Decimal("3.00"))
    assert s.satisfaction.low_share.pct == Decimal("50.0")
    open_now = {c.number: c for c in s.open_cases}
    assert set(open_now) == {job, pending, late}
    assert open_now[late].days_overdue > 0 and open_now[late].status == "received"
    assert open_now[job].status == "visited"  # as it stood on 31 March
    assert s.open_cases[0].days_overdue >= s.open_cases[-1].days_overdue
    assert s.overdue_at_end == sum(1 for c in s.open_cases if c.days_overdue)

    if not have_poppler():
        return
    i18n.setup("zh")
    try:
        text = pdf_text(render_report_pdf(boss, rep), tmp_path, layout=True)
    finally:
        i18n.setup("en")
    # zh text where the catalog has it (the lead merges /work/i18n/figures.json), else English.
    for zh, en in (
        ("上门服务", "On-site service"),
        ("满意度（回访）", "Satisfaction (follow-ups)"),
        ("期末未结及超期售后单", "Open and overdue at the period's end"),
    ):
        assert zh in text or en in text, (zh, en)
    for number in (job, pending, late):
        assert number in text
    row = next(ln for ln in text.splitlines() if late in ln)
    assert str(open_now[late].days_overdue) in row.split()
    assert "保护壳" not in text  # the record's "Case" is never the accessory's


def test_last_months_summary_is_offered_to_the_owner_on_the_1st_to_the_5th(
    shop: dict[str, Context],
) -> None:
    boss, desk, clock = shop["boss"], shop["desk"], shop["clock"]
    shanghai = timedelta(hours=8)

    def on(y: int, m: int, d: int, hour: int = 9) -> None:  # a local time in the shop
        clock.now = datetime(y, m, d, hour, tzinfo=UTC) - shanghai  # type: ignore[attr-defined]

    on(2026, 4, 1, 0)  # just after local midnight: 31 March 16:00 UTC, already the 1st here
    assert summary_offer(boss) == SummaryOffer(2026, 3)
    on(2026, 4, 5, 23)
    assert summary_offer(boss).label == "2026-03"  # type: ignore[union-attr]
    assert summary_offer(desk) is None  # only the owner is told
    on(2026, 4, 6, 0)
    assert summary_offer(boss) is None
    longer = with_settings(boss, update_settings(boss, {"report.offer_until_day": "7"}))
    assert summary_offer(longer) == SummaryOffer(2026, 3)
    on(2026, 1, 2)
    assert summary_offer(boss) == SummaryOffer(2025, 12)  # across the year
    # Once the owner made it, the offer is gone for that month.
    on(2026, 4, 2)
    make_report_pdf(boss, month_report(boss, 2026, 3))
    assert summary_offer(boss) is None
    on(2026, 5, 1)
    assert summary_offer(boss) == SummaryOffer(2026, 4)


def test_the_signed_summary_goes_to_each_recipients_folder(
    shop: dict[str, Context], tmp_path: Path
) -> None:
    boss = shop["boss"]
    folders = {code: tmp_path / code for code in ("qc", "technical", "sales", "management")}
    for folder in folders.values():
        folder.mkdir()
    rep = month_report(boss, 2026, 2)
    # Nothing set yet: a clear error, nothing copied.
    with pytest.raises(DomainError) as info:
        send_to_recipients(boss, make_report_pdf(boss, rep))
    assert info.value.code == "no_recipient_folders"
    boss = with_settings(
        boss,
        update_settings(boss, {f"report.folder_{c}": str(f) for c, f in folders.items()}),
    )
    made = make_report_pdf(boss, rep)
    sent = send_to_recipients(boss, made)
    assert [d.recipient for d in sent] == ["qc", "technical", "sales", "management"]
    for d in sent:
        assert d.path.parent == folders[d.recipient]
        assert d.path.read_bytes() == made.pdf == made.path.read_bytes()  # the same signed file
    only = send_to_recipients(boss, make_report_pdf(boss, rep), ["management"])
    assert [d.recipient for d in only] == ["management"]
    assert len(list(folders["qc"].iterdir())) == 1
    # A recipient's folder gone: refused before anything is copied anywhere.
    shutil.rmtree(folders["sales"])
    with pytest.raises(DomainError) as info:
        send_to_recipients(boss, make_report_pdf(boss, rep))
    assert info.value.code == "recipient_folder_missing"
    assert info.value.params["field"] == "report.folder_sales"
    assert len(list(folders["qc"].iterdir())) == 1
    with pytest.raises(DomainError) as info:
        send_to_recipients(boss, made, ["accounts"])
    assert info.value.code == "unknown_recipient"


def test_dealer_deductions_are_their_own_line_not_a_cost(shop: dict[str, Context]) -> None:
    boss = shop["boss"]
    march = month_period(boss, 2026, 3)
    spent = {"parts": "100.00", "labour": "50.00", "freight": "10.00", "dealer_deduction": "300.00"}
    s = Summary(march, money={k: Decimal(v) for k, v in spent.items()})
    assert s.costs_total == Decimal("160.00")
    rep = Report(s, Summary(previous_period(boss, march)), "", True, 0, boss.now(), "Boss")
    rows = {row[0]: row[1] for row in report_tables(rep)[0].rows}
    assert rows["After-sales cost (parts + freight + labour)"] == Decimal("160.00")
    assert rows["Recovered from dealers (account deductions)"] == Decimal("300.00")


def test_older_repairs_without_a_technician_count_for_who_moved_them(
    shop: dict[str, Context],
) -> None:
    """Repairs worked before a technician's move set the ticket's technician (the column left
    empty, as older records have it) count for the first technician who moved the case."""
    desk, zhao, clock = shop["desk"], shop["zhao"], shop["clock"]
    number = repair(desk)
    fix(zhao, number)
    RepairTicket.update(technician=None).execute()  # as the record stood before the fix
    Case.update(assignee=None).execute()
    clock.advance(days=30)  # type: ignore[attr-defined]
    boss = shop["boss"]
    work = {t.name: t for t in summarize(boss, month_period(boss, 2026, 3)).technicians}
    assert set(work) == {"Zhao"} and (work["Zhao"].received, work["Zhao"].finished) == (1, 1)


def test_installations_are_counted_apart_from_on_site_repairs(shop: dict[str, Context]) -> None:
    """An air-conditioner bracket put up at the customer's (上门安装) is an installation: the
    summary counts it among the on-site jobs and on its own line; the ticket says so."""
    desk, li, clock = shop["desk"], shop["li"], shop["clock"]
    job = repair(
        desk, on_site=True, site_address="南山区 科技园 8 号", extra={"installation": True}
    )
    fix = repair(desk, on_site=True, site_address="南山区 科技园 9 号")
    clock.advance(days=1)  # type: ignore[attr-defined]
    repairs.record_visit(li, job, "安装完成，试机正常")
    repairs.record_visit(li, fix, "更换电源板")
    s = month_report(shop["boss"], 2026, 3).current
    assert (s.on_site.jobs, s.on_site.installations) == (2, 1)
    assert slip_data(shop["boss"], job, "repair-ticket", lang="zh")["service_type"] == "上门安装"
    with pytest.raises(ValidationError) as info:
        repair(desk, extra={"installation": True})  # not on site: not an installation
    assert [e.code for e in info.value.errors] == ["on_site_only"]
