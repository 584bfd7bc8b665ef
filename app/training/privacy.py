"""What training holds about a person, for the RGPD export and erasure."""
from app.extensions import db
from app.training.models import (
    Enrolment,
    Lesson,
    LessonProgress,
    Module,
    ModuleCompletion,
    QuizAttempt,
    ReminderLog,
    TrainingPath,
)
from app.training.observation_models import Observation, TutorCapability


def export_training(user):
    enrolments = db.session.execute(
        db.select(TrainingPath.code, TrainingPath.title, Enrolment.due_on, Enrolment.created_at)
        .join(Enrolment, Enrolment.path_id == TrainingPath.id).where(Enrolment.user_id == user.id)
    ).all()
    lessons = db.session.execute(
        db.select(Lesson.slug, LessonProgress.completed_at)
        .join(LessonProgress, LessonProgress.lesson_id == Lesson.id).where(LessonProgress.user_id == user.id)
    ).all()
    attempts = db.session.scalars(db.select(QuizAttempt).where(QuizAttempt.user_id == user.id)).all()
    personal_paths = db.session.scalars(
        db.select(TrainingPath).where(TrainingPath.owner_id == user.id).order_by(TrainingPath.id)).all()
    completions = db.session.execute(
        db.select(Module.slug, ModuleCompletion.score, ModuleCompletion.completed_at)
        .join(Module, Module.id == ModuleCompletion.module_id).where(ModuleCompletion.user_id == user.id)
    ).all()
    received = db.session.scalars(db.select(Observation).where(Observation.agent_id == user.id)
                                  .order_by(Observation.id)).all()
    made = db.session.scalars(db.select(Observation).where(Observation.observer_id == user.id)
                              .order_by(Observation.id)).all()
    capability = db.session.scalars(db.select(TutorCapability).where(TutorCapability.user_id == user.id)).all()
    return {
        "observations_received": [
            {"competency": o.competency.code, "level": o.level, "context": o.context, "on": o.observed_on,
             "observer_role": o.observer_role, "grid": o.snapshot} for o in received],
        # What the person observed as a tutor or HR: the colleague is named by competency and date only.
        "observations_made": [{"competency": o.competency.code, "level": o.level, "on": o.observed_on}
                              for o in made],
        "tutor_capability": [{"organisation": c.organisation_id, "since": c.granted_at} for c in capability],
        "enrolments": [{"path": c, "title": t, "due_on": d, "since": s} for c, t, d, s in enrolments],
        "lessons_read": [{"lesson": slug, "at": at} for slug, at in lessons],
        "quiz_attempts": [
            {"module_version": a.version_id, "answers": a.answers, "score": a.score, "passed": a.passed,
             "at": a.created_at} for a in attempts
        ],
        "completions": [{"module": slug, "score": score, "at": at} for slug, score, at in completions],
        "personal_paths": [{"path": p.code, "title": p.title, "description": p.description} for p in personal_paths],
    }


def erase_training(user):
    # Observations the person made stay with the observed colleague's passport, without their name;
    # the observations about the person are erased with the passport entries they support.
    db.session.execute(db.update(Observation).where(Observation.observer_id == user.id).values(observer_id=None))
    db.session.execute(db.delete(TutorCapability).where(TutorCapability.user_id == user.id))
    enrolment_ids = db.select(Enrolment.id).where(Enrolment.user_id == user.id)
    db.session.execute(db.delete(ReminderLog).where(ReminderLog.enrolment_id.in_(enrolment_ids)))
    for model in (LessonProgress, QuizAttempt, ModuleCompletion, Enrolment):
        db.session.execute(db.delete(model).where(model.user_id == user.id))
    personal = db.session.scalars(db.select(TrainingPath).where(TrainingPath.owner_id == user.id)).all()
    for path in personal:
        for step in list(path.steps):
            db.session.delete(step)
        db.session.flush()
        db.session.execute(db.delete(Enrolment).where(Enrolment.path_id == path.id))
        db.session.delete(path)
