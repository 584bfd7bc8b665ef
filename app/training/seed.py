"""Demo training data: agent.fs follows the initial path with some progress (idempotent)."""
from datetime import date, timedelta

from app.accounts.models import find_user_by_email
from app.extensions import db
from app.notifications.services import notify
from app.training import learning
from app.training.models import Enrolment, TrainingPath

DEMO_PATH = "PARCOURS-INITIAL-FS"


def seed_training_demo():
    path = db.session.scalar(db.select(TrainingPath).where(TrainingPath.code == DEMO_PATH))
    agent = find_user_by_email("agent.fs@passerelle.example")
    hr = find_user_by_email("rh.fs@passerelle.example")
    if path is None or agent is None or not path.steps:
        return False  # curricula not imported yet
    enrolment = db.session.scalar(
        db.select(Enrolment).where(Enrolment.user_id == agent.id, Enrolment.path_id == path.id)
    )
    if enrolment is None:
        enrolment = Enrolment(user_id=agent.id, path_id=path.id, assigned_by_id=hr.id if hr else None,
                              due_on=date.today() + timedelta(days=45))
        db.session.add(enrolment)
        notify(agent, "training.assigned", f"Un parcours vous a été affecté : {path.title}.",
               f"/formation/parcours/{path.code}")
        db.session.commit()
    first, second = path.steps[0].module, path.steps[1].module if len(path.steps) > 1 else None
    for lesson in first.current_version.lessons:
        learning.mark_lesson_done(agent, first, lesson)
    questions = learning.quiz_of(first.current_version)
    right = {q.qid: [c.cid for c in q.choices if c.is_correct] for q in questions}
    learning.submit_attempt(agent, first, right, submission_key="demo-seed-pass")
    if second is not None and second.current_version.lessons:
        learning.mark_lesson_done(agent, second, second.current_version.lessons[0])
    return True


DEMO_TUTOR = "tuteur.fs@passerelle.example"
# rh.fs observed agent.fs at the desk with the A3.1 grid: every behaviour of levels 1 and 2, four of the
# five of level 3 (level 3 reached, validated by FS-DEMO), none of level 4.
DEMO_OBSERVATION = ("A3.1", {1: "all", 2: "all", 3: 4})


def seed_observation_demo():
    """tuteur.fs holds the tutor capability (granted by rh.fs); one completed observation of agent.fs."""
    from app.training import observations
    from app.training.observation_models import Observation, TutorCapability

    tutor, agent = find_user_by_email(DEMO_TUTOR), find_user_by_email("agent.fs@passerelle.example")
    hr = find_user_by_email("rh.fs@passerelle.example")
    if tutor is None or agent is None or hr is None:
        return False
    if db.session.scalar(db.select(TutorCapability.id).where(TutorCapability.user_id == tutor.id)) is None:
        observations.grant_tutor(hr, tutor)
    code, wanted = DEMO_OBSERVATION
    grid = observations.grid_for(code)
    if grid is None:
        return False  # curricula not imported yet
    done = db.session.scalar(db.select(Observation.id).where(
        Observation.agent_id == agent.id, Observation.competency_id == grid.competency_id).limit(1))
    if done is None:
        ticked = set()
        for level, texts in grid.by_level().items():
            count = len(texts) if wanted.get(level) == "all" else wanted.get(level, 0)
            ticked |= {(level, position) for position in range(count)}
        observations.record_observation(hr, agent, grid, "desk", date.today() - timedelta(days=3), ticked)
    return True
