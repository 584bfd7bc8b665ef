"""Gap analysis against a job profile (acceptance 6), and the personal path it creates."""
import html
from datetime import date, timedelta

from app.accounts.services import create_api_token
from app.audit.models import AuditLog
from app.passports import mobility
from app.training.models import Enrolment, TrainingPath
from tests.factories import UserFactory
from tests.passports.factories import entry, fixture_referential, training_entry


def text(response):
    return html.unescape(response.get_data(as_text=True))


def _agent_with_history(agent):
    """Validated A1.1 at level 1; everything else must not count."""
    entry(agent, "A1.1", 1)  # validated by HR: counts
    entry(agent, "A2.1", 4, status="submitted")  # declared only
    entry(agent, "A2.1", 4, status="revoked")
    entry(agent, "A1.2", 3, status="rejected")
    training_entry(agent, "A1.2", 2, valid_until=date.today() - timedelta(days=1))  # expired
    return agent


def _lines(analysis):
    return [(line.competency_code, line.required_level, line.validated_level, line.gap,
             [m.slug for m in line.modules]) for line in analysis.lines]


def test_gap_analysis_lists_the_right_gaps_and_modules(db):
    fixture_referential()
    agent = _agent_with_history(UserFactory(role="agent"))
    charge = mobility.find_profile("charge-accueil")
    # A1.1: level 1 of 3 required; accueil-base only brings it to 2, so no module closes it.
    # A2.1: nothing validated (the level-4 lines are declared or revoked); caf-essentiel brings it to 2.
    assert _lines(mobility.gap_analysis(agent, charge)) == [
        ("A1.1", 3, 1, 2, []),
        ("A2.1", 2, 0, 2, ["caf-essentiel"]),
    ]
    conseiller = mobility.find_profile("CONSEILLER-FS")
    assert _lines(mobility.gap_analysis(agent, conseiller)) == [
        ("A1.2", 3, 0, 3, []),  # the training entry expired
        ("A2.1", 3, 0, 3, []),  # caf-essentiel (level 2) does not reach 3
    ]
    summaries = {profile.code: (gaps, to_observe)
                 for profile, gaps, to_observe in mobility.profile_summaries(agent)}
    # Level 3 and above is shown at work: A1.1 (3) for the first profile, A1.2 and A2.1 (3) for the second.
    assert summaries == {"CHARGE-ACCUEIL": (2, 1), "CONSEILLER-FS": (2, 2)}


def test_a_reached_level_is_no_gap(db):
    fixture_referential()
    agent = UserFactory(role="agent")
    entry(agent, "A1.1", 3)
    training_entry(agent, "A2.1", 2)
    analysis = mobility.gap_analysis(agent, mobility.find_profile("CHARGE-ACCUEIL"))
    assert [line.gap for line in analysis.lines] == [0, 0] and analysis.modules == []


def test_one_action_turns_the_gaps_into_a_personal_path_and_enrols_the_agent(client, login, db):
    fixture_referential()
    agent = _agent_with_history(login("agent"))
    page = text(client.get("/passeport/mobilite/CHARGE-ACCUEIL"))
    assert "L'essentiel de la CAF" in page and "Créer mon parcours personnel" in page
    assert "Aucun module du catalogue n'y mène encore" in page

    response = client.post("/passeport/mobilite/CHARGE-ACCUEIL/parcours")
    assert response.status_code == 302
    path = db.session.scalar(db.select(TrainingPath).where(TrainingPath.owner_id == agent.id))
    assert response.headers["Location"].endswith(f"/formation/parcours/{path.code}")
    assert [step.module.slug for step in path.steps] == ["caf-essentiel"]
    assert db.session.scalar(db.select(Enrolment.user_id).where(Enrolment.path_id == path.id)) == agent.id
    assert "L'essentiel de la CAF" in text(client.get(response.headers["Location"]))

    # Again: the same path, refreshed, one enrolment.
    assert client.post("/passeport/mobilite/CHARGE-ACCUEIL/parcours").status_code == 302
    assert db.session.scalar(db.select(db.func.count(TrainingPath.id)).where(TrainingPath.owner_id.is_not(None))) == 1
    assert db.session.scalar(db.select(db.func.count(Enrolment.id))) == 1
    assert db.session.scalar(
        db.select(db.func.count(AuditLog.id)).where(AuditLog.action == "passport.gap_path")) == 2

    # The personal path is nobody else's.
    client.post("/deconnexion")
    login("agent")
    assert client.get(f"/formation/parcours/{path.code}").status_code == 404


def test_no_path_when_no_module_closes_the_gaps(client, login, db):
    fixture_referential()
    login("agent")
    page = text(client.post("/passeport/mobilite/CONSEILLER-FS/parcours", follow_redirects=True))
    assert "Aucun module du catalogue ne comble vos écarts" in page
    assert db.session.scalar(db.select(db.func.count(TrainingPath.id)).where(TrainingPath.owner_id.is_not(None))) == 0


