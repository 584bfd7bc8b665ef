"""flask curricula validate: corpus checks (bias, duplicates, explanations, durations, paths, lesson metadata)."""
import json

import pytest

from app.training.curricula import corpus
from tests.training.test_curricula_validate import FIXTURE, _edit, _line_of


@pytest.fixture
def tree(fixture_tree):
    """A copy of tests/fixtures/curricula to edit."""
    return fixture_tree


def _run(app, directory, *command):
    result = app.test_cli_runner().invoke(args=["curricula", *(command or ["validate"]), str(directory)])
    return result.exit_code, [line for line in result.output.splitlines()
                              if ":" in line.split(" ")[0] and ": avertissement : " not in line]


def _quiz_module(tree, questions, slug="quiz-corpus"):
    """Add a module whose quiz is `questions` (YAML-ready dicts); its duration matches its content."""
    folder = tree / "modules" / slug
    (folder / "lessons").mkdir(parents=True)
    (folder / "lessons" / "01-lecon.md").write_text(
        '---\nupdated: 2026-11-30\nreviewed_by: "formateur de test"\n---\n## Leçon\n\nUn texte court.\n',
        encoding="utf-8")
    lines = [f"slug: {slug}", "title: Module de corpus", "kind: core",
             "summary: Un module pour éprouver les contrôles du corpus.",
             f"duration_minutes: {len(questions) + 5}", "activities_minutes: 5",
             "competencies:", "  - code: A1.1", "    level: 1",
             "lessons:", "  - slug: lecon", "    title: La leçon", "    file: lessons/01-lecon.md",
             "quiz:", "  pass_mark: 50", "  questions:"]
    for question in questions:
        lines += [f"    - id: {question['id']}", f"      type: {question.get('type', 'single')}",
                  f"      text: {json.dumps(question['text'], ensure_ascii=False)}",
                  "      explanation: Une explication.", "      choices:"]
        for cid, (text, correct) in zip("abcd", question["choices"], strict=False):
            lines += [f"        - id: {cid}", f"          text: {json.dumps(text, ensure_ascii=False)}",
                      "          explanation: Pourquoi ce choix est juste ou faux."]
            if correct:
                lines.append("          correct: true")
    lines += ["sources:", "  - title: Guide de test", "    url: https://example.org/guide",
              "trainer:", "  role_plays:", "    - title: Le jeu de rôle", "      duration_minutes: 5",
              "      competencies: [A1.1]", "      situation: Une personne attend.", "      agent_brief: Accueillez-la.",
              "      visitor_brief: Vous attendez.", "      debrief:", "        - Qu'a fait l'agent ?"]
    path = folder / "module.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


TOPICS = ["la carte grise", "le RSA", "la retraite", "le permis", "les impôts", "la C2S", "le Livret A",
          "l'aide juridictionnelle", "la prime d'activité", "le casier judiciaire", "France Identité",
          "le chèque énergie", "l'Aspa", "la réversion", "le mandat", "le FALC", "la laïcité", "le RGPD",
          "l'accueil téléphonique", "la médiation", "le droit au compte", "l'actualisation"]


def _singles(correct_at, longest_correct=False):
    questions = []
    for i, topic in enumerate(TOPICS):
        choices = [(f"Réponse {n}", False) for n in range(4)]
        # About a quarter of correct answers are the longest, as in a fair corpus (unless the test wants a bias).
        long_one = longest_correct or i % 4 == 0
        choices[correct_at] = ("La réponse juste et bien plus longue que les autres" if long_one else "Juste", True)
        questions.append({"id": f"cq-{i:02d}", "text": f"Que sait-on de {topic} ?", "choices": choices})
    return questions


def test_position_bias_is_reported_at_the_first_question_concerned(app, tree):
    module = _quiz_module(tree, _singles(correct_at=1))
    code, lines = _run(app, tree)
    assert code == 1
    assert lines == [
        f"{module}:{_line_of(module, 'id: cq-00')}: biais de position : la bonne réponse est le choix n° 2 dans 22 "
        "des 24 questions à réponse unique (92 %, au plus 35 %) ; première question concernée : cq-00"]


