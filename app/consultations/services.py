"""Consultation use cases: each takes the actor, checks, commits once and writes its audit line.

Free texts (answers, citizen's view, outcome) go through the reports' redaction engine before
storage; screenshots through the reports' image checks.
"""
import re
from datetime import date

from app.accounts.models import OrgKind, Role, User
from app.audit.services import audit
from app.common.timezones import utcnow
from app.common.urls import external_url, local_path
from app.consultations import queries, signals, workflow
from app.consultations.enums import (
    WITH_CAPACITY,
    ConsultationKind,
    ConsultationStatus,
    ParticipationStatus,
    QuestionKind,
    Targeting,
)
from app.consultations.models import (
    Consultation,
    ConsultationAnswer,
    ConsultationImage,
    ConsultationQuestion,
    ConsultationTarget,
    Participation,
    ParticipationAttachment,
)
from app.consultations.workflow import ConsultationError
from app.extensions import db
from app.notifications.services import deliver_inline, notify
from app.reports import images, webhooks
from app.reports.enums import WebhookEvent
from app.reports.models import Application, Procedure, Report
from app.reports.services import clean, key_clause, mask

MAX_QUESTIONS = 12
MAX_CHOICES = 10
DEPARTMENT = re.compile(r"^(?:\d{2}|2A|2B|97\d)$")
PS = ParticipationStatus


def _actor_id(actor):
    # A team token acts for the team, not for a person.
    return actor.id if isinstance(actor, User) else None


# --- consultations (the team) ---------------------------------------------------------------------


def _check_questions(questions):
    cleaned = []
    for raw in questions:
        text = clean(raw.get("text") or "").strip()
        if not text:
            continue
        kind = raw.get("kind")
        if kind not in QuestionKind.values():
            raise ConsultationError(f"Type de question inconnu pour « {text[:60]} ».", "questions")
        choices = [clean(c).strip()[:200] for c in raw.get("choices") or [] if clean(c).strip()]
        if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            if len(choices) < 2:
                raise ConsultationError(f"La question « {text[:60]} » doit proposer au moins deux choix.", "questions")
            if len(choices) > MAX_CHOICES:
                raise ConsultationError(f"La question « {text[:60]} » propose plus de {MAX_CHOICES} choix.",
                                        "questions")
        else:
            choices = []
        cleaned.append({"kind": kind, "text": text[:300], "choices": choices})
    if not cleaned:
        raise ConsultationError("Posez au moins une question.", "questions")
    if len(cleaned) > MAX_QUESTIONS:
        raise ConsultationError(f"Posez au plus {MAX_QUESTIONS} questions.", "questions")
    return cleaned


def _check_values(team, values):
    """The consultation's fields, checked and cleaned (French message naming the field)."""
    application = db.session.get(Application, values.get("application_id") or 0)
    if application is None or application.team_id != team.id:
        raise ConsultationError("Choisissez un service de votre équipe.", "application_id")
    procedure = None
    if values.get("procedure_id"):
        procedure = db.session.get(Procedure, values["procedure_id"])
        if procedure is None or procedure.application_id != application.id:
            raise ConsultationError("Cette démarche n'appartient pas au service choisi.", "procedure_id")
    kind = values.get("kind")
    if kind not in ConsultationKind.values():
        raise ConsultationError("Choisissez le type de consultation.", "kind")
    title = clean(values.get("title")).strip()
    if len(title) < 5:
        raise ConsultationError("Donnez un titre d'au moins 5 caractères.", "title")
    purpose, _ = mask(clean(values.get("purpose")).strip()[:5000])
    if len(purpose) < 10:
        raise ConsultationError("Expliquez ce qui est demandé et pourquoi (10 caractères au moins).", "purpose")
    url = clean(values.get("prototype_url")).strip()
    if url and not url.startswith("https://"):
        raise ConsultationError("Le lien vers la maquette doit commencer par https://.", "prototype_url")
    starts_on, ends_on = values.get("starts_on"), values.get("ends_on")
    if starts_on and ends_on and ends_on < starts_on:
        raise ConsultationError("La date de fin précède la date de début.", "ends_on")
    capacity = values.get("capacity")
    if kind in WITH_CAPACITY:
        if capacity is not None and not 1 <= capacity <= 10000:
            raise ConsultationError("Le nombre de places doit être compris entre 1 et 10 000.", "capacity")
    else:
        capacity = None
    place = clean(values.get("place")).strip()[:300]
    if kind == ConsultationKind.WORKSHOP and not (place and values.get("event_at")):
        raise ConsultationError("Un atelier a une date et un lieu (ou « visio »).", "place")
    targeting = values.get("targeting") or Targeting.ALL.value
    if targeting not in Targeting.values():
        raise ConsultationError("Choisissez à qui s'adresse la consultation.", "targeting")
    org_kinds = sorted({k for k in values.get("org_kinds") or [] if k in OrgKind.values()})
    departments = sorted({d.strip().upper() for d in values.get("departments") or [] if d.strip()})
    if any(not DEPARTMENT.match(d) for d in departments):
        raise ConsultationError("Un département s'écrit avec son numéro : 59, 2A, 974…", "departments")
    if targeting == Targeting.ORG_KINDS and not org_kinds:
        raise ConsultationError("Choisissez au moins un type de structure.", "org_kinds")
    if targeting == Targeting.DEPARTMENTS and not departments:
        raise ConsultationError("Indiquez au moins un département.", "departments")
    return {
        "application_id": application.id, "procedure_id": procedure.id if procedure else None, "kind": kind,
        "title": title[:200], "purpose": purpose, "prototype_url": url[:500], "place": place,
        "event_at": values.get("event_at") if kind == ConsultationKind.WORKSHOP else None,
        "starts_on": starts_on, "ends_on": ends_on, "capacity": capacity, "targeting": targeting,
    }, {Targeting.ORG_KINDS.value: org_kinds if targeting == Targeting.ORG_KINDS else [],
        Targeting.DEPARTMENTS.value: departments if targeting == Targeting.DEPARTMENTS else []}


