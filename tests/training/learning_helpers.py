"""Test helpers: the fixture curricula, and modules completed through the learning services."""
from pathlib import Path

from app.extensions import db
from app.training import learning
from app.training.curricula.importer import import_curricula
from app.training.models import Module, TrainingPath

FIXTURE_CURRICULA = Path(__file__).resolve().parents[1] / "fixtures" / "curricula"

# The fixture quizzes, all right or all wrong.
RIGHT = {
    "accueil-base": {"ab-q01": ["a"], "ab-q02": ["a", "b"]},
    "caf-essentiel": {"caf-t-q01": ["a"]},
}
WRONG = {
    "accueil-base": {"ab-q01": ["b"], "ab-q02": ["c"]},
    "caf-essentiel": {"caf-t-q01": ["b"]},
}


def import_fixture_curricula():
    import_curricula(str(FIXTURE_CURRICULA))


def module(slug):
    return db.session.scalar(db.select(Module).where(Module.slug == slug))


def fixture_path():
    return db.session.scalar(db.select(TrainingPath).where(TrainingPath.code == "PARCOURS-TEST"))


def read_all_lessons(user, slug):
    mod = module(slug)
    for lesson in mod.current_version.lessons:
        learning.mark_lesson_done(user, mod, lesson)
    return mod


def fail_quiz(user, slug):
    return learning.submit_attempt(user, module(slug), WRONG[slug])


def complete(user, slug):
    """Read every lesson and pass the quiz: returns the ModuleCompletion."""
    read_all_lessons(user, slug)
    outcome = learning.submit_attempt(user, module(slug), RIGHT[slug])
    assert outcome.completion is not None
    return outcome.completion
