"""Catalogue of online services, reports and what hangs on them (me-too, comments, files)."""
from datetime import timedelta

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import Grouping

from app.accounts.models import Organisation, Role, Team, User
from app.common.models import StoredImage, UTCDateTime, utcnow
from app.common.timezones import as_utc
from app.extensions import db

# The catalogue lives in its own module; it is re-exported here with the other models.
from app.reports.catalog_models import Application, Operator, Procedure, Step  # noqa: F401
from app.reports.enums import (
    Browser,
    CommentKind,
    Device,
    ProblemType,
    Reproducible,
    Status,
)
from app.reports.workflow import CLOSED, OPEN

REDACTION_KINDS = (
    "nir", "caf_number", "tax_number", "france_travail_id", "iban", "card", "phone", "email", "name",
)


def empty_counts():
    return dict.fromkeys(REDACTION_KINDS, 0)


def summarise(what_happened):
    """A masked description shortened for lists and the reduced view."""
    text = " ".join(what_happened.split())
    return text if len(text) <= 240 else text[:237].rstrip() + "…"


# --- reports --------------------------------------------------------------------------------


class ReportState:
    """Labels, open/closed state and deadlines of a report, from its plain columns.

    Shared by the Report model and the board's lean rows (BoardRow), so both answer the same way.
    """

    @property
    def status_label(self):
        return Status(self.status).label

    @property
    def problem_type_label(self):
        return ProblemType(self.problem_type).label

    @property
    def is_open(self):
        return self.status in OPEN

    @property
    def is_closed(self):
        return self.status in CLOSED

    def is_acknowledge_overdue(self, now=None):
        now = now or utcnow()
        due = as_utc(self.acknowledge_due_at)
        return self.acknowledged_at is None and self.is_open and due is not None and due < now

    def is_answer_overdue(self, now=None):
        now = now or utcnow()
        due = as_utc(self.answer_due_at)
        return self.answered_at is None and self.is_open and due is not None and due < now

    @property
    def is_overdue(self):
        return self.is_acknowledge_overdue() or self.is_answer_overdue()

    @property
    def next_due_at(self):
        # Same rule as next_due_clause(), which sorts the board.
        if self.acknowledged_at is None:
            return self.acknowledge_due_at
        if self.answered_at is None:
            return self.answer_due_at
        return None


