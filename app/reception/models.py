"""Desk log rows, citizens' answers, the monthly summaries and the reception tokens.

No column of the desk log or of the answers names or holds personal data: the rows say what
kind of help was given, never to whom.
"""
from datetime import timedelta

from sqlalchemy import Date, ForeignKey, Index, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import Organisation, User
from app.common.models import UTCDateTime, utcnow
from app.common.timezones import as_utc
from app.extensions import db

EDIT_WINDOW = timedelta(days=7)


class Visit(db.Model):
    """One accompaniment logged at the desk (« registre d'accueil »)."""

    __tablename__ = "reception_visits"
    __table_args__ = (
        Index("ix_reception_visits_org_day", "organisation_id", "visited_on"),
        Index("ix_reception_visits_agent_created", "agent_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    # Who logged it: an agent, or a site token (queue-management system), never both.
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    site_token_id: Mapped[int | None] = mapped_column(ForeignKey("reception_site_tokens.id"))
    visited_on = mapped_column(Date(), nullable=False)
    channel: Mapped[str] = mapped_column(String(20))
    # Comma-separated organisation kinds, sorted ("caf,cpam").
    operators: Mapped[str] = mapped_column(String(300), default="")
    procedure_id: Mapped[int | None] = mapped_column(ForeignKey("catalog_procedures.id"))
    outcome: Mapped[str] = mapped_column(String(20))
    # The support request (Appui expert) when the outcome is an escalation.
    support_request: Mapped[str | None] = mapped_column(String(40))
    duration: Mapped[str] = mapped_column(String(10))
    waiting: Mapped[str | None] = mapped_column(String(10))
    needs: Mapped[str] = mapped_column(String(100), default="")
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime())

    organisation = relationship(Organisation)

    @property
    def operator_list(self):
        return [o for o in self.operators.split(",") if o]

    @property
    def need_list(self):
        return [n for n in self.needs.split(",") if n]

    def can_edit(self, user, now=None):
        """Agents correct their own rows for seven days."""
        return self.agent_id is not None and self.agent_id == user.id and is_in_edit_window(self.created_at, now)


def is_in_edit_window(created_at, now=None):
    """Whether a row logged at `created_at` may still be corrected by its agent."""
    return (now or utcnow()) - as_utc(created_at) <= EDIT_WINDOW


class Answer(db.Model):
    """A citizen's anonymous answer to « Votre avis » (no account, no address, no name)."""

    __tablename__ = "reception_answers"
    __table_args__ = (Index("ix_reception_answers_org_created", "organisation_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    handled: Mapped[int | None] = mapped_column(SmallInteger())
    welcome: Mapped[int | None] = mapped_column(SmallInteger())
    waiting: Mapped[int | None] = mapped_column(SmallInteger())
    # Masked by the redaction engine before storage.
    comment: Mapped[str | None] = mapped_column(Text())
    application_id: Mapped[int | None] = mapped_column(ForeignKey("catalog_applications.id"), index=True)
    problem: Mapped[str | None] = mapped_column(Text())
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


class QualityMonth(db.Model):
    """Counters of one month for one scope ("org:<id>", "dep:<code>", "nat"), kept up to date on
    every write so that the indicator pages read a handful of rows, never the raw log."""

    __tablename__ = "reception_quality_months"
    __table_args__ = (UniqueConstraint("scope", "month", name="uq_reception_quality_months_scope_month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(20))
    month = mapped_column(Date(), nullable=False)
    counts = mapped_column(db.JSON, nullable=False, default=dict)
    updated_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


class VoiceLink(db.Model):
    """The organisation's « Votre avis » address; renewing the token retires the old posters."""

    __tablename__ = "reception_voice_links"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    organisation = relationship(Organisation)


class SiteToken(db.Model):
    """An API token of a site (queue-management system), created by HR; stored hashed."""

    __tablename__ = "reception_site_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    label: Mapped[str] = mapped_column(String(100), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    last_used_at = mapped_column(UTCDateTime())
    revoked_at = mapped_column(UTCDateTime())

    organisation = relationship(Organisation)


class IdempotentRequest(db.Model):
    """The answer given to an API post with an Idempotency-Key, replayed for the same key."""

    __tablename__ = "reception_idempotent_requests"
    __table_args__ = (UniqueConstraint("principal", "key", name="uq_reception_idempotent_principal_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    principal: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(200))
    body_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column()
    response = mapped_column(db.JSON, nullable=False)
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


class NetworkDepartment(db.Model):
    """A département assigned to an « animateur réseau » (role manager_network)."""

    __tablename__ = "reception_network_departments"
    __table_args__ = (UniqueConstraint("user_id", "department", name="uq_reception_network_user_department"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    department: Mapped[str] = mapped_column(String(3))

    user = relationship(User)
