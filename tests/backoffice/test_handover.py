"""Continuity (point 10b): the asking agent or HR of the organisation hands an open request to a colleague
agent; the citizen file block follows under a consent covering the structure (Aidants Connect mandate,
signed paper form) or a renewed oral consent, and is wiped otherwise; every hand-over is in the request's
history and in the audit log."""
import pytest

from app.audit.models import AuditLog
from app.backoffice import conversation, requests
from app.backoffice.models import SupportAttachment, SupportEvent, SupportRequest
from tests.backoffice.factories import CITIZEN, CONSENT, agent, ask, expert, group
from tests.factories import PASSWORD, OrganisationFactory, UserFactory

ORAL = {**CONSENT, "kind": "oral"}
MANDATE = {**CONSENT, "kind": "aidants_connect"}


def _client(app, user):
    client = app.test_client()
    assert client.post("/connexion", data={"email": user.email, "password": PASSWORD}).status_code == 302
    return client


@pytest.fixture
def desk(app, db):
    caf = expert()
    group(experts=[caf])
    away = agent()
    return {"expert": caf, "away": away, "colleague": UserFactory(role="agent", organisation=away.organisation),
            "hr": UserFactory(role="hr", organisation=away.organisation)}


def _handover_audit(row):
    return db_rows(AuditLog, AuditLog.action == "support.handover", AuditLog.target_id == str(row.id))


def db_rows(model, *where):
    from app.extensions import db

    return db.session.scalars(db.select(model).where(*where).order_by(model.id)).all()


def test_hr_hands_over_a_mandate_request_and_the_citizen_block_follows(desk):
    row = ask(desk["away"], citizen=CITIZEN, consent=MANDATE)
    wiped = requests.hand_over(desk["hr"], row, desk["colleague"])
    assert wiped is False
    assert row.author_id == desk["colleague"].id and row.has_citizen_block
    assert requests.read_citizen_block(desk["colleague"], row)[0] == ("Nom", "Martin")
    assert requests.read_citizen_block(desk["away"], row) is None  # no longer the asker
    labels = [e.label for e in db_rows(SupportEvent, SupportEvent.request_id == row.id, SupportEvent.action == "handover")]
    assert labels == [f"Demande confiée à {desk['colleague'].full_name} par les RH de la structure"]
    (entry,) = _handover_audit(row)
    assert entry.actor_id == desk["hr"].id
    assert entry.details == {"from": desk["away"].id, "to": desk["colleague"].id, "by_hr": True,
                             "citizen_block_wiped": False, "consent_renewed": False}
    # The expert and the new owner carry on; the hand-over is no bounce between groups.
    conversation.answer(desk["expert"], row, "Dossier débloqué.")
    assert row.handoffs == 0


def test_an_oral_consent_does_not_follow_the_request_unless_the_citizen_renews_it(desk):
    kept = ask(desk["away"], citizen=CITIZEN, consent=ORAL)
    assert requests.hand_over(desk["hr"], kept, desk["colleague"], consent_renewed=True) is False
    assert kept.has_citizen_block and _handover_audit(kept)[0].details["consent_renewed"] is True
    assert "accord oral de l'usager pour ce suivi attesté par" in db_rows(
        SupportEvent, SupportEvent.request_id == kept.id, SupportEvent.action == "handover")[0].label

    lost = ask(desk["away"], citizen=CITIZEN, consent=ORAL)
    from app.extensions import db

    db.session.add(SupportAttachment(request_id=lost.id, download_name="x.pdf", content_type="application/pdf",
                                     size=3, data=b"enc"))
    db.session.commit()
    assert requests.hand_over(desk["away"], lost, desk["colleague"]) is True
    assert lost.citizen_block is None and lost.citizen_wiped_at is not None
    assert db_rows(SupportAttachment, SupportAttachment.request_id == lost.id)[0].data is None
    assert _handover_audit(lost)[0].details["citizen_block_wiped"] is True


def test_who_may_hand_over_and_to_whom(desk):
    row = ask(desk["away"])
    other_org = OrganisationFactory(department="69")
    stranger_hr = UserFactory(role="hr", organisation=other_org)
    with pytest.raises(requests.RequestError):
        requests.hand_over(stranger_hr, row, desk["colleague"])  # HR of another organisation
    with pytest.raises(requests.RequestError):
        requests.hand_over(desk["colleague"], row, desk["colleague"])  # a colleague who does not own it
    with pytest.raises(requests.RequestError):
        requests.hand_over(desk["hr"], row, UserFactory(role="agent", organisation=other_org))
    with pytest.raises(requests.RequestError):
        requests.hand_over(desk["hr"], row, desk["hr"])  # not an agent
    conversation.close(desk["away"], row, "yes")
    with pytest.raises(requests.RequestError, match="Clôturée"):
        requests.hand_over(desk["hr"], row, desk["colleague"])
    assert row.author_id == desk["away"].id and _handover_audit(row) == []


