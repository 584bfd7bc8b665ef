"""Factories of the reports domain: catalogue rows, and reports filed through the service."""
import factory

from app.reports import services
from app.reports.models import Application, Operator, Procedure, Step
from tests.factories import BaseFactory, TeamFactory


class OperatorFactory(BaseFactory):
    class Meta:
        model = Operator

    code = factory.Sequence(lambda n: f"OP-{n:03d}")
    name = factory.Sequence(lambda n: f"Opérateur {n}")


class ApplicationFactory(BaseFactory):
    class Meta:
        model = Application

    code = factory.Sequence(lambda n: f"service-{n}")
    name = factory.Sequence(lambda n: f"Service en ligne {n}")
    url = "https://service.example.gouv.fr"
    operator = factory.SubFactory(OperatorFactory)
    team = factory.SubFactory(TeamFactory)
    acknowledge_days = 3
    answer_days = 10


class ProcedureFactory(BaseFactory):
    class Meta:
        model = Procedure

    application = factory.SubFactory(ApplicationFactory)
    code = factory.Sequence(lambda n: f"demarche-{n}")
    title = factory.Sequence(lambda n: f"Démarche numéro {n}")


class StepFactory(BaseFactory):
    class Meta:
        model = Step

    procedure = factory.SubFactory(ProcedureFactory)
    code = factory.Sequence(lambda n: f"etape-{n}")
    title = factory.Sequence(lambda n: f"Étape {n}")


def report_values(application, **overrides):
    """A valid filing form, as the services expect it."""
    values = {
        "application_id": application.id,
        "procedure_id": None,
        "step_id": None,
        "problem_type": "technical_error",
        "title": "Le bouton Valider reste grisé",
        "what_happened": "Après la saisie des ressources, le bouton Valider reste grisé sans message.",
        "expected": "Pouvoir valider la déclaration.",
        "people_affected": 1,
    }
    values.update(overrides)
    return values


def file_report(author, application, screenshots=(), **overrides):
    """A report filed through the real use case (masking, search index, follower, reference)."""
    return services.file_report(author, report_values(application, **overrides), screenshots, "Firefox 140 sous Linux")
