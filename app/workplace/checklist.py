"""Workstation and site checklist (« poste et lieu d'accueil »), its history and the action plan."""
from datetime import timedelta

from sqlalchemy.orm import selectinload

from app.accounts.models import Role, User, normalise_email
from app.audit.services import audit
from app.common.models import utcnow
from app.extensions import db
from app.notifications.services import notify, queue_email
from app.reports.redaction import redact
from app.workplace.enums import CHECKLIST, CHECKLIST_ITEMS, CheckValue
from app.workplace.models import ChecklistAction, ChecklistAnswer, ChecklistAssessment, fits_id

# Weight of each answer in a theme's score; « sans objet » is left out of the count.
WEIGHTS = {CheckValue.COMPLIANT: 1.0, CheckValue.IMPROVE: 0.5, CheckValue.NON_COMPLIANT: 0.0}
REMIND_DAYS_BEFORE = 7


class ChecklistError(Exception):
    """A use case refused, with a French message."""


def theme_scores(values):
    """{theme: 0-100 or None}: conforme counts 1, à améliorer 0.5, non conforme 0; sans objet left out."""
    scores = {}
    for theme, (_label, items) in CHECKLIST.items():
        weights = [WEIGHTS[CheckValue(values[code])] for code, _l in items
                   if values.get(code) and values[code] != CheckValue.NOT_APPLICABLE]
        scores[theme] = round(100 * sum(weights) / len(weights)) if weights else None
    return scores


def _require_hr(actor):
    if actor.role != Role.HR or actor.organisation_id is None:
        raise ChecklistError("Réservé aux ressources humaines d'une structure.")


def record_assessment(actor, answers):
    """HR records a full pass over the checklist; answers = {item_code: (value, comment)}."""
    _require_hr(actor)
    missing = [code for code in CHECKLIST_ITEMS if answers.get(code, ("", ""))[0] not in CheckValue.values()]
    if missing:
        raise ChecklistError(f"Répondez à chaque point : {len(missing)} point(s) sans réponse.")
    assessment = ChecklistAssessment(organisation_id=actor.organisation_id, assessed_by_id=actor.id,
                                     assessed_at=utcnow(),
                                     scores=theme_scores({c: v for c, (v, _x) in answers.items()}))
    db.session.add(assessment)
    db.session.flush()
    for code in CHECKLIST_ITEMS:
        value, comment = answers[code]
        db.session.add(ChecklistAnswer(assessment_id=assessment.id, item_code=code, value=value,
                                       comment=redact((comment or "")[:1000]).text))
    audit(actor, "workplace.checklist_recorded", assessment)
    db.session.commit()
    return assessment


def history(organisation_id, limit=12):
    """The organisation's assessments, newest first (answers loaded)."""
    return db.session.scalars(
        db.select(ChecklistAssessment).options(selectinload(ChecklistAssessment.answers))
        .where(ChecklistAssessment.organisation_id == organisation_id)
        .order_by(ChecklistAssessment.assessed_at.desc(), ChecklistAssessment.id.desc()).limit(limit)
    ).all()


def actions(organisation_id):
    return db.session.scalars(
        db.select(ChecklistAction).options(selectinload(ChecklistAction.owner))
        .where(ChecklistAction.organisation_id == organisation_id)
        .order_by(ChecklistAction.done_at.is_not(None), ChecklistAction.due_on, ChecklistAction.id)
    ).all()


def add_action(actor, title, item_code, owner_email, due_on):
    """HR adds an action to the plan; the owner is a person of the organisation."""
    _require_hr(actor)
    owner = db.session.scalar(db.select(User).where(User.email == normalise_email(owner_email),
                                                    User.organisation_id == actor.organisation_id))
    if owner is None:
        raise ChecklistError("Responsable introuvable : indiquez l'adresse d'une personne de votre structure.")
    if item_code and item_code not in CHECKLIST_ITEMS:
        raise ChecklistError("Point de la liste inconnu.")
    action = ChecklistAction(organisation_id=actor.organisation_id, item_code=item_code or None,
                             title=redact(title).text, owner_id=owner.id, due_on=due_on)
    db.session.add(action)
    db.session.flush()
    audit(actor, "workplace.action_added", action)
    notify(owner, "workplace_action", f"Action du plan « poste et lieu d'accueil » à votre nom : {action.title}",
           "/conditions-de-travail/poste")
    db.session.commit()
    return action


