"""Triage use cases of the owning team: statuses, answers, workaround, assignee, tracker, merge.

Each function checks `report.can_triage(actor)` (a triager of the team, or a team token),
makes one commit and writes its audit line. Texts are masked like the agents' ones.
"""
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy.orm import aliased

from app.accounts.models import Role, User
from app.audit.services import audit
from app.common.sql import capped_page, inline
from app.common.timezones import utcnow
from app.extensions import db
from app.notifications.services import deliver_inline
from app.reports import labels, notify, search, signals, webhooks
from app.reports.enums import CommentKind, ProblemType, Status, WebhookEvent
from app.reports.models import (
    Application,
    MeToo,
    Procedure,
    Report,
    ReportComment,
    ReportEvent,
    ReportFollower,
    next_due_clause,
)
from app.reports.rows import BoardRow, board_columns
from app.reports.services import ReportError, clean, comment_payload, mask, recount_impact, team_scope
from app.reports.workflow import (
    CLOSING,
    OPEN,
    TEAM_TRANSITIONS,
    WorkflowError,
    check_team_transition,
    mark_duplicate,
    team_transition,
)


def _require_team(actor, report):
    if not report.can_triage(actor):
        raise ReportError("Cette remontée ne relève pas de votre équipe.")


def _actor_id(actor):
    # Team tokens act for the team, not for a person: no user to record.
    return actor.id if isinstance(actor, User) else None


def _status_changed(actor, report, previous, note=""):
    db.session.add(ReportEvent(report_id=report.id, from_status=previous, to_status=report.status,
                               by_team=True, note=note[:500]))
    webhooks.queue_event(report, WebhookEvent.STATUS_CHANGED,
                         {"change": {"from": previous, "to": report.status}})
    notify.notify_followers(
        report, "report_status",
        f"La remontée {report.reference} est passée au statut « {report.status_label} ».",
    )


def _public_comment(actor, report, text, counts, kind=CommentKind.PUBLIC_ANSWER):
    comment = ReportComment(report_id=report.id, author_id=_actor_id(actor), kind=kind.value,
                            body=text, redaction_counts=counts)
    db.session.add(comment)
    db.session.flush()
    if kind == CommentKind.PUBLIC_ANSWER and report.answered_at is None:
        report.answered_at = utcnow()
    webhooks.queue_event(report, WebhookEvent.COMMENTED, {"comment": comment_payload(comment)})
    return comment


def change_status(actor, report, target, reason="", redirect="", workaround=""):
    """Move a report along the workflow; a question, reason or workaround goes with it."""
    set_status(actor, report, target, reason, redirect, workaround)
    db.session.commit()
    deliver_inline()
    announce(report)
    return report


def set_status(actor, report, target, reason="", redirect="", workaround=""):
    """The work of change_status (texts masked, audited), without commit or announce."""
    _require_team(actor, report)
    reason_text, reason_counts = mask((reason or "").strip()[:3000])
    redirect_text, _ = mask((redirect or "").strip()[:300])
    workaround_text, workaround_counts = mask((workaround or "").strip()[:5000])
    previous = move(actor, report, target, reason_text, reason_counts, redirect_text, workaround_text)
    audit(actor, "report.status", report, {"from": previous, "to": report.status,
                                           "masked": sum(reason_counts.values()) + sum(workaround_counts.values())})


def announce(report):
    """After a committed status change: tell the domains that listen (the passport counts contributions)."""
    status = Status(report.status)
    if status in signals.ACCEPTING:
        signals.report_qualified.send(None, report=report)
    elif status == Status.VERIFIED:
        signals.report_fix_verified.send(None, report=report)


def move(actor, report, target, reason_text, reason_counts, redirect_text="", workaround_text=""):
    """The status change of change_status on already masked texts, without audit or commit (for the
    use cases that change the status along with something else); returns the previous status."""
    try:
        target = check_team_transition(report, target, reason_text, redirect_text, workaround_text)
    except WorkflowError as exc:
        raise ReportError(str(exc), "status") from None
    if target == Status.DUPLICATE:
        raise ReportError("Pour marquer un doublon, fusionnez-le dans la remontée principale.", "status")
    previous = team_transition(report, target, reason_text, redirect_text, workaround_text)
    if target == Status.INFO_REQUESTED:
        _public_comment(actor, report, reason_text, reason_counts)
    if target == Status.WORKAROUND_AVAILABLE and workaround_text:
        report.workaround = workaround_text
        report.workaround_at = utcnow()
    if target in CLOSING or target == Status.WORKAROUND_AVAILABLE:
        report.answered_at = report.answered_at or utcnow()
    _status_changed(actor, report, previous, reason_text)
    return previous