def _apply(consultation, fields, targets, questions):
    for name, value in fields.items():
        setattr(consultation, name, value)
    consultation.targets = [ConsultationTarget(kind=kind, value=value)
                            for kind, items in targets.items() for value in items]
    consultation.questions = [ConsultationQuestion(position=i, kind=q["kind"], text=q["text"], choices=q["choices"])
                              for i, q in enumerate(questions)]


def _add_images(consultation, screenshots):
    """Screenshots of the prototype (already checked and re-encoded by images.process_uploads)."""
    if len(consultation.images) + len(screenshots) > images.MAX_FILES:
        raise ConsultationError(f"Joignez au plus {images.MAX_FILES} captures de la maquette.", "screenshots")
    for shot in screenshots:
        consultation.images.append(ConsultationImage(
            stored_name=images.store_attachment(shot), download_name=f"maquette-{len(consultation.images) + 1}."
            f"{shot.suffix}", content_type=shot.content_type, size=len(shot.data), width=shot.width,
            height=shot.height))


def create_consultation(actor, team, values, questions, publish=False, screenshots=()):
    """A new consultation of the actor's team, as a draft (or open at once with `publish`)."""
    fields, targets = _check_values(team, values)
    questions = _check_questions(questions)
    consultation = Consultation(team_id=team.id, created_by_id=_actor_id(actor), status=ConsultationStatus.DRAFT.value)
    _apply(consultation, fields, targets, questions)
    _add_images(consultation, screenshots)
    db.session.add(consultation)
    if publish:
        workflow.move(consultation, ConsultationStatus.OPEN)
    db.session.flush()
    audit(actor, "consultation.create", consultation, {"status": consultation.status,
                                                        "questions": len(questions)})
    db.session.commit()
    return consultation


def update_consultation(actor, consultation, values, questions, screenshots=()):
    """Change a draft (an open consultation keeps its questions: answers refer to them)."""
    if not consultation.is_draft:
        raise ConsultationError("Seul un brouillon peut être modifié.", "status")
    fields, targets = _check_values(consultation.team, values)
    questions = _check_questions(questions)
    _apply(consultation, fields, targets, questions)
    _add_images(consultation, screenshots)
    consultation.updated_at = utcnow()
    audit(actor, "consultation.update", consultation, {"questions": len(questions)})
    db.session.commit()
    return consultation


def open_consultation(actor, consultation):
    """Publish a draft: the targeted agents see it."""
    workflow.move(consultation, ConsultationStatus.OPEN)
    audit(actor, "consultation.open", consultation)
    db.session.commit()
    return consultation


def consultation_payload(consultation):
    """The consultation as webhook receivers see it (no agent identity)."""
    return {
        "id": consultation.id, "title": consultation.title, "kind": consultation.kind,
        "status": consultation.status, "application": consultation.application.code,
        "url": external_url("consultations.team_detail", consultation_id=consultation.id),
        "answers": queries.answered_count(consultation),
        "outcome": consultation.outcome or None,
        "release_on": consultation.release_on.isoformat() if consultation.release_on else None,
        "fixed_reports": [r.reference for r in consultation.fixed_reports],
    }


