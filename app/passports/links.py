"""The verification links of the holder's passport documents: how long they last, withdrawing, renewing.

Each document's /verify/<token> link carries its expiry date (PASSPORT_LINK_VALIDITY_DAYS after the
document date) and the holder's link generation (models.VerificationLinks): withdrawing or renewing
moves to the next generation, so every link handed out before stops working at once.
"""
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app

from app.audit.services import audit
from app.common.timezones import utcnow
from app.extensions import db
from app.passports.models import VerificationLinks


@dataclass(frozen=True)
class LinkState:
    generation: int
    withdrawn: bool


def validity():
    return timedelta(days=current_app.config["PASSPORT_LINK_VALIDITY_DAYS"])


def link_state(holder):
    """The holder's link generation and whether they keep their links withdrawn (1 query)."""
    row = db.session.get(VerificationLinks, holder.id)
    if row is None:
        return LinkState(0, False)
    return LinkState(row.generation, row.withdrawn_at is not None)


def _next_generation(holder):
    row = db.session.get(VerificationLinks, holder.id)
    if row is None:
        row = VerificationLinks(holder_id=holder.id, generation=0)
        db.session.add(row)
    row.generation += 1
    return row


def withdraw_links(actor):
    """The holder withdraws every verification link of their passport; documents carry none until renewed."""
    row = _next_generation(actor)
    row.withdrawn_at = utcnow()
    audit(actor, "passport.links_withdraw", None, {"generation": row.generation})
    db.session.commit()


def renew_links(actor):
    """The holder replaces their verification links: those handed out before stop working."""
    row = _next_generation(actor)
    row.withdrawn_at = None
    audit(actor, "passport.links_renew", None, {"generation": row.generation})
    db.session.commit()
