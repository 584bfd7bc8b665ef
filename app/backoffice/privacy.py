"""What the back office holds about a person, and retention: the citizen block is wiped
SUPPORT_RETENTION_DAYS after closing; the request stays, anonymised, for statistics and knowledge."""
from datetime import timedelta

from app.backoffice.knowledge_models import FicheUse
from app.backoffice.models import (
    GroupMember,
    SupportAttachment,
    SupportMessage,
    SupportPreference,
    SupportRequest,
)
from app.extensions import db

R = SupportRequest


def export_support(user):
    """« Mes données »: the agent's own requests and messages (no citizen block: it is the citizen's)."""
    requests = db.session.scalars(db.select(R).where(R.author_id == user.id).order_by(R.id)).all()
    messages = db.session.scalars(db.select(SupportMessage).where(SupportMessage.author_id == user.id)
                                  .order_by(SupportMessage.id)).all()
    memberships = db.session.scalars(db.select(GroupMember).where(GroupMember.user_id == user.id)
                                     .order_by(GroupMember.id)).all()
    preferences = db.session.scalars(db.select(SupportPreference).where(SupportPreference.user_id == user.id)).all()
    uses = db.session.scalars(db.select(FicheUse).where(FicheUse.user_id == user.id).order_by(FicheUse.id)).all()
    return {
        "group_memberships": [{"group": m.group.code, "started_at": m.started_at, "ended_at": m.ended_at}
                              for m in memberships],
        "preferences": [{"email_opt_out": p.email_opt_out} for p in preferences],
        "fiches_used": [{"fiche": u.fiche_id, "kind": u.kind, "at": u.created_at} for u in uses],
        "requests": [{"reference": r.reference, "operator": r.operator, "subject": r.subject,
                      "situation": r.situation, "tried": r.tried, "status": r.status,
                      "created_at": r.created_at, "closed_at": r.closed_at} for r in requests],
        "messages": [{"request": m.request_id, "kind": m.kind, "body": m.body, "created_at": m.created_at}
                     for m in messages],
    }


def erase_support(user):
    """The requests stay for statistics, anonymised: citizen data and attachments wiped."""
    ids = db.select(R.id).where(R.author_id == user.id)
    db.session.execute(db.update(R).where(R.author_id == user.id, R.citizen_block.is_not(None))
                       .values(citizen_block=None, citizen_wiped_at=db.func.now()))
    db.session.execute(db.update(SupportAttachment).where(SupportAttachment.request_id.in_(ids)).values(data=None))
    db.session.execute(db.delete(SupportPreference).where(SupportPreference.user_id == user.id))


def purge_citizen_blocks(now, config):
    """`flask purge`: wipe the citizen block and attachments of requests closed before the retention."""
    cutoff = now - timedelta(days=config["SUPPORT_RETENTION_DAYS"])
    old = db.select(R.id).where(R.closed_at.is_not(None), R.closed_at < cutoff)
    blocks = db.session.execute(
        db.update(R).where(R.id.in_(old), R.citizen_block.is_not(None))
        .values(citizen_block=None, citizen_wiped_at=now)
    ).rowcount
    files = db.session.execute(
        db.update(SupportAttachment).where(SupportAttachment.request_id.in_(old), SupportAttachment.data.is_not(None))
        .values(data=None)
    ).rowcount
    return {"support.citizen_blocks": blocks, "support.attachments": files}
