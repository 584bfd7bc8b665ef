"""Observation steps of the paths (issue 14 §3): imported from paths.yaml, shown on the path pages with the
level aimed, the grid and, for the agent, whether an observation at that level is recorded."""
import html as _html
import re
from datetime import date

from app.extensions import db as _db
from app.training import observations
from app.training.curricula.importer import import_curricula
from app.training.models import PathObservation, TrainingPath
from tests.factories import PASSWORD
from tests.query_counter import count_queries

PATH_URL = "/formation/parcours/PARCOURS-TEST"


def _steps(code):
    path = _db.session.scalar(_db.select(TrainingPath).where(TrainingPath.code == code))
    return [(s.after_module.slug, s.competency.code, s.level) for s in path.observation_steps]


def _text(html):
    return re.sub(r"\s+", " ", _html.unescape(re.sub(r"<[^>]+>", " ", html)))



def _observe(observer, agent, grid, levels):
    ticked = {(level, pos) for level in range(1, levels + 1) for pos in range(len(grid.by_level()[level]))}
    return observations.record_observation(observer, agent, grid, "role_play", date.today(), ticked)


def test_import_reads_the_steps_and_replaces_them_when_the_file_changes(curricula, fixture_tree, db):
    assert _steps("PARCOURS-TEST") == [("caf-essentiel", "A2.1", 3)]
    paths = fixture_tree / "paths.yaml"
    paths.write_text(paths.read_text(encoding="utf-8").replace("level: 3", "level: 2"), encoding="utf-8")
    assert import_curricula(fixture_tree).changed == 1
    _db.session.expire_all()
    assert _steps("PARCOURS-TEST") == [("caf-essentiel", "A2.1", 2)]
    assert not import_curricula(fixture_tree).has_changes  # idempotent


def test_shipped_paths_plan_observation_steps(app, db):
    import_curricula("curricula")
    for code in ("PARCOURS-INITIAL-FS", "PARCOURS-ACCUEIL-MAIRIE", "PARCOURS-REFERENT-NUMERIQUE",
                 "PARCOURS-PREVENTION-TENSIONS"):
        steps = _steps(code)
        assert steps and all(level == 3 for _after, _code, level in steps), code
    assert db.session.scalar(db.select(db.func.count(PathObservation.id))) == 14 + 11 + 11 + 4


def test_path_page_shows_the_step_and_whether_the_level_is_recorded(world, client, login):
    login(user=world["agent"])
    page = _text(client.get(PATH_URL).get_data(as_text=True))
    assert "Étape d'observation en situation" in page
    assert "Après le module « L'essentiel de la CAF »" in page
    assert "Niveau visé : 3" in page and "0 compétence sur 1 observée à ce niveau" in page
    html = client.get(PATH_URL).get_data(as_text=True)
    assert 'href="/formation/grilles/A2.1#niveau-3"' in html
    assert "À observer" in page

    _observe(world["tutor"], world["agent"], world["grid"], 2)  # level 2 only: not yet the level aimed
    page = _text(client.get(PATH_URL).get_data(as_text=True))
    assert "Niveau 2 observé le" in page and "niveau 3 pas encore" in page

    _observe(world["hr"], world["agent"], world["grid"], 3)
    page = _text(client.get(PATH_URL).get_data(as_text=True))
    assert "1 compétence sur 1 observée à ce niveau" in page
    assert f"Niveau 3 le {date.today():%d/%m/%Y}, par les ressources humaines" in page


def test_another_agents_observation_does_not_count(world, client, login):
    _observe(world["hr"], world["tutor"], world["grid"], 3)  # the tutor is observed, not the agent
    login(user=world["agent"])
    assert "0 compétence sur 1 observée" in _text(client.get(PATH_URL).get_data(as_text=True))


def test_the_grid_page_reads_the_behaviours(world, client, login):
    login(user=world["agent"])
    response = client.get("/formation/grilles/A2.1")
    assert response.status_code == 200
    page = _text(response.get_data(as_text=True))
    first = world["grid"].by_level()[3][0]
    assert "Grille d'observation : A2.1" in page and first in page
    assert "Observer un agent" not in page  # an agent without the tutor capability
    assert client.get("/formation/grilles/A9.9").status_code == 404


def test_trainer_index_lists_the_steps_for_hr_and_tutors(world, client, login):
    login(user=world["hr"])
    page = _text(client.get("/formation/formateur").get_data(as_text=True))
    assert "Étapes d'observation des parcours" in page and "Parcours de test" in page
    assert "A2.1" in page and "observée à ce niveau" not in page  # no agent status here


def test_path_and_hr_agent_pages_query_counts_do_not_grow_with_steps_or_observations(world, test_path, client,
                                                                                     login, curricula):
    """The steps cost 2 queries on each page (the steps with their competencies, grids and level label; the
    agent's recorded levels), whatever the number of steps and observations."""
    from app.referential.models import Competency
    from app.training import learning

    learning.enrol(world["agent"], test_path)
    agent_client, hr_client = client.application.test_client(), client
    login(user=world["hr"])
    agent_client.post("/connexion", data={"email": world["agent"].email, "password": PASSWORD})

    def count(web, url):
        web.get(url)
        with count_queries(web.application) as counter:
            assert web.get(url).status_code == 200
        return counter.count

    hr_url = f"/rh/formation/agents/{world['agent'].id}"
    before = count(agent_client, PATH_URL), count(hr_client, hr_url)
    competencies = {c.code: c for c in _db.session.scalars(_db.select(Competency))}
    for position, (slug, code) in enumerate([("accueil-base", "A1.1"), ("accueil-base", "A1.2")], start=1):
        _db.session.add(PathObservation(path_id=test_path.id, after_module_id=curricula[slug].id,
                                        competency_id=competencies[code].id, level=3, position=position))
    _db.session.commit()
    for _ in range(3):
        _observe(world["tutor"], world["agent"], world["grid"], 3)
    html = agent_client.get(PATH_URL).get_data(as_text=True)
    assert html.count("Étape d'observation en situation") == 2
    assert (count(agent_client, PATH_URL), count(hr_client, hr_url)) == before


def test_hr_agent_page_shows_the_steps_of_the_agents_paths_with_a_link_to_observe(world, test_path, client, login):
    from app.training import learning

    learning.enrol(world["agent"], test_path)
    login(user=world["hr"])
    url = f"/rh/formation/agents/{world['agent'].id}"
    html = client.get(url).get_data(as_text=True)
    page = _text(html)
    assert "Étapes d'observation en situation" in page and "0 compétence sur 1 observée à ce niveau" in page
    assert f'/observations/grille?agent={world["agent"].id}&amp;competency=A2.1&amp;context=desk' in html
    _observe(world["tutor"], world["agent"], world["grid"], 3)
    page = _text(client.get(url).get_data(as_text=True))
    assert "1 compétence sur 1 observée à ce niveau" in page and "par un tuteur ou une tutrice" in page
