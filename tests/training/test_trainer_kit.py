"""The trainer's kit (issue 14 §4): answer keys, timing, grids and role-plays for HR and tutors only."""
import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.training import observations, trainer
from app.training.curricula.importer import import_curricula
from app.training.curricula.validate import load_tree
from tests.factories import OrganisationFactory, UserFactory
from tests.query_counter import count_queries

ROLE_PLAY_TITLE = "La question sur les allocations"  # the fixture caf-essentiel's role-play (A2.1)


@pytest.fixture
def kit_world(fixture_tree, db, app, monkeypatch):
    import_curricula(fixture_tree)
    # The app is shared by the session: restore the folder after the test (the access matrix reads the shipped one).
    monkeypatch.setitem(app.config, "CURRICULA_DIR", str(fixture_tree))
    org = OrganisationFactory()
    hr = UserFactory(role="hr", organisation=org)
    tutor = UserFactory(role="agent", organisation=org)
    observations.grant_tutor(hr, tutor)
    return {"tree": fixture_tree, "hr": hr, "tutor": tutor, "org": org}


def test_the_kit_gathers_objectives_timing_grids_role_plays_and_the_answer_key(kit_world):
    kit = trainer.kit_for("caf-essentiel", kit_world["tree"])
    assert [(o.code, o.level) for o in kit.objectives] == [("A2.1", 2)]
    assert [g.code for g in kit.grids] == ["A2.1"] and kit.grids[0].levels[0][2]  # behaviours of level 1
    assert kit.trainer.role_plays[0].title == ROLE_PLAY_TITLE
    assert [q.qid for q in kit.questions] == ["caf-t-q01"]
    assert [c.cid for c in kit.questions[0].choices if c.is_correct] == ["a"]
    # 10 opening + 1 lesson (5 min of reading at least, + 10 exchanges) + 20 role-play + quiz 5 + 10 closing
    assert [slot.minutes for slot in kit.timing.slots] == [10, 5, 10, 20, 5, 10]
    assert kit.timing.total_minutes == 60 and kit.timing.declared_minutes == 45
    assert trainer.kit_for("inconnu", kit_world["tree"]) is None


def test_the_session_is_never_shorter_than_the_declared_duration(kit_world):
    module_file = kit_world["tree"] / "modules" / "accueil-base" / "module.yaml"  # the kit reads it at each call
    text = module_file.read_text(encoding="utf-8")
    module_file.write_text(text[:text.index("trainer:")], encoding="utf-8")
    kit = trainer.kit_for("accueil-base", kit_world["tree"])  # declares 60 min, no role-play left
    assert sum(slot.minutes for slot in kit.timing.slots) < 60
    assert kit.timing.total_minutes == 60
    assert kit.trainer is None and kit.grids == [] and kit.missing_grids == ["A1.1", "A1.2"]


def test_hr_read_the_answer_keys_and_tutors_too(kit_world, client, login):
    login(user=kit_world["hr"])
    index = client.get("/formation/formateur")
    assert index.status_code == 200 and "/formation/formateur/caf-essentiel" in index.text
    page = client.get("/formation/formateur/caf-essentiel")
    assert page.status_code == 200
    assert "no-store" in page.headers["Cache-Control"]
    text = page.text
    assert "La CAF verse-t-elle les allocations familiales ?" in text
    assert "Bonne réponse : Oui" in text
    assert "Oui, c&#39;est l&#39;une de ses missions principales." in text
    assert "Les allocations familiales sont versées par la CAF." in text  # a wrong choice's explanation
    assert "La question sur les allocations" in text and "Vous attendez une réponse claire." in text
    assert "A2.1" in text and "Kit du formateur" in text
    client.post("/deconnexion")
    login(user=kit_world["tutor"])
    assert client.get("/formation/formateur/caf-essentiel").status_code == 200
    assert client.get("/formation/formateur/inconnu").status_code == 404
    assert client.get("/formation/formateur/inconnu.pdf").status_code == 404


def test_an_agent_without_the_capability_and_other_roles_are_refused(kit_world, client, login):
    login(user=UserFactory(role="agent", organisation=kit_world["org"]))
    for url in ("/formation/formateur", "/formation/formateur/caf-essentiel", "/formation/formateur/caf-essentiel.pdf"):
        assert client.get(url).status_code == 403, url
    client.post("/deconnexion")
    login(role="triager")
    assert client.get("/formation/formateur/caf-essentiel").status_code == 403


