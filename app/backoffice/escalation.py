"""Daily and weekly jobs: automatic escalation to the national group, weekly digest of late requests."""
from app.backoffice.businessdays import deadline_after
from app.backoffice.groups import active_groups, national_group
from app.backoffice.models import SupportRequest
from app.backoffice.workflow import OPEN
from app.common.timezones import as_utc, utcnow
from app.common.urls import external_url
from app.extensions import db
from app.notifications.services import queue_email

ESCALATION_DAYS = 5
R = SupportRequest


def escalation_due_at(request):
    """When the national group joins: the end of the 5th business day without an expert answer."""
    return deadline_after(request.created_at, ESCALATION_DAYS, request.department)


def escalate(now=None):
    """Invite the operator's national group on every request left 5 business days without an
    expert answer; idempotent (a request is escalated once). Returns the references escalated."""
    from app.backoffice.conversation import escalate_to

    now = now or utcnow()
    candidates = db.session.scalars(db.select(R).where(
        R.status.in_([s.value for s in OPEN]), R.first_answer_at.is_(None), R.escalated_at.is_(None))
        .order_by(R.id)).all()
    done = []
    for request in candidates:
        if as_utc(now) < escalation_due_at(request):
            continue
        group = national_group(request.operator, request.procedure_id)
        if group is None or group.id in request.working_group_ids():
            request.escalated_at = now  # nobody more expert to invite: do not try every day
            continue
        escalate_to(request, group, now)
        done.append(request.reference)
    db.session.commit()
    return done


def digest(now=None):
    """E-mail each group (mailbox and members) the list of its late requests; returns {group code: count}."""
    from app.backoffice.groups import members
    from app.backoffice.notify import email_opt_out

    now = now or utcnow()
    sent = {}
    for group in active_groups():
        late = db.session.scalars(db.select(R).where(
            R.group_id == group.id, R.status.in_([s.value for s in OPEN]), R.first_answer_at.is_(None),
            R.due_at <= now).order_by(R.due_at, R.id)).all()
        if not late:
            continue
        lines = [f"- {r.reference} ({r.urgency_label}) : {r.subject}\n  {external_url('backoffice.detail', reference=r.reference)}"
                 for r in late]
        body = (f"Demandes d'appui en retard du pôle « {group.name} » ({len(late)}) :\n\n" + "\n".join(lines) + "\n")
        subject = f"[Passerelle] {len(late)} demande(s) d'appui en retard — {group.code}"
        recipients = [group.mailbox] if group.mailbox else []
        recipients += [u.email for u in members(group) if not email_opt_out(u)]
        for recipient in recipients:
            queue_email(recipient, subject, body)
        sent[group.code] = len(late)
    db.session.commit()
    return sent
