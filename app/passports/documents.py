"""The passport document (HTML page and PDF) and its public verification.

A document lists the holder's entries grouped by activity, each with its level, provenance,
validating organisation and date, and validity. Its verification link carries a signed token
(itsdangerous, salt "passport-document") naming the holder, the document date, the entry ids, the
link's lifetime and the holder's link generation (app.passports.links); the public page re-reads those
entries and tells whether each is still valid, or that the link has expired or was withdrawn.
"""
import base64
import functools
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from itsdangerous import BadSignature, Signer
from sqlalchemy.orm import joinedload

from app.accounts.models import Organisation, User
from app.common.timezones import to_local, utcnow
from app.common.urls import external_url
from app.extensions import db
from app.passports import links, reference
from app.passports.models import EntryStatus, PassportEntry, Provenance, VerificationLinks
from app.referential.models import Competency

# A salt, not a secret: keeps these tokens from being valid anywhere else the secret key signs.
TOKEN_SALT = "passport-document"  # noqa: S105  # nosec B105
TOKEN_FORMAT = 2  # 1: no lifetime nor generation (links made before they existed)
DAY_ZERO = date(2020, 1, 1).toordinal()
# Entries that left the passport: not listed on a new document.
EXCLUDED = (EntryStatus.REJECTED.value, EntryStatus.REVOKED.value)


@dataclass(frozen=True)
class DocumentEntry:
    entry_id: int
    competency_code: str
    competency_title: str
    level: int
    level_label: str | None
    source_label: str
    provenance: str
    provenance_label: str
    validated_by_org: str | None
    validated_on: date | None
    valid_until: date | None
    expired: bool

    @property
    def guaranteed(self):
        return self.provenance == Provenance.GUARANTEED

    @property
    def validity_label(self):
        if self.valid_until is None:
            return "Sans limite"
        if self.expired:
            return f"Échue depuis le {self.valid_until.strftime('%d/%m/%Y')}"
        return f"Jusqu'au {self.valid_until.strftime('%d/%m/%Y')}"

    @property
    def validation_label(self):
        if not self.guaranteed or self.validated_by_org is None:
            return "—"
        when = f", le {self.validated_on.strftime('%d/%m/%Y')}" if self.validated_on else ""
        return f"{self.validated_by_org}{when}"


@dataclass(frozen=True)
class ActivityGroup:
    code: str
    title: str
    entries: tuple


@dataclass(frozen=True)
class PassportDocument:
    holder_name: str
    issued_on: date
    groups: tuple
    verification_url: str | None  # None while the holder keeps their links withdrawn
    link_expires_on: date | None = None

    @property
    def entry_count(self):
        return sum(len(g.entries) for g in self.groups)

    @property
    def issued_label(self):
        return self.issued_on.strftime("%d/%m/%Y")

    @property
    def link_expires_label(self):
        return self.link_expires_on.strftime("%d/%m/%Y") if self.link_expires_on else None


# --- building the document --------------------------------------------------------------------


def _entries_query(holder_id):
    return (
        db.select(PassportEntry)
        .where(PassportEntry.holder_id == holder_id)
        .options(
            joinedload(PassportEntry.competency).joinedload(Competency.activity),
            joinedload(PassportEntry.validated_by_org),
        )
    )


def _sort_key(entry):
    competency = entry.competency
    return (competency.activity.position, competency.activity.code, competency.position, competency.code,
            -entry.level, entry.id)


def document_entry(entry, labels, today, department=None):
    validated_on = to_local(entry.validated_at, department).date() if entry.validated_at else None
    return DocumentEntry(
        entry_id=entry.id,
        competency_code=entry.competency.code,
        competency_title=entry.competency.title,
        level=entry.level,
        level_label=labels.get(entry.level),
        source_label=entry.source_label,
        provenance=entry.provenance,
        provenance_label=entry.provenance_label,
        validated_by_org=entry.validated_by_org.name if entry.validated_by_org is not None else None,
        validated_on=validated_on,
        valid_until=entry.valid_until,
        expired=entry.is_expired(today),
    )


def group_by_activity(entries, make):
    """[ActivityGroup] in the référentiel's order; `make(entry)` builds each line."""
    groups = []
    for entry in sorted(entries, key=_sort_key):
        activity = entry.competency.activity
        if not groups or groups[-1][0].id != activity.id:
            groups.append((activity, []))
        groups[-1][1].append(make(entry))
    return tuple(ActivityGroup(a.code, a.title, tuple(lines)) for a, lines in groups)


