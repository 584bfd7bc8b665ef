"""What the reports domain holds about a person: export, erasure (reports survive anonymised), retention."""
from datetime import timedelta

from app.extensions import db
from app.reports.label_models import TriagePreference
from app.reports.models import MeToo, NotificationSetting, Report, ReportComment, ReportFollower
from app.reports.redaction import redact


def export_reports(user):
    reports = db.session.scalars(db.select(Report).where(Report.author_id == user.id).order_by(Report.id)).all()
    me_too = db.session.scalars(db.select(MeToo).where(MeToo.user_id == user.id)).all()
    comments = db.session.scalars(
        db.select(ReportComment).where(ReportComment.author_id == user.id).order_by(ReportComment.id)
    ).all()
    following = db.session.scalars(
        db.select(ReportFollower).where(ReportFollower.user_id == user.id).order_by(ReportFollower.id)).all()
    setting = db.session.get(NotificationSetting, user.id)
    preference = db.session.get(TriagePreference, user.id)
    return {
        "triage_preferences": [] if preference is None else [{"keyboard_shortcuts": preference.keyboard_shortcuts}],
        "following": [{"report": f.report_id, "reason": f.reason, "since": f.created_at} for f in following],
        "notification_settings": [] if setting is None else [{"email_opt_in": setting.email_opt_in}],
        "reports": [
            {"reference": r.reference, "title": r.title, "what_happened": r.what_happened,
             "expected": r.expected, "status": r.status, "citizen_words": r.citizen_words}
            for r in reports
        ],
        "me_too": [{"report": m.report_id} for m in me_too],
        "comments": [{"report": c.report_id, "body": getattr(c, "body", None)} for c in comments],
    }


def erase_reports(user):
    """Reports and comments stay (the teams' work survives), attached to the anonymised account."""
    db.session.execute(db.delete(ReportFollower).where(ReportFollower.user_id == user.id))
    db.session.execute(db.delete(NotificationSetting).where(NotificationSetting.user_id == user.id))
    db.session.execute(db.delete(TriagePreference).where(TriagePreference.user_id == user.id))
    db.session.execute(
        db.update(Report).where(Report.author_id == user.id).values(citizen_words="", agent_browser="")
    )


def purge_citizen_words(now, config):
    """Citizens' own words are kept RETENTION_CITIZEN_WORDS_MONTHS, then blanked."""
    cutoff = now - timedelta(days=30 * config["RETENTION_CITIZEN_WORDS_MONTHS"])
    count = db.session.execute(
        db.update(Report).where(Report.created_at < cutoff, Report.citizen_words != "").values(citizen_words="")
    ).rowcount
    return {"reports.citizen_words": count}


def mask_kept_text(value):
    """A form value kept across a session expiry, with its personal identifiers masked."""
    return redact(value).text if value else value
