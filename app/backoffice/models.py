"""Expert groups, their members, support requests with their messages, invitations and attachments."""
from flask import current_app
from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    event,
    inspect,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import Organisation, Role, User
from app.backoffice.businessdays import business_hours
from app.backoffice.enums import ConsentKind, MessageKind, Operator, Status, Urgency, Usefulness
from app.common.models import UTCDateTime, utcnow
from app.extensions import db
from app.reports.catalog_models import Procedure

group_procedures = db.Table(
    "support_group_procedures",
    db.Column("group_id", ForeignKey("support_groups.id", ondelete="CASCADE"), primary_key=True),
    db.Column("procedure_id", ForeignKey("catalog_procedures.id", ondelete="CASCADE"), primary_key=True),
)


def coverage_label(is_national, departments):
    """What a group covers, as its lists show it: « National », else its départements."""
    return "National" if is_national else ", ".join(d for d in (departments or "").split(",") if d)


class SupportGroup(db.Model):
    """A « pôle d'appui »: experts of one operator for some départements (or national)."""

    __tablename__ = "support_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    operator: Mapped[str] = mapped_column(String(30), index=True)
    is_national: Mapped[bool] = mapped_column(default=False)
    # Comma-separated département codes ("69,01"); empty for a national group.
    departments: Mapped[str] = mapped_column(String(400), default="")
    public_note: Mapped[str] = mapped_column(Text, default="")
    mailbox: Mapped[str | None] = mapped_column(String(254))
    target_days: Mapped[int] = mapped_column(default=3)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    procedures = relationship(Procedure, secondary=group_procedures, order_by=Procedure.title)

    @property
    def department_list(self):
        return [d for d in (self.departments or "").split(",") if d]

    @property
    def coverage_label(self):
        return coverage_label(self.is_national, self.departments)

    def __repr__(self):
        return f"<SupportGroup {self.code}>"


