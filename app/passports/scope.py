"""Who sees what: the holder's own entries, the HR scope (the mobility rule), and HR reads (audited).

Objects out of scope are never loaded: views answer 404. Every list loads a fixed number of queries.
"""
import functools
from datetime import timedelta

from flask import current_app
from sqlalchemy.orm import aliased, joinedload, lazyload, load_only, selectinload

from app.accounts.models import Organisation, Role, User
from app.audit.services import audit
from app.common.pagination import paginate
from app.common.timezones import utcnow
from app.extensions import db
from app.passports.models import (
    EntrySource,
    EntryStatus,
    EvidenceFile,
    EvidenceLog,
    PassportEntry,
    PassportShare,
)
from app.referential.models import Activity, Competency

S = EntryStatus
# Ids and versions are 32-bit integers on PostgreSQL: anything larger names nothing (and would fail there).
MAX_ID = 2**31 - 1
AGE_FILTERS = {
    "under_7": "Moins de 7 jours",
    "7_to_30": "De 7 à 30 jours",
    "over_30": "Plus de 30 jours",
}


def in_range(value):
    return isinstance(value, int) and 0 < value <= MAX_ID


def own_entries(user):
    """The holder sees every entry of their passport."""
    return db.select(PassportEntry).where(PassportEntry.holder_id == user.id)


def _shared_with(org_id):
    """The holder of the entry shares their passport with the organisation (an active share)."""
    return (
        db.select(PassportShare.id)
        .where(
            PassportShare.holder_id == PassportEntry.holder_id,
            PassportShare.organisation_id == org_id,
            PassportShare.withdrawn_at.is_(None),
        )
        .exists()
    )


def hr_scope(hr_user):
    """Entries an HR user may see (the mobility rule); anything else is a 404.

    The holder currently belongs to the HR user's organisation, and the entry was submitted to,
    validated by or recorded by that organisation, or the holder shares their passport with it.
    Drafts are the holder's work in progress: never shown to HR.
    """
    org_id = hr_user.organisation_id
    query = db.select(PassportEntry).join(User, PassportEntry.holder_id == User.id)
    if org_id is None or hr_user.role != Role.HR:
        return query.where(db.false())
    return query.where(
        User.organisation_id == org_id,
        PassportEntry.status != S.DRAFT,
        db.or_(
            PassportEntry.submitted_to_org_id == org_id,
            PassportEntry.validated_by_org_id == org_id,
            _shared_with(org_id),
        ),
    )


def _hr_scope_parts(org_id):
    """hr_scope as three disjoint selects, one per reason to see an entry, so that each can walk an index
    in queue order (the OR with the share EXISTS cannot): submitted to the organisation; validated by it
    and not submitted to it; shared with it and neither. Same rule as hr_scope (tests compare them)."""
    submitted_to = PassportEntry.submitted_to_org_id == org_id
    validated_by = PassportEntry.validated_by_org_id == org_id
    not_submitted_to = PassportEntry.submitted_to_org_id.is_distinct_from(org_id)
    not_validated_by = PassportEntry.validated_by_org_id.is_distinct_from(org_id)
    reasons = (
        (submitted_to,),
        (validated_by, not_submitted_to),
        (_shared_with(org_id), not_submitted_to, not_validated_by),
    )
    base = db.select(PassportEntry).join(User, PassportEntry.holder_id == User.id)
    return [base.where(User.organisation_id == org_id, PassportEntry.status != S.DRAFT, *reason)
            for reason in reasons]


def _details(query):
    """Eager loads for lists: competency and activity, validating organisation (lists show no files)."""
    return query.options(
        joinedload(PassportEntry.competency).joinedload(Competency.activity),
        joinedload(PassportEntry.validated_by_org),
    )


def _full(query):
    """Eager loads for one entry's page: as lists, plus its files and its log with the actors."""
    return _details(query).options(
        selectinload(PassportEntry.files),
        joinedload(PassportEntry.holder),
        joinedload(PassportEntry.validated_by),
        selectinload(PassportEntry.log).joinedload(EvidenceLog.actor),
    )


def _sorted(entries):
    return sorted(
        entries,
        key=lambda e: (e.competency.activity.position, e.competency.position, e.competency.code, -e.level, e.id),
    )


def holder_entries_query(user):
    """The holder's entries with what lists show (for the API's pages)."""
    return _details(own_entries(user))


def entry_version(entry_id):
    return db.session.scalar(db.select(PassportEntry.version).where(PassportEntry.id == entry_id))