class Report(ReportState, db.Model):
    """A failure of an online service, reported by a reception agent (texts stored masked)."""

    __tablename__ = "reports"
    __table_args__ = (
        Index("ix_reports_application_status", "application_id", "status"),
        # One per sort of the triage board, ending with the id that breaks ties, so that a page is
        # read in index order whatever the number of reports (the next-due sort's index follows the class).
        Index("ix_reports_people_total_id", "people_total", "id"),
        Index("ix_reports_blocked_people_id", "blocked_total", "people_total", "id"),
        Index("ix_reports_me_too_count_id", "me_too_count", "id"),
        # A site's reports of a period (the working-conditions cross-readings count them per month).
        Index("ix_reports_organisation_created", "organisation_id", "created_at"),
        # One report per submitted form: the confirmation posted twice files it once.
        Index("uq_reports_author_submission_key", "author_id", "submission_key", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str | None] = mapped_column(String(20), unique=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # active_history (here and on created_at): the previous value is known when it changes, so that
    # app.reports.month_counts moves the report out of the organisation-month it left.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True,
                                                        active_history=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("catalog_applications.id"))
    procedure_id: Mapped[int | None] = mapped_column(ForeignKey("catalog_procedures.id"), index=True)
    step_id: Mapped[int | None] = mapped_column(ForeignKey("catalog_steps.id"))
    screen: Mapped[str] = mapped_column(String(200), default="")
    page_url: Mapped[str] = mapped_column(String(500), default="")
    problem_type: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200))
    what_happened: Mapped[str] = mapped_column(Text)
    expected: Mapped[str] = mapped_column(Text, default="")
    error_message: Mapped[str] = mapped_column(Text, default="")
    occurred_at = mapped_column(UTCDateTime())
    citizen_device: Mapped[str] = mapped_column(String(20), default=Device.UNKNOWN.value)
    citizen_browser: Mapped[str] = mapped_column(String(20), default=Browser.UNKNOWN.value)
    agent_browser: Mapped[str] = mapped_column(String(120), default="")
    reproducible: Mapped[str] = mapped_column(String(10), default=Reproducible.UNTRIED.value)
    workaround_used: Mapped[str] = mapped_column(Text, default="")
    citizen_blocked: Mapped[bool] = mapped_column(default=False)
    right_at_risk: Mapped[bool] = mapped_column(default=False)
    people_affected: Mapped[int] = mapped_column(default=1)
    on_behalf: Mapped[bool] = mapped_column(default=False)
    consent: Mapped[bool] = mapped_column(default=False)
    citizen_words: Mapped[str] = mapped_column(Text, default="")
    # How many identifiers of each kind were masked before saving (never the values).
    redaction_counts = mapped_column(JSON, default=empty_counts)
    # The random key of the form that filed it (NULL for reports filed through the API or before).
    submission_key: Mapped[str | None] = mapped_column(String(64))
    # Normalised stems of the texts (search.normalise): the same index on SQLite and PostgreSQL.
    search_text: Mapped[str] = mapped_column(Text, default="")

    status: Mapped[str] = mapped_column(String(30), default=Status.NEW.value, index=True)
    status_before_info: Mapped[str | None] = mapped_column(String(30))
    status_reason: Mapped[str] = mapped_column(Text, default="")
    redirect_to: Mapped[str] = mapped_column(String(300), default="")
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    tracker_url: Mapped[str] = mapped_column(String(500), default="")
    tracker_key: Mapped[str] = mapped_column(String(60), default="")
    workaround: Mapped[str] = mapped_column(Text, default="")
    workaround_at = mapped_column(UTCDateTime())

    # Impact, kept up to date with the me-too rows so that the board sorts without joins.
    me_too_count: Mapped[int] = mapped_column(default=0)
    people_total: Mapped[int] = mapped_column(default=1)
    blocked_total: Mapped[int] = mapped_column(default=0)

    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False, index=True, active_history=True)
    updated_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    acknowledge_due_at = mapped_column(UTCDateTime())
    answer_due_at = mapped_column(UTCDateTime())
    acknowledged_at = mapped_column(UTCDateTime())
    answered_at = mapped_column(UTCDateTime())
    fixed_at = mapped_column(UTCDateTime())
    closed_at = mapped_column(UTCDateTime())

    author = relationship(User, foreign_keys=[author_id])
    assignee = relationship(User, foreign_keys=[assignee_id])
    organisation = relationship(Organisation)
    application = relationship(Application)
    procedure = relationship(Procedure)
    step = relationship(Step)
    duplicate_of = relationship("Report", remote_side=[id])

    # --- labels (status, type and deadlines: see ReportState) ---
    @property
    def device_label(self):
        return Device(self.citizen_device).label

    @property
    def browser_label(self):
        return Browser(self.citizen_browser).label

    @property
    def reproducible_label(self):
        return Reproducible(self.reproducible).label

    @property
    def summary(self):
        """The masked description, shortened for lists and the reduced view."""
        return summarise(self.what_happened)

    @property
    def masked_total(self):
        return sum((self.redaction_counts or {}).values())

    def set_deadlines(self, application):
        created = as_utc(self.created_at) or utcnow()
        self.acknowledge_due_at = created + timedelta(days=application.acknowledge_days)
        self.answer_due_at = created + timedelta(days=application.answer_days)

    # --- permissions ---
    def can_triage(self, user):
        """Whether this user (or team token) works on the team that owns the report's service."""
        return (
            user is not None
            and user.role == Role.TRIAGER
            and user.team_id is not None
            and self.application.team_id == user.team_id
        )

    def is_followed_by(self, user):
        if user is None or user.role != Role.AGENT or user.id is None:
            return False
        return (
            db.session.scalar(
                db.select(ReportFollower.id).where(
                    ReportFollower.report_id == self.id, ReportFollower.user_id == user.id
                )
            )
            is not None
        )

    def can_view(self, user):
        """The report page, full or reduced (see can_view_full): the team, administrators, and agents
        who filed or joined it."""
        if user is None:
            return False
        if user.role == Role.ADMIN or self.can_triage(user):
            return True
        return self.is_followed_by(user)

    def can_view_full(self, user):
        """The whole report (citizen's words, screenshots, messages): the owning team, administrators
        and its author. Agents who said « moi aussi » get the reduced view only."""
        if user is None:
            return False
        if user.role == Role.ADMIN or self.can_triage(user):
            return True
        return user.role == Role.AGENT and user.id is not None and user.id == self.author_id

    def can_withdraw(self, user):
        return (
            user.id == self.author_id
            and (
                self.status == Status.NEW
                or (self.status == Status.INFO_REQUESTED and self.status_before_info == Status.NEW)
            )
        )

    def __repr__(self):
        return f"<Report {self.reference}>"