class GroupMember(db.Model):
    """A period during which an expert belonged to a group (history kept)."""

    __tablename__ = "support_group_members"
    __table_args__ = (Index("ix_support_group_members_user_open", "user_id", "ended_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("support_groups.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    started_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    ended_at = mapped_column(UTCDateTime())

    group = relationship(SupportGroup)
    user = relationship(User)


class RequestFacts:
    """What the request page and the permission questions read of a request: the same for the mapped request
    (SupportRequest) and for the request page's plain row (app.backoffice.queries.RequestView), from the
    columns they both hold (status, operator, urgency, useful, consent_kind, due_at, department,
    first_answer_at, author_id, group_id) and `invitations` (each with its group_id and user_id)."""

    @property
    def status_label(self):
        return Status(self.status).label

    @property
    def operator_label(self):
        return Operator(self.operator).label if self.operator in Operator.values() else self.operator

    @property
    def urgency_label(self):
        return Urgency(self.urgency).label

    @property
    def useful_label(self):
        return Usefulness(self.useful).label if self.useful else ""

    @property
    def consent_label(self):
        return ConsentKind(self.consent_kind).label if self.consent_kind else ""

    @property
    def is_closed(self):
        return self.status == Status.CLOSED

    @property
    def answer_expected_on(self):
        """The last business day of the first-answer target (local date of the agent's département)."""
        if self.due_at is None:
            return None
        from datetime import timedelta

        from app.backoffice.businessdays import local_date

        return local_date(self.due_at - timedelta(seconds=1), self.department)

    def is_late(self, now=None):
        """No expert answer yet and the first-answer deadline is past."""
        if self.first_answer_at is not None or self.due_at is None or self.is_closed:
            return False
        from app.common.timezones import as_utc

        return as_utc(now or utcnow()) >= as_utc(self.due_at)

    # --- permission questions (the scope query decides what is reachable at all) ---------------

    def is_owner(self, user):
        return user.role == Role.AGENT and self.author_id == user.id

    def can_see_citizen_block(self, user, expert_group_ids=()):
        """The asking agent and the experts of the groups working on the request; never admins."""
        if self.is_owner(user):
            return True
        if user.role != Role.EXPERT:
            return False
        return bool(set(expert_group_ids) & self.working_group_ids()) or any(
            i.user_id == user.id for i in self.invitations)

    def working_group_ids(self):
        return {self.group_id} | {i.group_id for i in self.invitations if i.group_id}


class SupportRequest(RequestFacts, db.Model):
    """A « demande d'appui »: an agent asks an expert group about a citizen's case."""

    __tablename__ = "support_requests"
    __table_args__ = (
        Index("ix_support_requests_group_status", "group_id", "status"),
        # The expert board: a group's open requests of one urgency, oldest first, walked in order (a national
        # group's backlog is never sorted whole); the filters' columns are read from the index alone.
        Index("ix_support_requests_open_board", "group_id", "urgency", "created_at", "id",
              postgresql_where=text("status <> 'closed'"), sqlite_where=text("status <> 'closed'"),
              postgresql_include=["department", "procedure_id"]),
        # The board's invited part: the open requests other groups were invited on, looked up by id and read
        # from the index alone (the heap rows are wide: situation, citizen block).
        Index("ix_support_requests_open_by_id", "id",
              postgresql_where=text("status <> 'closed'"), sqlite_where=text("status <> 'closed'"),
              postgresql_include=["group_id", "status", "urgency", "created_at", "department", "procedure_id",
                                  "assignee_id", "first_answer_at", "due_at"]),
        # « Problème récurrent » on the request page: a group's requests on one procedure since a date.
        Index("ix_support_requests_group_procedure_created", "group_id", "procedure_id", "created_at"),
        # The sites' answered requests of a period with their first-answer delay, read from the index alone:
        # the working-conditions cross-readings and the quality pages take medians per site and month.
        Index("ix_support_requests_answered_by_organisation", "organisation_id", "created_at",
              postgresql_where=text("first_answer_at IS NOT NULL AND first_answer_business_hours IS NOT NULL"),
              sqlite_where=text("first_answer_at IS NOT NULL AND first_answer_business_hours IS NOT NULL"),
              postgresql_include=["first_answer_business_hours"]),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str | None] = mapped_column(String(20), unique=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True, active_history=True)
    department: Mapped[str | None] = mapped_column(String(3))
    operator: Mapped[str] = mapped_column(String(30))
    procedure_id: Mapped[int | None] = mapped_column(ForeignKey("catalog_procedures.id"), index=True)
    # Loaded before it is set (active_history): what the back office keeps on write (open_counts, invitations)
    # compares the value a request leaves with the one it takes, even on a request expired by a commit.
    group_id: Mapped[int] = mapped_column(ForeignKey("support_groups.id"), index=True, active_history=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(20), default=Status.NEW.value, active_history=True)
    subject: Mapped[str] = mapped_column(String(150))
    situation: Mapped[str] = mapped_column(Text)
    tried: Mapped[str] = mapped_column(Text, default="")
    redaction_counts = mapped_column(JSON, default=dict)
    urgency: Mapped[str] = mapped_column(String(20), default=Urgency.NONE.value)
    urgency_date = mapped_column(db.Date)
    shared_with_site: Mapped[bool] = mapped_column(default=False)
    # The citizen file block, encrypted (Fernet); None when absent, withdrawn or wiped.
    citizen_block: Mapped[bytes | None] = mapped_column(LargeBinary)
    consent_kind: Mapped[str | None] = mapped_column(String(20))
    consent_date = mapped_column(db.Date)
    consent_withdrawn_at = mapped_column(UTCDateTime())
    citizen_wiped_at = mapped_column(UTCDateTime())
    operator_case_number: Mapped[str | None] = mapped_column(String(60))
    handoffs: Mapped[int] = mapped_column(default=0)
    escalated_at = mapped_column(UTCDateTime())
    due_at = mapped_column(UTCDateTime())
    first_answer_at = mapped_column(UTCDateTime(), active_history=True)
    # Business hours from created_at to first_answer_at (SUPPORT_DAY_START/END, the département's holidays),
    # stored when the first answer is written: the statistics read it instead of computing it per request.
    # active_history (here, on organisation_id, first_answer_at and created_at): the previous value is known
    # when it changes, so that app.backoffice.delay_summary recomputes the organisation-month it left.
    first_answer_business_hours: Mapped[float | None] = mapped_column(db.Float, active_history=True)
    transferred_at = mapped_column(UTCDateTime())
    closed_at = mapped_column(UTCDateTime(), index=True)
    useful: Mapped[str | None] = mapped_column(String(10))
    agent_read_at = mapped_column(UTCDateTime())
    late_notified_at = mapped_column(UTCDateTime())
    report_reference: Mapped[str | None] = mapped_column(String(20))
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False, index=True, active_history=True)
    updated_at = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=False)

    author = relationship(User, foreign_keys=[author_id])
    assignee = relationship(User, foreign_keys=[assignee_id])
    organisation = relationship(Organisation)
    procedure = relationship(Procedure)
    group = relationship(SupportGroup)
    messages = relationship("SupportMessage", back_populates="request", order_by="SupportMessage.id")
    invitations = relationship("SupportInvitation", back_populates="request", order_by="SupportInvitation.id")

    @property
    def has_citizen_block(self):
        return self.citizen_block is not None

    def __repr__(self):
        return f"<SupportRequest {self.reference}>"


