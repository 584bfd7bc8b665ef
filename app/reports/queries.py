"""Read side of a report's page: what each reader may see of its comments, attachments, events, me-toos."""
from app.accounts.models import Role
from app.extensions import db
from app.reports.enums import CommentKind
from app.reports.models import MeToo, ReportAttachment, ReportComment, ReportEvent


def comments_for(report, user):
    """Comments this user may read: internal notes only for the team (and admins)."""
    query = db.select(ReportComment).where(ReportComment.report_id == report.id).order_by(ReportComment.id)
    if not (report.can_triage(user) or user.role == Role.ADMIN):
        query = query.where(ReportComment.kind != CommentKind.INTERNAL_NOTE)
    return db.session.scalars(query).all()


def public_answers(report):
    """The team's public answers: what the reduced view shows of the discussion."""
    return db.session.scalars(
        db.select(ReportComment)
        .where(ReportComment.report_id == report.id, ReportComment.kind == CommentKind.PUBLIC_ANSWER)
        .order_by(ReportComment.id)
    ).all()


def attachments_of(report):
    return db.session.scalars(
        db.select(ReportAttachment).where(ReportAttachment.report_id == report.id).order_by(ReportAttachment.id)
    ).all()


def events_of(report):
    return db.session.scalars(
        db.select(ReportEvent).where(ReportEvent.report_id == report.id).order_by(ReportEvent.id)
    ).all()


def me_toos_of(report):
    return db.session.scalars(
        db.select(MeToo).where(MeToo.report_id == report.id).order_by(MeToo.id)
    ).all()
