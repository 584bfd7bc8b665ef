"""Back-office test data: groups with experts, requests made through the service."""
from datetime import date

from app.backoffice import groups, requests
from app.extensions import db
from tests.factories import OrganisationFactory, UserFactory

CITIZEN = {"last_name": "Martin", "first_name": "Zoé", "birth_date": "02/03/1980",
           "caf_number": "7654321", "nir": "2 80 03 69 123 456 78", "phone": "06 12 34 56 78"}
CONSENT = {"kind": "paper", "date": date(2026, 12, 1)}


def expert(operator="caf", department="69", organisation=None, **kwargs):
    organisation = organisation or OrganisationFactory(kind=operator, department=department)
    return UserFactory(role="expert", organisation=organisation, **kwargs)


def group(code="APPUI-CAF-69", operator="caf", departments=("69",), national=False, experts=(), **kwargs):
    row = groups.create_group(None, code, f"Pôle {code}", operator, list(departments) if not national else [],
                              national, **kwargs)
    for user in experts:
        groups.add_member(None, row, user.email)
    return row


def agent(department="69", **kwargs):
    return UserFactory(role="agent", organisation=OrganisationFactory(department=department), **kwargs)


def ask(author, operator="caf", citizen=None, consent=None, now=None, **values):
    base = {"operator": operator, "subject": "Droits RSA suspendus sans explication",
            "situation": "L'usagère ne perçoit plus le RSA depuis deux mois.", "tried": "Appel au 3230."}
    base.update(values)
    request = requests.create_request(author, base, citizen=citizen, consent=consent, now=now)
    db.session.refresh(request)
    return request


def rsa_procedure():
    """A « Demande de RSA » procedure of a new application of a new operator (committed)."""
    from app.reports.catalog_models import Procedure
    from tests.reports.factories import ApplicationFactory, OperatorFactory

    application = ApplicationFactory(operator=OperatorFactory())
    procedure = Procedure(application_id=application.id, code="rsa", title="Demande de RSA")
    db.session.add(procedure)
    db.session.commit()
    return procedure


def board_page(user, view="all", department=None, procedure_id=None, urgency=None, page_arg=None, now=None):
    """The expert board's page of rows, as the board view reads it."""
    from app.backoffice import lists

    return lists.read_board(user, view, department, procedure_id, urgency, page_arg, now).page


def board_filters(user):
    """(départements, [(procedure id, title)]) of the open requests in the expert's scope, as the board reads them."""
    from app.backoffice import lists

    board = lists.read_board(user)
    return board.departments, board.procedures


def my_requests_page(user, page_arg=None, now=None):
    """« Mes demandes d'appui »'s page of rows, as the view reads it."""
    from app.backoffice import lists

    return lists.my_requests(user, page_arg, now)[0]