def test_length_bias_is_reported(app, tree):
    questions = _singles(correct_at=0, longest_correct=True)
    for i, question in enumerate(questions):  # spread positions so that only the length bias remains
        question["choices"] = question["choices"][-(i % 4):] + question["choices"][:-(i % 4)] if i % 4 else question["choices"]
    _quiz_module(tree, questions)
    code, lines = _run(app, tree)
    base = tree / "modules" / "accueil-base" / "module.yaml"  # « Bonjour » and « Suivant »: a tie counts as longest
    assert code == 1
    assert lines == [
        f"{base}:{_line_of(base, 'id: ab-q01')}: biais de longueur : la bonne réponse est le choix le plus long "
        "dans 24 des 24 questions à réponse unique (100 %, au plus 40 %) ; première question concernée : ab-q01"]


def test_reverse_length_bias_is_reported(app, tree):
    questions = _singles(correct_at=0)
    for i, question in enumerate(questions):
        question["choices"] = [("Juste" if correct else f"Une réponse fausse mais plus longue n° {n}", correct)
                               for n, (_text, correct) in enumerate(question["choices"])]
        question["choices"] = question["choices"][-(i % 4):] + question["choices"][:-(i % 4)] if i % 4 else question["choices"]
    _quiz_module(tree, questions)
    code, lines = _run(app, tree)
    base = tree / "modules" / "accueil-base" / "module.yaml"
    assert code == 1
    assert lines == [
        f"{base}:{_line_of(base, 'id: ab-q01')}: biais de longueur inversé : la bonne réponse n'est le choix le plus "
        "long que dans 2 des 24 questions à réponse unique (8 %, au moins 15 %) : l'apprenant peut écarter le plus long"]


def test_multiple_answer_questions_must_vary_between_one_and_three_correct(app, tree):
    all_right = {"id": "cq-all", "type": "multiple", "text": "Quelles pièces faut-il pour un passeport ?",
                 "choices": [("Une photo", True), ("Un justificatif de domicile", True), ("Un timbre", True),
                             ("La pré-demande", True)]}
    module = _quiz_module(tree, [all_right])
    code, lines = _run(app, tree)
    assert code == 1
    assert lines == [
        f"{module}:{_line_of(module, 'id: cq-all')}: la question cq-all à réponses multiples a 4 bonne(s) "
        "réponse(s) sur 4 : il en faut entre 1 et 3, et au moins un choix faux"]


def test_uniform_multiple_answer_counts_are_reported(app, tree):
    questions = [{"id": f"cm-{i:02d}", "type": "multiple", "text": f"Quels sont les points clés sur {topic} ?",
                  "choices": [("Un", True), ("Deux", True), ("Trois", True), ("Quatre", False)]}
                 for i, topic in enumerate(TOPICS)]
    module = _quiz_module(tree, questions)
    code, lines = _run(app, tree)
    assert code == 1
    assert lines == [
        f"{module}:{_line_of(module, 'id: cm-00')}: réponses multiples trop régulières : 22 des 23 questions à "
        "réponses multiples ont exactement 3 bonnes réponses (96 %, au plus 50 %) ; première question concernée : cm-00"]


def test_near_duplicate_question_across_modules(app, tree):
    caf = tree / "modules" / "caf-essentiel" / "module.yaml"
    _edit(caf, "text: La CAF verse-t-elle les allocations familiales ?", "text: Que dit-on d'abord, au guichet ?")
    code, lines = _run(app, tree)
    base = tree / "modules" / "accueil-base" / "module.yaml"
    assert code == 1
    assert lines == [
        f"{caf}:{_line_of(caf, 'id: caf-t-q01')}: la question caf-t-q01 reprend presque mot pour mot la question "
        f"ab-q01 du module accueil-base ({base}:{_line_of(base, 'id: ab-q01')}) : posez une question propre à ce module"]


