"""The HR validation queue: submitted entries in the HR user's scope, oldest first, filtered, one page at a time.

The scope is hr_scope split in its three reasons (scope.hr_scope_parts), each walking its own index in queue
order; a page and its total (counted up to QUEUE_COUNT_CAP) come in one query, read as plain rows; the read
is audited after it.
"""
import functools
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy.orm import aliased, joinedload, load_only

from app.accounts.models import Role, User
from app.common.pagination import Page, page_number
from app.common.timezones import utcnow
from app.extensions import db
from app.passports.models import EntrySource, EntryStatus, EvidenceFile, PassportEntry, provenance_of
from app.passports.scope import hr_scope_parts, inline, record_read
from app.referential.models import Activity, Competency

S = EntryStatus
AGE_FILTERS = {
    "under_7": "Moins de 7 jours",
    "7_to_30": "De 7 à 30 jours",
    "over_30": "Plus de 30 jours",
}

QUEUE_COUNT_CAP = 1000  # the queue says "plus de 1 000" rather than counting every waiting entry


def _queue_values(hr_user, rows, activity=None, source=None, age=None):
    """(filter flags, bound values) of the queue for these filters; flags None when the user has no queue."""
    org_id = hr_user.organisation_id
    if org_id is None or hr_user.role != Role.HR:
        return None, {}
    activity = (activity or "").replace("\x00", "")[:10] or None
    source = source if source in EntrySource.values() else None
    age = age if age in AGE_FILTERS else None
    values = {"org_id": org_id, "rows": rows, "activity": activity, "source": source}
    if age:
        now = utcnow()
        values.update(week=now - timedelta(days=7), month=now - timedelta(days=30))
    flags = (activity is not None, source is not None, age)
    return flags, {key: value for key, value in values.items() if value is not None}


def queue_query(hr_user, rows=None, activity=None, source=None, age=None):
    """Submitted entries in the HR user's scope, oldest first, with the filters of the queue, as PassportEntry
    objects loaded with what the queue shows (the page itself reads the same parts as plain rows).

    `rows` bounds how many rows each part of the scope may contribute (the last row a page or its capped
    count can need): each part then stops early on its index instead of sorting the whole organisation.
    """
    flags, values = _queue_values(hr_user, rows, activity, source, age)
    if flags is None:
        return db.select(PassportEntry).where(db.false())
    return _queue_statement(*flags, rows is not None).params(values)


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
def _queue_statement(by_activity, by_source, age, limited):
    """The queue's statement for one combination of filters, built once (building it costs more than
    running it): the organisation, the filters' values and `rows` are bound per request."""
    conditions = _queue_conditions(by_activity, by_source, age)
    parts = []
    for part in hr_scope_parts(inline(None, "org_id")):
        part = part.where(*conditions).order_by(PassportEntry.submitted_at, PassportEntry.id)
        if limited:
            part = part.limit(inline(None, "rows"))
        # Wrapped so that each part keeps its ORDER BY and LIMIT inside the UNION (SQLite needs it too).
        parts.append(db.select(part.subquery()))
    entry = aliased(PassportEntry, db.union_all(*parts).subquery("queue"), name="entry")
    return (
        db.select(entry)
        .options(
            load_only(entry.holder_id, entry.competency_id, entry.level, entry.source, entry.status,
                      entry.description, entry.submitted_at),
            joinedload(entry.holder).load_only(User.full_name),
            joinedload(entry.holder).lazyload(User.organisation),
            joinedload(entry.holder).lazyload(User.team),
            joinedload(entry.competency).load_only(Competency.code, Competency.title),
            joinedload(entry.files).load_only(EvidenceFile.filename),
        )
        .order_by(entry.submitted_at, entry.id)
    )


@functools.cache
def _queue_count_statement(by_activity, by_source, age):
    """How many entries the queue holds, counted up to :window rows. In no order: each part of the scope
    streams rows until the count has enough, instead of sorting them as a page must."""
    conditions = _queue_conditions(by_activity, by_source, age)
    parts = [part.where(*conditions).with_only_columns(PassportEntry.id)
             for part in hr_scope_parts(inline(None, "org_id"))]
    counted = db.union_all(*parts).limit(inline(None, "window")).subquery("counted")
    return db.select(db.func.count()).select_from(counted)