def publish_workaround(actor, report, text):
    """Publish a workaround shown to every agent who filed or joined the report."""
    _require_team(actor, report)
    masked, counts = mask((text or "").strip()[:5000])
    if not masked.strip():
        raise ReportError("Décrivez le contournement.", "workaround")
    report.workaround = masked
    report.workaround_at = utcnow()
    report.answered_at = report.answered_at or report.workaround_at
    report.updated_at = report.workaround_at
    previous = report.status
    if Status.WORKAROUND_AVAILABLE in TEAM_TRANSITIONS.get(Status(report.status), set()):
        team_transition(report, Status.WORKAROUND_AVAILABLE, workaround=masked)
        _status_changed(actor, report, previous, "Contournement publié")
    else:
        notify.notify_followers(report, "report_workaround",
                                f"Un contournement est publié sur la remontée {report.reference}.")
    audit(actor, "report.workaround", report, {"masked": sum(counts.values())})
    db.session.commit()
    deliver_inline()
    return report


def add_team_comment(actor, report, body, internal=False):
    """A public answer (seen by the report's agents) or an internal note (team only)."""
    _require_team(actor, report)
    text, counts = mask((body or "").strip()[:5000])
    if not text.strip():
        raise ReportError("Écrivez le texte du commentaire.", "body")
    kind = CommentKind.INTERNAL_NOTE if internal else CommentKind.PUBLIC_ANSWER
    comment = _public_comment(actor, report, text, counts, kind)
    report.updated_at = utcnow()
    if not internal:
        notify.notify_followers(report, "report_answer",
                                f"L'équipe a répondu sur la remontée {report.reference}.")
    audit(actor, "report.comment", report, {"kind": kind.value, "masked": sum(counts.values())})
    db.session.commit()
    deliver_inline()
    return comment


def assign(actor, report, assignee):
    """Give the report to a member of the team (or to nobody)."""
    give_to(actor, report, assignee)
    db.session.commit()
    return report


def give_to(actor, report, assignee):
    """The work of assign, audited, without commit (for the use cases that change several fields)."""
    _require_team(actor, report)
    if assignee is not None and (assignee.role != Role.TRIAGER or assignee.team_id != report.application.team_id
                                 or not assignee.active):
        raise ReportError("Choisissez un membre actif de l'équipe.", "assignee")
    report.assignee_id = assignee.id if assignee else None
    report.updated_at = utcnow()
    audit(actor, "report.assign", report, {"assignee": report.assignee_id})


def team_members(actor):
    team_id = getattr(actor, "team_id", None)
    return db.session.scalars(
        db.select(User).where(User.team_id == team_id, User.role == Role.TRIAGER, User.active.is_(True))
        .order_by(User.full_name)
    ).all()


def set_tracker(actor, report, url, key):
    """Link the report to the team's own tracker (address and key)."""
    link_tracker(actor, report, url, key)
    db.session.commit()
    return report


def link_tracker(actor, report, url, key):
    """The work of set_tracker, audited, without commit (for the use cases that change several fields)."""
    _require_team(actor, report)
    url, key = clean(url).strip(), clean(key).strip()
    if url and (urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc):
        raise ReportError("L'adresse du ticket doit commencer par https://.", "tracker_url")
    if len(url) > 500 or len(key) > 60:
        raise ReportError("Adresse ou clé trop longue.", "tracker_url")
    report.tracker_url, report.tracker_key = url, key
    report.updated_at = utcnow()
    audit(actor, "report.tracker", report, {"key": key})


def merge(actor, duplicate, main):
    """Close `duplicate` into `main`: its me-too, impact and followers move to the main report."""
    try:
        merge_into(actor, duplicate, main)
    except ReportError:
        db.session.rollback()  # nothing of a refused merge stays in the session
        raise
    audit(actor, "report.merge", duplicate, {"into": main.reference})
    db.session.commit()
    deliver_inline()
    return main