def _fixed_reports(consultation, references):
    reports = []
    for reference in references:
        reference = clean(reference).strip()
        if not reference:
            continue
        report = db.session.scalar(db.select(Report).join(Application).where(
            key_clause(reference), Application.team_id == consultation.team_id))
        if report is None:
            raise ConsultationError(f"Remontée introuvable parmi celles de votre équipe : {reference[:30]}.",
                                    "fixed_reports")
        reports.append(report)
    return reports


def close_consultation(actor, consultation, outcome, release_on=None, fixed_reports=()):
    """Close with « ce que nous avons changé grâce à vous », sent to every participant."""
    text, counts = mask(clean(outcome).strip()[:10000])
    if len(text) < 10:
        raise ConsultationError("Écrivez ce que vous avez changé grâce aux agents (10 caractères au moins).",
                                "outcome")
    if release_on is not None and not isinstance(release_on, date):
        raise ConsultationError("Date de mise en production invalide.", "release_on")
    reports = _fixed_reports(consultation, fixed_reports)
    workflow.move(consultation, ConsultationStatus.CLOSED)
    consultation.outcome, consultation.release_on = text, release_on
    consultation.fixed_reports = reports
    participants = db.session.scalars(
        db.select(Participation).where(Participation.consultation_id == consultation.id,
                                       Participation.status != PS.WITHDRAWN.value).order_by(Participation.id)
    ).all()
    link = local_path("consultations.agent_detail", consultation_id=consultation.id)
    for participation in participants:
        notify(participation.user, "consultation_closed",
               f"La consultation « {consultation.title} » est close : découvrez ce que l'équipe a changé grâce "
               "à vous.", link)
    webhooks.queue_team_event(consultation.team_id, WebhookEvent.CONSULTATION_CLOSED.value,
                              lambda: {"consultation": consultation_payload(consultation)})
    audit(actor, "consultation.close", consultation, {"participants": len(participants),
                                                       "fixed_reports": len(reports), "masked": sum(counts.values())})
    db.session.commit()
    deliver_inline()
    for participation in participants:
        if participation.status == PS.ANSWERED:
            signals.participation_completed.send(None, user=participation.user, consultation=consultation,
                                                 participation=participation)
    return consultation


# --- participations (the agents) ---------------------------------------------------------------------


def _require_open(consultation):
    if not consultation.is_open:
        raise ConsultationError("Cette consultation n'est pas ouverte.", "status")


def _require_agent(actor):
    if actor is None or actor.role != Role.AGENT or actor.id is None:
        raise ConsultationError("Seuls les agents participent aux consultations.", "status")


def _new_participation(actor, consultation, status):
    organisation = actor.organisation
    participation = Participation(
        consultation_id=consultation.id, user_id=actor.id, status=status,
        organisation_kind=organisation.kind if organisation else None,
        department=organisation.department if organisation else None,
    )
    db.session.add(participation)
    return participation


def volunteer(actor, consultation):
    """Take a place, or a place on the waiting list when the consultation is full."""
    _require_agent(actor)
    _require_open(consultation)
    participation = queries.participation_of(actor, consultation)
    if participation is not None and participation.is_active:
        return participation
    full = consultation.has_capacity and queries.places_taken(consultation) >= consultation.capacity
    status = PS.WAITING.value if full else PS.VOLUNTEERED.value
    if participation is None:
        participation = _new_participation(actor, consultation, status)
    else:
        participation.status, participation.withdrawn_at = status, None
        participation.created_at = utcnow()  # back at the end of the waiting list
    db.session.flush()
    audit(actor, "consultation.volunteer", consultation, {"status": status})
    db.session.commit()
    return participation