@dataclass(frozen=True)
class QueueRow:
    """One line of the HR queue, read as plain columns: what the page shows, nothing more."""

    id: int
    holder_name: str
    competency_code: str
    competency_title: str
    level: int
    source: str
    status: str
    description: str | None
    submitted_at: datetime
    files: tuple  # (id, filename) of the evidence files, in upload order

    @property
    def provenance(self):
        return provenance_of(self.status, self.source)

    @property
    def source_label(self):
        return EntrySource(self.source).label


QUEUE_COLUMNS = (PassportEntry.id, PassportEntry.holder_id, PassportEntry.competency_id, PassportEntry.level,
                 PassportEntry.source, PassportEntry.status, PassportEntry.description, PassportEntry.submitted_at)


@functools.cache
def _queue_page_statement(by_activity, by_source, age):
    """One page of the queue as plain rows (one per evidence file, or one without), with its total up to
    :window rows in the same round trip (a subquery run once). Every value is bound at execution, so that
    this statement object, and the cache key SQLAlchemy computes for it, serve every request."""
    conditions = _queue_conditions(by_activity, by_source, age)
    parts = []
    for part in hr_scope_parts(inline(None, "org_id")):
        part = (part.where(*conditions).with_only_columns(*QUEUE_COLUMNS)
                .order_by(PassportEntry.submitted_at, PassportEntry.id).limit(inline(None, "rows")))
        parts.append(db.select(part.subquery()))  # keeps each part's ORDER BY and LIMIT (SQLite too)
    queue = db.union_all(*parts).subquery("queue")
    total = _queue_count_statement(by_activity, by_source, age).scalar_subquery().label("total")
    # The page's rows are picked from the queue alone, then joined: PostgreSQL then walks the parts' indexes
    # in order and stops after the page (joined before the LIMIT, it sorts each part whole).
    page = (
        db.select(queue, total).order_by(queue.c.submitted_at, queue.c.id)
        .limit(inline(None, "limit")).offset(inline(None, "offset")).subquery("page")
    )
    return (
        db.select(page.c.id, User.full_name.label("holder_name"), Competency.code.label("competency_code"),
                  Competency.title.label("competency_title"), page.c.level, page.c.source, page.c.status,
                  page.c.description, page.c.submitted_at, page.c.total, EvidenceFile.id.label("file_id"),
                  EvidenceFile.filename)
        .join(User, User.id == page.c.holder_id)
        .join(Competency, Competency.id == page.c.competency_id)
        .outerjoin(EvidenceFile, EvidenceFile.entry_id == page.c.id)
        .order_by(page.c.submitted_at, page.c.id, EvidenceFile.id)
    )


def _queue_rows(rows):
    """QueueRow per entry from the page's rows (an entry comes once per evidence file)."""
    entries = {}
    for row in rows:
        found = entries.get(row.id)
        if found is None:
            found = entries[row.id] = (row, [])
        if row.file_id is not None:
            found[1].append((row.file_id, row.filename))
    return [
        QueueRow(row.id, row.holder_name, row.competency_code, row.competency_title, row.level, row.source,
                 row.status, row.description, row.submitted_at, tuple(files))
        for row, files in entries.values()
    ]


def read_queue(hr_user, page_arg, **filters):
    """One page of the queue (QueueRow), its total counted up to QUEUE_COUNT_CAP past the page's start, in one
    query (two for a page past the end). It shows parts of other people's passports: the read is audited
    (filters and page only, no personal content)."""
    per_page = current_app.config["PER_PAGE"]
    number = page_number(page_arg, per_page, QUEUE_COUNT_CAP)
    offset = (number - 1) * per_page
    window = offset + max(QUEUE_COUNT_CAP, per_page)
    flags, values = _queue_values(hr_user, number * per_page + QUEUE_COUNT_CAP + 1, **filters)
    items, total = [], 0
    if flags is not None:
        values.update(window=window + 1, limit=per_page, offset=offset)
        rows = db.session.execute(_queue_page_statement(*flags), values).all()
        items = _queue_rows(rows)
        if rows:
            total = rows[0].total
        elif number > 1:  # past the end: the total still tells how many pages there are
            total = db.session.scalar(_queue_count_statement(*flags), values)
    record_read(hr_user, "passport.queue_read", None,
                 {"filters": {k: v for k, v in filters.items() if v}, "page": str(page_arg or 1)[:6]})
    capped = total > window
    return Page(items, number, per_page, window if capped else total, capped)
