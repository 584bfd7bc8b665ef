"""Fixtures of the reports tests: two teams (CAF, ANTS) each owning one service."""
from dataclasses import dataclass

import pytest

from tests.factories import OrganisationFactory, TeamFactory, UserFactory
from tests.reports.factories import ApplicationFactory, OperatorFactory, ProcedureFactory, StepFactory


@dataclass
class World:
    caf_team: object
    ants_team: object
    caf_app: object
    ants_app: object
    caf_procedure: object
    caf_step: object
    agent: object
    other_agent: object
    dev_caf: object
    dev_ants: object


@pytest.fixture
def world(db):
    caf_team = TeamFactory(code="TEAM-CAF", name="Équipe caf.fr")
    ants_team = TeamFactory(code="TEAM-ANTS", name="Équipe France Titres")
    caf_app = ApplicationFactory(code="caf-fr", name="caf.fr", team=caf_team,
                                 operator=OperatorFactory(code="CNAF", name="Caf"))
    ants_app = ApplicationFactory(code="ants-identite", name="France Titres — identité", team=ants_team,
                                  operator=OperatorFactory(code="FRANCE-TITRES", name="France Titres"))
    procedure = ProcedureFactory(application=caf_app, code="declaration-trimestrielle",
                                 title="Déclarer ses ressources trimestrielles")
    step = StepFactory(procedure=procedure, code="validation", title="Validation de la déclaration")
    fs = OrganisationFactory(code="FS-TEST", kind="france_services", department="69")
    return World(
        caf_team=caf_team, ants_team=ants_team, caf_app=caf_app, ants_app=ants_app,
        caf_procedure=procedure, caf_step=step,
        agent=UserFactory(role="agent", organisation=fs),
        other_agent=UserFactory(role="agent", organisation=OrganisationFactory(kind="mairie", department="2A")),
        dev_caf=UserFactory(role="triager", team=caf_team),
        dev_ants=UserFactory(role="triager", team=ants_team),
    )


@pytest.fixture
def api(app):
    """api(user) -> a client function calling the JSON API with a fresh personal token."""
    from app.accounts import services

    def make(user):
        _token, raw = services.create_api_token(user, user)
        client = app.test_client()

        def call(method, path, **kwargs):
            headers = kwargs.pop("headers", {})
            headers["Authorization"] = f"Bearer {raw}"
            return client.open(path, method=method, headers=headers, **kwargs)

        return call

    return make
