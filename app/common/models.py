"""Column types shared by the domain models."""
from datetime import UTC

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import DateTime, TypeDecorator

from app.common.timezones import utcnow


class UTCDateTime(TypeDecorator):
    """Timezone-aware datetime stored as UTC on every database."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class StoredImage:
    """Columns of a screenshot re-encoded without metadata and stored under the instance folder (a report's,
    a consultation's): mixed into each model, which adds its id and the row it belongs to."""

    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    download_name: Mapped[str] = mapped_column(String(80))
    content_type: Mapped[str] = mapped_column(String(20))
    size: Mapped[int] = mapped_column()
    width: Mapped[int] = mapped_column()
    height: Mapped[int] = mapped_column()
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


__all__ = ["StoredImage", "UTCDateTime", "utcnow"]


def render_migration_item(type_, obj, autogen_context):
    """Alembic autogenerate: write UTCDateTime as a plain timezone-aware DateTime."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def committed_and_current(instance, names):
    """The values of `names` on a mapped instance as last loaded or committed, and as they are now (two lists,
    in the order of `names`): what a summary kept on write moves a row from and to."""
    from sqlalchemy import inspect

    state = inspect(instance)
    now = [getattr(instance, name) for name in names]
    before = []
    for name, value in zip(names, now, strict=True):
        history = state.attrs[name].history
        before.append(history.deleted[0] if history.deleted else value)
    return before, now