def test_mobility_api(client, db):
    fixture_referential()
    agent = _agent_with_history(UserFactory(role="agent"))
    _row, raw = create_api_token(agent, agent)
    headers = {"Authorization": f"Bearer {raw}"}
    body = client.get("/api/v1/me/mobility?profile=CHARGE-ACCUEIL", headers=headers).get_json()
    assert body["profile"] == {"code": "CHARGE-ACCUEIL", "title": "Chargé(e) d'accueil", "rome_codes": ["M1601"]}
    assert [(i["competency"], i["required_level"], i["validated_level"], i["gap"]) for i in body["items"]] == [
        ("A1.1", 3, 1, 2), ("A2.1", 2, 0, 2)]
    assert body["items"][1]["modules"] == [{"slug": "caf-essentiel", "title": "L'essentiel de la CAF", "level": 2}]
    assert [m["slug"] for m in body["modules"]] == ["caf-essentiel"]
    missing = client.get("/api/v1/me/mobility", headers=headers)
    assert missing.status_code == 400 and "profile" in missing.get_json()["error"]["fields"]
    assert client.get("/api/v1/me/mobility?profile=NOPE", headers=headers).status_code == 404


def test_mobility_pages_list_the_career_track(client, login, db):
    fixture_referential()
    login("agent")
    page = text(client.get("/passeport/mobilite"))
    assert "Chargé(e) d'accueil" in page and "M1601" in page and "2 écarts" in page
    assert client.get("/passeport/mobilite/NOPE").status_code == 404


def test_hr_do_not_see_a_personal_path_unless_the_agent_shares_it(client, login, db):
    """Issue 21 item 7: « Mon parcours vers le métier… » tells which job the agent is aiming at."""
    fixture_referential()
    agent = _agent_with_history(login("agent"))
    assert client.post("/passeport/mobilite/CHARGE-ACCUEIL/parcours").status_code == 302
    path = db.session.scalar(db.select(TrainingPath).where(TrainingPath.owner_id == agent.id))
    assert "votre structure ne le voit pas" in text(client.get(f"/formation/parcours/{path.code}"))
    hr = UserFactory(role="hr", organisation=agent.organisation)

    def hr_sees():
        client.post("/deconnexion")
        login(user=hr)
        pages = [text(client.get("/rh/formation/")), text(client.get(f"/rh/formation/agents/{agent.id}")),
                 client.get("/rh/formation/export.csv").get_data(as_text=True)]
        assert agent.full_name in pages[0]  # the agent is listed all the same
        client.post("/deconnexion")
        login(user=agent)
        return ["Mon parcours vers le métier" in page for page in pages]

    assert hr_sees() == [False, False, False]

    response = client.post(f"/formation/parcours/{path.code}/partage", data={"partager": "oui"})
    assert response.status_code == 302
    assert hr_sees() == [True, True, True]
    assert db.session.scalar(
        db.select(db.func.count(AuditLog.id)).where(AuditLog.action == "training.enrolment_share")) == 1

    client.post(f"/formation/parcours/{path.code}/partage", data={"partager": "non"})
    assert hr_sees() == [False, False, False]

    # Nobody else can share it.
    client.post("/deconnexion")
    login("agent", organisation=agent.organisation)
    assert client.post(f"/formation/parcours/{path.code}/partage", data={"partager": "oui"}).status_code == 404


def test_the_profile_page_says_what_remains_to_be_observed_with_each_grid(client, login, db):
    """CONSEILLER-FS requires A1.2 and A2.1 at level 3: the fixture has a grid for A2.1 only."""
    fixture_referential()
    agent = login("agent")
    analysis = mobility.gap_analysis(agent, mobility.find_profile("CONSEILLER-FS"))
    by_code = {line.competency_code: line for line in analysis.to_observe}
    assert (by_code["A1.2"].has_grid, by_code["A2.1"].has_grid) == (False, True)
    [level_3] = by_code["A2.1"].to_observe
    assert level_3.level == 3 and len(level_3.behaviours) == 5 and "Reformule la demande sans support" in level_3.behaviours
    page = text(client.get("/passeport/mobilite/CONSEILLER-FS"))
    assert "Ce qui reste à faire observer" in page
    assert "Niveau 3 : 5 comportements" in page and "Reformule la demande sans support" in page
    assert page.count("Pas encore de grille d'observation pour cette compétence") == 1  # A1.2 only
    # Level 3 validated at work on A2.1: nothing left to observe there.
    entry(agent, "A2.1", 3)
    page = text(client.get("/passeport/mobilite/CONSEILLER-FS"))
    assert "Reformule la demande sans support" not in page
    assert page.count("Pas encore de grille d'observation pour cette compétence") == 1
