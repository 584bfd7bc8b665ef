"""Fiches réflexes: written by an expert from an answered request, found by agents before asking
(same stemmed search as similar reports), counted when opened and when they avoided a request."""
from datetime import timedelta

from app.accounts.models import Role
from app.audit.services import audit
from app.backoffice.enums import Operator, Status
from app.backoffice.knowledge_models import Fiche, FicheUse
from app.backoffice.requests import RequestError
from app.common.sql import is_id
from app.common.timezones import utcnow
from app.extensions import db
from app.reports.redaction import redact
from app.reports.search import normalise, score, stems

MIN_SCORE = 0.1


def find(fiche_id):
    """The fiche with this id, or None (every agent, expert and admin may read every fiche)."""
    return db.session.get(Fiche, fiche_id) if is_id(fiche_id) else None


def latest(limit=20):
    return db.session.scalars(db.select(Fiche).order_by(Fiche.created_at.desc(), Fiche.id.desc()).limit(limit)).all()


def search(text, operator=None, procedure_id=None, limit=5):
    """Fiches for an operator (and procedure) ranked by the words typed; the latest when no words."""
    query = db.select(Fiche)
    if operator:
        query = query.where(Fiche.operator == operator)
    candidates = db.session.scalars(query.order_by(Fiche.id.desc()).limit(500)).all()
    words = stems(text or "")
    if not words:
        return [f for f in candidates if not procedure_id or f.procedure_id == procedure_id][:limit]
    scored = []
    for fiche in candidates:
        value = score(words, fiche.search_text)
        if procedure_id and fiche.procedure_id == procedure_id:
            value += 0.5  # the same procedure is the strongest hint
        if value >= MIN_SCORE:
            scored.append((value, fiche))
    scored.sort(key=lambda pair: (-pair[0], -pair[1].id))
    return [f for _v, f in scored[:limit]]


def _csv(value, limit):
    return ",".join(dict.fromkeys(v.strip() for v in (value or "").split(",") if v.strip()))[:limit]


def create_from_request(actor, request, values):
    """An expert turns an answered request into a fiche (texts masked again: no personal data)."""
    if actor.role != Role.EXPERT:
        raise RequestError("Seul un expert peut rédiger une fiche réflexe.")
    if request.first_answer_at is None and request.status != Status.CLOSED:
        raise RequestError("Une fiche se rédige à partir d'une demande qui a reçu une réponse.")
    title = redact(values.get("title") or "").text.strip()[:150]
    body = redact(values.get("body") or "").text.strip()
    if not title or not body:
        raise RequestError("Indiquez le titre et le contenu de la fiche.", "body")
    fiche = Fiche(title=title, body=body, operator=request.operator, procedure_id=request.procedure_id,
                  competencies=_csv(values.get("competencies"), 200), modules=_csv(values.get("modules"), 300),
                  review_on=values.get("review_on") or (utcnow() + timedelta(days=365)).date(),
                  source_request_id=request.id, author_id=actor.id, search_text=normalise(title, body))
    db.session.add(fiche)
    db.session.flush()
    audit(actor, "support.fiche_create", fiche, {"request": request.reference})
    db.session.commit()
    return fiche


def record_use(actor, fiche, kind):
    """Count an agent's use: "viewed", or "avoided" (« cette fiche m'a permis de répondre »)."""
    if kind not in ("viewed", "avoided"):
        raise ValueError(kind)
    if actor.role != Role.AGENT:
        return
    db.session.add(FicheUse(fiche_id=fiche.id, user_id=actor.id, kind=kind))
    db.session.commit()


def counts(fiche):
    rows = db.session.execute(db.select(FicheUse.kind, db.func.count()).where(FicheUse.fiche_id == fiche.id)
                              .group_by(FicheUse.kind)).all()
    return dict(rows)


def operator_label(value):
    return Operator(value).label if value in Operator.values() else value