def test_choice_explanation_missing(app, tree, monkeypatch):
    base = tree / "modules" / "accueil-base" / "module.yaml"
    _edit(base, '          explanation: "Couper la parole empêche d\'entendre la demande."\n', "")
    code, lines = _run(app, tree)
    assert code == 1
    assert lines == [f"{base}:{_line_of(base, 'id: ab-q02')}: la question ab-q02 a 1 choix sans explication "
                     "(champ explanation de chaque choix)"]
    monkeypatch.setattr(corpus, "CHOICE_EXPLANATIONS_REQUIRED", False)  # the switch turns the check off
    assert _run(app, tree)[0] == 0


def test_declared_duration_far_from_the_computed_one(app, tree):
    base = tree / "modules" / "accueil-base" / "module.yaml"
    _edit(base, "duration_minutes: 60", "duration_minutes: 90")
    code, lines = _run(app, tree)
    assert code == 1
    assert lines == [
        f"{base}:{_line_of(base, 'duration_minutes')}: durée déclarée 90 min, durée calculée 60 min (16 mots à "
        "200 mots/min, 2 question(s), 58 min d'activités) : l'écart dépasse 25 %"]


def test_path_missing_a_prerequisite_of_its_own_module(app, tree):
    paths = tree / "paths.yaml"
    _edit(paths, "modules: [accueil-base, caf-essentiel]", "modules: [caf-essentiel]")
    code, lines = _run(app, tree)
    assert code == 1
    assert lines == [f"{paths}:{_line_of(paths, 'modules:')}: le parcours PARCOURS-TEST ne contient pas "
                     "accueil-base, prérequis du module caf-essentiel"]


def test_lesson_without_front_matter_or_reviewer(app, tree):
    lesson = tree / "modules" / "accueil-base" / "lessons" / "01-bonjour.md"
    other = tree / "modules" / "accueil-base" / "lessons" / "02-ecouter.md"
    lesson.write_text(lesson.read_text(encoding="utf-8").split("---\n", 2)[2], encoding="utf-8")
    _edit(other, 'reviewed_by: "formateur de test"\n', "verification: plus tard\n")
    code, lines = _run(app, tree)
    assert code == 1
    assert lines == [
        f"{lesson}:1: bloc de métadonnées manquant en tête de leçon (--- updated, reviewed_by ---)",
        f"{other}:1: métadonnée obligatoire « reviewed_by » (rôle du relecteur) manquante",
        f"{other}:3: « verification » ne peut valoir que pending",
    ]


def test_stale_review_date_is_a_warning_and_exit_code_stays_zero(app, tree):
    lesson = tree / "modules" / "caf-essentiel" / "lessons" / "01-missions.md"
    _edit(lesson, "updated: 2026-11-30", "updated: 2024-01-15")
    result = app.test_cli_runner().invoke(args=["curricula", "validate", str(tree)])
    assert result.exit_code == 0, result.output
    assert f"{lesson}:2: avertissement : leçon relue le 15/01/2024, il y a plus de 12 mois : à relire" in result.output
    assert "Curricula valides : 2 module(s), 1 fiche(s) réflexe(s)." in result.output


def test_stats_prints_the_corpus_figures(app):
    code, _lines = _run(app, FIXTURE, "stats")
    output = app.test_cli_runner().invoke(args=["curricula", "stats", str(FIXTURE)]).output
    assert code == 0
    assert "bonne réponse en position a : 2 (100 %)" in output
    assert "bonne réponse = choix le plus long : 2 (100 %)" in output
    assert "2 bonne(s) réponse(s) : 1 (100 %)" in output
    assert "Choix sans explication propre : 0 sur 7" in output
    assert "accueil-base : 60 / 60 min, 16 mots, 2 q., 58 min" in output
    assert "Leçons en cours de vérification : 0" in output