def local_today(holder):
    department = holder.organisation.department if holder.organisation is not None else None
    return to_local(utcnow(), department).date()


def passport_document(holder, today=None):
    """The holder's passport as a document: every entry but rejected and revoked ones (4 queries)."""
    department = holder.organisation.department if holder.organisation is not None else None
    today = today or local_today(holder)
    entries = db.session.scalars(
        _entries_query(holder.id).where(PassportEntry.status.not_in(EXCLUDED))
    ).unique().all()
    labels = reference.level_labels()
    groups = group_by_activity(entries, lambda e: document_entry(e, labels, today, department))
    state = links.link_state(holder)
    url = expires_on = None
    if not state.withdrawn:
        expires_on = today + links.validity()
        token = token_for(holder.id, today, [e.id for e in entries], state.generation, expires_on)
        url = external_url("verify.verify", token=token)
    return PassportDocument(
        holder_name=holder.full_name,
        issued_on=today,
        groups=groups,
        verification_url=url,
        link_expires_on=expires_on,
    )


# --- the verification token -------------------------------------------------------------------
# The payload is packed as unsigned varints (format, holder id, day number, days of validity, link
# generation, count, then the sorted entry ids as deltas): a 40-entry passport still fits a short URL
# and a small QR code.


def _varint(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _read_varints(data):
    values, current, shift = [], 0, 0
    for byte in data:
        current |= (byte & 0x7F) << shift
        if byte & 0x80:
            shift += 7
            if shift > 63:
                raise ValueError("varint too long")
        else:
            values.append(current)
            current, shift = 0, 0
    if shift:
        raise ValueError("truncated varint")
    return values


def _signer():
    return Signer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)


@dataclass(frozen=True)
class LinkContent:
    holder_id: int
    issued_on: date
    entry_ids: list
    generation: int
    expires_on: date


def token_for(holder_id, issued_on, entry_ids, generation=0, expires_on=None):
    """The signed token of a document: holder, date, entries, link generation and expiry date."""
    ids = sorted(set(entry_ids))
    expires_on = expires_on or issued_on + links.validity()
    parts = [TOKEN_FORMAT, holder_id, issued_on.toordinal() - DAY_ZERO,
             max(0, (expires_on - issued_on).days), generation, len(ids)]
    previous = 0
    for entry_id in ids:
        parts.append(entry_id - previous)
        previous = entry_id
    packed = b"".join(_varint(p) for p in parts)
    payload = base64.urlsafe_b64encode(packed).rstrip(b"=")
    return _signer().sign(payload).decode("ascii")


def read_link(token):
    """The LinkContent of an authentic token, or None if tampered with or malformed."""
    try:
        payload = _signer().unsign(token.encode("ascii"))
        packed = base64.urlsafe_b64decode(payload + b"=" * (-len(payload) % 4))
        values = _read_varints(packed)
    except (BadSignature, UnicodeEncodeError, ValueError):
        return None
    if len(values) >= 4 and values[0] == 1:  # before links expired: generation 0, default lifetime
        values = [*values[:3], None, 0, *values[3:]]
    if len(values) < 6 or values[0] not in (1, TOKEN_FORMAT) or len(values) != 6 + values[5]:
        return None
    _format, holder_id, day, valid_days, generation, _count, *deltas = values
    ids, current = [], 0
    for delta in deltas:
        current += delta
        ids.append(current)
    try:
        issued_on = date.fromordinal(DAY_ZERO + day)
        expires_on = issued_on + (links.validity() if valid_days is None else timedelta(days=valid_days))
    except (ValueError, OverflowError):
        return None
    return LinkContent(holder_id, issued_on, ids, generation, expires_on)


def read_token(token):
    """(holder_id, issued_on, entry ids) of an authentic token, or None if tampered with or malformed."""
    content = read_link(token)
    return None if content is None else (content.holder_id, content.issued_on, content.entry_ids)


# --- the public verification ------------------------------------------------------------------


@dataclass(frozen=True)
class VerifiedEntry:
    line: DocumentEntry
    state: str  # valid, declared, expired, revoked, rejected
    state_label: str

    @property
    def is_current(self):
        return self.state in ("valid", "declared")


