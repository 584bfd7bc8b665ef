"""What the consultations domain holds about a person: export, erasure (answers survive, anonymous), retention."""
from datetime import timedelta

from app.consultations.models import Consultation, Participation
from app.extensions import db
from app.reports import images


def export_consultations(user):
    rows = db.session.execute(
        db.select(Participation, Consultation.title).join(Consultation, Consultation.id == Participation.consultation_id)
        .where(Participation.user_id == user.id).order_by(Participation.id)
    ).all()
    return {"participations": [
        {"consultation": title, "status": p.status, "signed": p.signed, "citizen_view": p.citizen_view,
         "answers": [{"question": a.question_id, "score": a.score, "choices": a.choices, "text": a.text}
                     for a in p.answers]}
        for p, title in rows
    ]}


def erase_consultations(user):
    """Counted answers stay with the anonymised account; the signature, the citizen's view and screenshots go."""
    participations = db.session.scalars(db.select(Participation).where(Participation.user_id == user.id)).all()
    for participation in participations:
        for attachment in participation.attachments:
            images.remove_attachment(attachment.stored_name)
        participation.attachments = []
        participation.signed, participation.citizen_view = False, ""


def purge_citizen_views(now, config):
    """Citizens' views are kept RETENTION_CITIZEN_WORDS_MONTHS after the answer, like citizens' words in reports."""
    cutoff = now - timedelta(days=30 * config["RETENTION_CITIZEN_WORDS_MONTHS"])
    count = db.session.execute(
        db.update(Participation).where(Participation.answered_at < cutoff, Participation.citizen_view != "")
        .values(citizen_view="")
    ).rowcount
    return {"consultations.citizen_view": count}
