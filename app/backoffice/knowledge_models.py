"""Fiches réflexes written from answered requests, their uses, and debriefs with an expert."""
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.backoffice.enums import DebriefStatus, Operator
from app.common.models import UTCDateTime, utcnow
from app.extensions import db
from app.reports.catalog_models import Procedure


class Fiche(db.Model):
    """A « fiche réflexe »: anonymised know-how an expert drew from an answered request."""

    __tablename__ = "support_fiches"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(150))
    body: Mapped[str] = mapped_column(Text)
    operator: Mapped[str] = mapped_column(String(30), index=True)
    procedure_id: Mapped[int | None] = mapped_column(ForeignKey("catalog_procedures.id"), index=True)
    competencies: Mapped[str] = mapped_column(String(200), default="")
    modules: Mapped[str] = mapped_column(String(300), default="")
    review_on = mapped_column(db.Date)
    source_request_id: Mapped[int | None] = mapped_column(ForeignKey("support_requests.id", ondelete="SET NULL"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False, index=True)
    updated_at = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=False)

    procedure = relationship(Procedure)
    author = relationship(User)

    @property
    def operator_label(self):
        return Operator(self.operator).label

    @property
    def competency_list(self):
        return [c for c in self.competencies.split(",") if c]

    @property
    def module_list(self):
        return [m for m in self.modules.split(",") if m]


class FicheUse(db.Model):
    """A fiche opened by an agent before asking, or marked « cette fiche m'a permis de répondre »."""

    __tablename__ = "support_fiche_uses"

    id: Mapped[int] = mapped_column(primary_key=True)
    fiche_id: Mapped[int] = mapped_column(ForeignKey("support_fiches.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # "viewed" or "avoided" (the agent could answer without asking).
    kind: Mapped[str] = mapped_column(String(10))
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


class Debrief(db.Model):
    """« Débriefer avec des plus experts »: a slot with an expert, then a note and proposals."""

    __tablename__ = "support_debriefs"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("support_requests.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=DebriefStatus.ASKED.value)
    expert_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    slot_at = mapped_column(UTCDateTime())
    place: Mapped[str] = mapped_column(String(300), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    competency_code: Mapped[str | None] = mapped_column(String(20))
    level: Mapped[int | None] = mapped_column()
    module_slug: Mapped[str | None] = mapped_column(String(120))
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    done_at = mapped_column(UTCDateTime())

    expert = relationship(User)

    @property
    def status_label(self):
        return DebriefStatus(self.status).label