def get_action(actor, action_id):
    """The action if it belongs to the HR actor's organisation, else None."""
    if actor.role != Role.HR or not fits_id(action_id):
        return None
    return db.session.scalar(db.select(ChecklistAction).where(ChecklistAction.id == action_id,
                                                              ChecklistAction.organisation_id == actor.organisation_id))


def mark_done(actor, action):
    _require_hr(actor)
    if action.organisation_id != actor.organisation_id:
        raise ChecklistError("Action introuvable.")
    if action.done_at is None:
        action.done_at = utcnow()
        audit(actor, "workplace.action_done", action)
        db.session.commit()
    return action


def send_action_reminders(today):
    """Remind owners of actions due within 7 days, then once more when overdue. Returns the count sent."""
    sent = 0
    rows = db.session.scalars(
        db.select(ChecklistAction).options(selectinload(ChecklistAction.owner))
        .where(ChecklistAction.done_at.is_(None), ChecklistAction.due_on <= today + timedelta(days=REMIND_DAYS_BEFORE))
    ).all()
    for action in rows:
        step = "overdue" if action.due_on < today else "due_soon"
        if step in (action.reminded or "").split(",") or action.owner is None:
            continue
        when = "est en retard" if step == "overdue" else f"arrive à échéance le {action.due_on:%d/%m/%Y}"
        message = f"Action « {action.title} » du plan poste et lieu d'accueil : {when}."
        notify(action.owner, "workplace_action", message, "/conditions-de-travail/poste")
        queue_email(action.owner.email, "Passerelle : action du plan poste et lieu d'accueil", message)
        action.reminded = ",".join(filter(None, [action.reminded, step]))
        sent += 1
    db.session.commit()
    return sent


def site_figures(scope):
    """(organisations assessed, {theme: mean score of their latest assessments, or None}, open actions) in a
    scope: one query, averaged and counted by the database, the same for one site and for the whole network."""
    return site_figures_from_row(db.session.execute(site_figures_statement(scope.condition)).one())


def site_figures_statement(condition):
    """The SELECT of site_figures, one row: `condition(organisation id column)` selects the scope."""
    latest = (db.select(db.func.max(ChecklistAssessment.id).label("last_id"))
              .where(condition(ChecklistAssessment.organisation_id)).group_by(ChecklistAssessment.organisation_id)
              .subquery())
    means = [db.func.avg(ChecklistAssessment.scores[theme].as_float(), type_=db.Float).label(f"mean_{theme}")
             for theme in CHECKLIST]
    open_actions = (db.select(db.func.count()).select_from(ChecklistAction)
                    .where(condition(ChecklistAction.organisation_id), ChecklistAction.done_at.is_(None))
                    .scalar_subquery())
    return (db.select(db.func.count().label("assessed"), open_actions.label("open_actions"), *means)
            .select_from(ChecklistAssessment).join(latest, ChecklistAssessment.id == latest.c.last_id))


def site_figures_from_row(row):
    """site_figures' answer from the row of site_figures_statement."""
    assessed, open_count, *values = row
    return int(assessed), {theme: None if value is None else float(value)
                           for theme, value in zip(CHECKLIST, values, strict=True)}, int(open_count)


def latest_theme_means(scope):
    """(organisations assessed, {theme: mean score of their latest assessments, or None}) in a scope."""
    assessed, means, _open = site_figures(scope)
    return assessed, means


def open_action_count(scope):
    return site_figures(scope)[2]
