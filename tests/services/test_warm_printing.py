"""Printing is warmed up on a worker thread once the window is shown, and the warm-up writes
nothing: no slip, no event, and no shop certificate before the first real print makes one."""

from __future__ import annotations

import threading
from pathlib import Path

from app.documents.shop_identity import has_identity
from app.documents.signing import verify_pdf
from app.services.casework.intake import IntakeForm, take_intake
from app.services.paper.documents import make_slip, slips_dir, warm_printing
from app.services.shop.context import Context
from app.store.models import Event


def _files(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file() and "afterdesk.db" not in p.name}


def test_warm_up_on_a_thread_writes_nothing_and_the_next_slip_is_signed(ctx: Context) -> None:
    case = take_intake(ctx, IntakeForm(kind="complaint", name="张三", phone="13800138000"))
    events, files = Event.select().count(), _files(ctx.data_dir)
    thread = threading.Thread(target=warm_printing, args=(ctx,))
    thread.start()
    thread.join(60)
    assert not thread.is_alive()
    assert not has_identity(ctx.data_dir)  # the first real print makes the certificate
    assert (Event.select().count(), _files(ctx.data_dir)) == (events, files)
    slip = make_slip(ctx, case.number, "intake")
    assert verify_pdf(slip.pdf, ctx.data_dir).ok
    events, slips = Event.select().count(), sorted(slips_dir(ctx).rglob("*.pdf"))
    warm_printing(ctx)  # with a certificate: signs in memory only
    assert Event.select().count() == events and sorted(slips_dir(ctx).rglob("*.pdf")) == slips
