"""Working conditions: incidents, staff representatives, checklist, barometer, discussion space."""
import uuid
from datetime import timedelta

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    and_,
    case,
    or_,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import Organisation, Role, User
from app.common.models import UTCDateTime, utcnow
from app.common.sql import inline
from app.common.timezones import as_utc
from app.extensions import db
from app.workplace.enums import (
    INCIDENT_TRANSITIONS,
    TAKE_IN_CHARGE_HOURS,
    Channel,
    IncidentContext,
    IncidentKind,
    IncidentStatus,
    Severity,
)


def fits_id(value):
    """Whether an id from a URL can be a row id (larger ones overflow SQLite's INTEGER: no such row)."""
    return 0 < value < 2**31


class StaffRepMandate(db.Model):
    """The staff_rep capability an admin grants to an agent, for an organisation or a département."""

    __tablename__ = "workplace_staff_rep_mandates"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    department: Mapped[str | None] = mapped_column(String(3))
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    granted_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    user = relationship(User, foreign_keys=[user_id])
    organisation = relationship(Organisation)

    @property
    def scope_label(self):
        if self.organisation is not None:
            return self.organisation.name
        return f"Département {self.department}"


class IncidentState:
    """Labels and the 48-hour deadline of an incident, from its plain columns.

    Shared by the Incident model and the list's lean rows (queries.IncidentRow), so both answer the same way.
    """

    @property
    def due_at(self):
        return as_utc(self.created_at) + timedelta(hours=TAKE_IN_CHARGE_HOURS)

    def is_late(self, now=None):
        """Taken in charge after 48 h, or still waiting past them."""
        taken = as_utc(self.taken_at) if self.taken_at else None
        return (taken or now or utcnow()) > self.due_at

    @property
    def status_label(self):
        return IncidentStatus(self.status).label

    @property
    def kind_label(self):
        return IncidentKind(self.kind).label

    @property
    def severity_label(self):
        return Severity(self.severity).label


