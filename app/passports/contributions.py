"""Contributions that count: verified facts the platform holds (a consultation completed, a report qualified by
its team, a fix verified after one's report) offered as passport lines for A7.2, A7.3 and A7.5.

The passport learns them through signals (receivers.py); the holder chooses to add them. Such a line is
« garantie »: the evidence is the platform's own record, listed in the line's evidence log.
"""
from dataclasses import dataclass

from app.audit.services import audit
from app.common.timezones import utcnow
from app.extensions import db
from app.passports.models import (
    ContributionKind,
    ContributionOffer,
    EntrySource,
    EntryStatus,
    EvidenceLog,
    PassportEntry,
)
from app.referential.models import Competency

# What each kind of contribution shows, and at which level (2: a first verified contribution, see A7.x
# descriptors in curricula/referential.yaml).
COMPETENCY_OF = {
    ContributionKind.CONSULTATION: ("A7.5", 2),
    ContributionKind.REPORT_QUALIFIED: ("A7.2", 2),
    ContributionKind.FIX_VERIFIED: ("A7.3", 2),
}


class ContributionError(ValueError):
    """Adding contributions refused (French message)."""


@dataclass(frozen=True)
class OfferedLine:
    """A line offered on the passport page: one competency, the contributions that show it."""

    competency: Competency
    level: int
    offers: list


def record_offer(holder, kind, key, reference, label, occurred_at=None):
    """Remember a verified contribution of this holder (once per key); the caller's receiver commits."""
    kind = ContributionKind(kind)
    source_key = f"{kind.value}:{key}"
    exists = db.session.scalar(db.select(ContributionOffer.id).where(
        ContributionOffer.holder_id == holder.id, ContributionOffer.source_key == source_key))
    if exists is not None:
        return None
    code, level = COMPETENCY_OF[kind]
    offer = ContributionOffer(holder_id=holder.id, competency_code=code, level=level, kind=kind.value,
                              source_key=source_key, reference=reference[:60], label=label[:300],
                              occurred_at=occurred_at or utcnow())
    db.session.add(offer)
    return offer


def offered_lines(holder):
    """Contributions not yet added, one line per competency of the reference (unknown codes are left out)."""
    offers = db.session.scalars(
        db.select(ContributionOffer).where(ContributionOffer.holder_id == holder.id,
                                           ContributionOffer.entry_id.is_(None))
        .order_by(ContributionOffer.competency_code, ContributionOffer.occurred_at, ContributionOffer.id)
    ).all()
    if not offers:
        return []
    codes = sorted({o.competency_code for o in offers})
    competencies = {c.code: c for c in db.session.scalars(db.select(Competency).where(Competency.code.in_(codes)))}
    return [OfferedLine(competencies[code], max(o.level for o in offers if o.competency_code == code),
                        [o for o in offers if o.competency_code == code])
            for code in codes if code in competencies]


def add_contribution_line(holder, competency_code):
    """The holder adds their pending contributions for one competency as one guaranteed line."""
    line = next((line for line in offered_lines(holder) if line.competency.code == competency_code), None)
    if line is None:
        raise ContributionError("Aucune contribution à ajouter pour cette compétence.")
    now = utcnow()
    evidence = "; ".join(f"{o.reference} — {o.label}" for o in line.offers)
    entry = PassportEntry(
        holder_id=holder.id, competency_id=line.competency.id, level=line.level,
        source=EntrySource.CONTRIBUTION.value, status=EntryStatus.VALIDATED.value, validated_at=now,
        description="Contributions vérifiées par Passerelle : " + evidence,
    )
    db.session.add(entry)
    db.session.flush()
    for offer in line.offers:
        offer.entry_id = entry.id
        db.session.add(EvidenceLog(entry_id=entry.id, actor_id=holder.id, action="contribution_added",
                                   note=f"{offer.kind_label} : {offer.reference} — {offer.label}"))
    audit(holder, "passport.contribution_line", entry, {"competency": competency_code, "contributions": len(line.offers)})
    db.session.commit()
    return entry
