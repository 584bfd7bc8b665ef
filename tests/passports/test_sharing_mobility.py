"""Mobility (acceptance 5): after agent.caf moves to FS-DEMO, rh.fs sees no entry until the agent shares,
then sees the entries validated by CAF-DEMO marked as such; withdrawing the share hides them again."""
import html

from app.accounts.models import Organisation, find_user_by_email
from app.accounts.services import change_organisation
from app.passports import scope, services
from app.passports.models import PassportEntry
from app.passports.seed import seed_passport_demo
from app.seed import DEMO_PASSWORD
from tests import db_states
from tests.training.learning_helpers import complete


def _login(app, email):
    client = app.test_client()
    response = client.post("/connexion", data={"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    return client


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return html.unescape(response.get_data(as_text=True))


def test_the_passport_follows_the_agent_and_shows_only_after_consent(app, db):
    db_states.enter("demo+fixture curricula")  # seed_demo() then import_fixture_curricula(), kept per session
    assert seed_passport_demo()
    agent = find_user_by_email("agent.caf@passerelle.example")
    admin = find_user_by_email("admin@passerelle.example")
    complete(agent, "accueil-base")  # training entries validated by CAF-DEMO
    caf_validated = db.session.scalars(
        db.select(PassportEntry).where(PassportEntry.holder_id == agent.id, PassportEntry.status == "validated")
    ).all()
    caf = db.session.scalar(db.select(Organisation).where(Organisation.code == "CAF-DEMO"))
    fs = db.session.scalar(db.select(Organisation).where(Organisation.code == "FS-DEMO"))
    assert len(caf_validated) == 3 and {e.validated_by_org_id for e in caf_validated} == {caf.id}

    change_organisation(admin, agent, fs)

    rh_fs = _login(app, "rh.fs@passerelle.example")
    page = _page(rh_fs, f"/rh/passeports/agents/{agent.id}")
    assert "Aucune ligne visible" in page and "n'a pas partagé son passeport" in page
    for entry in caf_validated:
        assert rh_fs.get(f"/rh/passeports/lignes/{entry.id}").status_code == 404
    # The old organisation's HR no longer sees the agent at all.
    rh_caf = _login(app, "rh.caf@passerelle.example")
    assert rh_caf.get(f"/rh/passeports/agents/{agent.id}").status_code == 404

    agent_client = _login(app, "agent.caf@passerelle.example")
    assert "avec France services de démonstration" in _page(agent_client, "/passeport/partages")
    assert agent_client.post("/passeport/partages").status_code == 302

    page = _page(rh_fs, f"/rh/passeports/agents/{agent.id}")
    assert "partage son passeport avec votre structure" in page
    for entry in caf_validated:
        assert entry.competency.code in page
        detail = _page(rh_fs, f"/rh/passeports/lignes/{entry.id}")
        assert "CAF de démonstration" in detail
    assert page.count("CAF de démonstration") == 3
    assert page.count("Validée par une autre structure") == 3
    # Validations keep the name of the organisation that made them, and FS-DEMO cannot revoke them.
    rh_fs_user = find_user_by_email("rh.fs@passerelle.example")
    assert not any(e.can_revoke(rh_fs_user) for e in caf_validated)

    share = scope.shares_of(agent)[0]
    assert agent_client.post(f"/passeport/partages/{share.id}/retirer").status_code == 302
    assert "Aucune ligne visible" in _page(rh_fs, f"/rh/passeports/agents/{agent.id}")


def test_what_was_submitted_to_the_new_organisation_is_visible_without_sharing(app, db):
    db_states.enter("demo+fixture curricula")  # seed_demo() then import_fixture_curricula(), kept per session
    seed_passport_demo()
    agent = find_user_by_email("agent.caf@passerelle.example")
    fs = db.session.scalar(db.select(Organisation).where(Organisation.code == "FS-DEMO"))
    change_organisation(None, agent, fs)
    entry = services.declare_entry(agent, "A1.2", 3, "Gestion des rendez-vous des permanences.")
    services.submit_entry(agent, entry)
    rh_fs = _login(app, "rh.fs@passerelle.example")
    page = _page(rh_fs, f"/rh/passeports/agents/{agent.id}")
    assert "A1.2" in page and "Soumise" in page
    assert "A2.1" not in page  # validated by CAF-DEMO, not shared