def my_passport(user):
    """All the holder's entries, sorted by activity and competency (1 query)."""
    return _sorted(db.session.scalars(_details(own_entries(user))).unique().all())


def entry_of_holder(user, entry_id):
    """One of the user's own entries with its files and log, or None."""
    if not in_range(entry_id):
        return None
    return db.session.scalar(_full(own_entries(user)).where(PassportEntry.id == entry_id))


def entry_for_hr(hr_user, entry_id):
    """An entry in the HR user's scope, or None (no audit: for writes)."""
    if not in_range(entry_id):
        return None
    return db.session.scalar(_full(hr_scope(hr_user)).where(PassportEntry.id == entry_id))


def _in_hr_scope(hr_user, entry_id):
    if not in_range(entry_id):
        return None
    return db.session.scalar(hr_scope(hr_user).where(PassportEntry.id == entry_id))


def read_entry_as_hr(hr_user, entry_id):
    """An entry in scope with its evidence, for reading: the read is audited."""
    entry = entry_for_hr(hr_user, entry_id)
    if entry is None:
        return None
    audit(hr_user, "passport.entry_read", entry, {})
    _commit_read()
    return entry


def agent_for_hr(hr_user, user_id):
    """An agent of the HR user's current organisation, or None."""
    if hr_user.organisation_id is None or not in_range(user_id):
        return None
    return db.session.scalar(
        db.select(User).where(
            User.id == user_id, User.organisation_id == hr_user.organisation_id, User.role == Role.AGENT
        )
    )


def agents_of(hr_user):
    return (
        db.select(User)
        .where(User.organisation_id == hr_user.organisation_id, User.role == Role.AGENT)
        .order_by(User.full_name, User.id)
    )


def read_passport_as_hr(hr_user, agent):
    """The agent's entries that the HR user may see (the mobility rule); the read is audited."""
    audit(hr_user, "passport.read", agent, {})
    _commit_read()
    entries = db.session.scalars(
        _details(hr_scope(hr_user)).where(PassportEntry.holder_id == agent.id)
    ).unique().all()
    return _sorted(entries)


def has_active_share(holder, organisation_id):
    return db.session.scalar(
        db.select(PassportShare.id).where(
            PassportShare.holder_id == holder.id,
            PassportShare.organisation_id == organisation_id,
            PassportShare.withdrawn_at.is_(None),
        )
    ) is not None


QUEUE_COUNT_CAP = 1000  # the queue says "plus de 1 000" rather than counting every waiting entry


def queue_query(hr_user, rows=None, activity=None, source=None, age=None):
    """Submitted entries in the HR user's scope, oldest first, with the filters of the queue; with what the
    queue shows only (holder's name, competency, files' names).

    `rows` bounds how many rows each part of the scope may contribute (the last row a page or its capped
    count can need): each part then stops early on its index instead of sorting the whole organisation.
    """
    org_id = hr_user.organisation_id
    if org_id is None or hr_user.role != Role.HR:
        return db.select(PassportEntry).where(db.false())
    activity = (activity or "").replace("\x00", "")[:10] or None
    source = source if source in EntrySource.values() else None
    age = age if age in AGE_FILTERS else None
    values = {"org_id": org_id, "rows": rows, "activity": activity, "source": source}
    if age:
        now = utcnow()
        values.update(week=now - timedelta(days=7), month=now - timedelta(days=30))
    statement = _queue_statement(activity is not None, source is not None, age, rows is not None)
    return statement.params({key: value for key, value in values.items() if value is not None})


@functools.cache
def _queue_statement(by_activity, by_source, age, limited):
    """The queue's statement for one combination of filters, built once (building it costs more than
    running it): the organisation, the filters' values and `rows` are bound per request."""
    org_id = db.bindparam("org_id")
    conditions = [PassportEntry.status == S.SUBMITTED]
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
    parts = []
    for part in _hr_scope_parts(org_id):
        part = part.where(*conditions).order_by(PassportEntry.submitted_at, PassportEntry.id)
        if limited:
            part = part.limit(db.bindparam("rows", type_=db.Integer))
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


