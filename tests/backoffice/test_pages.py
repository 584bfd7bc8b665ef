"""HTML pages: the agent asks (preview, then confirmation), the expert takes and answers, the agent
closes; receipt and consent PDFs; admins see metadata only."""
import io
import re

from pypdf import PdfReader

from app.audit.models import AuditLog
from app.backoffice.models import SupportRequest
from tests.backoffice.factories import CITIZEN, CONSENT, agent, ask, expert, group
from tests.factories import PASSWORD, UserFactory

FORM = {"operator": "caf", "procedure": "", "subject": "RSA suspendu, n° allocataire 1234567",
        "situation": "Madame ne perçoit plus rien, téléphone 06 12 34 56 78.", "tried": "", "urgency": "no_income"}


def _client(app, user):
    client = app.test_client()
    assert client.post("/connexion", data={"email": user.email, "password": PASSWORD}).status_code == 302
    return client


def test_agent_previews_masked_text_and_routing_then_confirms(app, db):
    caf = expert()
    group(experts=[caf])
    desk = agent()
    client = _client(app, desk)
    page = client.post("/appui/demandes/nouvelle", data={**FORM, "action": "preview"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "06 12 34 56 78" not in html.split("Ce qui sera envoyé")[1].split("<form")[0]
    assert "Pôle APPUI-CAF-69" in html
    assert db.session.scalar(db.select(db.func.count()).select_from(SupportRequest)) == 0
    done = client.post("/appui/demandes/nouvelle", data={
        **FORM, "action": "confirm", "with_citizen": "y", "last_name": "Martin", "caf_number": "7654321",
        "consent_kind": "oral", "consent_date": "2026-12-01"})
    assert done.status_code == 302, done.get_data(as_text=True)[:2000]
    row = db.session.scalar(db.select(SupportRequest))
    assert "1234567" not in row.subject and row.has_citizen_block
    assert client.get("/appui/demandes").status_code == 200


def test_citizen_block_without_consent_is_refused_on_the_page(app, db):
    group(experts=[expert()])
    client = _client(app, agent())
    page = client.post("/appui/demandes/nouvelle", data={**FORM, "action": "confirm", "with_citizen": "y",
                                                         "last_name": "Martin"})
    assert page.status_code == 400 and "consentement" in page.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(SupportRequest)) == 0


def test_expert_takes_answers_and_agent_closes_with_receipt(app, db):
    caf = expert()
    group(experts=[caf])
    desk = agent()
    row = ask(desk, citizen=CITIZEN, consent=CONSENT)
    expert_client = _client(app, caf)
    board = expert_client.get("/appui/pole")
    assert row.reference in board.get_data(as_text=True)
    assert expert_client.post(f"/appui/demandes/{row.reference}/prendre").status_code == 302
    assert expert_client.post(f"/appui/demandes/{row.reference}/note", data={"note-body": "Voir gestion"}).status_code == 302
    assert expert_client.post(f"/appui/demandes/{row.reference}/reponse", data={"body": "C'est réglé."}).status_code == 302
    page = expert_client.get(f"/appui/demandes/{row.reference}?usager=1").get_data(as_text=True)
    assert "7654321" in page
    agent_client = _client(app, desk)
    page = agent_client.get(f"/appui/demandes/{row.reference}").get_data(as_text=True)
    assert "C&#39;est réglé." in page and "Voir gestion" not in page and "7654321" not in page
    receipt = agent_client.get(f"/appui/demandes/{row.reference}/recepisse.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(receipt.data)).pages)
    assert row.reference in text and "CAF" in text and "Martin" not in text and "7654321" not in text
    assert agent_client.post(f"/appui/demandes/{row.reference}/cloture", data={"useful": "yes"}).status_code == 302
    db.session.refresh(row)
    assert row.status == "closed" and row.useful == "yes"
    consent = agent_client.get("/appui/consentement.pdf")
    assert consent.status_code == 200 and consent.data.startswith(b"%PDF")


def test_admin_sees_metadata_only_and_never_the_citizen_block(app, db):
    group(experts=[expert()])
    row = ask(agent(), citizen=CITIZEN, consent=CONSENT, situation="Situation très particulière")
    admin = _client(app, UserFactory(role="admin"))
    page = admin.get(f"/appui/demandes/{row.reference}?usager=1").get_data(as_text=True)
    assert row.reference in page and "Situation très particulière" not in page and "Martin" not in page
    assert not db.session.scalars(db.select(AuditLog).where(AuditLog.action == "support.citizen_read")).all()
    assert admin.get("/appui/statistiques").status_code == 200
    assert admin.get("/admin/appui/poles").status_code == 200


def test_colleague_sees_a_shared_request_read_only_and_the_agent_hands_it_over(app, db):
    group(experts=[expert()])
    desk = agent()
    colleague = UserFactory(role="agent", organisation=desk.organisation)
    row = ask(desk)
    other = _client(app, colleague)
    assert other.get(f"/appui/demandes/{row.reference}").status_code == 404
    owner = _client(app, desk)
    assert owner.post(f"/appui/demandes/{row.reference}/partage", data={"shared": "y"}).status_code == 302
    page = other.get(f"/appui/demandes/{row.reference}").get_data(as_text=True)
    assert row.subject in page and "Vos actions" not in page
    assert other.post(f"/appui/demandes/{row.reference}/cloture", data={"useful": "yes"}).status_code == 403
    assert owner.post(f"/appui/demandes/{row.reference}/confier", data={"colleague": str(colleague.id)}).status_code == 302
    db.session.refresh(row)
    assert row.author_id == colleague.id
    assert "Vos actions" in other.get(f"/appui/demandes/{row.reference}").get_data(as_text=True)


def _without_tokens(page):
    """The page with its CSRF tokens blanked: a token carries the second it was signed."""
    return re.sub(r'(name="(?:[\w-]+-)?csrf_token" [^>]*value=|name="csrf-token" content=|jeton=)"?[^">&]+', r"\1", page)


def test_request_page_forms_untouched_then_refilled_once_from_a_saved_form(app, db):
    """The page's forms are kept per process when untouched (app.common.forms.pristine_form); a form saved at a
    session expiry for this page still refills the first form built, once, and the page after it is blank."""
    from app.accounts.models import PendingForm, hash_token
    from app.accounts.sessions import PENDING

    caf = expert()
    group(experts=[caf])
    row = ask(agent())
    client = _client(app, caf)
    path = f"/appui/demandes/{row.reference}"
    blank = client.get(path).get_data(as_text=True)
    assert 'name="invite-body"' in blank and "Mon brouillon" not in blank
    db.session.add(PendingForm(key_hash=hash_token("saved"), user_id=caf.id, path=path,
                               data=[["reroute-body", "Mon brouillon"]]))
    db.session.commit()
    with client.session_transaction() as session:
        session[PENDING] = "saved"
    refilled = client.get(path).get_data(as_text=True)
    assert "Mon brouillon" in refilled.split('name="reroute-body"')[1].split("</textarea>")[0]
    assert db.session.scalar(db.select(db.func.count()).select_from(PendingForm)) == 0
    assert _without_tokens(client.get(path).get_data(as_text=True)) == _without_tokens(blank)


def _preference_form_kept_then_refilled(db, client, user, path):
    """The page's e-mail preference form: untouched, one kept per choice; a form saved at a session expiry for the
    page refills it, once."""
    from app.accounts.models import PendingForm, hash_token
    from app.accounts.sessions import PENDING

    def checkbox(page):
        return page.split('name="email_opt_out"')[0].rsplit("<input", 1)[1] + page.split('name="email_opt_out"')[1].split(">")[0]

    blank = client.get(path).get_data(as_text=True)
    assert "checked" not in checkbox(blank) and 'action="/appui/preferences"' in blank
    client.post("/appui/preferences", data={"email_opt_out": "y"})
    assert "checked" in checkbox(client.get(path).get_data(as_text=True))
    client.post("/appui/preferences", data={})
    db.session.add(PendingForm(key_hash=hash_token("saved"), user_id=user.id, path=path,
                               data=[["email_opt_out", "y"]]))
    db.session.commit()
    with client.session_transaction() as session:
        session[PENDING] = "saved"
    assert "checked" in checkbox(client.get(path).get_data(as_text=True))
    assert _without_tokens(client.get(path).get_data(as_text=True)) == _without_tokens(blank)


def test_board_preference_form_untouched_per_choice_then_refilled_once_from_a_saved_form(app, db):
    """The board's preference form is kept per process when untouched, one per choice (pristine_form), and a form
    saved at a session expiry for the board still refills it, once."""
    caf = expert()
    group(experts=[caf])
    _preference_form_kept_then_refilled(db, _client(app, caf), caf, "/appui/pole")


def test_mine_preference_form_untouched_per_choice_then_refilled_once_from_a_saved_form(app, db):
    """« Mes demandes »'s preference form, as the board's."""
    desk = agent()
    group(experts=[expert()])
    ask(desk)
    _preference_form_kept_then_refilled(db, _client(app, desk), desk, "/appui/demandes")
