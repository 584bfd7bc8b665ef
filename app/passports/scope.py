"""Who sees what: the holder's own entries, the HR scope (the mobility rule), and HR reads (audited).

Objects out of scope are never loaded: views answer 404. Every list loads a fixed number of queries.
"""
from datetime import timedelta

from sqlalchemy.orm import joinedload, selectinload

from app.accounts.models import Role, User
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
    shared = (
        db.select(PassportShare.id)
        .where(
            PassportShare.holder_id == PassportEntry.holder_id,
            PassportShare.organisation_id == org_id,
            PassportShare.withdrawn_at.is_(None),
        )
        .exists()
    )
    return query.where(
        User.organisation_id == org_id,
        PassportEntry.status != S.DRAFT,
        db.or_(
            PassportEntry.submitted_to_org_id == org_id,
            PassportEntry.validated_by_org_id == org_id,
            shared,
        ),
    )


def _details(query):
    """Eager loads for lists: competency and activity, validating organisation, files (2 queries)."""
    return query.options(
        joinedload(PassportEntry.competency).joinedload(Competency.activity),
        joinedload(PassportEntry.validated_by_org),
        selectinload(PassportEntry.files),
    )


def _full(query):
    """Eager loads for one entry's page: as lists, plus its log with the actors."""
    return _details(query).options(
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
    """All the holder's entries, sorted by activity and competency (2 queries)."""
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
    """An entry in scope with its evidence, for reading: the read is audited (committed before
    loading, so that the page's objects are not expired by the commit)."""
    entry = _in_hr_scope(hr_user, entry_id)
    if entry is None:
        return None
    audit(hr_user, "passport.entry_read", entry, {})
    db.session.commit()
    return entry_for_hr(hr_user, entry_id)


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
    db.session.commit()
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


def queue_query(hr_user, activity=None, source=None, age=None):
    """Submitted entries in the HR user's scope, oldest first, with the filters of the queue."""
    query = _details(hr_scope(hr_user)).options(joinedload(PassportEntry.holder)).where(
        PassportEntry.status == S.SUBMITTED
    )
    activity = (activity or "").replace("\x00", "")[:10]
    if activity:
        query = query.where(
            PassportEntry.competency_id.in_(
                db.select(Competency.id).join(Activity, Competency.activity_id == Activity.id)
                .where(Activity.code == activity)
            )
        )
    if source in EntrySource.values():
        query = query.where(PassportEntry.source == source)
    if age in AGE_FILTERS:
        now = utcnow()
        week, month = now - timedelta(days=7), now - timedelta(days=30)
        if age == "under_7":
            query = query.where(PassportEntry.submitted_at > week)
        elif age == "7_to_30":
            query = query.where(PassportEntry.submitted_at <= week, PassportEntry.submitted_at > month)
        else:
            query = query.where(PassportEntry.submitted_at <= month)
    return query.order_by(PassportEntry.submitted_at, PassportEntry.id)


def read_queue(hr_user, page_arg, **filters):
    """One page of the queue. It shows parts of other people's passports: the read is audited
    (filters and page only, no personal content)."""
    audit(hr_user, "passport.queue_read", None, {"filters": {k: v for k, v in filters.items() if v},
                                                 "page": str(page_arg or 1)[:6]})
    db.session.commit()
    return paginate(queue_query(hr_user, **filters), page_arg)


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
    db.session.commit()
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
        .options(joinedload(AuditLog.actor).joinedload(User.organisation))
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
