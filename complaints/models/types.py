"""Column types shared by the models."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import CheckConstraint, DateTime, String
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite forgets the zone; PostgreSQL keeps it)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are refused: pass an aware datetime (UTC)")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class StrEnumType(TypeDecorator):
    """A ``StrEnum`` stored as plain text (no database enum type to migrate); a CHECK lists the allowed values."""

    impl = String
    cache_ok = True

    def __init__(self, enum_class: type[enum.StrEnum], length: int = 32):
        super().__init__(length)
        self.enum_class = enum_class

    def process_bind_param(self, value, dialect):
        return None if value is None else self.enum_class(value).value

    def process_result_value(self, value, dialect):
        return None if value is None else self.enum_class(value)


def one_of(column: str, enum_class: type[enum.StrEnum], name: str | None = None) -> CheckConstraint:
    """CHECK that ``column`` holds one of the enum's values."""
    values = ", ".join(f"'{member.value}'" for member in enum_class)
    return CheckConstraint(f"{column} IN ({values})", name=name or f"{column}_allowed")


def render_migration_type(type_: str, obj, autogen_context):
    """Let autogenerate write our column types as plain SQLAlchemy types, so migrations never import the app."""
    if type_ != "type":
        return False
    if isinstance(obj, StrEnumType):
        return f"sa.String(length={obj.impl.length})"
    if isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False
