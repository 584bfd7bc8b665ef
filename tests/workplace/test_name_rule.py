"""The incident list computes the victim's name in SQL (Incident.reporter_name_shown_to) so that a hidden
name never leaves the database; the detail page, CSV, PDF and API use the model (reporter_name_for).
Both rules give the same answer for every reader and every incident."""
from app.accounts.models import User
from app.extensions import db
from app.workplace.models import Incident
from tests.factories import OrganisationFactory, UserFactory
from tests.workplace.helpers import file


def test_the_sql_and_python_rules_for_the_victims_name_agree_for_every_reader(app):
    home, other = OrganisationFactory(), OrganisationFactory()
    victim, colleague = (UserFactory(role="agent", organisation=home) for _ in range(2))
    incidents = [file(victim, anonymous_to_hr=False), file(victim, anonymous_to_hr=True),
                 file(colleague, anonymous_to_hr=False)]
    readers = [victim, colleague, UserFactory(role="hr", organisation=home), UserFactory(role="hr", organisation=other),
               UserFactory(role="hr", organisation=None), UserFactory(role="admin"),
               UserFactory(role="agent", organisation=other)]
    shown_somewhere = hidden_somewhere = 0
    for reader in readers:
        in_sql = dict(db.session.execute(
            db.select(Incident.id, Incident.reporter_name_shown_to(reader, User.full_name))
            .join(User, User.id == Incident.reporter_id)
            .where(Incident.id.in_([incident.id for incident in incidents]))).all())
        for incident in incidents:
            expected = incident.reporter_name_for(reader)
            assert in_sql[incident.id] == expected, (reader.role, reader.organisation_id, incident.anonymous_to_hr)
            shown_somewhere += expected is not None
            hidden_somewhere += expected is None
    assert shown_somewhere and hidden_somewhere  # both branches of the rule were exercised
