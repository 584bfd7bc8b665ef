"""Who sees which consultation: the owning team, and the agents it targets (everyone else: 404)."""
from datetime import date
from typing import NamedTuple

from sqlalchemy import false, or_
from sqlalchemy.orm import joinedload, selectinload

from app.accounts.models import Role
from app.common.home import HomeContribution
from app.common.sql import Part
from app.consultations.enums import ConsultationKind, ConsultationStatus, ParticipationStatus, Targeting
from app.consultations.models import Consultation, ConsultationTarget, Participation, ParticipationAttachment
from app.extensions import db
from app.reports.models import Application, Report, ReportFollower

MAX_ID = 2**31 - 1


def team_scope(user):
    """The consultations of the user's team (team members and team tokens); nobody else's."""
    if user is None or user.role != Role.TRIAGER or user.team_id is None:
        return db.select(Consultation).where(false())
    return db.select(Consultation).where(Consultation.team_id == user.team_id)


def _target(kind, value):
    return (
        db.select(ConsultationTarget.id)
        .where(ConsultationTarget.consultation_id == Consultation.id, ConsultationTarget.kind == kind,
               ConsultationTarget.value == value)
        .exists()
    )


def _reported_on(user_id):
    """The agent filed or joined (« moi aussi ») a report on the consultation's service and procedure."""
    return (
        db.select(ReportFollower.id)
        .join(Report, Report.id == ReportFollower.report_id)
        .where(
            ReportFollower.user_id == user_id,
            Report.application_id == Consultation.application_id,
            or_(Consultation.procedure_id.is_(None), Report.procedure_id == Consultation.procedure_id),
        )
        .exists()
    )


def _took_part(user_id):
    return (
        db.select(Participation.id)
        .where(Participation.consultation_id == Consultation.id, Participation.user_id == user_id)
        .exists()
    )


def _targeted(user_id, kind, department):
    """SQL: the consultation is addressed to this agent (values, or bind parameters of a cached statement)."""
    return or_(
        Consultation.targeting == Targeting.ALL.value,
        (Consultation.targeting == Targeting.ORG_KINDS.value) & _target(Targeting.ORG_KINDS.value, kind),
        (Consultation.targeting == Targeting.DEPARTMENTS.value) & _target(Targeting.DEPARTMENTS.value, department),
        (Consultation.targeting == Targeting.REPORTERS.value) & _reported_on(user_id),
    )


def _targeting_values(user):
    organisation = user.organisation
    return {"user_id": user.id, "kind": (organisation.kind if organisation else None) or "",
            "department": (organisation.department if organisation else None) or ""}


def targeted_clause(user):
    """SQL: the consultation is addressed to this agent."""
    values = _targeting_values(user)
    return _targeted(values["user_id"], values["kind"], values["department"])


def agent_scope(user):
    """Open or closed consultations addressed to this agent, and those they took part in."""
    if user is None or user.role != Role.AGENT or user.id is None:
        return db.select(Consultation).where(false())
    return db.select(Consultation).where(
        Consultation.status != ConsultationStatus.DRAFT.value,
        or_(targeted_clause(user), _took_part(user.id)),
    )


def _details(query):
    return query.options(
        joinedload(Consultation.application), joinedload(Consultation.procedure),
        selectinload(Consultation.questions), selectinload(Consultation.targets),
        selectinload(Consultation.fixed_reports), selectinload(Consultation.images),
    )


def _by_id(query, consultation_id):
    if not isinstance(consultation_id, int) or not 0 < consultation_id <= MAX_ID:
        return None
    return db.session.scalar(_details(query).where(Consultation.id == consultation_id))


def team_consultation(user, consultation_id):
    """One of the team's consultations, or None (a 404)."""
    return _by_id(team_scope(user), consultation_id)


def agent_consultation(user, consultation_id):
    """A consultation addressed to this agent (or one they took part in), or None (a 404)."""
    return _by_id(agent_scope(user), consultation_id)


