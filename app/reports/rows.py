"""Rows of the report lists read as plain columns (the similar reports, the triage board), not loaded reports."""
from dataclasses import InitVar, dataclass, field
from datetime import UTC, datetime, tzinfo

from markupsafe import Markup, escape
from sqlalchemy import DateTime, type_coerce

from app.common.html import escape_text
from app.common.timezones import timezone_for_department, utcnow
from app.reports import STATUS_BADGE_KINDS
from app.reports.catalog_models import Application, Procedure
from app.reports.enums import ProblemType, Status
from app.reports.models import Report, ReportState, summarise
from app.reports.workflow import OPEN


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


def similar_cards(reports, viewer, csrf_token, offer, me_too_url):
    """The similar reports' cards (Markup), as templates/reports/_similar.html wrote them: `offer(report_id)` signs a
    report's « moi aussi » offer, `me_too_url(reference)` is its form's address; the form is shown to an agent
    `viewer` on the reports they did not write. Written here: a card took a macro, a url_for and a dozen
    look-ups in the template."""
    can_join = viewer.role == "agent"
    csrf_token = escape(csrf_token)
    cards = []
    for r in reports:
        reference = escape(r.reference)
        form = ""
        if can_join and r.author_id != viewer.id:
            form = (f'\n          <form method="post" action="{escape(me_too_url(r.reference))}">\n'
                    f'            <input type="hidden" name="csrf_token" value="{csrf_token}">\n'
                    f'            <input type="hidden" name="offer" value="{escape(offer(r.id))}">\n'
                    f'            <div class="fr-input-group">\n'
                    f'              <label class="fr-label" for="metoo-people-{r.id}">Personnes concernées de votre côté'
                    f'</label>\n              <input class="fr-input" type="number" min="1" max="100000" '
                    f'id="metoo-people-{r.id}" name="people_affected" value="1">\n            </div>\n'
                    f'            <div class="fr-checkbox-group fr-mb-2w">\n'
                    f'              <input type="checkbox" id="metoo-blocked-{r.id}" name="citizen_blocked" value="y">\n'
                    f'              <label class="fr-label" for="metoo-blocked-{r.id}">La personne est bloquée</label>\n'
                    f'            </div>\n            <button class="fr-btn fr-btn--sm fr-btn--secondary" type="submit">'
                    f'Moi aussi<span class="fr-sr-only"> : {reference}</span></button>\n          </form>\n          ')
        cards.append(
            f'\n  <li class="fr-mb-3w">\n    <div class="fr-card fr-card--sm fr-card--no-arrow">\n'
            f'      <div class="fr-card__body"><div class="fr-card__content">\n'
            f'        <h3 class="fr-card__title fr-h6">{reference} — {escape(r.title)}</h3>\n'
            f'        <p class="fr-card__desc">{escape(r.summary)}</p>\n        <div class="fr-card__start">\n'
            f'          <ul class="fr-badges-group"><li>\n{STATUS_CELLS[r.status]}</li></ul>\n'
            f'          <p class="fr-card__detail">{escape(r.application_name)} · {r.me_too_count} « moi aussi »</p>\n'
            f'        </div>\n        <div class="fr-card__end">\n          {form}\n        </div>\n'
            f"      </div></div>\n    </div>\n  </li>\n")
    return Markup("".join(cards))  # noqa: S704  # nosec B704 - every text escaped above


def similar_columns():
    """The columns of SimilarReport, in order (the application's name needs a join)."""
    return (Report.id, Report.reference, Report.title, Report.what_happened, Report.status,
            Report.me_too_count, Report.author_id, Application.name.label("application_name"))


