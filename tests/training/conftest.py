"""Training fixtures: the small fixture curricula, imported."""
import shutil
from pathlib import Path

import pytest

from app.extensions import db as _db
from app.training.curricula.importer import import_curricula
from app.training.models import Module, TrainingPath

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "curricula"


@pytest.fixture
def curricula(db):
    import_curricula(FIXTURE)
    modules = {m.slug: m for m in _db.session.scalars(_db.select(Module))}
    return modules


@pytest.fixture
def fixture_tree(tmp_path):
    target = tmp_path / "curricula"
    shutil.copytree(FIXTURE, target)
    return target


@pytest.fixture
def test_path(curricula):
    return _db.session.scalar(_db.select(TrainingPath).where(TrainingPath.code == "PARCOURS-TEST"))


# Every lesson file starts with its review metadata (issue 14); tests that write a lesson prepend it.
LESSON_FRONT_MATTER = '---\nupdated: 2026-11-30\nreviewed_by: "formateur de test"\n---\n'

RIGHT = {"ab-q01": ["a"], "ab-q02": ["a", "b"]}
WRONG = {"ab-q01": ["b"], "ab-q02": ["a"]}
CAF_RIGHT = {"caf-t-q01": ["a"]}


@pytest.fixture
def world(curricula, db):
    """An organisation with HR, a tutor (granted by HR) and an agent, and the fixture's A2.1 grid."""
    from app.training import observations
    from tests.factories import OrganisationFactory, UserFactory

    org = OrganisationFactory()
    hr = UserFactory(role="hr", organisation=org)
    tutor = UserFactory(role="agent", organisation=org)
    agent = UserFactory(role="agent", organisation=org)
    observations.grant_tutor(hr, tutor)
    return {"org": org, "hr": hr, "tutor": tutor, "agent": agent, "grid": observations.grid_for("A2.1")}
