"""Incident reports: filing (two minutes), the manager's workflow, who sees what."""
from datetime import timedelta

from sqlalchemy import false
from sqlalchemy.orm import selectinload

from app.accounts.models import Role, User
from app.audit.services import audit
from app.common.models import utcnow
from app.common.sql import inline
from app.extensions import db
from app.notifications.services import notify
from app.reports.models import Report
from app.reports.redaction import redact
from app.workplace import summary
from app.workplace.enums import Consequence, IncidentStatus, SupportKind
from app.workplace.models import Incident, IncidentAction, fits_id

ANONYMOUS_LABEL = "Agent (signalement anonyme)"


class IncidentError(Exception):
    """A use case refused, with a French message for the user and the form field it is about."""

    def __init__(self, message, field="report_reference"):
        super().__init__(message)
        self.field = field


def linkable_report(actor, reference):
    """The remontée `actor` may link: their own or one of their organisation's; None when blank."""
    reference = (reference or "").strip().upper()
    if not reference:
        return None
    report = db.session.scalar(db.select(Report).where(Report.reference == reference))
    if report is None or not (report.author_id == actor.id or
                              (actor.organisation_id and report.organisation_id == actor.organisation_id)):
        raise IncidentError("Remontée introuvable : indiquez la référence d'une remontée de votre structure.")
    return report


def file_incident(actor, values):
    """An agent files an incident; the narrative is masked before it is stored."""
    if actor.role != Role.AGENT or actor.organisation_id is None:
        raise IncidentError("Seul un agent rattaché à une structure peut signaler un incident.")
    if values["occurred_at"] > utcnow() + timedelta(minutes=5):
        raise IncidentError("La date ne peut pas être dans le futur.", "occurred_at")
    report = linkable_report(actor, values.get("report_reference"))
    masked = redact(values.get("narrative") or "")
    incident = Incident(
        organisation_id=actor.organisation_id,
        reporter_id=actor.id,
        anonymous_to_hr=bool(values.get("anonymous_to_hr")),
        occurred_at=values["occurred_at"],
        channel=values["channel"],
        kind=values["kind"],
        severity=values["severity"],
        context=values["context"],
        report_id=report.id if report else None,
        narrative=masked.text,
        redaction_counts={k: v for k, v in masked.found.items() if v},
        consequences=[c for c in values.get("consequences") or [] if c in Consequence.values()],
        support_wanted=[s for s in values.get("support_wanted") or [] if s in SupportKind.values()],
        status=IncidentStatus.RECEIVED.value,
        created_at=utcnow(),
    )
    db.session.add(incident)
    db.session.flush()
    incident.organisation = actor.organisation
    summary.record_filed(incident)
    db.session.add(IncidentAction(incident_id=incident.id, actor_id=actor.id, status=IncidentStatus.RECEIVED.value,
                                  note="Signalement déposé."))
    audit(actor, "workplace.incident_filed", incident, {"anonymous_to_hr": incident.anonymous_to_hr})
    for hr in db.session.scalars(db.select(User).where(User.organisation_id == actor.organisation_id,
                                                       User.role == Role.HR, User.active.is_(True))):
        notify(hr, "workplace_incident", f"Nouveau signalement d'incident n° {incident.id} à prendre en charge sous 48 h.",
               f"/conditions-de-travail/signalements/{incident.id}")
    db.session.commit()
    return incident


def move(actor, incident, to_status, note):
    """The manager moves an incident along the transition table, recording the action."""
    if not incident.can_manage(actor):
        raise IncidentError("Vous ne gérez pas ce signalement.")
    target = IncidentStatus(to_status)
    if target not in incident.allowed_transitions():
        raise IncidentError(f"Passage impossible de « {incident.status_label} » à « {target.label} ».")
    now = utcnow()
    incident.status = target.value
    if target == IncidentStatus.TAKEN:
        incident.taken_at = now
        summary.record_taken(incident)
    elif target == IncidentStatus.SUPPORT_OFFERED:
        incident.support_at = now
        summary.record_support(incident)
    elif target == IncidentStatus.CLOSED:
        incident.closed_at = now
    text = redact(note or "").text
    db.session.add(IncidentAction(incident_id=incident.id, actor_id=actor.id, status=target.value, note=text,
                                  created_at=now))
    audit(actor, "workplace.incident_" + target.value, incident)
    notify(incident.reporter, "workplace_incident",
           f"Votre signalement n° {incident.id} est passé à l'état « {target.label} ».",
           f"/conditions-de-travail/signalements/{incident.id}")
    db.session.commit()
    return incident


def visible_clause(user, value=inline):
    """SQL condition of the incidents `user` may open one by one: their own (agent), their organisation's (HR).
    The id is written into the SQL by `value(v, name)` (app.common.sql.inline; a statement built once per kind of
    reader names parameters instead): each organisation's list gets its own plan."""
    if user.role == Role.AGENT:
        return Incident.reporter_id == value(user.id, "reporter_id")
    if user.role == Role.HR and user.organisation_id is not None:
        return Incident.organisation_id == value(user.organisation_id, "organisation_id")
    return false()


def visible_incidents(user):
    """Query of the incidents `user` may open one by one (visible_clause), newest filed first."""
    return (db.select(Incident).options(selectinload(Incident.reporter), selectinload(Incident.report))
            .where(visible_clause(user)).order_by(Incident.created_at.desc(), Incident.id.desc()))


def get_visible(user, incident_id):
    """The incident if `user` may see it, else None."""
    if not fits_id(incident_id):
        return None
    return db.session.scalar(visible_incidents(user).where(Incident.id == incident_id))


def reveal_identity(actor, incident, reason):
    """An administrator reads the name behind an anonymous incident for a legal need (audited)."""
    if actor.role != Role.ADMIN:
        raise IncidentError("Réservé à l'administration.")
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise IncidentError("Indiquez le motif légal de cet accès (10 caractères au moins).")
    audit(actor, "workplace.incident_identity_revealed", incident, {"reason": reason[:300]})
    db.session.commit()
    return incident.reporter.full_name


CSV_HEADER = ["numéro", "date", "canal", "nature", "gravité", "contexte", "remontée", "agent", "état",
              "pris en charge sous 48 h", "conséquences", "soutien souhaité"]


def csv_rows(user, incidents):
    """Rows of the HR export: the name is blank-labelled when the victim asked for anonymity."""
    for incident in incidents:
        yield [
            incident.id, incident.occurred_at.strftime("%Y-%m-%d %H:%M"), incident.channel_label, incident.kind_label,
            incident.severity_label, incident.context_label,
            incident.report_reference or "",
            incident.reporter_name_for(user) or ANONYMOUS_LABEL, incident.status_label,
            "non" if incident.is_late() else "oui",
            ", ".join(Consequence(c).label for c in incident.consequences or []),
            ", ".join(SupportKind(s).label for s in incident.support_wanted or []),
        ]
