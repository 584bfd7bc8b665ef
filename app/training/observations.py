"""Level 3 by observation: the tutor capability, grids, the proposed level, and recording an observation.

A quiz shows knowledge; a level of mastery is shown at work. A tutor (an agent HR gave the capability) or
HR fills the competency's grid for an agent of their organisation; Passerelle proposes the level reached
and the observer confirms. The passport listens to `observation_recorded` (training never imports it).
"""
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import selectinload

from app.accounts.models import Role, User
from app.audit.services import audit
from app.extensions import db
from app.referential.models import Competency, ScaleLevel
from app.training.observation_models import (
    Observation,
    ObservationContext,
    ObservationGrid,
    ObserverRole,
    TutorCapability,
)
from app.training.signals import observation_recorded

RULE = ("Un niveau est atteint quand tous ses comportements sauf un au plus sont observés (3 sur 4, "
        "4 sur 5, 5 sur 6) et que chaque niveau inférieur est atteint ; Passerelle propose le plus haut "
        "niveau atteint, l'observateur le confirme.")


class ObservationError(ValueError):
    """Refused input (HTTP 400), with a French message."""


class NotAllowed(ObservationError):
    """The actor may not do this (HTTP 403)."""


# --- the tutor capability --------------------------------------------------------------------------


def tutor_capability(user):
    """The user's capability, if they are an agent still in the organisation that granted it."""
    if user is None or user.role != Role.AGENT or user.organisation_id is None:
        return None
    return db.session.scalar(db.select(TutorCapability).where(
        TutorCapability.user_id == user.id, TutorCapability.organisation_id == user.organisation_id))


def is_tutor(user):
    return tutor_capability(user) is not None


def can_observe(user):
    """HR of an organisation, or a tutor: both observe the agents of their organisation."""
    return (user.role == Role.HR and user.organisation_id is not None) or is_tutor(user)


def tutors(organisation_id):
    return db.session.scalars(
        db.select(TutorCapability).join(User, User.id == TutorCapability.user_id)
        .where(TutorCapability.organisation_id == organisation_id).order_by(User.full_name, User.id)).all()


def grantable_agents(actor):
    """Active agents of the HR user's organisation who are not tutors yet."""
    taken = db.select(TutorCapability.user_id).where(TutorCapability.organisation_id == actor.organisation_id)
    return db.session.scalars(
        db.select(User).where(User.organisation_id == actor.organisation_id, User.role == Role.AGENT,
                              User.active.is_(True), User.id.not_in(taken))
        .order_by(User.full_name, User.id)).all()


def grant_tutor(actor, agent):
    """HR grant the tutor capability to an agent of their organisation (audited)."""
    if actor.role != Role.HR or not actor.can_manage(agent):
        raise NotAllowed("Vous ne donnez la capacité de tuteur qu'aux agents de votre structure.")
    if tutor_capability(agent) is not None:
        raise ObservationError(f"{agent.full_name} est déjà tuteur ou tutrice.")
    db.session.execute(db.delete(TutorCapability).where(TutorCapability.user_id == agent.id))  # a stale one
    capability = TutorCapability(user_id=agent.id, organisation_id=actor.organisation_id, granted_by_id=actor.id)
    db.session.add(capability)
    db.session.flush()
    audit(actor, "training.tutor_granted", agent, {"capability": capability.id})
    db.session.commit()
    return capability


def capability_in_scope(actor, capability_id):
    """A capability of the HR user's organisation, or None (the view answers 404)."""
    if actor.role != Role.HR or actor.organisation_id is None or not 0 < capability_id < 2**31:
        return None
    return db.session.scalar(db.select(TutorCapability).where(
        TutorCapability.id == capability_id, TutorCapability.organisation_id == actor.organisation_id))


def revoke_tutor(actor, capability):
    """HR withdraw the capability; the observations already made stay (audited)."""
    if actor.role != Role.HR or capability.organisation_id != actor.organisation_id:
        raise NotAllowed("Réservé aux ressources humaines de la structure.")
    audit(actor, "training.tutor_revoked", capability.user, {"capability": capability.id})
    db.session.delete(capability)
    db.session.commit()


# --- grids and the proposed level ------------------------------------------------------------------


def grid_for(competency_code):
    return db.session.scalar(db.select(ObservationGrid).join(Competency)
                             .where(Competency.code == (competency_code or "").strip()[:20]))


def grids_by_competency(competency_ids=None):
    """{competency_id: {level: [behaviour text]}}; the passport's gap pages read it (2 queries)."""
    query = db.select(ObservationGrid)
    if competency_ids is not None:
        query = query.where(ObservationGrid.competency_id.in_(list(competency_ids)))
    grids = db.session.scalars(query.options(selectinload(ObservationGrid.behaviours))).all()
    return {grid.competency_id: grid.by_level() for grid in grids}


def competencies_with_grid():
    return db.session.scalars(db.select(Competency).join(ObservationGrid).order_by(Competency.code)).all()


def required_count(total):
    """How many behaviours of a level must be observed for it to count: all but one."""
    return max(1, total - 1)


@dataclass(frozen=True)
class LevelResult:
    level: int
    label: str
    behaviours: tuple  # (position, text, observed)
    required: int
    observed: int
    reached: bool


