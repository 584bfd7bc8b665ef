"""Consultations of agents by software teams: questions, targets, participations, answers."""
from sqlalchemy import JSON, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import Role, Team, User
from app.common.models import StoredImage, UTCDateTime, utcnow
from app.consultations.enums import (
    WITH_CAPACITY,
    ConsultationKind,
    ConsultationStatus,
    ParticipationStatus,
    QuestionKind,
    Targeting,
)
from app.extensions import db
from app.reports.models import Application, Procedure, Report

# Reports fixed in the release a closed consultation announces.
consultation_fixed_reports = db.Table(
    "consultation_fixed_reports",
    db.Column("consultation_id", ForeignKey("consultations.id"), primary_key=True),
    db.Column("report_id", ForeignKey("reports.id"), primary_key=True),
)


class Consultation(db.Model):
    """A team asks agents about a service: test a version, review a prototype, answer, co-design."""

    __tablename__ = "consultations"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("catalog_applications.id"), index=True)
    procedure_id: Mapped[int | None] = mapped_column(ForeignKey("catalog_procedures.id"))
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text)  # what is asked and why
    prototype_url: Mapped[str] = mapped_column(String(500), default="")
    place: Mapped[str] = mapped_column(String(300), default="")  # workshop: address or « visio »
    event_at = mapped_column(UTCDateTime())  # workshop date and time
    starts_on = mapped_column(Date)
    ends_on = mapped_column(Date)
    capacity: Mapped[int | None] = mapped_column()
    targeting: Mapped[str] = mapped_column(String(20), default=Targeting.ALL.value)
    status: Mapped[str] = mapped_column(String(20), default=ConsultationStatus.DRAFT.value, index=True)
    # « Ce que nous avons changé grâce à vous », published when closing.
    outcome: Mapped[str] = mapped_column(Text, default="")
    release_on = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    opened_at = mapped_column(UTCDateTime())
    closed_at = mapped_column(UTCDateTime())

    team = relationship(Team)
    application = relationship(Application)
    procedure = relationship(Procedure)
    questions = relationship("ConsultationQuestion", order_by="ConsultationQuestion.position", cascade="all, delete-orphan",
                             back_populates="consultation")
    targets = relationship("ConsultationTarget", cascade="all, delete-orphan", back_populates="consultation")
    fixed_reports = relationship(Report, secondary=consultation_fixed_reports, order_by=Report.id)
    images = relationship("ConsultationImage", cascade="all, delete-orphan", order_by="ConsultationImage.id")

    @property
    def kind_label(self):
        return ConsultationKind(self.kind).label

    @property
    def status_label(self):
        return ConsultationStatus(self.status).label

    @property
    def targeting_label(self):
        return Targeting(self.targeting).label

    @property
    def has_capacity(self):
        return self.kind in WITH_CAPACITY and self.capacity is not None

    @property
    def is_draft(self):
        return self.status == ConsultationStatus.DRAFT

    @property
    def is_open(self):
        return self.status == ConsultationStatus.OPEN

    @property
    def is_closed(self):
        return self.status == ConsultationStatus.CLOSED

    def target_values(self, kind):
        return sorted(t.value for t in self.targets if t.kind == kind)

    def can_manage(self, user):
        """The owning team's members (or its team token)."""
        return (user is not None and user.role == Role.TRIAGER and user.team_id is not None
                and user.team_id == self.team_id)

    def __repr__(self):
        return f"<Consultation {self.id}>"


class ConsultationTarget(db.Model):
    """One organisation kind or one département the consultation is addressed to."""

    __tablename__ = "consultation_targets"
    __table_args__ = (UniqueConstraint("consultation_id", "kind", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # Targeting.ORG_KINDS or Targeting.DEPARTMENTS
    value: Mapped[str] = mapped_column(String(30))

    consultation = relationship(Consultation, back_populates="targets")


class ConsultationQuestion(db.Model):
    __tablename__ = "consultation_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(String(300))
    choices = mapped_column(JSON, default=list)  # single and multiple choice: the options, in order

    consultation = relationship(Consultation, back_populates="questions")

    @property
    def kind_label(self):
        return QuestionKind(self.kind).label


class Participation(db.Model):
    """An agent taking part. The organisation kind and département are copied: results never need
    the person, and they stay right when the agent moves."""

    __tablename__ = "consultation_participations"
    __table_args__ = (UniqueConstraint("consultation_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    organisation_kind: Mapped[str | None] = mapped_column(String(30))
    department: Mapped[str | None] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(20))
    signed: Mapped[bool] = mapped_column(default=False)  # the agent chose to sign their answers
    citizen_view: Mapped[str] = mapped_column(Text, default="")  # masked, with the citizen's consent
    redaction_counts = mapped_column(JSON, default=dict)
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    answered_at = mapped_column(UTCDateTime())
    withdrawn_at = mapped_column(UTCDateTime())

    consultation = relationship(Consultation)
    user = relationship(User)
    answers = relationship("ConsultationAnswer", cascade="all, delete-orphan", back_populates="participation")
    attachments = relationship("ParticipationAttachment", cascade="all, delete-orphan",
                               back_populates="participation", order_by="ParticipationAttachment.id")

    @property
    def status_label(self):
        return ParticipationStatus(self.status).label

    @property
    def is_active(self):
        return self.status != ParticipationStatus.WITHDRAWN


class ConsultationAnswer(db.Model):
    __tablename__ = "consultation_answers"
    __table_args__ = (UniqueConstraint("participation_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participation_id: Mapped[int] = mapped_column(ForeignKey("consultation_participations.id"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("consultation_questions.id"), index=True)
    score: Mapped[int | None] = mapped_column()  # scale: 1..5
    choices = mapped_column(JSON, default=list)  # single / multiple: indexes of the chosen options
    text: Mapped[str] = mapped_column(Text, default="")  # free text, masked before storage

    participation = relationship(Participation, back_populates="answers")
    question = relationship(ConsultationQuestion)


class ParticipationAttachment(StoredImage, db.Model):
    """A screenshot an agent joined, re-encoded like a report's (stored under the instance folder)."""

    __tablename__ = "consultation_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    participation_id: Mapped[int] = mapped_column(ForeignKey("consultation_participations.id"), index=True)

    participation = relationship(Participation, back_populates="attachments")


class ConsultationImage(StoredImage, db.Model):
    """A screenshot of the prototype the team shows (re-encoded like a report's), seen by the agents consulted."""

    __tablename__ = "consultation_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)