def _read_answer(question, raw):
    """An answer to one question from its raw value; None when left empty."""
    if question.kind == QuestionKind.SCALE:
        if raw in (None, "", []):
            return None
        try:
            score = int(raw[0] if isinstance(raw, list) else raw)
        except (TypeError, ValueError):
            score = 0
        if not 1 <= score <= 5:
            raise ConsultationError(f"« {question.text} » : choisissez une note de 1 à 5.", f"q{question.id}")
        return ConsultationAnswer(question_id=question.id, score=score, choices=[], text="")
    if question.kind == QuestionKind.TEXT:
        text = raw[0] if isinstance(raw, list) and raw else raw
        masked, counts = mask(clean(text if isinstance(text, str) else "").strip()[:5000])
        return ConsultationAnswer(question_id=question.id, text=masked, choices=[]) if masked else None
    values = raw if isinstance(raw, list) else ([] if raw in (None, "") else [raw])
    try:
        chosen = sorted({int(v) for v in values})
    except (TypeError, ValueError):
        chosen = [-1]
    if any(not 0 <= c < len(question.choices) for c in chosen):
        raise ConsultationError(f"« {question.text} » : choix inconnu.", f"q{question.id}")
    if question.kind == QuestionKind.SINGLE and len(chosen) > 1:
        raise ConsultationError(f"« {question.text} » : un seul choix possible.", f"q{question.id}")
    return ConsultationAnswer(question_id=question.id, choices=chosen, text="") if chosen else None


def submit_answers(actor, consultation, raw_answers, signed=False, citizen_view="", citizen_consent=False,
                   screenshots=()):
    """Answer (or answer again) the questions; free texts masked, screenshots re-encoded."""
    _require_agent(actor)
    _require_open(consultation)
    participation = queries.participation_of(actor, consultation)
    if consultation.has_capacity and (participation is None or participation.status not in
                                      (PS.VOLUNTEERED, PS.ANSWERED)):
        raise ConsultationError("Inscrivez-vous d'abord : les places sont limitées.", "status")
    answers = [a for q in consultation.questions if (a := _read_answer(q, raw_answers.get(q.id))) is not None]
    if not answers:
        raise ConsultationError("Répondez à au moins une question.", "answers")
    view, counts = mask(clean(citizen_view).strip()[:3000])
    if view and not citizen_consent:
        raise ConsultationError("Cochez la case qui confirme l'accord de l'usager, ou retirez son avis.",
                                "citizen_consent")
    if participation is None:
        participation = _new_participation(actor, consultation, PS.ANSWERED.value)
    if participation.answers:
        participation.answers = []
        db.session.flush()  # the old answers go before the new ones take their (participation, question) keys
    participation.answers = answers
    participation.status, participation.answered_at = PS.ANSWERED.value, utcnow()
    participation.signed, participation.citizen_view = bool(signed), view
    participation.redaction_counts = counts
    for shot in screenshots:
        participation.attachments.append(ParticipationAttachment(
            stored_name=images.store_attachment(shot), download_name=f"capture-{len(participation.attachments) + 1}."
            f"{shot.suffix}", content_type=shot.content_type, size=len(shot.data), width=shot.width,
            height=shot.height))
    db.session.flush()
    webhooks.queue_team_event(consultation.team_id, WebhookEvent.CONSULTATION_ANSWERED.value, lambda: {
        "consultation": consultation_payload(consultation),
        "participant": {"organisation_kind": participation.organisation_kind,
                        "department": participation.department},
    })
    audit(actor, "consultation.answer", consultation, {"answers": len(answers), "masked": sum(counts.values()),
                                                        "screenshots": len(screenshots)})
    db.session.commit()
    return participation


def withdraw(actor, consultation):
    """Leave the consultation: answers and screenshots are erased; the first on the waiting list moves up."""
    participation = queries.participation_of(actor, consultation)
    if participation is None or not participation.is_active:
        raise ConsultationError("Vous ne participez pas à cette consultation.", "status")
    if consultation.is_closed:
        raise ConsultationError("Cette consultation est close.", "status")
    held_a_place = participation.status in (PS.VOLUNTEERED, PS.ANSWERED)
    stored = [a.stored_name for a in participation.attachments]
    participation.answers, participation.attachments = [], []
    participation.status, participation.withdrawn_at = PS.WITHDRAWN.value, utcnow()
    participation.citizen_view, participation.signed = "", False
    promoted = None
    if held_a_place and consultation.has_capacity:
        promoted = db.session.scalar(
            db.select(Participation).where(Participation.consultation_id == consultation.id,
                                           Participation.status == PS.WAITING.value)
            .order_by(Participation.created_at, Participation.id).limit(1))
        if promoted is not None:
            promoted.status = PS.VOLUNTEERED.value
            notify(promoted.user, "consultation_place",
                   f"Une place s'est libérée : vous participez à « {consultation.title} ».",
                   local_path("consultations.agent_detail", consultation_id=consultation.id))
    audit(actor, "consultation.withdraw", consultation, {"promoted": promoted is not None})
    db.session.commit()
    for name in stored:
        images.remove_attachment(name)
    return participation