@dataclass(frozen=True)
class Proposal:
    levels: tuple  # LevelResult
    level: int  # 0 when level 1 itself is not reached

    def snapshot(self):
        return {"rule": RULE, "levels": [
            {"level": r.level, "label": r.label, "required": r.required, "observed": r.observed,
             "reached": r.reached, "behaviours": [{"text": t, "observed": o} for _p, t, o in r.behaviours]}
            for r in self.levels]}


def evaluate(grid, ticked):
    """The proposal for a grid and the ticked behaviours, a set of (level, position)."""
    labels = {s.level: s.label for s in db.session.scalars(db.select(ScaleLevel))}
    results, proposed, chain = [], 0, True
    for level, texts in sorted(grid.by_level().items()):
        behaviours = tuple((pos, text, (level, pos) in ticked) for pos, text in enumerate(texts))
        observed = sum(1 for b in behaviours if b[2])
        reached = observed >= required_count(len(texts))
        results.append(LevelResult(level, labels.get(level, f"Niveau {level}"), behaviours,
                                   required_count(len(texts)), observed, reached))
        chain = chain and reached
        if chain:
            proposed = level
    return Proposal(tuple(results), proposed)


def parse_ticks(values):
    """Checkbox values "level-position" into a set of (level, position); anything else is ignored."""
    ticked = set()
    for value in values:
        level, _sep, position = str(value).partition("-")
        if level.isdigit() and position.isdigit() and len(position) < 3:
            ticked.add((int(level), int(position)))
    return ticked


# --- observing -------------------------------------------------------------------------------------


def observable_agents(observer):
    """Active agents of the observer's organisation, the observer excepted."""
    if not can_observe(observer):
        return []
    return db.session.scalars(
        db.select(User).where(User.organisation_id == observer.organisation_id, User.role == Role.AGENT,
                              User.active.is_(True), User.id != observer.id)
        .order_by(User.full_name, User.id)).all()


def agent_in_scope(observer, agent_id):
    """The agent if `observer` may observe them, else None (the view answers 404)."""
    try:
        agent_id = int(agent_id)
    except (TypeError, ValueError):
        return None
    if not 0 < agent_id < 2**31:
        return None
    agent = db.session.get(User, agent_id)
    if (agent is None or agent.role != Role.AGENT or not agent.active or agent.id == observer.id
            or agent.organisation_id is None or agent.organisation_id != observer.organisation_id):
        return None
    return agent


def record_observation(observer, agent, grid, context, observed_on, ticked, today=None):
    """Record the grid as filled and the proposed level; the passport turns it into an entry."""
    if not can_observe(observer):
        raise NotAllowed("Seuls les tuteurs et les ressources humaines observent.")
    if agent_in_scope(observer, agent.id) is None:
        raise NotAllowed("Vous n'observez que les agents de votre structure.")
    if context not in ObservationContext.values():
        raise ObservationError("Choisissez le contexte de l'observation.")
    today = today or date.today()
    if not isinstance(observed_on, date) or observed_on > today or (today - observed_on).days > 366:
        raise ObservationError("La date de l'observation doit être passée ou aujourd'hui, dans l'année écoulée.")
    proposal = evaluate(grid, ticked)
    if proposal.level == 0:
        raise ObservationError("Aucun niveau n'est atteint : le niveau 1 demande lui-même tous ses "
                               "comportements sauf un. Rien n'est ajouté au passeport.")
    role = ObserverRole.HR if observer.role == Role.HR else ObserverRole.TUTOR
    observation = Observation(
        organisation_id=observer.organisation_id, agent_id=agent.id, observer_id=observer.id,
        observer_role=role.value, competency_id=grid.competency_id, grid_version=grid.version,
        context=context, observed_on=observed_on, snapshot=proposal.snapshot(), level=proposal.level,
    )
    db.session.add(observation)
    db.session.flush()
    audit(observer, "training.observation_recorded", observation,
          {"agent": agent.id, "level": proposal.level, "role": role.value})
    db.session.commit()
    observation_recorded.send(None, observation=observation)
    return observation


def observations_query(viewer):
    """The observations `viewer` may read: HR their organisation's, a tutor their own."""
    query = db.select(Observation).order_by(Observation.created_at.desc(), Observation.id.desc())
    if viewer.role == Role.HR and viewer.organisation_id is not None:
        return query.where(Observation.organisation_id == viewer.organisation_id)
    return query.where(Observation.observer_id == viewer.id)


def observation_in_scope(viewer, observation_id):
    if not 0 < observation_id < 2**31:
        return None
    return db.session.scalar(observations_query(viewer).where(Observation.id == observation_id))


def recent_observations(viewer, limit=50):
    return db.session.scalars(observations_query(viewer).limit(limit)).all()


def tutor_column(user_entity):
    """SQL for « this user is a tutor » (same rule as tutor_capability), read by the user loader."""
    return db.and_(user_entity.role == Role.AGENT, db.select(TutorCapability.id).where(
        TutorCapability.user_id == user_entity.id,
        TutorCapability.organisation_id == user_entity.organisation_id).exists())
