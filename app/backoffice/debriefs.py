"""« Débriefer avec des plus experts »: the agent asks, the expert proposes a slot, the agent accepts,
then the expert writes a note and may propose a passport observation and recommend a module."""
from datetime import UTC

from app.accounts.models import Role
from app.audit.services import audit
from app.backoffice import notify
from app.backoffice.enums import DebriefStatus
from app.backoffice.knowledge_models import Debrief
from app.backoffice.requests import RequestError, event
from app.backoffice.signals import observation_proposed
from app.common.home import HomeContribution
from app.common.sql import Part
from app.common.timezones import utcnow
from app.extensions import db
from app.referential.models import Competency

D = DebriefStatus


def find(request, debrief_id):
    return db.session.scalar(db.select(Debrief).where(Debrief.request_id == request.id, Debrief.id == debrief_id))


def ask(actor, request):
    """The asking agent asks for a debrief on the request."""
    if not request.is_owner(actor):
        raise RequestError("Seul l'agent qui suit la demande peut demander un débrief.")
    if db.session.scalar(db.select(Debrief.id).where(Debrief.request_id == request.id,
                                                     Debrief.status != D.DONE.value).limit(1)):
        raise RequestError("Un débrief est déjà en cours pour cette demande.")
    debrief = Debrief(request_id=request.id, status=D.ASKED.value)
    db.session.add(debrief)
    event(request, actor, "debrief_ask", "Débrief demandé par l'agent")
    audit(actor, "support.debrief_ask", request)
    target = request.assignee
    if target is not None:
        notify.tell(target, request, f"L'agent demande un débrief sur la demande {request.reference}.")
    else:
        notify.tell_group(request.group, request, f"L'agent demande un débrief sur la demande {request.reference}.")
    db.session.commit()
    return debrief


def propose(actor, request, debrief, slot_at, place):
    """An expert proposes a slot (date, time, visio link or place)."""
    if actor.role != Role.EXPERT:
        raise RequestError("Seul un expert propose un créneau.")
    if debrief.status not in (D.ASKED, D.PROPOSED):
        raise RequestError("Ce débrief n'attend pas de créneau.")
    if not (place or "").strip():
        raise RequestError("Indiquez le lien de visio ou le lieu.", "place")
    if slot_at.tzinfo is None:
        slot_at = slot_at.replace(tzinfo=actor.timezone).astimezone(UTC)
    debrief.slot_at, debrief.place, debrief.expert_id = slot_at, place.strip()[:300], actor.id
    debrief.status = D.PROPOSED.value
    event(request, actor, "debrief_slot", "Créneau de débrief proposé")
    audit(actor, "support.debrief_propose", request)
    notify.tell(request.author, request, f"Un expert propose un créneau de débrief ({request.reference}).")
    db.session.commit()


def accept(actor, request, debrief):
    if not request.is_owner(actor):
        raise RequestError("Seul l'agent qui suit la demande accepte le créneau.")
    if debrief.status != D.PROPOSED:
        raise RequestError("Aucun créneau à accepter.")
    debrief.status = D.ACCEPTED.value
    event(request, actor, "debrief_accept", "Créneau de débrief accepté")
    audit(actor, "support.debrief_accept", request)
    if debrief.expert is not None:
        notify.tell(debrief.expert, request, f"L'agent a accepté le créneau de débrief ({request.reference}).")
    db.session.commit()


def complete(actor, request, debrief, note, competency_code=None, level=None, module_slug=None):
    """The expert writes the debrief note; an observation goes to the agent's passport (for HR validation)."""
    if actor.role != Role.EXPERT:
        raise RequestError("Seul un expert rédige le compte rendu.")
    if debrief.status != D.ACCEPTED:
        raise RequestError("Le compte rendu suit un créneau accepté.")
    if not (note or "").strip():
        raise RequestError("Écrivez le compte rendu.", "note")
    code = (competency_code or "").strip().upper() or None
    if code is not None:
        if db.session.scalar(db.select(Competency.id).where(Competency.code == code).limit(1)) is None:
            raise RequestError(f"Compétence inconnue du référentiel : {code}.", "competency_code")
        if not level or not 1 <= int(level) <= 4:
            raise RequestError("Indiquez le niveau observé (1 à 4).", "level")
    debrief.note, debrief.competency_code, debrief.level = note.strip()[:5000], code, int(level) if code else None
    debrief.module_slug = (module_slug or "").strip()[:120] or None
    debrief.status, debrief.done_at, debrief.expert_id = D.DONE.value, utcnow(), actor.id
    event(request, actor, "debrief_done", "Compte rendu de débrief rédigé")
    audit(actor, "support.debrief_done", request, {"observation": code, "module": debrief.module_slug})
    notify.tell(request.author, request, f"Le compte rendu de votre débrief est disponible ({request.reference}).")
    db.session.commit()
    if code is not None:
        observation_proposed.send(None, agent=request.author, expert=actor, competency_code=code,
                                  level=debrief.level, note=debrief.note, reference=request.reference)


def _recommended_part():
    """Module slugs experts recommended to the agent (:user_id) in debriefs, the latest first."""
    from app.backoffice.models import SupportRequest

    latest = db.func.max(Debrief.done_at)
    statement = (
        db.select(Debrief.module_slug).join(SupportRequest, SupportRequest.id == Debrief.request_id)
        .where(SupportRequest.author_id == db.bindparam("user_id"), Debrief.module_slug.is_not(None))
        .group_by(Debrief.module_slug)
    )
    return Part("recommended_modules", statement, _slug, order_by=(latest.desc(), Debrief.module_slug))


def _slug(module_slug):
    return module_slug


def home_contribution():
    """The agent's home: `recommended_modules`, the slugs of the modules experts recommended after a debrief."""
    return HomeContribution("recommended_modules", (_recommended_part(),),
                            lambda rows, user, since: rows["recommended_modules"])
