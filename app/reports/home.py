"""What reports ask of people now, for the home pages: the agent's reports with news or a question (read
with the other domains' parts of the agent's home, app.common.home), and the team's work (new reports to
qualify, overdue deadlines, most people affected, workarounds to publish). Each list is bounded and read in a fixed number of queries, whatever the number of reports."""
from datetime import timedelta
from typing import NamedTuple

from app.common.home import HomeContribution
from app.common.sql import Part
from app.common.timezones import utcnow
from app.extensions import db
from app.reports.enums import CommentKind, Status
from app.reports.models import Report, ReportComment, ReportFollower
from app.reports.services import team_scope
from app.reports.workflow import OPEN

RECENT_DAYS = 30
LIST_SIZE = 5
COUNT_CAP = 1000


class AgentNews(NamedTuple):
    """A report of the agent's with news, as the home page shows it."""

    id: int
    reference: str
    title: str
    status: str
    workaround_published: bool

    @property
    def status_label(self):
        return Status(self.status).label


def _news_part(limit=LIST_SIZE):
    """The reports the agent (:user_id) filed or joined where the team asks for information, published a
    workaround or answered since :reports_since: questions first, then the newest."""
    since = db.bindparam("reports_since")
    answered = (
        db.select(ReportComment.id)
        .where(ReportComment.report_id == Report.id, ReportComment.kind == CommentKind.PUBLIC_ANSWER.value,
               ReportComment.created_at >= since)
        .exists()
    )
    asks = Report.status == Status.INFO_REQUESTED.value
    statement = (
        db.select(Report.id, Report.reference, Report.title, Report.status,
                  (Report.workaround != "").label("workaround_published"))
        .join(ReportFollower, (ReportFollower.report_id == Report.id)
              & (ReportFollower.user_id == db.bindparam("user_id")))  # agent_scope, for the home's agent
        .where(db.or_(asks, Report.workaround_at >= since, answered))
    )
    return Part("report_news", statement, AgentNews, order_by=(asks.desc(), Report.updated_at.desc(), Report.id.desc()),
                limit=limit)


def _since(user, since):
    # On a first visit, the last RECENT_DAYS days.
    return {"reports_since": since or utcnow() - timedelta(days=RECENT_DAYS)}


def home_contribution():
    """The agent's home: `reports`, their reports with a question, a workaround or an answer since the
    previous visit."""
    return HomeContribution("reports", (_news_part(),), lambda rows, user, since: rows["report_news"], params=_since)


def _capped_count(query):
    return db.select(db.func.count()).select_from(query.with_only_columns(Report.id).limit(COUNT_CAP + 1).subquery())


def team_work(actor, limit=LIST_SIZE):
    """Counts (up to COUNT_CAP + 1) and the first reports of each pile of the team's work (5 queries)."""
    now = utcnow()
    scope = team_scope(actor)
    open_values = [s.value for s in OPEN]
    new = scope.where(Report.status == Status.NEW.value)
    ack_overdue = scope.where(Report.status.in_(open_values), Report.acknowledged_at.is_(None),
                              Report.acknowledge_due_at < now)
    answer_overdue = scope.where(Report.status.in_(open_values), Report.answered_at.is_(None),
                                 Report.answer_due_at < now)
    # Agents said how they got round the failure, and no workaround is published yet.
    workarounds = scope.where(Report.status.in_(open_values), Report.workaround_used != "", Report.workaround == "")
    counts = db.session.execute(db.select(
        _capped_count(new).scalar_subquery(), _capped_count(ack_overdue).scalar_subquery(),
        _capped_count(answer_overdue).scalar_subquery(), _capped_count(workarounds).scalar_subquery(),
    )).one()
    return {
        "new": (counts[0], db.session.scalars(new.order_by(Report.created_at, Report.id).limit(limit)).all()),
        "acknowledge_overdue": (counts[1], db.session.scalars(
            ack_overdue.order_by(Report.acknowledge_due_at, Report.id).limit(limit)).all()),
        "answer_overdue": (counts[2], db.session.scalars(
            answer_overdue.order_by(Report.answer_due_at, Report.id).limit(limit)).all()),
        "most_affected": (None, db.session.scalars(
            scope.where(Report.status.in_(open_values))
            .order_by(Report.people_total.desc(), Report.id.desc()).limit(limit)).all()),
        "workarounds": (counts[3], db.session.scalars(
            workarounds.order_by(Report.people_total.desc(), Report.id).limit(limit)).all()),
    }
