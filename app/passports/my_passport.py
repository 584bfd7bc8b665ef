"""The holder's passport page in one query: their lines, whether they share their passport with their own
organisation, who read it (« qui a consulté mon passeport »), the contributions they may add.

The four lists are named parts of one UNION ALL (app.common.sql.PartsUnion), read as plain rows: one round
trip, no ORM object. Each part reads what the separate queries read (scope.own_entries, reads.reads_of, the
holder's contribution offers not yet added, which contributions.add_contribution_line adds one competency at a
time); the page sorts the lines as the other passport lists do (scope.sorted_entries).
"""
import functools
from dataclasses import dataclass
from datetime import date, datetime

from app.accounts.models import Organisation, Role
from app.common.sql import Part, PartsUnion, first
from app.extensions import db
from app.passports import reads
from app.passports.models import (
    ContributionKind,
    ContributionOffer,
    EntryLabels,
    PassportEntry,
    PassportShare,
)
from app.passports.scope import sorted_entries
from app.referential.models import Activity, Competency

READS_SHOWN = 20


@dataclass(frozen=True, slots=True)
class ActivityRef:
    code: str
    title: str
    position: int


@dataclass(frozen=True, slots=True)
class CompetencyRef:
    code: str
    title: str
    position: int
    activity: ActivityRef


@dataclass(frozen=True, slots=True)
class OrganisationRef:
    name: str


@dataclass(frozen=True, slots=True)
class PassportLine(EntryLabels):
    """One line of the holder's passport with what the entries table shows (the names PassportEntry has)."""

    id: int
    level: int
    source: str
    status: str
    validated_at: datetime | None
    valid_until: date | None
    validated_by_org_id: int | None
    validated_by_org: OrganisationRef | None
    competency: CompetencyRef


@dataclass(frozen=True, slots=True)
class OfferRef:
    kind: str
    reference: str
    label: str

    @property
    def kind_label(self):
        return ContributionKind(self.kind).label


@dataclass(frozen=True, slots=True)
class OfferedCompetency:
    code: str
    title: str


@dataclass(frozen=True, slots=True)
class OfferedLine:
    """A line offered on the page: one competency, at the highest level of its contributions."""

    competency: OfferedCompetency
    level: int
    offers: list


@dataclass(frozen=True)
class MyPassport:
    entries: list  # PassportLine, in the passport's order
    shared: bool  # shared with the holder's own organisation
    reads: list  # reads.reads_of's dicts, newest first
    offered: list  # OfferedLine per competency code


def _line(entry_id, level, source, status, validated_at, valid_until, validated_by_org_id, org_name,
          code, title, position, activity_code, activity_title, activity_position):
    return PassportLine(
        entry_id, level, source, status, validated_at, valid_until, validated_by_org_id,
        OrganisationRef(org_name) if validated_by_org_id is not None and org_name is not None else None,
        CompetencyRef(code, title, position, ActivityRef(activity_code, activity_title, activity_position)),
    )



def _read(at, actor_id, action, role, organisation):
    return {
        "at": at,
        "organisation": organisation or "—",
        "role": Role(role).label if actor_id is not None else "Passerelle",
        "what": reads.READ_ACTIONS[action],
    }


def _offer(code, title, level, kind, reference, label):
    return code, title, level, OfferRef(kind, reference, label)


@functools.cache
def _page_union():
    """The page's four parts, built once; values bound per request (:holder_id, :holder_key, :org_id, :limit)."""
    holder_id = db.bindparam("holder_id", type_=db.Integer)
    entries = (
        db.select(PassportEntry.id, PassportEntry.level, PassportEntry.source, PassportEntry.status,
                  PassportEntry.validated_at, PassportEntry.valid_until, PassportEntry.validated_by_org_id,
                  Organisation.name.label("org_name"), Competency.code, Competency.title, Competency.position,
                  Activity.code.label("activity_code"), Activity.title.label("activity_title"),
                  Activity.position.label("activity_position"))
        .join(Competency, Competency.id == PassportEntry.competency_id)
        .join(Activity, Activity.id == Competency.activity_id)
        .outerjoin(Organisation, Organisation.id == PassportEntry.validated_by_org_id)
        .where(PassportEntry.holder_id == holder_id)
    )
    # No organisation: :org_id is NULL, which no share matches.
    share = (
        db.select(PassportShare.id)
        .where(PassportShare.holder_id == holder_id,
               PassportShare.organisation_id == db.bindparam("org_id", type_=db.Integer),
               PassportShare.withdrawn_at.is_(None))
    )
    read, read_order = reads.reads_select()
    offers = (
        db.select(ContributionOffer.competency_code, Competency.title, ContributionOffer.level,
                  ContributionOffer.kind, ContributionOffer.reference, ContributionOffer.label)
        .join(Competency, Competency.code == ContributionOffer.competency_code)  # unknown codes are left out
        .where(ContributionOffer.holder_id == holder_id, ContributionOffer.entry_id.is_(None))
    )
    return PartsUnion([
        Part("entries", entries, _line),
        Part("share", share, first, order_by=(PassportShare.id,), limit=1),
        Part("reads", read, _read, order_by=read_order, limit=READS_SHOWN),
        Part("offers", offers, _offer, order_by=(ContributionOffer.competency_code, ContributionOffer.occurred_at,
                                                 ContributionOffer.id)),
    ])


def _offered(rows):
    by_code = {}
    for code, title, level, offer in rows:
        by_code.setdefault(code, (title, []))[1].append((level, offer))
    return [
        OfferedLine(OfferedCompetency(code, by_code[code][0]), max(level for level, _ in by_code[code][1]),
                    [offer for _, offer in by_code[code][1]])
        for code in sorted(by_code)
    ]


def my_passport(user):
    """The holder's passport page (MyPassport), in one query."""
    rows = _page_union().read({"holder_id": user.id, "holder_key": str(user.id), "org_id": user.organisation_id,
                               "limit": READS_SHOWN})
    return MyPassport(sorted_entries(rows["entries"]), bool(rows["share"]), rows["reads"], _offered(rows["offers"]))