@dataclass(frozen=True)
class Verification:
    holder_name: str
    issued_on: date
    groups: tuple  # ActivityGroup of VerifiedEntry
    missing: int  # entries of the document that no longer exist

    @property
    def entries(self):
        return [e for g in self.groups for e in g.entries]

    @property
    def is_current(self):
        return self.missing == 0 and all(e.is_current for e in self.entries)

    @property
    def status(self):
        """One word for the page's single status banner: "current" or "changed" (an authentic document
        some of whose lines changed since it was issued). Link states (withdrawn, expired) extend it."""
        return "current" if self.is_current else "changed"

    @property
    def changes(self):
        """What changed since the document was issued, in French: « 1 compétence échue depuis le 03/12/2026 »…"""
        phrases = []
        expired = [e.line.valid_until for e in self.entries if e.state == "expired"]
        if expired:
            phrases.append(f"{_count(len(expired), 'compétence échue', 'compétences échues')} depuis le "
                           f"{min(expired).strftime('%d/%m/%Y')}")
        for state, one, many in (("revoked", "compétence révoquée", "compétences révoquées"),
                                 ("rejected", "compétence refusée", "compétences refusées")):
            count = sum(1 for e in self.entries if e.state == state)
            if count:
                phrases.append(_count(count, one, many))
        if self.missing:
            phrases.append(_count(self.missing, "ligne retirée du passeport", "lignes retirées du passeport"))
        return phrases

    @property
    def issued_label(self):
        return self.issued_on.strftime("%d/%m/%Y")


def _count(number, one, many):
    return f"{number} {one if number < 2 else many}"


STATE_LABELS = {
    "valid": "Valide",
    "declared": "Déclarée (non validée)",
    "expired": "Échue",
    "revoked": "Révoquée",
    "rejected": "Refusée",
}


def entry_state(entry, today):
    if entry.status == EntryStatus.REVOKED:
        return "revoked"
    if entry.status == EntryStatus.REJECTED:
        return "rejected"
    if entry.is_expired(today):
        return "expired"
    return "valid" if entry.provenance == Provenance.GUARANTEED else "declared"


@dataclass(frozen=True)
class ClosedLink:
    """A verification link that no longer opens the document: `expired`, or `withdrawn` by the holder."""

    reason: str
    expires_on: date

    @property
    def expires_label(self):
        return self.expires_on.strftime("%d/%m/%Y")


@functools.cache
def _verification_statement():
    """The holder's name, département and link generation, outer-joined to the named entries; built once
    (values bound)."""
    named = PassportEntry.id.in_(db.bindparam("ids", expanding=True))
    return (
        db.select(User.full_name, Organisation.department, VerificationLinks.generation, PassportEntry)
        .select_from(User)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .outerjoin(VerificationLinks, VerificationLinks.holder_id == User.id)
        .outerjoin(PassportEntry, db.and_(PassportEntry.holder_id == User.id, named))
        .where(User.id == db.bindparam("holder_id", type_=db.Integer))
        .options(
            joinedload(PassportEntry.competency).joinedload(Competency.activity),
            joinedload(PassportEntry.validated_by_org),
        )
    )


def verify_token(token, today=None):
    """What an authentic document token names, as it stands today; a ClosedLink if the link has expired or
    the holder withdrew it; None if tampered with or unknown.

    One query: the holder's row (name, département, link generation), outer-joined to the entries the token
    names that still exist; the level labels are reference data (app.passports.reference).
    """
    content = read_link(token)
    if content is None:
        return None
    holder_id, issued_on, ids = content.holder_id, content.issued_on, content.entry_ids
    rows = db.session.execute(_verification_statement(), {"holder_id": holder_id, "ids": ids}).unique().all()
    if not rows:
        return None
    holder_name, department = rows[0].full_name, rows[0].department
    if (rows[0].generation or 0) != content.generation:
        return ClosedLink("withdrawn", content.expires_on)
    today = today or to_local(utcnow(), department).date()
    if content.expires_on < today:
        return ClosedLink("expired", content.expires_on)
    entries = [row.PassportEntry for row in rows if row.PassportEntry is not None]
    labels = reference.level_labels()

    def verified(entry):
        state = entry_state(entry, today)
        return VerifiedEntry(document_entry(entry, labels, today, department), state, STATE_LABELS[state])

    return Verification(
        holder_name=holder_name,
        issued_on=issued_on,
        groups=group_by_activity(entries, verified),
        missing=len(ids) - len(entries),
    )