def next_due_clause():
    """SQL of Report.next_due_at: the board sorts on it, through the index below."""
    return db.case(
        (Report.acknowledged_at.is_(None), Report.acknowledge_due_at),
        (Report.answered_at.is_(None), Report.answer_due_at),
        else_=None,
    )


# Parenthesised: PostgreSQL accepts an expression in an index only between brackets.
Index("ix_reports_next_due_id", Grouping(next_due_clause()), Report.id)


class ReportFollower(db.Model):
    """An agent who filed or joined a report: sees its full detail and is notified."""

    __tablename__ = "report_followers"
    __table_args__ = (UniqueConstraint("report_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reason: Mapped[str] = mapped_column(String(20))
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    report = relationship(Report)
    user = relationship(User)


class MeToo(db.Model):
    """Another agent met the same problem: adds to the report's impact."""

    __tablename__ = "report_me_toos"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    people_affected: Mapped[int] = mapped_column(default=1)
    citizen_blocked: Mapped[bool] = mapped_column(default=False)
    # Set when the row came from merging a duplicate (the duplicate's own impact, or its me-too).
    merged_from_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"))
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    report = relationship(Report, foreign_keys=[report_id])
    organisation = relationship(Organisation)


class ReportComment(db.Model):
    """A public answer, an internal note (team only) or an agent's message."""

    __tablename__ = "report_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    redaction_counts = mapped_column(JSON, default=empty_counts)
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    report = relationship(Report)
    author = relationship(User)

    @property
    def kind_label(self):
        return CommentKind(self.kind).label

    @property
    def is_internal(self):
        return self.kind == CommentKind.INTERNAL_NOTE

    @property
    def from_team(self):
        return self.kind in (CommentKind.PUBLIC_ANSWER, CommentKind.INTERNAL_NOTE)


class ReportEvent(db.Model):
    """A status change, kept for the timeline and the statistics."""

    __tablename__ = "report_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(30))
    to_status: Mapped[str] = mapped_column(String(30))
    by_team: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    @property
    def to_label(self):
        return Status(self.to_status).label


class ReportAttachment(StoredImage, db.Model):
    """A screenshot, re-encoded without metadata, stored under the instance folder."""

    __tablename__ = "report_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)


class NotificationSetting(db.Model):
    """Per-user choice to receive report notifications by e-mail as well."""

    __tablename__ = "report_notification_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    email_opt_in: Mapped[bool] = mapped_column(default=False)


# --- webhooks ---------------------------------------------------------------------------------


class Webhook(db.Model):
    """A team's receiver for report events (JSON body, HMAC-SHA256 signature)."""

    __tablename__ = "report_webhooks"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    url: Mapped[str] = mapped_column(String(500))
    # Kept in clear: it signs every delivery. Shown once, like a token.
    secret: Mapped[str] = mapped_column(String(100))
    events = mapped_column(JSON, default=list)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    team = relationship(Team)


class WebhookDelivery(db.Model):
    """One event to deliver to one webhook; retried with backoff until it succeeds or gives up."""

    __tablename__ = "report_webhook_deliveries"
    __table_args__ = (Index("ix_report_webhook_deliveries_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("report_webhooks.id"), index=True)
    delivery_id: Mapped[str] = mapped_column(String(36), unique=True)
    event: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at = mapped_column(UTCDateTime(), default=utcnow)
    last_status_code: Mapped[int | None] = mapped_column()
    last_error: Mapped[str] = mapped_column(String(500), default="")
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    delivered_at = mapped_column(UTCDateTime())

    webhook = relationship(Webhook)


def _register_events():
    from app.reports.search import register_index_events

    register_index_events(Report)


_register_events()


class ReportOrgMonth(db.Model):
    """The reports filed by agents of one organisation in one month (UTC month of created_at), kept up to date
    on every write (app.reports.month_counts): the working-conditions cross-readings read one row per
    organisation-month instead of counting the reports."""

    __tablename__ = "report_org_months"
    __table_args__ = (
        UniqueConstraint("organisation_id", "month", name="uq_report_org_months_key"),
        # The cross-readings: a quarter's rows of some organisations, read from the index alone.
        Index("ix_report_org_months_month_org", "month", "organisation_id", postgresql_include=["reports"]),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    month = mapped_column(db.Date, nullable=False)
    reports: Mapped[int] = mapped_column(default=0)