def _page_number(page_arg, per_page):
    """The ?page= number, as paginate reads it, kept low enough for its row bounds to be 32-bit integers."""
    try:
        number = max(1, int(page_arg or 1))
    except (TypeError, ValueError):
        number = 1
    return min(number, (MAX_ID - QUEUE_COUNT_CAP) // per_page - 1)


def read_queue(hr_user, page_arg, **filters):
    """One page of the queue, its total counted up to QUEUE_COUNT_CAP. It shows parts of other people's
    passports: the read is audited (filters and page only, no personal content)."""
    audit(hr_user, "passport.queue_read", None, {"filters": {k: v for k, v in filters.items() if v},
                                                 "page": str(page_arg or 1)[:6]})
    _commit_read()
    per_page = current_app.config["PER_PAGE"]
    number = _page_number(page_arg, per_page)
    rows = number * per_page + QUEUE_COUNT_CAP + 1
    return paginate(queue_query(hr_user, rows, **filters), number, per_page, count_cap=QUEUE_COUNT_CAP)


def _commit_read():
    """Commit a read's audit row without expiring what the request already loaded (the acting user):
    nothing else changed, and reloading it would cost a query."""
    session = db.session()
    expire_on_commit, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire_on_commit


def evidence_file_for(user, file_id):
    """An evidence file the user may download (holder, or HR in scope: audited), or None."""
    if not in_range(file_id):
        return None
    row = db.session.execute(
        db.select(EvidenceFile, PassportEntry)
        .join(PassportEntry, EvidenceFile.entry_id == PassportEntry.id)
        .where(EvidenceFile.id == file_id)
    ).first()
    if row is None:
        return None
    file, entry = row
    if entry.holder_id == user.id:
        return file
    if user.role != Role.HR:
        return None
    if _in_hr_scope(user, entry.id) is None:
        return None
    audit(user, "passport.evidence_read", file, {"entry": entry.id})
    _commit_read()
    return file


def activities():
    return db.session.scalars(db.select(Activity).order_by(Activity.position, Activity.code)).all()


def shares_with_own_organisation(user):
    return user.organisation_id is not None and has_active_share(user, user.organisation_id)


def shares_of(user):
    return db.session.scalars(
        db.select(PassportShare).options(joinedload(PassportShare.organisation))
        .where(PassportShare.holder_id == user.id)
        .order_by(PassportShare.created_at.desc(), PassportShare.id.desc())
    ).all()


def active_share_of(user, share_id):
    if not in_range(share_id):
        return None
    return db.session.scalar(
        db.select(PassportShare).where(
            PassportShare.id == share_id, PassportShare.holder_id == user.id, PassportShare.withdrawn_at.is_(None)
        )
    )


READ_ACTIONS = {
    "passport.read": "Tout le passeport",
    "passport.entry_read": "Une ligne",
    "passport.evidence_read": "Une pièce justificative",
}


def reads_of(holder, limit=20):
    """Who read the holder's passport, newest first, from the audit log: (at, organisation, role, what).

    Readers are shown by organisation and role only, as the audit log stores no personal content.
    """
    from app.audit.models import AuditLog

    as_text = db.String(40)
    entry_ids = db.select(db.cast(PassportEntry.id, as_text)).where(PassportEntry.holder_id == holder.id)
    file_ids = (
        db.select(db.cast(EvidenceFile.id, as_text))
        .join(PassportEntry, EvidenceFile.entry_id == PassportEntry.id)
        .where(PassportEntry.holder_id == holder.id)
    )
    query = (
        db.select(AuditLog)
        .where(
            db.or_(
                db.and_(AuditLog.action == "passport.read", AuditLog.target_type == User.__tablename__,
                        AuditLog.target_id == str(holder.id)),
                db.and_(AuditLog.action == "passport.entry_read",
                        AuditLog.target_type == PassportEntry.__tablename__, AuditLog.target_id.in_(entry_ids)),
                db.and_(AuditLog.action == "passport.evidence_read",
                        AuditLog.target_type == EvidenceFile.__tablename__, AuditLog.target_id.in_(file_ids)),
            ),
            db.or_(AuditLog.actor_id.is_(None), AuditLog.actor_id != holder.id),
        )
        .options(
            joinedload(AuditLog.actor).options(
                load_only(User.role), lazyload(User.team),
                joinedload(User.organisation).load_only(Organisation.name),
            )
        )
        .order_by(AuditLog.at.desc(), AuditLog.id.desc())
        .limit(limit)
    )
    rows = db.session.scalars(query).unique().all()
    return [
        {
            "at": row.at,
            "organisation": row.actor.organisation.name if row.actor and row.actor.organisation else "—",
            "role": Role(row.actor.role).label if row.actor else "Passerelle",
            "what": READ_ACTIONS[row.action],
        }
        for row in rows
    ]
