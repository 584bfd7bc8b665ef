"""Completing a module adds one `training` entry per competency it develops, at its level, with its validity."""
from app.extensions import db
from app.passports.models import EvidenceLog, PassportEntry
from app.passports.receivers import add_months, completion_day
from tests.factories import OrganisationFactory, UserFactory
from tests.training.learning_helpers import complete, import_fixture_curricula


def _entries(user):
    return {e.competency.code: e for e in db.session.scalars(
        db.select(PassportEntry).where(PassportEntry.holder_id == user.id))}


def test_completing_modules_adds_guaranteed_training_entries(db):
    import_fixture_curricula()
    org = OrganisationFactory(name="France services de Givors")
    agent = UserFactory(role="agent", organisation=org)

    completion = complete(agent, "accueil-base")
    entries = _entries(agent)
    assert set(entries) == {"A1.1", "A1.2"}
    for entry in entries.values():
        assert (entry.source, entry.status, entry.provenance, entry.level) == ("training", "validated", "guaranteed", 2)
        assert entry.validated_by_org_id == org.id and entry.module_version_id == completion.version_id
        assert entry.valid_until is None  # a core module: no end date
        assert [row.action for row in entry.log] == ["training_completed"]

    caf = complete(agent, "caf-essentiel")
    entry = _entries(agent)["A2.1"]
    assert (entry.source, entry.level, entry.status) == ("training", 2, "validated")
    assert caf.version.validity_months == 24
    assert entry.valid_until == add_months(completion_day(caf), 24)
    assert db.session.scalar(db.select(db.func.count(PassportEntry.id))) == 3
    assert db.session.scalar(db.select(db.func.count(EvidenceLog.id))) == 3


def test_the_validating_organisation_is_the_one_at_completion(db):
    import_fixture_curricula()
    first, second = OrganisationFactory(), OrganisationFactory()
    agent = UserFactory(role="agent", organisation=first)
    complete(agent, "accueil-base")
    from app.accounts.services import change_organisation

    change_organisation(None, agent, second)
    complete(agent, "caf-essentiel")
    entries = _entries(agent)
    assert entries["A1.1"].validated_by_org_id == first.id
    assert entries["A2.1"].validated_by_org_id == second.id


def test_add_months_keeps_the_day_or_takes_the_last_one():
    from datetime import date

    assert add_months(date(2026, 3, 15), 24) == date(2028, 3, 15)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2027, 12, 31), 2) == date(2028, 2, 29)
    assert add_months(date(2026, 5, 10), -24) == date(2024, 5, 10)


def test_the_module_page_flow_adds_the_entries(client, login, db):
    import_fixture_curricula()
    user = login("agent")
    client.post("/formation/modules/accueil-base/lecons/bonjour/terminer")
    client.post("/formation/modules/accueil-base/lecons/ecouter/terminer")
    client.post("/formation/modules/accueil-base/quiz", data={"q-ab-q01": "a", "q-ab-q02": ["a", "b"]})
    assert set(_entries(user)) == {"A1.1", "A1.2"}
    page = client.get("/passeport/").get_data(as_text=True)
    assert "Formation" in page and "Garantie" in page