_FIRST_ANSWER_INPUTS = ("created_at", "first_answer_at", "department")


def first_answer_business_hours(created_at, first_answer_at, department, config):
    """The stored first-answer delay: business hours between the request and its first answer."""
    return business_hours(created_at, first_answer_at, department, config["SUPPORT_DAY_START"],
                          config["SUPPORT_DAY_END"])


@event.listens_for(SupportRequest, "before_insert")
@event.listens_for(SupportRequest, "before_update")
def _store_first_answer_hours(_mapper, _connection, request):
    # Whoever writes the first answer (the answer service, an import, a test), the stored delay follows it.
    if request.first_answer_at is None:
        request.first_answer_business_hours = None
        return
    state = inspect(request)
    changed = any(state.attrs[name].history.has_changes() for name in _FIRST_ANSWER_INPUTS)
    if changed or request.first_answer_business_hours is None:
        if request.created_at is None:
            request.created_at = utcnow()
        request.first_answer_business_hours = first_answer_business_hours(
            request.created_at, request.first_answer_at, request.department, current_app.config)


class SupportDelayMonth(db.Model):
    """The answered requests of one organisation and month (UTC month of the request) and the median of their
    first-answer delays, kept up to date when a request's delay, month or organisation changes
    (app.backoffice.delay_summary): the working-conditions cross-readings read one row per organisation-month
    instead of taking the median of every request."""

    __tablename__ = "support_delay_months"
    __table_args__ = (
        UniqueConstraint("organisation_id", "month", name="uq_support_delay_months_key"),
        # The cross-readings: a quarter's rows of some organisations, read from the index alone.
        Index("ix_support_delay_months_month_org", "month", "organisation_id", postgresql_include=["median_hours"]),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    month = mapped_column(db.Date, nullable=False)
    answered: Mapped[int] = mapped_column(default=0)
    median_hours: Mapped[float] = mapped_column(db.Float)


class SupportGroupOpenCount(db.Model):
    """The number of open (not closed) requests of one group, kept up to date when a request is created,
    rerouted, closed or reopened (app.backoffice.open_counts): the expert board's total of its plain view is
    read here rather than counted on every page."""

    __tablename__ = "support_group_open_counts"

    group_id: Mapped[int] = mapped_column(ForeignKey("support_groups.id", ondelete="CASCADE"), primary_key=True)
    open_requests: Mapped[int] = mapped_column(default=0)


class SupportMessage(db.Model):
    __tablename__ = "support_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("support_requests.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    # Internal notes and hidden invitation messages never reach the agent.
    hidden_from_agent: Mapped[bool] = mapped_column(default=False)
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    request = relationship(SupportRequest, back_populates="messages")
    author = relationship(User)

    @property
    def kind_label(self):
        return MessageKind(self.kind).label


class SupportInvitation(db.Model):
    """Another group or a named expert invited on a request (each one is a hand-off)."""

    __tablename__ = "support_invitations"
    # The expert board reads the invitations of open requests only: without them, a group's whole history of
    # invitations (mostly on closed requests, growing with the years) was read and each request looked up.
    __table_args__ = (
        Index("ix_support_invitations_open_group", "group_id", "request_id",
              postgresql_where=text("request_open"), sqlite_where=text("request_open")),
        Index("ix_support_invitations_open_user", "user_id", "request_id",
              postgresql_where=text("request_open"), sqlite_where=text("request_open")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("support_requests.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("support_groups.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    is_automatic: Mapped[bool] = mapped_column(default=False)
    # Whether the request is open (not closed): kept when the request closes or reopens, set from the requests'
    # status by the seeders and the repair (app.backoffice.invitations).
    request_open: Mapped[bool] = mapped_column(default=True, server_default=text("true"))
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    request = relationship(SupportRequest, back_populates="invitations")
    group = relationship(SupportGroup)
    user = relationship(User, foreign_keys=[user_id])


class SupportAttachment(db.Model):
    """A re-encoded image or a PDF, encrypted at rest in the database."""

    __tablename__ = "support_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("support_requests.id", ondelete="CASCADE"), index=True)
    download_name: Mapped[str] = mapped_column(String(120))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column()
    data: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


class SupportEvent(db.Model):
    """The request's history: every step the agent sees (route, take, invite, transfer, close...)."""

    __tablename__ = "support_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("support_requests.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(30))
    label: Mapped[str] = mapped_column(String(300))
    # Hand-off to another group or expert (reroute, invitation, automatic escalation).
    is_handoff: Mapped[bool] = mapped_column(default=False)
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


class SupportPreference(db.Model):
    """A user's choice about back-office e-mails (in-app notifications always arrive)."""

    __tablename__ = "support_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    email_opt_out: Mapped[bool] = mapped_column(default=False)
