"""xAPI statements: valid against the xAPI 1.0.3 statement structure, opaque actor, stable ids."""
import copy
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from app.accounts import services
from app.training.xapi import actor_name, statements_for
from tests.query_counter import count_queries
from tests.training.learning_helpers import complete, fail_quiz, read_all_lessons

SCHEMA = json.loads((Path(__file__).parent / "xapi_statement.schema.json").read_text(encoding="utf-8"))
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=FormatChecker())
VERB = "http://adlnet.gov/expapi/verbs/"


def errors_of(statement):
    """Schema errors, plus the score rules JSON Schema cannot state across fields."""
    errors = [e.message for e in VALIDATOR.iter_errors(statement)]
    score = (statement.get("result") or {}).get("score")
    if isinstance(score, dict) and {"raw", "min", "max"} <= set(score):
        if not score["min"] <= score["raw"] <= score["max"] or score["min"] >= score["max"]:
            errors.append("score.raw must lie between score.min and score.max, and min < max")
    return errors


@pytest.fixture
def agent(make_user, curricula):
    """An agent who failed then passed accueil-base, then failed caf-essentiel."""
    user = make_user(role="agent", full_name="Agathe Témoin")
    read_all_lessons(user, "accueil-base")
    fail_quiz(user, "accueil-base")
    complete(user, "accueil-base")
    fail_quiz(user, "caf-essentiel")
    return user


def bearer(user):
    _token, raw = services.create_api_token(user, user)
    return {"Authorization": f"Bearer {raw}"}


def test_schema_is_a_valid_json_schema():
    Draft202012Validator.check_schema(SCHEMA)


def test_every_statement_is_valid(agent):
    statements = statements_for(agent)
    assert [s["verb"]["id"] for s in statements] == [
        VERB + "failed", VERB + "passed", VERB + "completed", VERB + "failed",
    ]
    for statement in statements:
        assert errors_of(statement) == [], statement
        assert statement["version"] == "1.0.3"
        assert statement["object"]["definition"]["name"]["fr-FR"]
        assert statement["object"]["definition"]["description"]["fr-FR"]
    failed, passed, completed, caf_failed = statements
    assert failed["result"] == {"score": {"scaled": 0.0, "raw": 0, "min": 0, "max": 100}, "success": False}
    assert passed["result"] == {"score": {"scaled": 1.0, "raw": 100, "min": 0, "max": 100}, "success": True}
    assert completed["result"]["completion"] is True
    assert completed["object"]["id"] == "http://passerelle.test/formation/modules/accueil-base"
    assert caf_failed["object"]["id"] == "http://passerelle.test/formation/modules/caf-essentiel"
    assert completed["context"]["revision"] == "1"
    assert [s["timestamp"] for s in statements] == sorted(s["timestamp"] for s in statements)


def test_actor_is_an_opaque_account_without_email_or_name(agent):
    statements = statements_for(agent)
    assert len(statements) == 4  # otherwise the checks below hold vacuously
    dump = json.dumps(statements, ensure_ascii=False)
    assert agent.email not in dump and "@" not in dump and "mbox" not in dump
    assert agent.full_name not in dump
    expected = {"objectType": "Agent",
                "account": {"homePage": "http://passerelle.test", "name": actor_name(agent)}}
    assert all(s["actor"] == expected for s in statements)
    assert str(agent.id) != actor_name(agent) and len(actor_name(agent)) == 32


def test_ids_are_stable_and_distinct(agent, make_user):
    first, second = statements_for(agent), statements_for(agent)
    assert [s["id"] for s in first] == [s["id"] for s in second]
    assert len({s["id"] for s in first}) == len(first)
    other = make_user(role="agent")
    assert actor_name(other) != actor_name(agent)


MALFORMED = {
    "no verb": lambda s: s.pop("verb"),
    "no actor": lambda s: s.pop("actor"),
    "no object": lambda s: s.pop("object"),
    "two identifiers on the actor": lambda s: s["actor"].update(mbox="mailto:agent@example.org"),
    "actor without identifier": lambda s: s["actor"].pop("account"),
    "account without homePage": lambda s: s["actor"]["account"].pop("homePage"),
    "verb id not an IRI": lambda s: s["verb"].update(id="passed"),
    "display not a language map": lambda s: s["verb"].update(display="a réussi"),
    "bad language tag": lambda s: s["object"]["definition"].update(name={"français!": "Accueil"}),
    "object id not an IRI": lambda s: s["object"].update(id="accueil base"),
    "id not a UUID": lambda s: s.update(id="attempt-1"),
    "scaled above 1": lambda s: s["result"]["score"].update(scaled=1.5),
    "raw above max": lambda s: s["result"]["score"].update(raw=120),
    "success not a boolean": lambda s: s["result"].update(success="yes"),
    "timestamp not ISO 8601": lambda s: s.update(timestamp="27/11/2026 10:00"),
    "unknown property": lambda s: s.update(learner="Agathe"),
    "unknown version": lambda s: s.update(version="2.0.0"),
    "revision on a non-Activity object": lambda s: s.update(
        object={"objectType": "StatementRef", "id": s["id"]}),
}


@pytest.mark.parametrize("mutation", MALFORMED.values(), ids=MALFORMED.keys())
def test_schema_rejects_malformed_statements(agent, mutation):
    statement = copy.deepcopy(statements_for(agent)[1])  # passed: has a score
    assert errors_of(statement) == []
    mutation(statement)
    assert errors_of(statement) != []


def test_api_lists_the_statements(client, agent):
    response = client.get("/api/v1/me/xapi", headers=bearer(agent))
    assert response.status_code == 200
    assert response.headers["X-Experience-API-Version"] == "1.0.3"
    body = response.get_json()
    assert body["next_cursor"] is None
    assert body["items"] == statements_for(agent)
    assert len(body["items"]) == 4  # the loop below checks something
    for statement in body["items"]:
        assert errors_of(statement) == []
    assert agent.email not in response.get_data(as_text=True)


def test_api_pages_with_limit_and_cursor(client, agent):
    headers = bearer(agent)
    seen, cursor = [], None
    for _ in range(5):
        query = {"limit": 1} | ({"cursor": cursor} if cursor else {})
        body = client.get("/api/v1/me/xapi", headers=headers, query_string=query).get_json()
        seen += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == statements_for(agent)
    bad = client.get("/api/v1/me/xapi", headers=headers, query_string={"cursor": "n'importe quoi"})
    assert bad.status_code == 400
    assert bad.get_json()["error"]["code"] == "invalid_cursor"


def test_api_is_for_agents_only(client, make_user, db):
    assert client.get("/api/v1/me/xapi").status_code == 401
    assert client.get("/api/v1/me/xapi", headers=bearer(make_user(role="hr"))).status_code == 403


def test_only_the_agents_own_records(client, agent, make_user):
    other = make_user(role="agent")
    body = client.get("/api/v1/me/xapi", headers=bearer(other)).get_json()
    assert body == {"items": [], "next_cursor": None}


def test_query_count_does_not_grow_with_records(app, agent, make_user):
    newcomer = make_user(role="agent")
    fail_quiz(newcomer, "accueil-base")
    assert newcomer.id and agent.id  # load the users' rows (expired by the commits) before counting
    with count_queries(app) as few:
        statements_for(newcomer)
    with count_queries(app) as many:
        statements_for(agent)
    assert many.count == few.count == 2