def merge_into(actor, duplicate, main):
    """The work of merge, without audit or commit (the bulk action merges several reports at once)."""
    _require_team(actor, duplicate)
    _require_team(actor, main)
    if duplicate.id == main.id:
        raise ReportError("Une remontée ne peut pas être fusionnée dans elle-même.", "main")
    if main.status not in {s.value for s in OPEN}:
        raise ReportError(f"La remontée principale {main.reference} est close : choisissez une remontée ouverte.",
                          "main")
    try:
        previous = mark_duplicate(duplicate, main)
    except WorkflowError as exc:
        raise ReportError(str(exc), "main") from None
    # The duplicate's own impact becomes a "moi aussi" of its author on the main report.
    db.session.add(MeToo(
        report_id=main.id, user_id=duplicate.author_id, organisation_id=duplicate.organisation_id,
        people_affected=duplicate.people_affected, citizen_blocked=duplicate.citizen_blocked,
        merged_from_id=duplicate.id, created_at=duplicate.created_at,
    ))
    db.session.execute(
        db.update(MeToo).where(MeToo.report_id == duplicate.id)
        .values(report_id=main.id, merged_from_id=duplicate.id)
    )
    already = set(db.session.scalars(db.select(ReportFollower.user_id).where(ReportFollower.report_id == main.id)))
    for follower in db.session.scalars(db.select(ReportFollower).where(ReportFollower.report_id == duplicate.id)):
        if follower.user_id not in already:
            db.session.add(ReportFollower(report_id=main.id, user_id=follower.user_id, reason=follower.reason))
            already.add(follower.user_id)
    db.session.flush()
    recount_impact(main)
    duplicate.me_too_count = 0
    duplicate.people_total = duplicate.people_affected
    duplicate.blocked_total = duplicate.people_affected if duplicate.citizen_blocked else 0
    duplicate.answered_at = duplicate.answered_at or utcnow()
    main.right_at_risk = main.right_at_risk or duplicate.right_at_risk
    main.updated_at = utcnow()
    note = f"Doublon de {main.reference}"
    db.session.add(ReportEvent(report_id=duplicate.id, from_status=previous, to_status=duplicate.status,
                               by_team=True, note=note))
    webhooks.queue_event(duplicate, WebhookEvent.STATUS_CHANGED,
                         {"change": {"from": previous, "to": duplicate.status, "duplicate_of": main.reference}})
    notify.notify_followers(
        duplicate, "report_merged",
        f"La remontée {duplicate.reference} est un doublon de {main.reference} : suivez désormais {main.reference}.",
    )
    return main


# --- the board ----------------------------------------------------------------------------------------

SORTS = {
    "recent": "Plus récentes",
    "people": "Personnes concernées",
    "blocked": "Usagers bloqués",
    "me_too": "Nombre de « moi aussi »",
    "deadline": "Échéance la plus proche",
}
AGES = {"7": "Moins de 7 jours", "30": "Moins de 30 jours", "older": "Plus de 30 jours"}
IMPACTS = {"blocked": "Usager bloqué", "right": "Droit ou délai en jeu", "many": "5 personnes ou plus"}
ASSIGNEES = {"me": "Assignées à moi", "none": "Sans personne en charge"}


def _label_id(raw):
    raw = (raw or "").strip()
    return raw if raw.isascii() and raw.isdigit() and len(raw) <= 9 else ""


@dataclass
class BoardFilters:
    status: str = "open"
    application: str = ""
    problem_type: str = ""
    impact: str = ""
    age: str = ""
    q: str = ""
    sort: str = "recent"
    assignee: str = ""
    label: str = ""

    @classmethod
    def from_args(cls, args):
        def pick(name, allowed, default=""):
            value = (args.get(name) or "").strip()
            return value if value in allowed else default

        return cls(
            status=pick("status", {"open", "all", "overdue", *Status.values()}, "open"),
            application=clean(args.get("application")).strip().lower()[:60],
            problem_type=pick("type", set(ProblemType.values())),
            impact=pick("impact", set(IMPACTS)),
            age=pick("age", set(AGES)),
            q=clean(args.get("q")).strip()[:200],
            sort=pick("sort", set(SORTS), "recent"),
            assignee=pick("assignee", set(ASSIGNEES)),
            label=_label_id(args.get("label")),
        )

    def as_args(self):
        values = {"status": self.status, "application": self.application, "type": self.problem_type,
                  "impact": self.impact, "age": self.age, "q": self.q, "sort": self.sort,
                  "assignee": self.assignee, "label": self.label}
        return {k: v for k, v in values.items() if v}


def board_applications(actor):
    """The applications whose reports the actor's board lists, by name (the scope of team_scope).

    Rows of (id, code, name, is_active): the board needs nothing else of them.
    """
    query = db.select(Application.id, Application.code, Application.name, Application.is_active).order_by(
        Application.name)
    if actor.role == Role.ADMIN:
        return db.session.execute(query).all()
    team_id = actor.team_id if actor.role == Role.TRIAGER else None
    if team_id is None:
        return []
    return db.session.execute(query.where(Application.team_id == team_id)).all()


