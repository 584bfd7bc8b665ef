"""The HR validation queue: submitted entries in the HR user's scope, oldest first, filtered, one page at a time.

The scope is hr_scope split in its three reasons (scope.hr_scope_parts), each walking its own index in queue
order; a page and its total (counted up to QUEUE_COUNT_CAP) come in one query, read as plain rows; the read
is audited after it.
"""
import functools
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from flask import current_app
from sqlalchemy import DateTime

from app.accounts.models import Role, User
from app.audit.services import audited_read, end_audited_read
from app.common.sql import capped_page, inline, inline_param, run_with_literals
from app.common.timezones import timezone_for_department, utcnow
from app.extensions import db
from app.passports.models import EntrySource, EntryStatus, EvidenceFile, PassportEntry, provenance_of
from app.passports.scope import hr_scope_parts, record_read
from app.referential.models import Activity, Competency

S = EntryStatus
AGE_FILTERS = {
    "under_7": "Moins de 7 jours",
    "7_to_30": "De 7 à 30 jours",
    "over_30": "Plus de 30 jours",
}

SOURCES = frozenset(EntrySource.values())  # the source filter's values (a list built per call otherwise)
QUEUE_COUNT_CAP = 1000  # the queue says "plus de 1 000" rather than counting every waiting entry


def _queue_values(hr_user, rows, activity=None, source=None, age=None):
    """(filter flags, bound values) of the queue for these filters; flags None when the user has no queue."""
    org_id = hr_user.organisation_id
    if org_id is None or hr_user.role != Role.HR:
        return None, {}
    activity = (activity or "").replace("\x00", "")[:10] or None
    source = source if source in SOURCES else None
    age = age if age in AGE_FILTERS else None
    values = {"org_id": org_id, "rows": rows, "activity": activity, "source": source}
    if age:
        now = utcnow()
        values.update(week=now - timedelta(days=7), month=now - timedelta(days=30))
    flags = (activity is not None, source is not None, age)
    return flags, {key: value for key, value in values.items() if value is not None}


def _queue_conditions(by_activity, by_source, age):
    conditions = [PassportEntry.status == inline(S.SUBMITTED.value)]
    if by_activity:
        conditions.append(
            PassportEntry.competency_id.in_(
                db.select(Competency.id).join(Activity, Competency.activity_id == Activity.id)
                .where(Activity.code == db.bindparam("activity"))
            )
        )
    if by_source:
        conditions.append(PassportEntry.source == db.bindparam("source"))
    if age == "under_7":
        conditions.append(PassportEntry.submitted_at > db.bindparam("week"))
    elif age == "7_to_30":
        conditions += [PassportEntry.submitted_at <= db.bindparam("week"),
                       PassportEntry.submitted_at > db.bindparam("month")]
    elif age == "over_30":
        conditions.append(PassportEntry.submitted_at <= db.bindparam("month"))
    return conditions


@functools.cache
def _queue_count_statement(by_activity, by_source, age):
    """How many entries the queue holds, counted up to :window rows. In no order: each part of the scope
    streams rows until the count has enough, instead of sorting them as a page must."""
    conditions = _queue_conditions(by_activity, by_source, age)
    parts = [part.where(*conditions).with_only_columns(PassportEntry.id)
             for part in hr_scope_parts(inline_param("org_id"))]
    counted = db.union_all(*parts).limit(inline_param("window")).subquery("counted")
    return db.select(db.func.count()).select_from(counted)


@functools.cache
def _queue_summary_statement():
    """The queue's size (up to :window rows, as the page counts it) and its oldest submission, in one query."""
    conditions = _queue_conditions(False, False, None)
    parts = [part.where(*conditions).with_only_columns(PassportEntry.submitted_at)
             for part in hr_scope_parts(inline_param("org_id"))]
    oldest = db.select(db.func.min(db.union_all(*parts).subquery("waiting").c.submitted_at)).scalar_subquery()
    return db.select(_queue_count_statement(False, False, None).scalar_subquery(), oldest)


def queue_summary(hr_user):
    """(how many entries wait in this HR user's queue, counted up to QUEUE_COUNT_CAP + 1; when the oldest was
    submitted). No passport content is read, so the read is not audited."""
    flags, values = _queue_values(hr_user, None)
    if flags is None:
        return 0, None
    values["window"] = QUEUE_COUNT_CAP + 1
    count, oldest = db.session.execute(_queue_summary_statement(), values).one()
    return count, oldest


class QueueRow(NamedTuple):
    """One line of the HR queue, read as plain columns: what the page shows, nothing more. A named tuple: built
    in one call per row (a frozen dataclass set its fourteen fields one object.__setattr__ at a time)."""

    id: int
    holder_name: str
    competency_code: str
    competency_title: str
    level: int
    source: str
    status: str
    description: str | None
    submitted_at: datetime  # aware (in the database session's zone on PostgreSQL, UTC on SQLite)
    files: list  # (id, filename) of the evidence files, in upload order
    # Worked out once per row here rather than by the template (a filter or a property call per row):
    submitted_on: str  # the submission's date in the HR user's time zone, dd/mm/yyyy
    provenance: str
    source_label: str


QUEUE_COLUMNS = (PassportEntry.id, PassportEntry.holder_id, PassportEntry.competency_id, PassportEntry.level,
                 PassportEntry.source, PassportEntry.status, PassportEntry.description, PassportEntry.submitted_at)


