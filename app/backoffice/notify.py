"""Who hears about a request: group mailbox and members on a new request, the agent on an answer.

Internal notes never reach the agent. Each user may opt out of the back-office e-mails; in-app
notifications always arrive.
"""
from app.backoffice.groups import members
from app.backoffice.models import SupportPreference
from app.common.urls import external_url
from app.extensions import db
from app.notifications.services import notify, queue_email

KIND = "support"


def email_opt_out(user):
    row = db.session.get(SupportPreference, user.id)
    return bool(row and row.email_opt_out)


def set_email_opt_out(user, opt_out):
    """Record the user's choice; the caller commits."""
    row = db.session.get(SupportPreference, user.id)
    if row is None:
        row = SupportPreference(user_id=user.id)
        db.session.add(row)
    row.email_opt_out = bool(opt_out)


def _link(request):
    return f"/appui/demandes/{request.reference}"


def tell(user, request, message, subject=None):
    """In-app notification, plus an e-mail unless the user opted out; the caller commits."""
    notify(user, KIND, message, _link(request))
    if not email_opt_out(user):
        queue_email(user.email, subject or f"[Passerelle] {request.reference}",
                    f"{message}\n\n{external_url('backoffice.detail', reference=request.reference)}\n")


def tell_group(group, request, message, exclude=()):
    """The group's shared mailbox and every current member (but the actor)."""
    if group.mailbox:
        queue_email(group.mailbox, f"[Passerelle] {request.reference} — {group.code}",
                    f"{message}\n\n{external_url('backoffice.detail', reference=request.reference)}\n")
    for user in members(group):
        if user.id not in exclude:
            tell(user, request, message)
