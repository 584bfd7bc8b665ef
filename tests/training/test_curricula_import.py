"""flask curricula import: all or nothing, idempotent, versioning that keeps progress."""
import shutil
from pathlib import Path

import pytest

from app.extensions import db as _db
from app.training.curricula.importer import CurriculaInvalid, import_curricula
from app.training.models import Lesson, LessonProgress, Module, ModuleVersion
from tests.training.conftest import LESSON_FRONT_MATTER

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "curricula"


def row_counts(db):
    with db.engine.connect() as conn:
        return {
            t.name: conn.execute(_db.select(_db.func.count()).select_from(t)).scalar()
            for t in db.metadata.sorted_tables
        }


@pytest.fixture
def tree(tmp_path):
    target = tmp_path / "curricula"
    shutil.copytree(FIXTURE, target)
    return target


def test_import_twice_leaves_identical_rows(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["curricula", "import", str(FIXTURE)])
    assert first.exit_code == 0, first.output
    counts = row_counts(db)
    assert counts["competencies"] == 3 and counts["modules"] == 2 and counts["questions"] == 3
    second = runner.invoke(args=["curricula", "import", str(FIXTURE)])
    assert second.exit_code == 0 and "rien n'a changé" in second.output
    assert row_counts(db) == counts


def test_shipped_curricula_import_twice(app, db):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["curricula", "import", "curricula"]).exit_code == 0
    counts = row_counts(db)
    assert runner.invoke(args=["curricula", "import", "curricula"]).exit_code == 0
    assert row_counts(db) == counts


def test_broken_tree_imports_nothing(app, db, tree):
    module = tree / "modules" / "caf-essentiel" / "module.yaml"
    module.write_text(module.read_text().replace("level: 2", "level: 9"), encoding="utf-8")
    before = row_counts(db)
    result = app.test_cli_runner().invoke(args=["curricula", "import", str(tree)])
    assert result.exit_code == 1
    assert "le niveau doit être compris entre 1 et 4" in result.output
    assert "rien n'a été importé" in result.output
    assert row_counts(db) == before


def test_broken_tree_after_a_good_import_changes_nothing(app, db, tree):
    import_curricula(FIXTURE)
    before = row_counts(db)
    (tree / "modules" / "accueil-base" / "lessons" / "01-bonjour.md").write_text("## Changé\n\nNouveau texte.\n")
    (tree / "paths.yaml").write_text("paths:\n  - code: X\n", encoding="utf-8")
    with pytest.raises(CurriculaInvalid):
        import_curricula(tree)
    assert row_counts(db) == before
    module = db.session.scalar(db.select(Module).where(Module.slug == "accueil-base"))
    assert module.current_version.number == 1


def test_changed_lesson_bumps_version_and_keeps_progress(app, db, make_user, tree):
    import_curricula(tree)
    agent = make_user()
    module = db.session.scalar(db.select(Module).where(Module.slug == "accueil-base"))
    old_version = module.current_version
    first_lesson = old_version.lessons[0]
    db.session.add(LessonProgress(user_id=agent.id, lesson_id=first_lesson.id))
    db.session.commit()
    other = db.session.scalar(db.select(Module).where(Module.slug == "caf-essentiel"))
    other_version_id = other.current_version_id

    lesson_file = tree / "modules" / "accueil-base" / "lessons" / "01-bonjour.md"
    lesson_file.write_text(LESSON_FRONT_MATTER + "## Saluer\n\nOn dit **bonjour**, on sourit et on se présente.\n",
                           encoding="utf-8")
    report = import_curricula(tree)
    assert report.new_versions == [("accueil-base", 2)]

    db.session.expire_all()
    module = db.session.scalar(db.select(Module).where(Module.slug == "accueil-base"))
    assert module.current_version.number == 2
    assert "on se présente" in module.current_version.lessons[0].body_markdown
    # The other module did not move; the earlier version and the agent's progress remain.
    assert db.session.get(Module, other.id).current_version_id == other_version_id
    progress = db.session.scalar(db.select(LessonProgress).where(LessonProgress.user_id == agent.id))
    assert progress.lesson_id == first_lesson.id
    assert db.session.get(Lesson, first_lesson.id).version_id == old_version.id
    assert db.session.scalar(db.select(db.func.count(ModuleVersion.id)).where(ModuleVersion.module_id == module.id)) == 2
    # Question ids survive versions.
    assert [q.qid for q in module.current_version.questions] == ["ab-q01", "ab-q02"]


def test_specialist_validity_defaults_to_24_months(app, db):
    import_curricula(FIXTURE)
    caf = db.session.scalar(db.select(Module).where(Module.slug == "caf-essentiel"))
    base = db.session.scalar(db.select(Module).where(Module.slug == "accueil-base"))
    assert caf.current_version.validity_months == 24
    assert base.current_version.validity_months is None
    assert [p.slug for p in caf.prerequisites] == ["accueil-base"]