@functools.cache
def _queue_page_statement(by_activity, by_source, age):
    """One page of the queue as plain rows (one per evidence file, or one without), with its total up to
    :window rows in the same round trip (a subquery run once). Every value is bound at execution, so that
    this statement object, and the cache key SQLAlchemy computes for it, serve every request."""
    conditions = _queue_conditions(by_activity, by_source, age)
    parts = []
    for part in hr_scope_parts(inline_param("org_id")):
        part = (part.where(*conditions).with_only_columns(*QUEUE_COLUMNS)
                .order_by(PassportEntry.submitted_at, PassportEntry.id).limit(inline_param("rows")))
        parts.append(db.select(part.subquery()))  # keeps each part's ORDER BY and LIMIT (SQLite too)
    queue = db.union_all(*parts).subquery("queue")
    total = _queue_count_statement(by_activity, by_source, age).scalar_subquery().label("total")
    # The page's rows are picked from the queue alone, then joined: PostgreSQL then walks the parts' indexes
    # in order and stops after the page (joined before the LIMIT, it sorts each part whole).
    page = (
        db.select(queue, total).order_by(queue.c.submitted_at, queue.c.id)
        .limit(inline_param("limit")).offset(inline_param("offset")).subquery("page")
    )
    return (
        db.select(page.c.id, User.full_name.label("holder_name"), Competency.code.label("competency_code"),
                  Competency.title.label("competency_title"), page.c.level, page.c.source, page.c.status,
                  page.c.description,
                  # read as the driver gives it (aware on PostgreSQL, naive UTC on SQLite): the rows turn it into the
                  # HR user's zone themselves, without UTCDateTime's conversion to UTC first
                  db.type_coerce(page.c.submitted_at, DateTime(timezone=True)).label("submitted_at"),
                  page.c.total, EvidenceFile.id.label("file_id"),
                  EvidenceFile.filename)
        .join(User, User.id == page.c.holder_id)
        .join(Competency, Competency.id == page.c.competency_id)
        .outerjoin(EvidenceFile, EvidenceFile.entry_id == page.c.id)
        .order_by(page.c.submitted_at, page.c.id, EvidenceFile.id)
    )


# Per (status, source) and per source, worked out once rather than by a function and an enum look-up per row.
_PROVENANCES = {(status.value, source.value): provenance_of(status, source)
                for status in EntryStatus for source in EntrySource}
_SOURCE_LABELS = {source.value: source.label for source in EntrySource}


def _queue_rows(rows, department):
    """QueueRow per entry from the page's rows (an entry comes once per evidence file); dates shown in the time
    zone of `department` (the HR user's organisation's, as the localtime filter does)."""
    zone = timezone_for_department(department)
    queue, files, last_id = [], None, None
    for row in rows:  # in page order, an entry's rows one after the other (ordered by entry, then file)
        if row.id != last_id:
            last_id, files, at = row.id, [], row.submitted_at
            if at is not None:
                if at.tzinfo is None:  # read back from SQLite (as_utc)
                    at = at.replace(tzinfo=UTC)
                local = at.astimezone(zone)
                day = f"{local.day:02d}/{local.month:02d}/{local.year}"  # day_text
            else:
                day = ""
            queue.append(QueueRow(row.id, row.holder_name, row.competency_code, row.competency_title, row.level,
                                  row.source, row.status, row.description, at, files, day,
                                  _PROVENANCES[row.status, row.source], _SOURCE_LABELS[row.source]))
        if row.file_id is not None:
            files.append((row.file_id, row.filename))  # the row's QueueRow holds this list
    return queue


def read_queue(hr_user, page_arg, **filters):
    """One page of the queue (QueueRow), its total counted up to QUEUE_COUNT_CAP past the page's start, in one
    query (two for a page past the end). It shows parts of other people's passports: the read is audited
    (filters and page only, no personal content), on PostgreSQL by the page's query itself (audited_read)."""
    per_page = current_app.config["PER_PAGE"]
    details = {"filters": {k: v for k, v in filters.items() if v}, "page": str(page_arg or 1)[:6]}
    flags, values, audited = None, {}, False

    def read_page(window):
        nonlocal flags, values, audited
        flags, values = _queue_values(hr_user, window.number * per_page + QUEUE_COUNT_CAP + 1, **filters)
        if flags is None:
            return [], 0
        values.update(window=window.count_limit, limit=per_page, offset=window.offset)
        statement, run_values = _queue_page_statement(*flags), values
        along = audited_read(statement, hr_user, "passport.queue_read", None, details)
        if along is not None:
            statement, audit_values = along
            run_values, audited = dict(values, **audit_values), True
        # plain rows on the session's connection: nothing is loaded into the session (the ORM's layer is skipped)
        # the organisation and the page repeat: their values written into the SQL once per process (LiteralTexts)
        rows = run_with_literals(db.session.connection(), statement, run_values).all()
        organisation = hr_user.organisation
        return _queue_rows(rows, organisation.department if organisation else None), rows[0].total if rows else None

    def read_count(_window):  # past the end: the total still tells how many pages there are
        return db.session.connection().execute(_queue_count_statement(*flags), values).scalar()

    page = capped_page(page_arg, per_page, QUEUE_COUNT_CAP, read_page, read_count)
    if audited:
        end_audited_read()
    else:
        record_read(hr_user, "passport.queue_read", None, details)
    return page
