"""What the passport holds about a person: export and erasure (files on disk included)."""
from app.extensions import db
from app.passports.evidence import remove as remove_file
from app.passports.models import (
    ContributionOffer,
    EvidenceFile,
    EvidenceLog,
    PassportEntry,
    PassportShare,
    VaeCandidacy,
    VaeStatement,
    VerificationLinks,
)
from app.training.observation_models import Observation


def export_passport(user):
    entries = db.session.scalars(
        db.select(PassportEntry).where(PassportEntry.holder_id == user.id).order_by(PassportEntry.id)
    ).all()
    shares = db.session.scalars(db.select(PassportShare).where(PassportShare.holder_id == user.id)).all()
    candidacies = db.session.scalars(db.select(VaeCandidacy).where(VaeCandidacy.holder_id == user.id)).all()
    links = db.session.get(VerificationLinks, user.id)
    offers = db.session.scalars(
        db.select(ContributionOffer).where(ContributionOffer.holder_id == user.id).order_by(ContributionOffer.id)
    ).all()
    return {
        "contribution_offers": [
            {"competency": o.competency_code, "level": o.level, "kind": o.kind, "reference": o.reference,
             "label": o.label, "occurred_at": o.occurred_at, "added": o.entry_id is not None} for o in offers
        ],
        "entries": [
            {"competency": e.competency.code, "level": e.level, "source": e.source, "status": e.status,
             "provenance": e.provenance, "description": e.description, "valid_until": e.valid_until,
             "validated_by_organisation": e.validated_by_org.name if e.validated_by_org else None,
             "log": [{"action": line.action, "note": line.note, "at": line.created_at} for line in e.log],
             "files": [{"filename": f.filename, "size": f.size} for f in e.files]}
            for e in entries
        ],
        "shares": [{"organisation": s.organisation.code, "since": s.created_at, "withdrawn_at": s.withdrawn_at}
                   for s in shares],
        "vae": [{"certification": c.certification.code, "status": c.status,
                 "statements": [{"competency": s.competency.code, "text": s.text} for s in c.statements]}
                for c in candidacies],
        "verification_links": [{"generation": links.generation, "withdrawn_at": links.withdrawn_at}] if links else [],
    }


def erase_passport(user):
    """Erasure of the whole account is the one case where the evidence log goes too."""
    entry_ids = db.select(PassportEntry.id).where(PassportEntry.holder_id == user.id)
    for stored in db.session.scalars(db.select(EvidenceFile).where(EvidenceFile.entry_id.in_(entry_ids))):
        remove_file(stored.storage_key)
    db.session.execute(db.delete(EvidenceFile).where(EvidenceFile.entry_id.in_(entry_ids)))
    db.session.execute(db.delete(EvidenceLog).where(EvidenceLog.entry_id.in_(entry_ids)))
    db.session.execute(db.delete(ContributionOffer).where(ContributionOffer.holder_id == user.id))
    db.session.execute(db.delete(PassportEntry).where(PassportEntry.holder_id == user.id))
    # The grids filled about the person were the evidence of those entries: they go with them.
    db.session.execute(db.delete(Observation).where(Observation.agent_id == user.id))
    candidacy_ids = db.select(VaeCandidacy.id).where(VaeCandidacy.holder_id == user.id)
    db.session.execute(db.delete(VaeStatement).where(VaeStatement.candidacy_id.in_(candidacy_ids)))
    db.session.execute(db.delete(VaeCandidacy).where(VaeCandidacy.holder_id == user.id))
    db.session.execute(db.delete(PassportShare).where(PassportShare.holder_id == user.id))
    db.session.execute(db.delete(VerificationLinks).where(VerificationLinks.holder_id == user.id))