def test_the_pdf_holds_a_question_and_its_explanation(kit_world, client, login):
    login(user=kit_world["tutor"])
    response = client.get("/formation/formateur/caf-essentiel.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "no-store" in response.headers["Cache-Control"]
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "La CAF verse-t-elle les allocations familiales ?" in text
    assert "Explication : Oui, c'est l'une de ses missions principales." in text
    assert "Bonne réponse : Oui" in text and "La question sur les allocations" in text


def test_the_links_show_for_hr_and_tutors_only(kit_world, client, login):
    login(user=kit_world["tutor"])
    assert 'href="/formation/formateur"' in client.get("/agent").text
    client.post("/deconnexion")
    login(user=UserFactory(role="agent", organisation=kit_world["org"]))
    assert 'href="/formation/formateur"' not in client.get("/agent").text
    client.post("/deconnexion")
    login(user=kit_world["hr"])
    assert 'href="/formation/formateur"' in client.get("/rh").text


def test_validate_refuses_a_role_play_observing_a_competency_outside_the_module(fixture_tree):
    module_file = fixture_tree / "modules" / "caf-essentiel" / "module.yaml"
    module_file.write_text(module_file.read_text(encoding="utf-8").replace("[A2.1]", "[A1.1]"), encoding="utf-8")
    line = module_file.read_text(encoding="utf-8").splitlines().index("      competencies: [A1.1]") + 1
    problems = [str(p) for p in load_tree(fixture_tree).problems]
    assert any(p.endswith(f"caf-essentiel/module.yaml:{line}: le jeu de rôle « La question sur les allocations » "
                          "observe A1.1, qui n'est pas une compétence du module") for p in problems), problems
    module_file.write_text(module_file.read_text(encoding="utf-8").replace("      debrief:\n", "      debriefs:\n"),
                           encoding="utf-8")
    assert any("modules/caf-essentiel/module.yaml" in str(p) for p in load_tree(fixture_tree).problems)


NO_ROLE_PLAY = ("le kit du formateur d'un module à leçons doit proposer au moins un jeu de rôle "
                "(section trainer, liste role_plays)")


def test_validate_requires_a_role_play_in_every_module_with_lessons(fixture_tree):
    assert load_tree(fixture_tree).problems == []
    module_file = fixture_tree / "modules" / "accueil-base" / "module.yaml"
    text = module_file.read_text(encoding="utf-8")
    module_file.write_text(text[:text.index("trainer:")], encoding="utf-8")  # no trainer section at all
    lessons = module_file.read_text(encoding="utf-8").splitlines().index("lessons:") + 1
    assert [str(p) for p in load_tree(fixture_tree).problems] == [
        f"{fixture_tree}/modules/accueil-base/module.yaml:{lessons}: {NO_ROLE_PLAY}"]
    # A trainer section with activities but no role-play is refused too, at its line.
    module_file.write_text(module_file.read_text(encoding="utf-8")
                           + 'trainer:\n  activities:\n    - "Tour de table."\n  role_plays: []\n', encoding="utf-8")
    role_plays = module_file.read_text(encoding="utf-8").splitlines().index("  role_plays: []") + 1
    assert [str(p) for p in load_tree(fixture_tree).problems] == [
        f"{fixture_tree}/modules/accueil-base/module.yaml:{role_plays}: {NO_ROLE_PLAY}"]


def test_every_shipped_module_with_lessons_has_a_role_play_observed_with_grids_where_they_exist():
    root = Path(__file__).resolve().parents[2] / "curricula"
    tree = load_tree(root)
    assert tree.problems == []
    grids = {path.stem for path in (root / "grids").glob("*.yaml")}
    lesson_modules = [s.model for s in tree.modules if s.model.lessons]
    assert len(lesson_modules) >= 26
    for module in lesson_modules:
        section = trainer.read_trainer_section(root, module.slug)
        assert section is not None and section.role_plays, module.slug
        observed = {code for play in section.role_plays for code in play.competencies}
        if grids & {c.code for c in module.competencies}:  # a module whose competencies have a grid uses one
            assert observed & grids, module.slug


def test_the_shipped_example_role_play_is_valid_and_uses_grids():
    root = Path(__file__).resolve().parents[2] / "curricula"
    section = trainer.read_trainer_section(root, "posture-ecoute")
    assert section is not None and section.role_plays
    assert all((root / "grids" / f"{code}.yaml").is_file() for code in section.role_plays[0].competencies)


def test_the_kit_costs_the_same_few_queries_whatever_the_module(kit_world, app, db):
    costs = {}
    for slug in ("caf-essentiel", "accueil-base"):  # 1 lesson and 1 question vs 2 lessons and 2 questions
        db.session.expire_all()
        with count_queries(app) as counter:
            kit = trainer.kit_for(slug, kit_world["tree"])
            [c.text for q in kit.questions for c in q.choices]
        costs[slug] = counter.count
    # Loaded in batches, not per lesson, question or choice; the grid's behaviours add one query when a grid exists.
    assert costs["accueil-base"] <= 8 and costs["caf-essentiel"] == costs["accueil-base"] + 1, costs


def test_the_trainer_section_is_not_learner_content_so_no_new_version(fixture_tree, db):
    from app.training.models import Module

    import_curricula(fixture_tree)
    before = db.session.scalar(db.select(Module).where(Module.slug == "caf-essentiel")).current_version
    module_file = fixture_tree / "modules" / "caf-essentiel" / "module.yaml"
    text = module_file.read_text(encoding="utf-8")
    module_file.write_text(text.replace(ROLE_PLAY_TITLE, "Une autre question").replace("duration_minutes: 20", "duration_minutes: 25"),
                           encoding="utf-8")
    import_curricula(fixture_tree)
    db.session.expire_all()
    after = db.session.scalar(db.select(Module).where(Module.slug == "caf-essentiel")).current_version
    assert (after.id, after.number, after.content_hash) == (before.id, before.number, before.content_hash)
