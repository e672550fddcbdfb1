"""What the intake screen asks while the desk types (casework.intake_help), on real files."""

from __future__ import annotations

import struct
import zlib
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from app import paths
from app.domain.errors import ValidationError
from app.services.casework import intake_help
from app.services.casework.cases import show_case
from app.services.casework.intake import IntakeForm, take_intake
from app.services.casework.intake_help import (
    attach_photos,
    customer_lookup,
    preview,
    product_choices,
    save_intake,
)
from app.services.shop.context import Context
from tests.conftest import row_counts

GOOD_IMEI = "490154203237518"


def form(**fields: Any) -> IntakeForm:
    base: dict[str, Any] = {"kind": "repair", "name": "李娜", "phone": "13912345678"}
    base.update(product="华为 nova 12", category="phone")
    return IntakeForm(**{**base, **fields})


def picture(folder: Path, name: str = "p.png", fmt: str = "PNG") -> Path:
    path = folder / name
    Image.new("RGB", (64, 48), (10, 120, 200)).save(path, fmt)
    return path


def photo_files(ctx: Context) -> list[Path]:
    root = paths.photos_dir(ctx.data_dir)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_lookup_finds_the_customer_with_their_cases(ctx: Context) -> None:
    first = take_intake(ctx, form(serial=GOOD_IMEI))
    take_intake(ctx, form(kind="complaint", product="", category=""))
    found = customer_lookup(ctx, "139 1234 5678")
    assert found is not None and found.name == "李娜" and found.total_cases == 2
    assert first.number in [c.number for c in found.cases]
    assert found.cases[-1].serial == GOOD_IMEI
    assert customer_lookup(ctx, "1391234") is None  # not a whole number yet
    assert customer_lookup(ctx, "13800000000") is None


def test_preview_needs_category_and_date_and_never_writes(ctx: Context) -> None:
    before = row_counts()
    p = preview(ctx, IntakeForm(kind="repair", name="", phone="", sold="not a date"))
    assert p.entitlement is None and set(p.missing) == {"category", "sold"}
    assert p.service_class == "B"  # the default class until the customer is known
    sold = ctx.today() - timedelta(days=3)
    p = preview(ctx, form(kind="return", sold=sold.isoformat(), reason="quality"))
    assert p.entitlement is not None and p.entitlement.return_
    assert p.eligibility is not None and p.eligibility.eligible
    assert row_counts() == before


def test_preview_takes_the_category_but_not_the_gift_from_a_known_product(ctx: Context) -> None:
    take_intake(ctx, form(product="赠品耳机", category="headset", gift=True))
    p = preview(
        ctx, IntakeForm(kind="repair", name="", phone="", product="赠品耳机", sold="2026-03-01")
    )
    assert p.known_product is not None and p.known_product.category == "headset"
    # A gift is one sale's: the next buyer of the same product keeps the warranty.
    assert p.entitlement is not None and not p.entitlement.has_basis("gift_no_warranty")
    gift = IntakeForm(
        kind="repair", name="", phone="", product="赠品耳机", sold="2026-03-01", gift=True
    )
    assert preview(ctx, gift).entitlement.has_basis("gift_no_warranty")  # type: ignore[union-attr]
    assert [c.name for c in product_choices(ctx, "耳机")] == ["赠品耳机"]


def test_attach_photos_copies_and_records(ctx: Context, tmp_path: Path) -> None:
    case = take_intake(ctx, form())
    stored = attach_photos(
        ctx, case.number, [picture(tmp_path), picture(tmp_path, "b.jpg", "JPEG")]
    )
    assert stored == [f"photos/{case.number}/01.png", f"photos/{case.number}/02.jpg"]
    detail = show_case(ctx, case.number)
    assert detail.photos == stored
    assert any("photos" in (e.data or {}) for e in detail.events)
    assert (ctx.data_dir / stored[0]).read_bytes() == (tmp_path / "p.png").read_bytes()


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda d: d / "missing.png", "photo_missing"),
        (lambda d: (d / "x.png").write_text("hello") and d / "x.png", "photo_unreadable"),
        (lambda d: picture(d, "a.gif", "GIF"), "photo_format"),
    ],
)
def test_bad_photos_are_refused_before_anything_is_copied(
    ctx: Context, tmp_path: Path, make: Any, code: str
) -> None:
    case = take_intake(ctx, form())
    before = row_counts()
    with pytest.raises(ValidationError) as info:
        attach_photos(ctx, case.number, [picture(tmp_path), make(tmp_path)])
    assert [e.code for e in info.value.errors] == [code]
    assert info.value.errors[0].field == "photos[1]"
    assert row_counts() == before and photo_files(ctx) == []


def test_too_large_photo(ctx: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(intake_help, "MAX_PHOTO_BYTES", 100)
    case = take_intake(ctx, form())
    with pytest.raises(ValidationError) as info:
        attach_photos(ctx, case.number, [picture(tmp_path)])
    assert info.value.errors[0].code == "photo_too_large"


def test_save_intake_is_all_or_nothing(ctx: Context, tmp_path: Path) -> None:
    bad = tmp_path / "bad.png"
    bad.write_text("no image")
    before = row_counts()
    with pytest.raises(ValidationError) as info:
        save_intake(ctx, form(serial="490154203237519"), photos=[picture(tmp_path), bad])
    assert {e.field for e in info.value.errors} == {"serial", "photos[1]"}  # all at once
    assert row_counts() == before and photo_files(ctx) == []


def test_save_intake_with_appointment_and_photo(ctx: Context, tmp_path: Path) -> None:
    f = form(on_site=True, site_address="上海市徐汇区漕溪北路 1 号")
    with pytest.raises(ValidationError) as info:
        save_intake(ctx, f, appointment="2026-03-05 25:00")
    assert info.value.errors[0].field == "appointment_at"
    case = save_intake(ctx, f, appointment="2026-03-05 14:30", photos=[picture(tmp_path)])
    detail = show_case(ctx, case.number)
    assert detail.repair is not None and detail.repair.appointment_at is not None
    assert ctx.local(detail.repair.appointment_at).strftime("%Y-%m-%d %H:%M") == "2026-03-05 14:30"
    assert len(detail.photos) == 1


# --- a photo that claims billions of pixels is refused, not a crash -----------------------------


def _png_claiming(path: Path, width: int, height: int) -> Path:
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 16))
        + chunk(b"IEND", b"")
    )
    return path


def test_a_decompression_bomb_photo_is_a_field_error(ctx: Context, tmp_path: Path) -> None:
    bomb = _png_claiming(tmp_path / "bomb.png", 100_000, 100_000)  # 10^10 pixels, 80 bytes
    case = take_intake(ctx, IntakeForm(kind="complaint", name="王五", phone="13800138000"))
    before = row_counts()
    with pytest.raises(ValidationError) as bad:
        attach_photos(ctx, case.number, [bomb])
    assert [(e.field, e.code) for e in bad.value.errors] == [("photos[0]", "photo_unreadable")]
    with pytest.raises(ValidationError):
        save_intake(ctx, IntakeForm(kind="complaint", name="王五", phone="13800138000"),
                    photos=[bomb])  # fmt: skip
    assert row_counts() == before
