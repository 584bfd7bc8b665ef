"""Who hears about a report: followers (agents) and the owning team, in the app and by e-mail.

E-mails go through the outbox (app.notifications) and only to users who opted in; they
carry the reference and the status, never the report's text.
"""
from flask import current_app

from app.accounts.models import Role, User
from app.common.urls import external_url
from app.extensions import db
from app.notifications.services import notify, queue_email
from app.reports.models import NotificationSetting, ReportFollower


def wants_email(user):
    setting = db.session.get(NotificationSetting, user.id)
    return bool(setting and setting.email_opt_in)


def followers_of(report):
    return db.session.scalars(
        db.select(User)
        .join(ReportFollower, ReportFollower.user_id == User.id)
        .where(ReportFollower.report_id == report.id, User.active.is_(True))
        .order_by(User.id)
    ).all()


def team_members(report):
    if report.assignee is not None and report.assignee.active:
        return [report.assignee]
    if report.application.team_id is None:
        return []
    return db.session.scalars(
        db.select(User).where(
            User.team_id == report.application.team_id,
            User.role == Role.TRIAGER,
            User.active.is_(True),
        ).order_by(User.id)
    ).all()


def _send(users, report, kind, message, exclude=None):
    link = external_url("reports.detail", reference=report.reference)
    path = link[len(current_app.config["BASE_URL"]):]
    exclude_id = getattr(exclude, "id", None)
    for user in users:
        if exclude_id is not None and user.id == exclude_id:
            continue
        notify(user, kind, message, path)
        if wants_email(user):
            queue_email(
                user.email,
                f"Passerelle — remontée {report.reference}",
                f"Bonjour {user.full_name},\n\n{message}\n\nPour la consulter : {link}\n\n"
                "Vous recevez ce message parce que vous avez choisi d'être prévenu(e) par e-mail. "
                "Pour ne plus le recevoir, changez ce choix dans « Mes remontées ».\n",
            )


def notify_followers(report, kind, message, exclude=None):
    """Tell every agent who filed or joined the report; the caller commits."""
    _send(followers_of(report), report, kind, message, exclude)


def notify_team(report, kind, message, exclude=None):
    """Tell the assignee, or the whole owning team; the caller commits."""
    _send(team_members(report), report, kind, message, exclude)