@dataclass
class BoardRow(ReportState):
    """A row of the triage board: the columns it shows, not a loaded report; its dates as the page shows them,
    worked out once per row with the page's `now` and the reader's time `zone` (their département's), rather than
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
    zone: InitVar[tzinfo | None] = None  # None: the default département's
    created_on: str = field(init=False)  # dd/mm/yyyy, local time
    due_on: str = field(init=False)  # the next deadline of an open report, dd/mm/yyyy; "" without one
    overdue: bool = field(init=False)  # is_overdue at `now`

    def __post_init__(self, now, zone):
        # ReportState's next_due_at, is_open and is_*_overdue rules (and as_utc, day_text), written out here: as
        # property and function calls they were ~15 Python calls a row; the timestamps come aware (as_utc: a naive
        # one is UTC).
        now, zone = now or utcnow(), zone or timezone_for_department(None)
        created = self.created_at
        if created:
            if created.tzinfo is None:
                created = created.replace(tzinfo=UTC)
            created = created.astimezone(zone)
            self.created_on = f"{created.day:02d}/{created.month:02d}/{created.year}"
        else:
            self.created_on = ""
        self.due_on, self.overdue = "", False
        if self.status not in OPEN:
            return
        acknowledge_due, answer_due = self.acknowledge_due_at, self.answer_due_at
        if acknowledge_due is not None and acknowledge_due.tzinfo is None:
            acknowledge_due = acknowledge_due.replace(tzinfo=UTC)
        if answer_due is not None and answer_due.tzinfo is None:
            answer_due = answer_due.replace(tzinfo=UTC)
        acknowledge_missing, answer_missing = self.acknowledged_at is None, self.answered_at is None
        due = acknowledge_due if acknowledge_missing else answer_due if answer_missing else None
        if due:
            due = due.astimezone(zone)
            self.due_on = f"{due.day:02d}/{due.month:02d}/{due.year}"
        self.overdue = ((acknowledge_missing and acknowledge_due is not None and acknowledge_due < now)
                        or (answer_missing and answer_due is not None and answer_due < now))

    def table_row(self, detail_prefix, selectable):
        """The board's <tr> (HTML) under `detail_prefix` (escaped), with its selection box when `selectable`:
        templates/triage/board.html's markup, each text escaped once, the labels of its type and status escaped
        once per process, the numbers and dates written as they are (digits). Written here rather than by the
        template: a macro or filter per cell cost more than the cell, on every row of the page."""
        reference, row_id = escape_text(self.reference), self.id
        select = (f'<td><div class="fr-checkbox-group fr-checkbox-group--sm pas-row-select">\n        '
                  f'<input type="checkbox" id="sel-{row_id}" name="ids" value="{row_id}">\n        '
                  f'<label class="fr-label" for="sel-{row_id}"><span class="fr-sr-only">Sélectionner {reference}'
                  f'</span></label>\n      </div></td>') if selectable else ""
        labels = ""
        if self.labels:
            labels = "".join([f'<li><p class="fr-badge fr-badge--sm fr-badge--no-icon fr-badge--{escape_text(label.colour)}">'
                              f"{escape_text(label.name)}</p></li>" for label in self.labels])
            labels = f'<ul class="fr-badges-group fr-mt-1v">{labels}</ul>'
        procedure = ("" if self.procedure_title is None
                     else f'<br><span class="fr-text--xs">{escape_text(self.procedure_title)}</span>')
        assignee = escape_text(self.assignee_name) if self.assignee_name else '<span class="fr-text--sm">—</span>'
        late = '<p class="fr-badge fr-badge--sm fr-badge--error">En retard</p>' if self.overdue else ""
        return (f'\n    <tr data-report="{reference}">\n      {select}\n      <td class="pas-nowrap"><a href="'
                f'{detail_prefix}{reference}">{reference}</a></td>\n      <td>{escape_text(self.title)}{labels}</td>\n      '
                f"<td>{escape_text(self.application_name)}{procedure}</td>\n      <td>{TYPE_CELLS[self.problem_type]}</td>"
                f"\n      <td>{STATUS_CELLS[self.status]}</td>\n      <td>{assignee}</td>\n      "
                f"<td>{self.people_total}</td>\n      <td>{self.blocked_total}</td>\n      "
                f"<td>{self.me_too_count}</td>\n      <td>{self.due_on or '—'} {late}</td>\n      "
                f"<td>{self.created_on}</td>\n    </tr>\n  ")


def _status_badge(status):
    """reports/_macros.html status_badge's markup for a status."""
    kind = STATUS_BADGE_KINDS.get(status.value)
    kind = f" fr-badge--{escape(kind)}" if kind else ""
    return f'<p class="fr-badge fr-badge--sm{kind} fr-badge--no-icon">{escape(status.label)}</p>'


# The board's type and status cells, written once.
TYPE_CELLS = {t.value: str(escape(t.label)) for t in ProblemType}
STATUS_CELLS = {s.value: _status_badge(s) for s in Status}


def board_table_rows(rows, detail_prefix, selectable):
    """The board's table rows (Markup): BoardRow.table_row of each, under the reports' address `detail_prefix`."""
    prefix = escape(detail_prefix)
    return Markup("".join([row.table_row(prefix, selectable) for row in rows]))  # noqa: S704  # nosec B704 - escaped


def _as_read(column):
    """A timestamp column read as psycopg gives it (aware), without UTCDateTime's conversion to UTC per value (five
    a row): the same instants, so BoardRow's dates, deadlines and comparisons come out the same."""
    return type_coerce(column, DateTime(timezone=True)).label(column.key)


def board_columns(dialect=None):
    """The columns of BoardRow, in order (the names need the application and, outer, the procedure). On
    PostgreSQL the timestamps come aware from the driver and skip UTCDateTime's per-value conversion; SQLite's
    naive ones need it (read as UTC)."""
    stamps = (Report.created_at, Report.acknowledge_due_at, Report.answer_due_at, Report.acknowledged_at,
              Report.answered_at)
    if dialect == "postgresql":
        stamps = tuple(map(_as_read, stamps))
    return (Report.id, Report.reference, Report.title, Application.name.label("application_name"),
            Procedure.title.label("procedure_title"), Report.problem_type, Report.status, Report.people_total,
            Report.blocked_total, Report.me_too_count, *stamps)
