"""flask curricula validate: one `path:line: message` per error, exit status 1."""
import shutil
from pathlib import Path

import pytest

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "curricula"


@pytest.fixture
def tree(tmp_path):
    target = tmp_path / "curricula"
    shutil.copytree(FIXTURE, target)
    return target


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path, needle, occurrence=1):
    count = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            count += 1
            if count == occurrence:
                return number
    raise AssertionError(needle)


def _validate(app, directory):
    """The exit code and the error lines (warnings are read with `_warnings`)."""
    result = app.test_cli_runner().invoke(args=["curricula", "validate", str(directory)])
    lines = [line for line in result.output.splitlines()
             if (".yaml:" in line or "dossier" in line) and ": avertissement : " not in line]
    return result.exit_code, lines


def _warnings(app, directory):
    result = app.test_cli_runner().invoke(args=["curricula", "validate", str(directory)])
    return result.exit_code, [line for line in result.output.splitlines() if ": avertissement : " in line]


def test_fixture_is_valid(app):
    code, lines = _validate(app, FIXTURE)
    assert (code, lines) == (0, [])


def test_shipped_curricula_are_valid(app):
    result = app.test_cli_runner().invoke(args=["curricula", "validate", "curricula"])
    assert result.exit_code == 0, result.output


def test_unknown_competency_code(app, tree):
    module = tree / "modules" / "accueil-base" / "module.yaml"
    _edit(module, "  - code: A1.2\n    level: 2", "  - code: A9.9\n    level: 2")
    code, lines = _validate(app, tree)
    assert code == 1
    assert lines == [f"{module}:{_line_of(module, 'A9.9')}: compétence inconnue : A9.9"]


def test_unknown_competency_in_profile(app, tree):
    profiles = tree / "profiles.yaml"
    _edit(profiles, "competency: A2.1\n        level: 2", "competency: A7.7\n        level: 2")
    code, lines = _validate(app, tree)
    assert code == 1
    assert lines == [f"{profiles}:{_line_of(profiles, 'A7.7')}: compétence inconnue : A7.7"]


def test_duplicate_question_id(app, tree):
    module = tree / "modules" / "caf-essentiel" / "module.yaml"
    _edit(module, "id: caf-t-q01", "id: ab-q01")
    code, lines = _validate(app, tree)
    other = tree / "modules" / "accueil-base" / "module.yaml"
    assert code == 1
    assert lines == [
        f"{module}:{_line_of(module, 'id: ab-q01')}: identifiant de question en double : ab-q01 (déjà utilisé dans {other})"
    ]


def test_duplicate_slug(app, tree):
    shutil.copytree(tree / "modules" / "caf-essentiel", tree / "modules" / "caf-copie")
    module = tree / "modules" / "caf-copie" / "module.yaml"
    _edit(module, "id: caf-t-q01", "id: caf-c-q01")
    code, lines = _validate(app, tree)
    assert code == 1
    original = tree / "modules" / "caf-essentiel" / "module.yaml"
    line = _line_of(module, "slug: caf-essentiel")
    assert lines == [
        f"{module}:{line}: le slug « caf-essentiel » doit être le nom du dossier « caf-copie »",
        f"{original}:{line}: slug de module en double : caf-essentiel (déjà utilisé dans {module})",
    ]


def test_question_without_correct_answer(app, tree):
    module = tree / "modules" / "caf-essentiel" / "module.yaml"
    _edit(module, "          text: Oui\n          correct: true", "          text: Oui")
    code, lines = _validate(app, tree)
    assert code == 1
    assert lines == [f"{module}:{_line_of(module, 'id: caf-t-q01')}: la question caf-t-q01 n'a aucune bonne réponse"]


def test_level_outside_1_to_4(app, tree):
    module = tree / "modules" / "caf-essentiel" / "module.yaml"
    _edit(module, "  - code: A2.1\n    level: 2", "  - code: A2.1\n    level: 5")
    code, lines = _validate(app, tree)
    assert code == 1
    assert lines == [f"{module}:{_line_of(module, 'level: 5')}: le niveau doit être compris entre 1 et 4"]


def test_missing_lesson_file(app, tree):
    (tree / "modules" / "accueil-base" / "lessons" / "02-ecouter.md").unlink()
    module = tree / "modules" / "accueil-base" / "module.yaml"
    code, lines = _validate(app, tree)
    assert code == 1
    assert lines == [
        f"{module}:{_line_of(module, 'file: lessons/02-ecouter.md')}: fichier de leçon introuvable : lessons/02-ecouter.md"
    ]


def test_prerequisite_cycle(app, tree):
    module = tree / "modules" / "accueil-base" / "module.yaml"
    _edit(module, "duration_minutes: 60\n", "duration_minutes: 60\nprerequisites: [caf-essentiel]\n")
    code, lines = _validate(app, tree)
    paths = tree / "paths.yaml"
    assert code == 1
    assert lines == [
        f"{module}:{_line_of(module, 'prerequisites:')}: cycle de prérequis : accueil-base → caf-essentiel → accueil-base",
        f"{paths}:{_line_of(paths, 'modules:')}: dans le parcours PARCOURS-TEST, le prérequis caf-essentiel vient "
        "après le module accueil-base",
    ]


def test_path_naming_unknown_module(app, tree):
    paths = tree / "paths.yaml"
    _edit(paths, "modules: [accueil-base, caf-essentiel]", "modules: [accueil-base, inconnu]")
    code, lines = _validate(app, tree)
    assert code == 1
    assert lines == [f"{paths}:{_line_of(paths, 'modules:')}: module inconnu dans le parcours PARCOURS-TEST : inconnu",
                     # the fixture's observation step follows the module taken out of the path
                     f"{paths}:{_line_of(paths, 'after:')}: l'étape d'observation suit « caf-essentiel », qui n'est "
                     "pas un module du parcours PARCOURS-TEST"]


