"""Key consultation pages run a fixed number of queries, whatever the number of answers or consultations."""
from app.consultations import services
from tests.consultations.conftest import make_consultation
from tests.factories import PASSWORD, OrganisationFactory, UserFactory
from tests.query_counter import count_queries


def _answer(consultation, count):
    q = consultation.questions
    for _ in range(count):
        agent = UserFactory(role="agent", organisation=OrganisationFactory(kind="caf"))
        services.submit_answers(agent, consultation, {q[0].id: "4", q[1].id: "1", q[2].id: ["0"], q[3].id: "Texte"})


def _queries(app, client, path):
    client.get(path)  # warm caches (navigation, reference data)
    with count_queries(app) as counter:
        assert client.get(path).status_code == 200
    return counter.count


def test_results_page_cost_does_not_grow_with_the_answers(app, client, world):
    consultation = make_consultation(world.dev_caf, world.caf_app)
    _answer(consultation, 2)
    client.post("/connexion", data={"email": world.dev_caf.email, "password": PASSWORD})
    path = f"/equipe/consultations/{consultation.id}"
    few = _queries(app, client, path)
    _answer(consultation, 8)
    assert _queries(app, client, path) == few
    assert _queries(app, client, path + "/export.csv") == few - 1  # no screenshots list


def test_agent_list_and_home_cost_does_not_grow_with_the_consultations(app, client, world):
    make_consultation(world.dev_caf, world.caf_app)
    client.post("/connexion", data={"email": world.reporter.email, "password": PASSWORD})
    client.get("/agent")  # the first view of a session also moves the « last visit » marker (one write)
    costs = (_queries(app, client, "/consultations/"), _queries(app, client, "/agent"))
    for _ in range(4):
        other = make_consultation(world.dev_caf, world.caf_app)
        services.submit_answers(world.reporter, other, {other.questions[0].id: "4"})
    assert (_queries(app, client, "/consultations/"), _queries(app, client, "/agent")) == costs