def test_hr_pages_list_metadata_only_and_confirm_the_hand_over(app, db, desk):
    row = ask(desk["away"], citizen=CITIZEN, consent=ORAL)
    closed = ask(desk["away"], subject="Déjà réglé")
    conversation.close(desk["away"], closed, "yes")
    hr = _client(app, desk["hr"])
    listing = hr.get("/rh/appui/demandes").get_data(as_text=True)
    assert row.reference in listing and closed.reference not in listing
    assert row.subject not in listing and "Martin" not in listing
    assert desk["away"].full_name in listing
    filtered = hr.get(f"/rh/appui/demandes?agent={desk['colleague'].id}").get_data(as_text=True)
    assert row.reference not in filtered
    page = hr.get(f"/rh/appui/demandes/{row.reference}/confier")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "seront effacées au moment du transfert" in html
    assert desk["colleague"].full_name in html and row.subject not in html
    # Nobody chosen: the page again with the error, nothing changed.
    assert hr.post(f"/rh/appui/demandes/{row.reference}/confier", data={"colleague": ""}).status_code == 400
    db.session.refresh(row)
    assert row.author_id == desk["away"].id
    done = hr.post(f"/rh/appui/demandes/{row.reference}/confier",
                   data={"colleague": str(desk["colleague"].id), "consent_renewed": "y"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/rh/appui/demandes")
    db.session.refresh(row)
    assert row.author_id == desk["colleague"].id and row.has_citizen_block
    # The colleague follows it now; the absent agent no longer reaches it.
    assert row.reference in _client(app, desk["colleague"]).get("/appui/demandes").get_data(as_text=True)
    assert _client(app, desk["away"]).get(f"/appui/demandes/{row.reference}").status_code == 404
    # HR still never opens the request itself.
    assert hr.get(f"/appui/demandes/{row.reference}").status_code == 403


def test_hr_of_another_organisation_gets_404_and_changes_nothing(app, db, desk):
    row = ask(desk["away"])
    stranger = _client(app, UserFactory(role="hr", organisation=OrganisationFactory(department="69")))
    assert row.reference not in stranger.get("/rh/appui/demandes").get_data(as_text=True)
    assert stranger.get(f"/rh/appui/demandes/{row.reference}/confier").status_code == 404
    assert stranger.post(f"/rh/appui/demandes/{row.reference}/confier",
                         data={"colleague": str(desk["colleague"].id)}).status_code == 404
    db.session.refresh(row)
    assert row.author_id == desk["away"].id


def test_the_agent_hands_over_from_the_request_page_with_the_consent_rule(app, db, desk):
    row = ask(desk["away"], citizen=CITIZEN, consent=ORAL)
    owner = _client(app, desk["away"])
    page = owner.get(f"/appui/demandes/{row.reference}").get_data(as_text=True)
    assert "ne suivent la demande que si l'usager accepte" in page
    done = owner.post(f"/appui/demandes/{row.reference}/confier", data={"colleague": str(desk["colleague"].id)})
    assert done.status_code == 302 and done.headers["Location"].endswith("/appui/demandes")
    row = db.session.get(SupportRequest, row.id)
    db.session.refresh(row)
    assert row.author_id == desk["colleague"].id and row.citizen_block is None


def test_the_consent_form_tells_the_citizen_a_colleague_may_take_over(app, db, desk):
    import io

    from pypdf import PdfReader

    pdf = _client(app, desk["away"]).get("/appui/consentement.pdf")
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages).split())
    assert "collègue de la structure qui reprend le suivi de ma demande" in text


def test_the_handover_select_renders_its_kept_options_as_wtforms_would(app):
    from wtforms.fields.choices import SelectChoice
    from wtforms.widgets import Select

    from app.backoffice.forms import HandoverForm, prerendered_colleague_choices
    from app.backoffice.queries import ColleagueRow

    rows = (ColleagueRow(7, "Anne <Dupont> & « Fils »"), ColleagueRow(12, 'Jean "Jo" Martin'))
    # A fresh application context first: the fixture's may hold a user left in g by an earlier test.
    with app.app_context(), app.test_request_context("/"):
        kept, plain = HandoverForm(), HandoverForm()
        kept.colleague.choices = prerendered_colleague_choices(rows)
        plain.colleague.choices = [SelectChoice("", "— Choisissez —")] + [SelectChoice(str(r.id), r.full_name)
                                                                         for r in rows]
        assert kept.colleague(class_="fr-select") == Select()(plain.colleague, class_="fr-select")
        kept.colleague.data = plain.colleague.data = "12"
        assert kept.colleague(class_="fr-select") == Select()(plain.colleague, class_="fr-select")
