"""Observation grids in curricula/grids: validated with `path:line` messages, imported, versioned."""
import shutil
from pathlib import Path

import pytest

from app.training.curricula.importer import import_curricula
from app.training.observation_models import ObservationBehaviour, ObservationGrid
from tests.training.test_curricula_validate import FIXTURE, _edit, _line_of, _validate, _warnings


@pytest.fixture
def tree(tmp_path):
    target = tmp_path / "curricula"
    shutil.copytree(FIXTURE, target)
    return target


def test_unknown_competency_in_a_grid(app, tree):
    grid = tree / "grids" / "A2.1.yaml"
    (tree / "grids" / "A9.9.yaml").write_text(grid.read_text(encoding="utf-8").replace("A2.1", "A9.9"),
                                               encoding="utf-8")
    code, lines = _validate(app, tree)
    path = tree / "grids" / "A9.9.yaml"
    assert code == 1
    assert lines == [f"{path}:1: compétence inconnue : A9.9"]


def test_grid_named_after_another_competency(app, tree):
    grid = tree / "grids" / "A2.1.yaml"
    _edit(grid, "competency: A2.1", "competency: A1.1")
    code, lines = _validate(app, tree)
    assert (code, lines) == (1, [f"{grid}:1: la grille de A1.1 doit s'appeler grids/A1.1.yaml"])


def test_too_few_behaviours(app, tree):
    grid = tree / "grids" / "A2.1.yaml"
    _edit(grid, "    - Indique où patienter\n", "")
    code, lines = _validate(app, tree)
    assert (code, lines) == (1, [f"{grid}:{_line_of(grid, '  1:')}: niveau 1 : 3 comportement(s), il en faut de 4 à 6"])


def test_too_many_behaviours(app, tree):
    grid = tree / "grids" / "A2.1.yaml"
    _edit(grid, "    - Clôt le contact en résumant ce qui a été fait\n",
          "    - Clôt le contact en résumant ce qui a été fait\n    - Note la visite dans le registre\n"
          "    - Propose un rendez-vous si nécessaire\n")
    code, lines = _validate(app, tree)
    assert (code, lines) == (1, [f"{grid}:{_line_of(grid, '  3:')}: niveau 3 : 7 comportement(s), il en faut de 4 à 6"])


def test_duplicate_behaviour(app, tree):
    grid = tree / "grids" / "A2.1.yaml"
    _edit(grid, "    - Rédige une fiche de procédure d'accueil", "    - Reformule la demande sans support !")
    code, lines = _validate(app, tree)
    assert code == 1
    assert lines == [f"{grid}:{_line_of(grid, 'sans support !')}: comportement en double (déjà au niveau 3) : "
                     "Reformule la demande sans support !"]


def test_missing_level(app, tree):
    grid = tree / "grids" / "A2.1.yaml"
    text = grid.read_text(encoding="utf-8")
    grid.write_text(text[:text.index("  4:")], encoding="utf-8")
    code, lines = _validate(app, tree)
    assert (code, lines) == (1, [f"{grid}:{_line_of(grid, 'levels:')}: grille sans comportement pour le(s) niveau(x) 4"])


def test_every_competency_of_the_shipped_referential_has_a_grid(app):
    """All the referential is observable: one grid per competency, and the validator has nothing to warn about."""
    import yaml

    referential = yaml.safe_load(Path("curricula/referential.yaml").read_text(encoding="utf-8"))
    codes = {c["code"] for activity in referential["activities"] for c in activity["competencies"]}
    assert {p.stem for p in Path("curricula/grids").glob("*.yaml")} == codes
    code, warnings = _warnings(app, "curricula")
    assert code == 0 and [w for w in warnings if "grille d'observation" in w] == []


def test_a_competency_without_grid_is_a_warning_at_its_code(app, tree):
    """The fixture's referential has three competencies and one grid (A2.1): the two others are reported,
    at their line in referential.yaml, as warnings that leave the exit code at 0 (`make run` goes on)."""
    referential = tree / "referential.yaml"

    def warning(code):
        return (f"{referential}:{_line_of(referential, f'code: {code}')}: avertissement : compétence {code} sans "
                f"grille d'observation (grids/{code}.yaml) : elle ne peut pas être observée en situation")

    assert _warnings(app, tree) == (0, [warning("A1.1"), warning("A1.2")])
    # A path that plans to observe a competency needs its grid (an error): the fixture's step goes first.
    paths = tree / "paths.yaml"
    paths.write_text(paths.read_text(encoding="utf-8").split("    observations:")[0], encoding="utf-8")
    (tree / "grids" / "A2.1.yaml").unlink()
    assert _warnings(app, tree) == (0, [warning("A1.1"), warning("A1.2"), warning("A2.1")])
    assert _validate(app, tree) == (0, [])


def test_import_loads_grids_and_versions_a_change(app, db, tree):
    import_curricula(tree)
    grid = db.session.scalar(db.select(ObservationGrid))
    assert grid.competency.code == "A2.1" and grid.version == 1
    assert sorted(len(v) for v in grid.by_level().values()) == [4, 4, 4, 5]
    assert import_curricula(tree).has_changes is False  # idempotent
    _edit(tree / "grids" / "A2.1.yaml", "Indique où patienter", "Indique où patienter et combien de temps")
    import_curricula(tree)
    db.session.expire_all()
    grid = db.session.scalar(db.select(ObservationGrid))
    assert grid.version == 2 and "Indique où patienter et combien de temps" in grid.by_level()[1]
    assert db.session.scalar(db.select(db.func.count(ObservationBehaviour.id))) == 17
