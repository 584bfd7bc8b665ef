"""Social dialogue: staff_rep mandates (granted by an admin) and the « espace de discussion »."""
from app.accounts.models import Organisation, Role, User, normalise_email
from app.audit.services import audit
from app.extensions import db
from app.reports.redaction import redact
from app.workplace.enums import DiscussionKind
from app.workplace.models import DiscussionItem, StaffRepMandate
from app.workplace.periods import parse_quarter


class DialogueError(Exception):
    """A use case refused, with a French message."""


def grant_mandate(actor, email, organisation_code, department):
    """An admin grants the staff_rep capability to an agent, for an organisation or a département."""
    if actor.role != Role.ADMIN:
        raise DialogueError("Réservé à l'administration.")
    user = db.session.scalar(db.select(User).where(User.email == normalise_email(email)))
    if user is None or user.role != Role.AGENT:
        raise DialogueError("Compte introuvable : la capacité se donne à un compte agent.")
    organisation_code, department = (organisation_code or "").strip().upper(), (department or "").strip().upper()
    if bool(organisation_code) == bool(department):
        raise DialogueError("Indiquez soit une structure, soit un département.")
    organisation = None
    if organisation_code:
        organisation = db.session.scalar(db.select(Organisation).where(Organisation.code == organisation_code))
        if organisation is None:
            raise DialogueError("Structure inconnue.")
    mandate = StaffRepMandate(user_id=user.id, organisation_id=organisation.id if organisation else None,
                              department=department or None, granted_by_id=actor.id)
    db.session.add(mandate)
    db.session.flush()
    audit(actor, "workplace.staff_rep_granted", user, {"mandate": mandate.id})
    db.session.commit()
    return mandate


def revoke_mandate(actor, mandate):
    if actor.role != Role.ADMIN:
        raise DialogueError("Réservé à l'administration.")
    audit(actor, "workplace.staff_rep_revoked", mandate.user, {"mandate": mandate.id})
    db.session.delete(mandate)
    db.session.commit()


def all_mandates():
    return db.session.scalars(db.select(StaffRepMandate).order_by(StaffRepMandate.id)).all()


def add_item(actor, organisation, kind, quarter, text):
    """HR records a theme, a question for the meeting or a decision taken afterwards."""
    if actor.role != Role.HR or actor.organisation_id != organisation.id:
        raise DialogueError("Réservé aux ressources humaines de la structure.")
    try:
        parse_quarter(quarter)
    except ValueError as exc:
        raise DialogueError(str(exc)) from None
    if kind not in DiscussionKind.values():
        raise DialogueError("Type inconnu.")
    item = DiscussionItem(organisation_id=organisation.id, quarter=quarter, kind=kind,
                          text=redact(text.strip()).text, author_id=actor.id)
    db.session.add(item)
    db.session.flush()
    audit(actor, "workplace.discussion_item_added", item)
    db.session.commit()
    return item


def items(organisation_id, quarter=None):
    query = db.select(DiscussionItem).where(DiscussionItem.organisation_id == organisation_id)
    if quarter:
        query = query.where(DiscussionItem.quarter == quarter)
    return db.session.scalars(query.order_by(DiscussionItem.quarter.desc(), DiscussionItem.kind,
                                             DiscussionItem.id)).all()
