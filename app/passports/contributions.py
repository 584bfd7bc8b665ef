"""Contributions that count: verified facts the platform holds (a consultation completed, a report qualified by
its team, a fix verified after one's report) offered as passport lines for A7.2, A7.3 and A7.5.

The passport learns them through signals (receivers.py); the holder chooses to add them. Such a line is
« garantie »: the evidence is the platform's own record, listed in the line's evidence log.
"""

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


def add_contribution_line(holder, competency_code):
    """The holder adds their pending contributions for one competency as one guaranteed line."""
    competency = db.session.scalar(db.select(Competency).where(Competency.code == competency_code))
    offers = db.session.scalars(
        db.select(ContributionOffer).where(ContributionOffer.holder_id == holder.id,
                                           ContributionOffer.competency_code == competency_code,
                                           ContributionOffer.entry_id.is_(None))
        .order_by(ContributionOffer.occurred_at, ContributionOffer.id)).all() if competency else []
    if not offers:
        raise ContributionError("Aucune contribution à ajouter pour cette compétence.")
    now = utcnow()
    evidence = "; ".join(f"{o.reference} — {o.label}" for o in offers)
    entry = PassportEntry(
        holder_id=holder.id, competency_id=competency.id, level=max(o.level for o in offers),
        source=EntrySource.CONTRIBUTION.value, status=EntryStatus.VALIDATED.value, validated_at=now,
        description="Contributions vérifiées par Passerelle : " + evidence,
    )
    db.session.add(entry)
    db.session.flush()
    for offer in offers:
        offer.entry_id = entry.id
        db.session.add(EvidenceLog(entry_id=entry.id, actor_id=holder.id, action="contribution_added",
                                   note=f"{offer.kind_label} : {offer.reference} — {offer.label}"))
    audit(holder, "passport.contribution_line", entry, {"competency": competency_code, "contributions": len(offers)})
    db.session.commit()
    return entry
