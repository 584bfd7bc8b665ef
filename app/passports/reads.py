"""Who read the holder's passport: the HR reads of it in the audit log, newest first."""
import functools

from app.accounts.models import Organisation, Role, User
from app.audit.models import AuditLog
from app.common.sql import inline
from app.extensions import db
from app.passports.models import EvidenceFile, PassportEntry

READ_ACTIONS = {
    "passport.read": "Tout le passeport",
    "passport.entry_read": "Une ligne",
    "passport.evidence_read": "Une pièce justificative",
}


def reads_of(holder, limit=20):
    """Who read the holder's passport, newest first, from the audit log: (at, organisation, role, what).

    Readers are shown by organisation and role only, as the audit log stores no personal content.
    """
    rows = db.session.execute(_reads_statement(), {"holder_id": holder.id, "holder_key": str(holder.id),
                                                   "limit": limit}).all()
    return [
        {
            "at": row.at,
            "organisation": row.organisation or "—",
            "role": Role(row.role).label if row.actor_id is not None else "Passerelle",
            "what": READ_ACTIONS[row.action],
        }
        for row in rows
    ]


@functools.cache
def _reads_statement():
    """The holder's last :limit reads, newest first."""
    statement, order = reads_select()
    return statement.order_by(*order).limit(db.bindparam("limit", type_=db.Integer))


def reads_select():
    """(the holder's reads as (at, actor_id, action, role, organisation), unordered; their order, newest first).

    One select per kind of read, each on its own index range (audit_log's action, target_type, target_id),
    newest first and :limit rows at most; never a scan of every read on the platform. Values bound at
    execution: :holder_id, :holder_key (the id as text), :limit."""
    as_text = db.String(40)
    holder_id = db.bindparam("holder_id", type_=db.Integer)
    limit = db.bindparam("limit", type_=db.Integer)
    entry_ids = db.select(db.cast(PassportEntry.id, as_text)).where(PassportEntry.holder_id == holder_id)
    file_ids = (
        db.select(db.cast(EvidenceFile.id, as_text))
        .join(PassportEntry, EvidenceFile.entry_id == PassportEntry.id)
        .where(PassportEntry.holder_id == holder_id)
    )
    targets = (
        ("passport.read", User.__tablename__, AuditLog.target_id == db.bindparam("holder_key", type_=as_text)),
        ("passport.entry_read", PassportEntry.__tablename__, AuditLog.target_id.in_(entry_ids)),
        ("passport.evidence_read", EvidenceFile.__tablename__, AuditLog.target_id.in_(file_ids)),
    )
    parts = [
        db.select(
            db.select(AuditLog.id, AuditLog.at, AuditLog.actor_id, AuditLog.action)
            .where(AuditLog.action == inline(action), AuditLog.target_type == inline(target_type), target,
                   db.or_(AuditLog.actor_id.is_(None), AuditLog.actor_id != holder_id))
            .order_by(AuditLog.at.desc(), AuditLog.id.desc())
            .limit(limit)
            .subquery()
        )
        for action, target_type, target in targets
    ]
    read = db.union_all(*parts).subquery("read")
    statement = (
        db.select(read.c.at, read.c.actor_id, read.c.action, User.role, Organisation.name.label("organisation"))
        .outerjoin(User, User.id == read.c.actor_id)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
    )
    return statement, (read.c.at.desc(), read.c.id.desc())
