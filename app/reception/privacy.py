"""What reception holds about a person, and how long citizens' words are kept.

An agent's desk-log rows describe their work: exported with their data; on erasure the rows stay as
anonymous counts (the indicators do not change) but no longer point at them. Citizens' comments and
problem texts are blanked after RETENTION_CITIZEN_WORDS_MONTHS; idempotency answers after a week.
"""
from datetime import timedelta

from app.extensions import db
from app.reception.models import Answer, IdempotentRequest, Visit


def export_reception(user):
    rows = db.session.execute(
        db.select(Visit.visited_on, Visit.channel, Visit.operators, Visit.outcome, Visit.duration)
        .where(Visit.agent_id == user.id).order_by(Visit.visited_on, Visit.id)).all()
    return {"desk_log": [{"visited_on": r.visited_on, "channel": r.channel, "operators": r.operators,
                          "outcome": r.outcome, "duration": r.duration} for r in rows]}


def erase_reception(user):
    db.session.execute(db.update(Visit).where(Visit.agent_id == user.id).values(agent_id=None))
    db.session.execute(db.delete(IdempotentRequest).where(IdempotentRequest.principal == f"user:{user.id}"))


def purge_reception(now, config):
    cutoff = now - timedelta(days=30 * config["RETENTION_CITIZEN_WORDS_MONTHS"])
    words = db.session.execute(
        db.update(Answer).where(Answer.created_at < cutoff,
                                db.or_(Answer.comment.is_not(None), Answer.problem.is_not(None)))
        .values(comment=None, problem=None)).rowcount
    keys = db.session.execute(
        db.delete(IdempotentRequest).where(IdempotentRequest.created_at < now - timedelta(days=7))).rowcount
    return {"reception_answers.words": words, "reception_idempotent_requests": keys}
