"""The person's working-conditions data: export (« mes données ») and erasure."""
from app.extensions import db
from app.workplace.models import BarometerParticipation, Incident, StaffRepMandate


def export_workplace(user):
    """Their incidents and staff_rep mandates; barometer answers hold no link to them and cannot be found."""
    incidents = db.session.scalars(db.select(Incident).where(Incident.reporter_id == user.id)
                                   .order_by(Incident.id)).all()
    mandates = db.session.scalars(db.select(StaffRepMandate).where(StaffRepMandate.user_id == user.id)).all()
    return {
        "incidents": [{"id": i.id, "occurred_at": i.occurred_at, "channel": i.channel, "kind": i.kind,
                       "severity": i.severity, "context": i.context, "narrative": i.narrative, "status": i.status,
                       "anonymous_to_hr": i.anonymous_to_hr} for i in incidents],
        "staff_rep_mandates": [{"organisation": m.organisation.code if m.organisation else None,
                                "department": m.department, "granted_at": m.granted_at} for m in mandates],
        "barometer": "Les réponses au baromètre sont enregistrées sans lien avec la personne : "
                     "elles ne peuvent être ni retrouvées ni exportées.",
    }


def erase_workplace(user):
    """Participation records and mandates go; incidents stay for legal needs, under the erased account."""
    db.session.execute(db.delete(BarometerParticipation).where(BarometerParticipation.user_id == user.id))
    db.session.execute(db.delete(StaffRepMandate).where(StaffRepMandate.user_id == user.id))