def board_page(actor, filters, page_arg, per_page, count_cap, applications=None):
    """One page of the board as BoardRow, and its total counted up to `count_cap` past the page.

    One query: the capped count is a subquery of the rows' query (PostgreSQL runs it once). Only when
    the page is empty past the first one is the count run on its own (to say how many there are).
    """
    query = board_select(actor, filters, applications=applications)
    # The applications' table is needed only to filter on an application's code (the scope names ids).
    if filters.application:
        counted = query.with_only_columns(Report.id).order_by(None)
    else:
        counted = db.select(Report.id)
        if query.whereclause is not None:
            counted = counted.where(query.whereclause)

    def total(window):
        return db.select(db.func.count()).select_from(counted.limit(window.count_limit).subquery())

    assignee = aliased(User)

    def read_page(window):
        rows = db.session.execute(
            query.with_only_columns(*board_columns(), Report.assignee_id, assignee.full_name,
                                    total(window).scalar_subquery().label("total"))
            .outerjoin(Procedure, Procedure.id == Report.procedure_id)
            .outerjoin(assignee, assignee.id == Report.assignee_id)
            .limit(per_page).offset(window.offset)
        ).all()
        # The page's labels in one query (none when the page is empty).
        by_report = labels.labels_by_report([row.id for row in rows])
        items = [BoardRow(*row[:-1], labels=tuple(by_report.get(row.id, ()))) for row in rows]
        return items, rows[0].total if rows else None

    return capped_page(page_arg, per_page, count_cap, read_page, lambda window: db.session.scalar(total(window)))


def board_select(actor, filters, now=None, applications=None):
    """The team's reports matching the board's filters, sorted.

    `applications` are board_applications(actor) when the caller already has them.
    """
    from app.reports.services import REFERENCE

    now = now or utcnow()
    if actor.role == Role.ADMIN:
        query = team_scope(actor)
    else:
        # team_scope's reports, named by their application ids written into the SQL: PostgreSQL
        # then knows how many reports the team has (a join on the team hides it), counts a page's
        # window from an index and picks the sort's index for any team.
        if applications is None:
            applications = board_applications(actor)
        ids = sorted(a.id for a in applications)
        query = (
            db.select(Report).join(Application, Report.application_id == Application.id)
            .where(Report.application_id.in_(inline(ids)) if ids else db.false())
        )
    if filters.status == "open":
        query = query.where(Report.status.in_([s.value for s in OPEN]))
    elif filters.status == "overdue":
        query = query.where(
            Report.status.in_([s.value for s in OPEN]),
            db.or_(
                db.and_(Report.acknowledged_at.is_(None), Report.acknowledge_due_at < now),
                db.and_(Report.answered_at.is_(None), Report.answer_due_at < now),
            ),
        )
    elif filters.status != "all":
        query = query.where(Report.status == filters.status)
    if filters.application:
        query = query.where(Application.code == filters.application)
    if filters.problem_type:
        query = query.where(Report.problem_type == filters.problem_type)
    if filters.impact == "blocked":
        query = query.where(Report.blocked_total > 0)
    elif filters.impact == "right":
        query = query.where(Report.right_at_risk.is_(True))
    elif filters.impact == "many":
        query = query.where(Report.people_total >= 5)
    if filters.age == "7":
        query = query.where(Report.created_at >= now - timedelta(days=7))
    elif filters.age == "30":
        query = query.where(Report.created_at >= now - timedelta(days=30))
    elif filters.age == "older":
        query = query.where(Report.created_at < now - timedelta(days=30))
    if filters.assignee == "me":
        query = query.where(Report.assignee_id == actor.id)
    elif filters.assignee == "none":
        query = query.where(Report.assignee_id.is_(None))
    if filters.label:
        query = query.where(labels.labelled_clause(Report, int(filters.label)))
    if filters.q:
        if REFERENCE.match(filters.q.upper()):
            query = query.where(Report.reference == filters.q.upper())
        else:
            clause = search.match_clause(Report, search.stems(filters.q), mode="all")
            query = query.where(clause if clause is not None else db.false())
    next_due = next_due_clause()
    order = {
        "recent": [Report.id.desc()],
        "people": [Report.people_total.desc(), Report.id.desc()],
        "blocked": [Report.blocked_total.desc(), Report.people_total.desc(), Report.id.desc()],
        "me_too": [Report.me_too_count.desc(), Report.id.desc()],
        "deadline": [next_due.asc().nulls_last(), Report.id],
    }[filters.sort]
    return query.order_by(*order)
