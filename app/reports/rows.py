"""Rows of the report lists read as plain columns (the similar reports, the triage board), not loaded reports."""
from dataclasses import InitVar, dataclass, field
from datetime import datetime

from app.common.timezones import to_local, utcnow
from app.reports.catalog_models import Application, Procedure
from app.reports.models import Report, ReportState, summarise


@dataclass(frozen=True)
class SimilarReport(ReportState):
    """A report in the reduced view of similar reports: the few columns shown, not a loaded report."""

    id: int
    reference: str
    title: str
    what_happened: str
    status: str
    me_too_count: int
    author_id: int
    application_name: str

    @property
    def summary(self):
        return summarise(self.what_happened)


def similar_columns():
    """The columns of SimilarReport, in order (the application's name needs a join)."""
    return (Report.id, Report.reference, Report.title, Report.what_happened, Report.status,
            Report.me_too_count, Report.author_id, Application.name.label("application_name"))


@dataclass
class BoardRow(ReportState):
    """A row of the triage board: the columns it shows, not a loaded report; its dates as the page shows them,
    worked out once per row with the page's `now` and the reader's `department` (its time zone), rather than
    by a filter and a property call per cell."""

    id: int
    reference: str
    title: str
    application_name: str
    procedure_title: str | None
    problem_type: str
    status: str
    people_total: int
    blocked_total: int
    me_too_count: int
    created_at: object
    acknowledge_due_at: object
    answer_due_at: object
    acknowledged_at: object
    answered_at: object
    # Read by a join in board.board_page, the labels' ids by a subquery of the same query.
    assignee_id: int | None = None
    assignee_name: str | None = None
    labels: tuple = ()
    now: InitVar[datetime | None] = None
    department: InitVar[str | None] = None
    created_on: str = field(init=False)  # dd/mm/yyyy, local time
    due_on: str = field(init=False)  # the next deadline of an open report, dd/mm/yyyy; "" without one
    overdue: bool = field(init=False)  # is_overdue at `now`

    def __post_init__(self, now, department):
        now = now or utcnow()
        due = self.next_due_at
        self.created_on = to_local(self.created_at, department).strftime("%d/%m/%Y") if self.created_at else ""
        self.due_on = to_local(due, department).strftime("%d/%m/%Y") if due and self.is_open else ""
        self.overdue = self.is_acknowledge_overdue(now) or self.is_answer_overdue(now)


def board_columns():
    """The columns of BoardRow, in order (the names need the application and, outer, the procedure)."""
    return (Report.id, Report.reference, Report.title, Application.name.label("application_name"),
            Procedure.title.label("procedure_title"), Report.problem_type, Report.status, Report.people_total,
            Report.blocked_total, Report.me_too_count, Report.created_at, Report.acknowledge_due_at,
            Report.answer_due_at, Report.acknowledged_at, Report.answered_at)
