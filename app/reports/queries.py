"""Read side of reports: what each reader may see of a report's comments, attachments, events, me-toos;
the catalogue's choices; the lists of the pages and the API."""
from sqlalchemy.orm import joinedload, selectinload

from app.accounts.models import Role, User
from app.extensions import db
from app.reports.board import board_select
from app.reports.enums import CommentKind
from app.reports.models import (
    Application,
    MeToo,
    Procedure,
    Report,
    ReportAttachment,
    ReportComment,
    ReportEvent,
    Step,
)
from app.reports.services import clean, key_clause, team_scope, visible_reports


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


def attachment_of(report, attachment_id):
    """One screenshot of this report, or None (another report's is nobody's)."""
    return db.session.scalar(
        db.select(ReportAttachment).where(ReportAttachment.id == attachment_id, ReportAttachment.report_id == report.id)
    )


def latest_public_answers(report_ids):
    """{report id: its latest public answer} for these reports (one query; none for an empty list)."""
    if not report_ids:
        return {}
    latest = (
        db.select(db.func.max(ReportComment.id))
        .where(ReportComment.report_id.in_(report_ids), ReportComment.kind == CommentKind.PUBLIC_ANSWER)
        .group_by(ReportComment.report_id)
    )
    return {c.report_id: c for c in db.session.scalars(db.select(ReportComment).where(ReportComment.id.in_(latest)))}


# --- the catalogue --------------------------------------------------------------------------------------


def application(application_id):
    return db.session.get(Application, application_id)


def active_catalogue():
    """(applications by name, procedures, steps): the active ones, for the report form's choices."""
    applications = db.session.scalars(
        db.select(Application).where(Application.is_active.is_(True)).order_by(Application.name)
    ).all()
    procedures = db.session.scalars(
        db.select(Procedure).where(Procedure.is_active.is_(True)).order_by(Procedure.application_id, Procedure.position)
    ).all()
    steps = db.session.scalars(
        db.select(Step).where(Step.is_active.is_(True)).order_by(Step.procedure_id, Step.position)
    ).all()
    return applications, procedures, steps


def active_applications():
    """Query of the active applications with their team, procedures and steps (the API's catalogue)."""
    return (
        db.select(Application).where(Application.is_active.is_(True))
        .options(joinedload(Application.team), selectinload(Application.procedures).selectinload(Procedure.steps))
    )


def procedure_by_code(application, code):
    """The application's procedure with this code, or None."""
    return db.session.scalar(db.select(Procedure).where(
        Procedure.application_id == application.id, Procedure.code == clean(code)))


def step_by_code(procedure, code):
    """The procedure's step with this code, or None (no procedure, no step)."""
    if procedure is None:
        return None
    return db.session.scalar(db.select(Step).where(Step.procedure_id == procedure.id, Step.code == clean(code)))


def listed_reports(user, status="", application_code=""):
    """Query of the reports the user may open (see visible_reports), of this status and application."""
    query = visible_reports(user).options(joinedload(Report.application))
    if status:
        query = query.where(Report.status == status)
    if application_code:
        query = query.where(Report.application_id.in_(
            db.select(Application.id).where(Application.code == clean(application_code).strip().lower())))
    return query


# --- the team's board -----------------------------------------------------------------------------------


def team_report(user, key):
    """The report of the user's team (admins: any) by id or reference, or None."""
    return db.session.scalar(team_scope(user).where(key_clause(key)))


def user_by_id(raw):
    """The account whose id is written in `raw` (a form's value), or None."""
    raw = raw or ""
    return db.session.get(User, int(raw)) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else None


def exported_reports(actor, filters, limit):
    """The board's reports as the CSV export lists them (with what its columns name), at most `limit`."""
    query = board_select(actor, filters).options(
        joinedload(Report.application).joinedload(Application.operator),
        joinedload(Report.procedure),
        joinedload(Report.organisation),
        joinedload(Report.step),
    ).limit(limit)
    return db.session.scalars(query).unique().all()
