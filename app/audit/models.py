"""Append-only audit log."""
from sqlalchemy import JSON, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.models import UTCDateTime, utcnow
from app.extensions import db


class AuditLog(db.Model):
    # "Who read my passport": the reads of one target, by action, newest first (app.passports.reads).
    __table_args__ = (db.Index("ix_audit_log_action_target", "action", "target_type", "target_id", "at"),)
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at = mapped_column(UTCDateTime(), default=utcnow, nullable=False, index=True)
    actor_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    target_type: Mapped[str | None] = mapped_column(String(40))
    target_id: Mapped[str | None] = mapped_column(String(40))
    details = mapped_column(JSON, default=dict)

    actor = relationship("User", lazy="joined")


class AuditLogIsAppendOnly(Exception):
    pass


@event.listens_for(AuditLog, "before_update")
def _refuse_update(mapper, connection, target):
    raise AuditLogIsAppendOnly("the audit log is append-only")


@event.listens_for(AuditLog, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise AuditLogIsAppendOnly("the audit log is append-only")
