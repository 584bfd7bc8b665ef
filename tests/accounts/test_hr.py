"""HR manage their own organisation's agents, and nothing outside it."""
import io

from app.accounts.models import Membership, User
from app.audit.models import AuditLog
from tests.factories import OrganisationFactory, UserFactory


def _upload(client, text, name="agents.csv"):
    return client.post(
        "/rh/agents/import",
        data={"file": (io.BytesIO(text.encode("utf-8")), name)},
        content_type="multipart/form-data",
    )


def test_hr_sees_only_own_organisation(client, login):
    hr = login(role="hr")
    mine = UserFactory(role="agent", organisation=hr.organisation)
    theirs = UserFactory(role="agent")
    html = client.get("/rh/agents").get_data(as_text=True)
    assert mine.email in html
    assert theirs.email not in html
    assert client.post(f"/rh/agents/{theirs.id}/activation", data={"active": "0"}).status_code == 404
    assert client.post(f"/rh/agents/{mine.id}/activation", data={"active": "0"}).status_code == 302


def test_hr_deactivates_a_leaver(client, login, db):
    hr = login(role="hr")
    leaver = UserFactory(role="agent", organisation=hr.organisation)
    client.post(f"/rh/agents/{leaver.id}/activation", data={"active": "0"})
    db.session.expire_all()
    assert db.session.get(User, leaver.id).active is False


def test_hr_creates_an_agent_in_own_organisation(client, login, outbox, db):
    hr = login(role="hr")
    response = client.post(
        "/rh/agents/nouveau", data={"email": "nouvelle@example.org", "full_name": "Nouvelle Recrue"}
    )
    assert response.status_code == 302
    user = db.session.scalar(db.select(User).where(User.email == "nouvelle@example.org"))
    assert user.organisation_id == hr.organisation_id
    assert user.role == "agent"
    assert outbox[-1]["to"] == "nouvelle@example.org"


def test_csv_import_preview_then_apply(client, login, db, outbox):
    hr = login(role="hr")
    text = "email;nom\nun@example.org;Agent Un\nDeux@Example.org;Agent Deux\n"
    preview = _upload(client, text)
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    assert "Créer les comptes" in html
    assert db.session.scalar(db.select(db.func.count(User.id)).where(User.organisation_id == hr.organisation_id)) == 1
    response = client.post("/rh/agents/import/appliquer", data={"content": text})
    assert response.status_code == 302
    emails = set(db.session.scalars(db.select(User.email).where(User.organisation_id == hr.organisation_id)))
    assert {"un@example.org", "deux@example.org"} <= emails
    assert db.session.scalar(db.select(db.func.count(Membership.id))) >= 3
    assert len(outbox) == 2


def test_csv_import_with_one_bad_row_applies_nothing_and_names_the_row(client, login, db):
    hr = login(role="hr")
    UserFactory(email="deja@example.org", organisation=hr.organisation)
    text = "email,nom\nok1@example.org,Agent OK\npas-une-adresse,Agent KO\nok2@example.org,\ndeja@example.org,Déjà Là\n"
    before = db.session.scalar(db.select(db.func.count(User.id)))
    preview = _upload(client, text)
    html = preview.get_data(as_text=True)
    assert "Ligne 3 : adresse e-mail invalide" in html
    assert "Ligne 4 : le nom est vide." in html
    assert "Ligne 5 : cet agent a déjà un compte dans votre structure." in html
    assert "Créer les comptes" not in html
    # Forcing the apply step anyway creates nothing and names the rows again.
    response = client.post("/rh/agents/import/appliquer", data={"content": text})
    assert response.status_code == 400
    assert "Ligne 3" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(User.id))) == before
    assert hr.organisation_id is not None


def _flash_after(client, response):
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    page = client.get(response.location).get_data(as_text=True)
    return page.split('fr-alert--success')[1].split("</p>")[0]


def test_hr_creating_an_agent_with_an_address_used_elsewhere_answers_generically(client, login, db, outbox):
    hr = login(role="hr")
    elsewhere = UserFactory(role="agent", email="deja@example.org", full_name="Déjà Ailleurs")
    new = client.post("/rh/agents/nouveau", data={"email": "nouvelle@example.org", "full_name": "Nouvelle Recrue"})
    new_message = _flash_after(client, new)
    taken = client.post("/rh/agents/nouveau", data={"email": "DEJA@example.org", "full_name": "Quelqu'un"})
    taken_message = _flash_after(client, taken)
    assert taken_message == new_message and "existe" not in taken_message
    # Out of band: the holder is told by e-mail; nothing changes on their account.
    assert outbox[-1]["to"] == "deja@example.org"
    assert "Une structure souhaite vous inscrire" in outbox[-1]["subject"]
    assert hr.organisation.name in outbox[-1]["body"]
    db.session.expire_all()
    assert db.session.get(User, elsewhere.id).organisation_id == elsewhere.organisation_id != hr.organisation_id
    assert db.session.scalar(db.select(db.func.count(User.id)).where(User.email == "deja@example.org")) == 1
    logged = db.session.scalar(db.select(AuditLog).where(AuditLog.action == "user.create_existing_address"))
    assert logged.actor_id == hr.id and logged.target_id == str(elsewhere.id)
    # An agent of HR's own organisation is visible to HR anyway: that one is named.
    own = UserFactory(role="agent", organisation=hr.organisation)
    again = client.post("/rh/agents/nouveau", data={"email": own.email, "full_name": "Encore"})
    assert again.status_code == 200
    assert "Cet agent a déjà un compte dans votre structure." in again.get_data(as_text=True)


def test_csv_import_does_not_reveal_addresses_used_elsewhere(client, login, db, outbox):
    hr = login(role="hr")
    elsewhere = UserFactory(role="hr", email="deja@example.org")
    text = "email,nom\nun@example.org,Agent Un\ndeja@example.org,Déjà Là\n"
    html = _upload(client, text).get_data(as_text=True)
    assert "existe" not in html and "Créer les comptes" in html
    response = client.post("/rh/agents/import/appliquer", data={"content": text})
    assert response.status_code == 302
    assert sorted(m["to"] for m in outbox) == ["deja@example.org", "un@example.org"]
    db.session.expire_all()
    assert db.session.get(User, elsewhere.id).organisation_id != hr.organisation_id
    assert db.session.scalar(db.select(User.organisation_id).where(User.email == "un@example.org")) == hr.organisation_id


def test_csv_without_header_is_explained(client, login):
    login(role="hr")
    html = _upload(client, "a@example.org;Someone\n").get_data(as_text=True)
    assert "colonnes « email » et « nom »" in html


def test_hr_cannot_reach_admin(client, login):
    login(role="hr")
    assert client.get("/admin/utilisateurs").status_code == 403


def test_other_hr_sees_nothing_of_another_org(client, login):
    org = OrganisationFactory()
    UserFactory(role="agent", organisation=org, email="secret@example.org")
    login(role="hr")
    assert "secret@example.org" not in client.get("/rh/agents?q=secret").get_data(as_text=True)
