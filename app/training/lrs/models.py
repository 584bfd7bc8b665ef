"""The statements waiting for (or delivered to) the learning record store, and the delivery log."""
from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.common.models import UTCDateTime, utcnow
from app.extensions import db


class LrsStatement(db.Model):
    """One xAPI statement to forward; its id is the statement's own, so it is queued and sent once."""

    __tablename__ = "lrs_statements"

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[str] = mapped_column(String(36), unique=True)
    statement = mapped_column(JSON, nullable=False)
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    sent_at = mapped_column(UTCDateTime(), index=True)  # None while pending
    tries: Mapped[int] = mapped_column(default=0)
    next_try_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


class LrsDelivery(db.Model):
    """One flush: how many statements, what the LRS answered (the admins' delivery log)."""

    __tablename__ = "lrs_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False, index=True)
    count: Mapped[int] = mapped_column()
    delivered: Mapped[bool] = mapped_column()
    status_code: Mapped[int | None] = mapped_column()
    message: Mapped[str] = mapped_column(Text, default="")