def team_list(user):
    return db.session.scalars(
        _details(team_scope(user))
        .order_by(Consultation.created_at.desc(), Consultation.id.desc())
    ).all()


class HomeConsultation(NamedTuple):
    """An open consultation as the agent's home page lists it."""

    id: int
    title: str
    kind: str
    ends_on: date | None
    application_name: str

    @property
    def kind_label(self):
        return ConsultationKind(self.kind).label


def _open_for_agent_part(limit=3):
    """Open consultations addressed to the agent (:user_id, whose organisation is of kind
    :consultations_kind in :consultations_department) or that they took part in, soonest end first: the
    rows of agent_scope(user) filtered on the open status."""
    user_id = db.bindparam("user_id")
    statement = (
        db.select(Consultation.id, Consultation.title, Consultation.kind, Consultation.ends_on,
                  Application.name.label("application_name"))
        .join(Application, Application.id == Consultation.application_id)
        .where(Consultation.status == ConsultationStatus.OPEN.value,
               or_(_targeted(user_id, db.bindparam("consultations_kind"), db.bindparam("consultations_department")),
                   _took_part(user_id)))
    )
    return Part("open_consultations", statement, HomeConsultation, order_by=(Consultation.ends_on, Consultation.id),
                limit=limit)


def _home_params(user, since):
    values = _targeting_values(user)
    return {"consultations_kind": values["kind"], "consultations_department": values["department"]}


def home_contribution():
    """The agent's home: `consultations`, a few open consultations addressed to them."""
    return HomeContribution("consultations", (_open_for_agent_part(),),
                            lambda rows, user, since: rows["open_consultations"], params=_home_params)


def agent_list(user):
    """(open consultations, closed ones) addressed to this agent or that they took part in."""
    rows = db.session.scalars(
        _details(agent_scope(user))
        .order_by(Consultation.closed_at.desc(), Consultation.ends_on, Consultation.id.desc())
    ).all()
    return [c for c in rows if c.is_open], [c for c in rows if c.is_closed]


def participation_of(user, consultation):
    if user is None or user.id is None:
        return None
    return db.session.scalar(
        db.select(Participation).where(Participation.consultation_id == consultation.id,
                                       Participation.user_id == user.id)
        .options(selectinload(Participation.answers), selectinload(Participation.attachments))
    )


def participations_by_user(user):
    """{consultation id: participation} of this agent."""
    rows = db.session.scalars(db.select(Participation).where(Participation.user_id == user.id)).all()
    return {p.consultation_id: p for p in rows}


def places_taken(consultation):
    return db.session.scalar(
        db.select(db.func.count(Participation.id)).where(
            Participation.consultation_id == consultation.id,
            Participation.status.in_([ParticipationStatus.VOLUNTEERED.value, ParticipationStatus.ANSWERED.value]),
        )
    )


def attachment_for_team(user, consultation, attachment_id):
    if not isinstance(attachment_id, int) or not 0 < attachment_id <= MAX_ID:
        return None
    return db.session.scalar(
        db.select(ParticipationAttachment)
        .join(Participation, Participation.id == ParticipationAttachment.participation_id)
        .where(ParticipationAttachment.id == attachment_id, Participation.consultation_id == consultation.id,
               Participation.status == ParticipationStatus.ANSWERED.value)
    )


def answered_attachments(consultation):
    """Screenshots joined to answers (never who joined them)."""
    return db.session.scalars(
        db.select(ParticipationAttachment)
        .join(Participation, Participation.id == ParticipationAttachment.participation_id)
        .where(Participation.consultation_id == consultation.id,
               Participation.status == ParticipationStatus.ANSWERED.value)
        .order_by(ParticipationAttachment.id)
    ).all()


def answered_count(consultation):
    return db.session.scalar(db.select(db.func.count(Participation.id)).where(
        Participation.consultation_id == consultation.id,
        Participation.status == ParticipationStatus.ANSWERED.value))
