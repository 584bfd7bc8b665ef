"""Who sees what: the holder's own entries, the HR scope (the mobility rule), and HR reads (audited).
The HR validation queue is in validation_queue.py, the holder's "who read my passport" in reads.py.

Objects out of scope are never loaded: views answer 404. Every list loads a fixed number of queries.
"""

from sqlalchemy.orm import joinedload, selectinload

from app.accounts import queries
from app.accounts.models import Role, User
from app.audit.services import record_read_audit
from app.common.sql import inline, is_id
from app.extensions import db
from app.passports.models import (
    EntryStatus,
    EvidenceFile,
    EvidenceLog,
    PassportEntry,
    PassportShare,
)
from app.referential.models import Competency

S = EntryStatus


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
    if org_id is None or hr_user.role != Role.HR:
        return _holders_in(None).where(db.false())
    return _holders_in(org_id).where(PassportEntry.status != S.DRAFT, db.or_(*_hr_reasons(org_id)))


def _holders_in(org_id):
    """Entries whose holder currently belongs to the organisation: the copy of the holder's organisation that
    the database keeps on each entry (no join to the users, which hashed every agent of the organisation)."""
    return db.select(PassportEntry).where(PassportEntry.holder_organisation_id == org_id)


def _hr_reasons(org_id):
    """The mobility rule, for an entry of one of the organisation's agents: it was submitted to the
    organisation, validated by it, or the holder shares their passport with it."""
    return (PassportEntry.submitted_to_org_id == org_id, PassportEntry.validated_by_org_id == org_id,
            _shared_with(org_id))


def hr_scope_parts(org_id):
    """hr_scope as three disjoint selects, one per reason to see an entry (_hr_reasons), so that each can walk
    an index in queue order (the OR with the share EXISTS cannot): each reason excludes the ones before."""
    submitted_to, validated_by, shared = _hr_reasons(org_id)
    not_submitted_to = PassportEntry.submitted_to_org_id.is_distinct_from(org_id)
    not_validated_by = PassportEntry.validated_by_org_id.is_distinct_from(org_id)
    reasons = ((submitted_to,), (validated_by, not_submitted_to), (shared, not_submitted_to, not_validated_by))
    visible = _holders_in(org_id).where(PassportEntry.status != inline(S.DRAFT.value))
    return [visible.where(*reason) for reason in reasons]


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


def sorted_entries(entries):
    """Passport lines in the référentiel's order (activity, competency), highest level first."""
    return sorted(
        entries,
        key=lambda e: (e.competency.activity.position, e.competency.position, e.competency.code, -e.level, e.id),
    )


def holder_entries_query(user):
    """The holder's entries with what lists show (for the API's pages)."""
    return _details(own_entries(user))


def entry_version(entry_id):
    return db.session.scalar(db.select(PassportEntry.version).where(PassportEntry.id == entry_id))


def entry_of_holder(user, entry_id):
    """One of the user's own entries with its files and log, or None."""
    if not is_id(entry_id):
        return None
    return db.session.scalar(_full(own_entries(user)).where(PassportEntry.id == entry_id))


def entry_for_hr(hr_user, entry_id):
    """An entry in the HR user's scope, or None (no audit: for writes)."""
    if not is_id(entry_id):
        return None
    return db.session.scalar(_full(hr_scope(hr_user)).where(PassportEntry.id == entry_id))


def _in_hr_scope(hr_user, entry_id):
    if not is_id(entry_id):
        return None
    return db.session.scalar(hr_scope(hr_user).where(PassportEntry.id == entry_id))


def read_entry_as_hr(hr_user, entry_id):
    """An entry in scope with its evidence, for reading: the read is audited."""
    entry = entry_for_hr(hr_user, entry_id)
    if entry is None:
        return None
    record_read(hr_user, "passport.entry_read", entry, {})
    return entry


def agents_of(hr_user):
    return queries.agents_of(hr_user).order_by(User.full_name, User.id)


def read_passport_as_hr(hr_user, agent):
    """The agent's entries that the HR user may see (the mobility rule); the read is audited."""
    entries = db.session.scalars(
        _details(hr_scope(hr_user)).where(PassportEntry.holder_id == agent.id)
    ).unique().all()
    record_read(hr_user, "passport.read", agent, {})
    return sorted_entries(entries)


def has_active_share(holder, organisation_id):
    return db.session.scalar(
        db.select(PassportShare.id).where(
            PassportShare.holder_id == holder.id,
            PassportShare.organisation_id == organisation_id,
            PassportShare.withdrawn_at.is_(None),
        )
    ) is not None


def record_read(actor, action, target, details):
    """Write a read's audit row and commit it: one INSERT (no unit of work; a statement built once), and
    nothing the request loaded is expired; on PostgreSQL one round trip, whose commit does not wait for the
    WAL flush (record_read_audit). Written after the reads, so that the request uses one connection."""
    record_read_audit(actor, action, target, details)


def evidence_file_for(user, file_id):
    """An evidence file the user may download (holder, or HR in scope: audited), or None."""
    if not is_id(file_id):
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
    record_read(user, "passport.evidence_read", file, {"entry": entry.id})
    return file


def shares_with_own_organisation(user):
    return user.organisation_id is not None and has_active_share(user, user.organisation_id)


def shares_of(user):
    return db.session.scalars(
        db.select(PassportShare).options(joinedload(PassportShare.organisation))
        .where(PassportShare.holder_id == user.id)
        .order_by(PassportShare.created_at.desc(), PassportShare.id.desc())
    ).all()


def active_share_of(user, share_id):
    if not is_id(share_id):
        return None
    return db.session.scalar(
        db.select(PassportShare).where(
            PassportShare.id == share_id, PassportShare.holder_id == user.id, PassportShare.withdrawn_at.is_(None)
        )
    )
