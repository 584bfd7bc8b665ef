"""Fixtures of the consultations tests: the CAF team, its service, agents in and out of the target."""
from dataclasses import dataclass

import pytest

from app.consultations import services
from tests.factories import OrganisationFactory, TeamFactory, UserFactory
from tests.reports.factories import ApplicationFactory, OperatorFactory, ProcedureFactory, file_report

QUESTIONS = [
    {"kind": "scale", "text": "Le nouveau formulaire est-il plus clair ?"},
    {"kind": "single", "text": "Quelle étape pose le plus de difficultés ?",
     "choices": ["Les ressources", "La validation", "Aucune"]},
    {"kind": "multiple", "text": "Quels publics seraient aidés ?", "choices": ["Retraités", "Étudiants", "Familles"]},
    {"kind": "text", "text": "Qu'est-ce qui manque encore ?"},
]


def consultation_values(application, **overrides):
    values = {
        "application_id": application.id, "procedure_id": None, "kind": "prototype",
        "title": "Avis sur la nouvelle déclaration trimestrielle",
        "purpose": "Nous refaisons l'écran des ressources : dites-nous ce qui gêne les usagers.",
        "prototype_url": "https://maquette.example.gouv.fr", "targeting": "all",
    }
    values.update(overrides)
    return values


def make_consultation(actor, application, questions=QUESTIONS, publish=True, **overrides):
    """A consultation created (and opened) through the real use case."""
    return services.create_consultation(actor, actor.team, consultation_values(application, **overrides),
                                        questions, publish=publish)


@dataclass
class World:
    caf_team: object
    ants_team: object
    caf_app: object
    ants_app: object
    procedure: object
    dev_caf: object
    dev_ants: object
    reporter: object  # filed a report on caf.fr (France services, 69)
    me_too: object  # said « moi aussi » on it (CAF, 59)
    outsider: object  # reported nothing (mairie, 2A)


@pytest.fixture
def world(db):
    from app.reports import services as report_services

    caf_team = TeamFactory(code="TEAM-CAF", name="Équipe caf.fr")
    ants_team = TeamFactory(code="TEAM-ANTS", name="Équipe France Titres")
    caf_app = ApplicationFactory(code="caf-fr", name="caf.fr", team=caf_team,
                                 operator=OperatorFactory(code="CNAF", name="Caf"))
    ants_app = ApplicationFactory(code="ants-identite", name="France Titres", team=ants_team,
                                  operator=OperatorFactory(code="FRANCE-TITRES", name="France Titres"))
    procedure = ProcedureFactory(application=caf_app, code="declaration-trimestrielle",
                                 title="Déclarer ses ressources trimestrielles")
    reporter = UserFactory(role="agent", organisation=OrganisationFactory(kind="france_services", department="69"))
    me_too = UserFactory(role="agent", organisation=OrganisationFactory(kind="caf", department="59"))
    outsider = UserFactory(role="agent", organisation=OrganisationFactory(kind="mairie", department="2A"))
    report = file_report(reporter, caf_app, procedure_id=procedure.id)
    report_services.add_me_too(me_too, report)
    return World(caf_team, ants_team, caf_app, ants_app, procedure,
                 UserFactory(role="triager", team=caf_team), UserFactory(role="triager", team=ants_team),
                 reporter, me_too, outsider)