class Incident(IncidentState, db.Model):
    """An incivility or aggression reported by an agent (narrative stored masked)."""

    __tablename__ = "workplace_incidents"
    __table_args__ = (
        Index("ix_workplace_incidents_org_occurred", "organisation_id", "occurred_at"),
        # A département's or the nation's period, read from the index alone on PostgreSQL (the indicators).
        Index("ix_workplace_incidents_occurred", "occurred_at", "organisation_id",
              postgresql_include=["kind", "severity", "created_at", "taken_at", "support_at"]),
        Index("ix_workplace_incidents_reporter", "reporter_id", "id"),
        # HR's list: one page of the organisation's incidents, newest filed first, walked along the index
        # instead of sorting every incident of the organisation.
        Index("ix_workplace_incidents_org_created", "organisation_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    # Always kept (legal needs), shown to HR only when the victim did not ask for anonymity.
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    anonymous_to_hr: Mapped[bool] = mapped_column(default=False)
    occurred_at = mapped_column(UTCDateTime(), nullable=False)
    channel: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    severity: Mapped[str] = mapped_column(String(1))
    context: Mapped[str] = mapped_column(String(20))
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"))
    narrative: Mapped[str] = mapped_column(Text, default="")
    redaction_counts = mapped_column(JSON, default=dict)
    consequences = mapped_column(JSON, default=list)
    support_wanted = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default=IncidentStatus.RECEIVED.value)
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    taken_at = mapped_column(UTCDateTime())
    support_at = mapped_column(UTCDateTime())
    closed_at = mapped_column(UTCDateTime())

    organisation = relationship(Organisation)
    reporter = relationship(User, foreign_keys=[reporter_id])
    actions = relationship("IncidentAction", order_by="IncidentAction.id", back_populates="incident")
    report = relationship("Report")

    @property
    def report_reference(self):
        return self.report.reference if self.report_id else None

    def allowed_transitions(self):
        return INCIDENT_TRANSITIONS[IncidentStatus(self.status)]

    def can_manage(self, user):
        return user.role == Role.HR and user.organisation_id == self.organisation_id

    def reporter_name_for(self, user):
        """The victim's name as `user` may see it: None when hidden (anonymous toward HR)."""
        if user.id == self.reporter_id:
            return self.reporter.full_name
        if self.can_manage(user) and not self.anonymous_to_hr:
            return self.reporter.full_name
        return None

    @classmethod
    def reporter_name_shown_to(cls, user, full_name, value=inline):
        """SQL of reporter_name_for: the column `full_name` (the reporter's) where `user` may see it, else NULL,
        so that a hidden name never leaves the database. Values written into the SQL by `value(v, name)`
        (app.common.sql.inline; a statement built once per kind of reader names parameters instead)."""
        shown = cls.reporter_id == value(user.id, "viewer_id")
        if user.role == Role.HR and user.organisation_id is not None:  # can_manage
            shown = or_(shown, and_(cls.organisation_id == value(user.organisation_id, "viewer_organisation_id"),
                                    cls.anonymous_to_hr.is_(False)))
        return case((shown, full_name), else_=None)

    @property
    def channel_label(self):
        return Channel(self.channel).label

    @property
    def context_label(self):
        return IncidentContext(self.context).label


class IncidentMonth(db.Model):
    """Incidents of one month, kind and severity for one scope ("org:<id>", "dep:<code>", "nat"), kept up to
    date by the incident use cases in their own transaction: the indicators add up these rows, never the
    incidents themselves, so a national page reads about as many rows as an organisation's.

    `taken_within_48h` counts the incidents taken in charge at most 48 h after they were filed,
    `support_given` those for which support was offered. No person in it. `flask workplace
    rebuild-summaries` recomputes every row from the incidents."""

    __tablename__ = "workplace_incident_months"
    __table_args__ = (
        UniqueConstraint("scope", "month", "kind", "severity", name="uq_workplace_incident_months_key"),
        # The cross-readings: an organisation's months (organisation_id is NULL on département and nation rows).
        Index("ix_workplace_incident_months_month_org", "month", "organisation_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    month = mapped_column(Date(), nullable=False)  # first day of the month (UTC) the incident occurred in
    kind: Mapped[str] = mapped_column(String(20))
    severity: Mapped[str] = mapped_column(String(1))
    incidents: Mapped[int] = mapped_column(default=0)
    taken_within_48h: Mapped[int] = mapped_column(default=0)
    support_given: Mapped[int] = mapped_column(default=0)


class IncidentOrgMonth(db.Model):
    """Incidents of one organisation and month, all kinds and severities together, with the organisation's
    département: the cross-readings pick the busiest organisation-months of a scope from an index
    (month, incidents) instead of adding up every organisation's IncidentMonth rows. Kept up to date with
    IncidentMonth (app.workplace.summary), rebuilt with it."""

    __tablename__ = "workplace_incident_org_months"
    __table_args__ = (
        UniqueConstraint("organisation_id", "month", name="uq_workplace_incident_org_months_key"),
        Index("ix_workplace_incident_org_months_month_incidents", "month", "incidents"),
        Index("ix_workplace_incident_org_months_department", "department", "month", "incidents"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    department: Mapped[str | None] = mapped_column(String(3))
    month = mapped_column(Date(), nullable=False)
    incidents: Mapped[int] = mapped_column(default=0)


class IncidentAction(db.Model):
    """One step of the manager's handling: who, what, when."""

    __tablename__ = "workplace_incident_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("workplace_incidents.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    incident = relationship(Incident, back_populates="actions")
    actor = relationship(User)

    @property
    def status_label(self):
        return IncidentStatus(self.status).label


class ChecklistAssessment(db.Model):
    """One pass over the workstation and site checklist (history kept: never updated)."""

    __tablename__ = "workplace_checklist_assessments"
    __table_args__ = (Index("ix_workplace_checklist_org_at", "organisation_id", "assessed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    assessed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assessed_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    # theme -> score 0-100 (share of applicable items that comply), or None when all are N/A.
    scores = mapped_column(JSON, default=dict)

    answers = relationship("ChecklistAnswer", order_by="ChecklistAnswer.id")
    assessed_by = relationship(User)


class ChecklistAnswer(db.Model):
    __tablename__ = "workplace_checklist_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("workplace_checklist_assessments.id"), index=True)
    item_code: Mapped[str] = mapped_column(String(40))
    value: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")


class ChecklistAction(db.Model):
    """An item of the site's action plan."""

    __tablename__ = "workplace_checklist_actions"
    __table_args__ = (Index("ix_workplace_actions_open_due", "done_at", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    item_code: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    due_on = mapped_column(Date(), nullable=False)
    done_at = mapped_column(UTCDateTime())
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    # "due_soon" / "overdue": the reminders already sent (each is sent once).
    reminded: Mapped[str] = mapped_column(String(40), default="")

    owner = relationship(User)


class BarometerCampaign(db.Model):
    """A quarterly working-conditions questionnaire, for one organisation or nationally (None)."""

    __tablename__ = "workplace_barometer_campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    quarter: Mapped[str] = mapped_column(String(7), index=True)  # "2026-T4"
    opens_on = mapped_column(Date(), nullable=False)
    closes_on = mapped_column(Date(), nullable=False)
    status: Mapped[str] = mapped_column(String(10), default="open")
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    closed_at = mapped_column(UTCDateTime())

    organisation = relationship(Organisation)

    @property
    def is_open(self):
        return self.status == "open"

    def covers(self, organisation):
        return organisation is not None and self.organisation_id in (None, organisation.id)


def _new_uuid():
    return str(uuid.uuid4())


class BarometerAnswer(db.Model):
    """One anonymous questionnaire: no person, session, address or token; a random id; the day only.

    WITHOUT ROWID on SQLite: rows are stored in the order of their random ids, not of arrival.
    """

    __tablename__ = "workplace_barometer_answers"
    __table_args__ = (
        Index("ix_workplace_barometer_answers_campaign_org", "campaign_id", "organisation_id"),
        {"sqlite_with_rowid": False},
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=_new_uuid)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("workplace_barometer_campaigns.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    department: Mapped[str | None] = mapped_column(String(3))
    answered_on = mapped_column(Date(), nullable=False)
    # One column per item of enums.BAROMETER_ITEMS, 1 to 5.
    workload: Mapped[int] = mapped_column(SmallInteger)
    handling_time: Mapped[int] = mapped_column(SmallInteger)
    autonomy: Mapped[int] = mapped_column(SmallInteger)
    peer_help: Mapped[int] = mapped_column(SmallInteger)
    manager_help: Mapped[int] = mapped_column(SmallInteger)
    backoffice_help: Mapped[int] = mapped_column(SmallInteger)
    tools: Mapped[int] = mapped_column(SmallInteger)
    training: Mapped[int] = mapped_column(SmallInteger)
    recognition: Mapped[int] = mapped_column(SmallInteger)
    tension: Mapped[int] = mapped_column(SmallInteger)
    safety: Mapped[int] = mapped_column(SmallInteger)
    comfort: Mapped[int] = mapped_column(SmallInteger)


class BarometerTotal(db.Model):
    """Sums of a closed campaign's answers per organisation and per département (organisation_id None),
    written once when it closes (the answers of a closed campaign never change): the results pages add up
    these rows, not every questionnaire, and a national page reads the départements' rows only, so it
    costs about the same for a small network and for the whole one. No person in it."""

    __tablename__ = "workplace_barometer_totals"
    __table_args__ = (
        Index("ix_workplace_barometer_totals_quarter_department", "quarter", "department"),
        Index("ix_workplace_barometer_totals_quarter_organisation", "quarter", "organisation_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("workplace_barometer_campaigns.id"), index=True)
    quarter: Mapped[str] = mapped_column(String(7))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    department: Mapped[str | None] = mapped_column(String(3))
    respondents: Mapped[int] = mapped_column()
    # The sum of each item of enums.BAROMETER_ITEMS over the respondents.
    workload: Mapped[int] = mapped_column()
    handling_time: Mapped[int] = mapped_column()
    autonomy: Mapped[int] = mapped_column()
    peer_help: Mapped[int] = mapped_column()
    manager_help: Mapped[int] = mapped_column()
    backoffice_help: Mapped[int] = mapped_column()
    tools: Mapped[int] = mapped_column()
    training: Mapped[int] = mapped_column()
    recognition: Mapped[int] = mapped_column()
    tension: Mapped[int] = mapped_column()
    safety: Mapped[int] = mapped_column()
    comfort: Mapped[int] = mapped_column()


class BarometerParticipation(db.Model):
    """Who answered an open campaign (only to refuse a second answer); deleted when it closes."""

    __tablename__ = "workplace_barometer_participations"
    __table_args__ = (UniqueConstraint("campaign_id", "user_id", name="uq_workplace_participation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("workplace_barometer_campaigns.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)


class DiscussionItem(db.Model):
    """The « espace de discussion »: themes, questions for the meeting, decisions (recorded by HR)."""

    __tablename__ = "workplace_discussion_items"
    __table_args__ = (Index("ix_workplace_discussion_org_quarter", "organisation_id", "quarter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    quarter: Mapped[str] = mapped_column(String(7))
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
