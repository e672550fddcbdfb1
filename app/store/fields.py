"""Column types that keep money exact and times in UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import peewee as pw

CENT = Decimal("0.01")


class MoneyField(pw.BigIntegerField):
    """Decimal in Python, whole fen (cents) in the database: exact on SQLite and PostgreSQL."""

    def db_value(self, value: Decimal | int | None) -> int | None:
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("money must be Decimal, not float")
        d = Decimal(value)
        cents = (d * 100).to_integral_value()
        if cents != d * 100:
            raise ValueError(f"money has more than 2 decimal places: {value}")
        return int(cents)

    def python_value(self, value: int | None) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(int(value)) / 100).quantize(CENT)


class UTCDateTimeField(pw.DateTimeField):
    """Aware datetimes in Python, naive UTC in the database."""

    def db_value(self, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: times are stored in UTC and must be aware")
        return value.astimezone(UTC).replace(tzinfo=None)

    def python_value(self, value: object) -> datetime | None:
        dt = super().python_value(value)
        if isinstance(dt, datetime):
            return dt.replace(tzinfo=UTC)
        return dt  # type: ignore[return-value]


class JSONTextField(pw.TextField):
    """JSON kept as text so SQLite and PostgreSQL store it the same way."""

    def db_value(self, value: object) -> str | None:
        import json

        if value is None:
            return None
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)

    def python_value(self, value: str | None) -> object:
        import json

        if value is None:
            return None
        return json.loads(value)