def test_schema_errors_types_required_lengths_enums(app, tree):
    module = tree / "modules" / "accueil-base" / "module.yaml"
    _edit(module, "duration_minutes: 60", "duration_minutes: soixante")
    _edit(module, "kind: core", "kind: basique")
    _edit(module, "title: Accueil de base", "title: A")
    _edit(module, "summary: Les bases de l'accueil au guichet et de l'écoute.\n", "")
    code, lines = _validate(app, tree)
    assert code == 1
    assert lines == [
        f"{module}:1: champ obligatoire « résumé » manquant",
        f"{module}:{_line_of(module, 'title: A')}: « titre » doit contenir au moins 3 caractère(s)",
        f"{module}:{_line_of(module, 'kind: basique')}: « type » doit valoir l'une des valeurs : 'core' or 'specialist'",
        f"{module}:{_line_of(module, 'duration_minutes')}: « durée (minutes) » doit être un nombre entier",
    ]


def test_unknown_field_and_bad_yaml(app, tree):
    module = tree / "modules" / "accueil-base" / "module.yaml"
    _edit(module, "duration_minutes: 60", "duration_minutes: 60\ndurée: 3")
    paths = tree / "paths.yaml"
    paths.write_text("paths:\n  - code: [unclosed\n", encoding="utf-8")
    code, lines = _validate(app, tree)
    assert code == 1
    assert f"{module}:{_line_of(module, 'durée: 3')}: champ inconnu « durée »" in lines
    assert any(line.startswith(f"{paths}:") and "YAML invalide" in line for line in lines)


def test_missing_referential_file(app, tree):
    (tree / "referential.yaml").unlink()
    code, lines = _validate(app, tree)
    assert code == 1
    assert f"{tree / 'referential.yaml'}:1: fichier obligatoire manquant" in lines


# --- observation steps of the paths (issue 14 §3) -----------------------------------------------------

STEP = "      - after: caf-essentiel\n        level: 3\n        competencies: [A2.1]\n"


def _step(tree, after="caf-essentiel", level="3", competencies="A2.1"):
    paths = tree / "paths.yaml"
    _edit(paths, STEP, f"      - after: {after}\n        level: {level}\n        competencies: [{competencies}]\n")
    return paths


def test_observation_step_after_a_module_outside_the_path(app, tree):
    paths = _step(tree, after="inconnu")
    code, lines = _validate(app, tree)
    assert code == 1
    assert lines == [f"{paths}:{_line_of(paths, 'after: inconnu')}: l'étape d'observation suit « inconnu », "
                     "qui n'est pas un module du parcours PARCOURS-TEST"]


def test_observation_step_unknown_competency_and_no_grid(app, tree):
    paths = _step(tree, competencies="A9.9, A1.1")
    code, lines = _validate(app, tree)
    line = _line_of(paths, "competencies: [A9.9")
    assert code == 1
    assert lines == [f"{paths}:{line}: compétence inconnue : A9.9",
                     f"{paths}:{line}: pas de grille d'observation pour A1.1 (fichier grids/A1.1.yaml)"]


def test_observation_step_before_the_module_that_teaches_it(app, tree):
    paths = _step(tree, after="accueil-base")
    code, lines = _validate(app, tree)
    assert code == 1
    assert lines == [f"{paths}:{_line_of(paths, 'competencies: [A2.1]')}: A2.1 n'est enseignée par aucun module du "
                     "parcours PARCOURS-TEST jusqu'à « accueil-base » inclus : placez l'étape après le module qui "
                     "l'enseigne"]


def test_observation_step_level_outside_1_to_4_and_twice_the_same_competency(app, tree):
    paths = _step(tree, level="5")
    code, lines = _validate(app, tree)
    assert (code, lines) == (1, [f"{paths}:{_line_of(paths, 'level: 5')}: le niveau doit être compris entre 1 et 4"])
    paths.write_text(paths.read_text(encoding="utf-8").replace("level: 5", "level: 3")
                     + STEP, encoding="utf-8")
    code, lines = _validate(app, tree)
    assert (code, lines) == (1, [f"{paths}:{_line_of(paths, 'competencies: [A2.1]', 2)}: la compétence A2.1 est "
                                 "observée deux fois dans le parcours PARCOURS-TEST"])


# --- activities_minutes covers the trainer kit's role-plays (an error: the shipped modules all declare it) ---

def test_activities_minutes_below_the_role_plays_is_an_error(app, tree):
    module = tree / "modules" / "caf-essentiel" / "module.yaml"
    _edit(module, "      duration_minutes: 20\n", "      duration_minutes: 50\n")
    code, lines = _validate(app, tree)
    assert code == 1
    assert (f"{module}:{_line_of(module, 'activities_minutes')}: « activities_minutes » vaut 44 "
            "min, moins que la durée des jeux de rôle du kit du formateur (50 min) : déclarez 50 au moins") in lines


def test_activities_minutes_missing_with_role_plays_is_an_error(app, tree):
    module = tree / "modules" / "caf-essentiel" / "module.yaml"
    _edit(module, "activities_minutes: 44\n", "")
    code, lines = _validate(app, tree)
    assert code == 1
    assert (f"{module}:{_line_of(module, 'duration_minutes: 45')}: « activities_minutes » manquant : "
            "les jeux de rôle du kit du formateur durent 20 min ; déclarez activities_minutes: 20 au moins (et "
            "comptez-le dans la durée du module)") in lines
