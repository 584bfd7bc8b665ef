"""schemathesis against /api/v1/openapi.json: no 5xx, and responses match the document."""
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks as st_checks

from app.accounts import services

EXAMPLES_PER_OPERATION = 12
CHECKS = [st_checks.not_a_server_error, st_checks.response_schema_conformance,
          st_checks.content_type_conformance]


def test_api_conforms_to_its_document(app, db, capsys):
    from app.accounts.models import find_user_by_email
    from app.seed import seed_demo
    from app.training.curricula.importer import import_curricula
    from tests.training.conftest import FIXTURE

    import_curricula(FIXTURE)
    seed_demo()
    agent = find_user_by_email("agent.fs@passerelle.example")
    _t, token = services.create_api_token(agent, agent, "fuzz")
    db.session.commit()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations, statuses = 0, []

    def check(case):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
        response = case.call()
        statuses.append(response.status_code)
        case.validate_response(response, checks=CHECKS)

    for result in schema.get_all_operations():
        operations += 1
        def run(case):
            check(case)

        given(case=result.ok().as_strategy())(
            settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None, derandomize=True,
                     suppress_health_check=list(HealthCheck))(run)
        )()
        db.session.rollback()
    examples = len(statuses)
    with capsys.disabled():
        print(f"\nschemathesis: {operations} operations, {examples} generated requests, no 5xx, "
              "responses conform to the OpenAPI document")
    assert operations >= 20
