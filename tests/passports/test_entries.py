"""The agent's side: declaring (and bad input), evidence files, editing, submitting, renewing, sharing."""
import html
import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from werkzeug.test import EnvironBuilder

from app.audit.models import AuditLog
from app.extensions import db
from app.notifications.models import Notification
from app.passports import evidence, services
from app.passports.models import EvidenceFile, EvidenceLog, PassportEntry, PassportShare
from tests.factories import UserFactory
from tests.passports.core_factories import (
    CompetencyFactory,
    EntryFactory,
    jpeg_bytes,
    pdf_bytes,
    png_bytes,
)

DESCRIPTION = "Mardi, une personne perdue : je l'ai accueillie, écoutée et orientée vers la CAF."


def post_files(client, path, data):
    """POST multipart data, closing the encoded body (large bodies spill to a temporary file)."""
    builder = EnvironBuilder(path=path, method="POST", data=data, content_type="multipart/form-data")
    environ = builder.get_environ()
    try:
        return client.open(environ)
    finally:
        environ["wsgi.input"].close()
        builder.close()


def _declare(client, competency, level="3", description=DESCRIPTION, file=None):
    data = {"competency": competency.code, "level": level, "description": description}
    if file is not None:
        data["file"] = file
    return post_files(client, "/passeport/declarer", data)


def text(response):
    return html.unescape(response.get_data(as_text=True))


def _stored_files(app):
    folder = Path(app.instance_path) / "evidence"
    return sorted(folder.iterdir()) if folder.is_dir() else []


@pytest.fixture
def stored_before(app):
    """Files already under instance/evidence (the instance folder lives as long as the test session)."""
    return _stored_files(app)


def _get_file(client, url):
    response = client.get(url)
    response.close()
    return response


def test_declare_an_experience_entry_with_a_pdf(app, client, login, competency):
    user = login("agent")
    response = _declare(client, competency, file=(io.BytesIO(pdf_bytes()), "attestation.pdf"))
    assert response.status_code == 302
    entry = db.session.scalar(db.select(PassportEntry))
    assert (entry.holder_id, entry.source, entry.status, entry.level) == (user.id, "experience", "draft", 3)
    assert entry.provenance == "declared" and entry.version == 1
    [stored] = entry.files
    assert stored.content_type == "application/pdf" and stored.filename == "attestation.pdf"
    assert evidence.evidence_path(stored.storage_key).read_bytes().startswith(b"%PDF-")
    assert [row.action for row in entry.log] == ["created", "file_added"]
    page = text(client.get(response.headers["Location"]))
    assert "Brouillon" in page and "attestation.pdf" in page and "Déclarée" in page


@pytest.mark.parametrize(
    ("name", "payload"),
    [
        ("faux.pdf", b"%PDF-1.7\nceci n'est pas un PDF\n%%EOF"),
        ("image.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"JFIF" + b"\x00" * 64),
        ("script.pdf", b"<script>alert(1)</script>"),
        ("vide.pdf", b""),
    ],
)
def test_a_file_that_is_not_a_real_pdf_png_or_jpeg_comes_back_with_everything_kept(
        app, client, login, competency, name, payload, stored_before):
    login("agent")
    response = _declare(client, competency, level="4", file=(io.BytesIO(payload), name))
    assert response.status_code == 400
    page = text(response)
    assert "n'est pas un fichier PDF, PNG ou JPEG valide" in page or "est vide" in page
    assert 'id="file-error"' in page
    # Everything else the agent typed is still there.
    assert "orientée vers la CAF" in page
    assert f'<option selected value="{competency.code}">' in page
    assert '<option selected value="4">' in page
    assert db.session.scalar(db.select(db.func.count(PassportEntry.id))) == 0
    assert db.session.scalar(db.select(db.func.count(EvidenceFile.id))) == 0
    assert _stored_files(app) == stored_before


def test_a_file_over_10_mb_is_refused_in_french_and_nothing_is_stored(app, client, login, competency, stored_before):
    login("agent")
    big = pdf_bytes() + b"%" + b"0" * (10 * 1024 * 1024)
    response = _declare(client, competency, file=(io.BytesIO(big), "gros.pdf"))
    assert response.status_code == 400
    page = text(response)
    assert "« gros.pdf » dépasse 10 Mo" in page
    assert "orientée vers la CAF" in page
    assert db.session.scalar(db.select(db.func.count(PassportEntry.id))) == 0
    assert _stored_files(app) == stored_before


@pytest.mark.parametrize(("data", "name", "kind"), [
    (png_bytes(), "capture.png", "image/png"), (jpeg_bytes(), "photo.jpeg", "image/jpeg"),
])
def test_real_images_are_accepted_and_named_by_their_content(client, login, competency, data, name, kind):
    login("agent")
    assert _declare(client, competency, file=(io.BytesIO(data), name)).status_code == 302
    stored = db.session.scalar(db.select(EvidenceFile))
    assert stored.content_type == kind and stored.size == len(data)


def test_a_pdf_named_png_is_stored_as_a_pdf(client, login, competency):
    login("agent")
    assert _declare(client, competency, file=(io.BytesIO(pdf_bytes()), "capture.png")).status_code == 302
    stored = db.session.scalar(db.select(EvidenceFile))
    assert stored.content_type == "application/pdf" and stored.filename == "capture.pdf"


@pytest.mark.parametrize(("field", "data", "message"), [
    ("competency", {"competency": "Z9.9"}, "Compétence inconnue"),
    ("level", {"level": "5"}, "Le niveau doit être compris entre 1 et 4."),
    ("level", {"level": "0"}, "Le niveau doit être compris entre 1 et 4."),
    ("description", {"description": ""}, "Décrivez au moins une situation réelle."),
])
def test_bad_input_is_a_form_error_on_the_field(client, login, competency, field, data, message):
    login("agent")
    payload = {"competency": competency.code, "level": "2", "description": DESCRIPTION, **data}
    response = client.post("/passeport/declarer", data=payload)
    assert response.status_code == 400
    page = text(response)
    assert f'id="{field}-error"' in page and message in page
    assert db.session.scalar(db.select(db.func.count(PassportEntry.id))) == 0


def test_the_service_names_the_field_too(agent, competency):
    with pytest.raises(services.PassportError) as unknown:
        services.declare_entry(agent, "NOPE", 2, DESCRIPTION)
    assert unknown.value.field == "competency"
    with pytest.raises(services.PassportError) as level:
        services.declare_entry(agent, competency.code, 7, DESCRIPTION)
    assert level.value.field == "level"


def test_upload_evidence_to_a_draft_then_bad_file_keeps_nothing(app, client, login, competency, stored_before):
    user = login("agent")
    entry = EntryFactory(holder=user, competency=competency)
    url = f"/passeport/lignes/{entry.id}/preuves"
    ok = client.post(url, data={"file": (io.BytesIO(png_bytes()), "capture.png")}, content_type="multipart/form-data")
    assert ok.status_code == 302
    bad = client.post(url, data={"file": (io.BytesIO(b"GIF89a......"), "anim.gif")},
                      content_type="multipart/form-data")
    assert bad.status_code == 400 and "n'est pas un fichier PDF, PNG ou JPEG valide" in text(bad)
    assert db.session.scalar(db.select(db.func.count(EvidenceFile.id))) == 1
    assert len(_stored_files(app)) == len(stored_before) + 1


def test_no_more_evidence_once_submitted(client, login, competency):
    user = login("agent")
    entry = EntryFactory(holder=user, competency=competency, status="submitted")
    response = client.post(f"/passeport/lignes/{entry.id}/preuves", follow_redirects=True,
                           data={"file": (io.BytesIO(png_bytes()), "capture.png")}, content_type="multipart/form-data")
    assert "On ne peut plus ajouter de pièce" in text(response)
    assert db.session.scalar(db.select(db.func.count(EvidenceFile.id))) == 0


def test_evidence_files_are_downloads_with_nosniff_for_the_holder_and_hr_in_scope_only(
        app, client, login, competency, org):
    holder = UserFactory(role="agent", organisation=org)
    with app.test_request_context():
        entry = services.declare_entry(holder, competency.code, 2, DESCRIPTION,
                                       [evidence.check_bytes(pdf_bytes(), "preuve.pdf")])
    file_id = entry.files[0].id
    url = f"/passeport/preuves/{file_id}"

    login(user=holder)
    response = _get_file(client, url)
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "no-store" in response.headers["Cache-Control"]
    client.post("/deconnexion")

    hr_user = login("hr", organisation=org)
    assert _get_file(client, url).status_code == 404  # a draft: not in HR's scope
    services.submit_entry(holder, db.session.get(PassportEntry, entry.id))
    assert _get_file(client, url).status_code == 200
    read = db.session.scalar(db.select(AuditLog).where(AuditLog.action == "passport.evidence_read"))
    assert read.actor_id == hr_user.id and read.details == {"entry": entry.id}
    client.post("/deconnexion")

    login("hr")  # HR of another organisation
    assert _get_file(client, url).status_code == 404
    client.post("/deconnexion")
    login("agent", organisation=org)  # a colleague
    assert _get_file(client, url).status_code == 404


def test_edit_then_submit_notifies_the_hr_of_the_organisation(client, login, competency, org):
    user = login("agent", organisation=org)
    hr_user = UserFactory(role="hr", organisation=org)
    UserFactory(role="hr")  # elsewhere: not told
    entry = EntryFactory(holder=user, competency=competency)
    other = CompetencyFactory()
    response = client.post(f"/passeport/lignes/{entry.id}/modifier",
                           data={"competency": other.code, "level": "3", "description": "Nouvelle description."})
    assert response.status_code == 302
    db.session.expire_all()
    assert (entry.competency_id, entry.level, entry.version) == (other.id, 3, 2)
    response = client.post(f"/passeport/lignes/{entry.id}/soumettre", data={"version": "2"})
    assert response.status_code == 302
    db.session.expire_all()
    assert entry.status == "submitted" and entry.submitted_to_org_id == org.id and entry.version == 3
    [note] = db.session.scalars(db.select(Notification).where(Notification.kind == "passport.submitted")).all()
    assert note.user_id == hr_user.id and other.code in note.message
    assert client.get(f"/passeport/lignes/{entry.id}/modifier").status_code == 302  # no longer editable
    again = client.post(f"/passeport/lignes/{entry.id}/soumettre", data={"version": "3"}, follow_redirects=True)
    assert "Action impossible" in text(again)


def test_changes_requested_then_resubmitted(agent, hr, competency):
    entry = EntryFactory(holder=agent, competency=competency, status="submitted")
    services.decide(hr, entry, "request_changes", "Précisez la situation.", entry.version)
    assert entry.can_edit(agent)
    services.update_entry(agent, entry, competency.code, 2, DESCRIPTION + " Précision.")
    services.submit_entry(agent, entry)
    assert entry.status == "submitted"
    assert [row.action for row in entry.log] == ["changes_requested", "edited", "submitted"]


def test_an_agent_only_reaches_their_own_entries(client, login, competency):
    login("agent")
    other = EntryFactory(competency=competency)
    for url in (f"/passeport/lignes/{other.id}", f"/passeport/lignes/{other.id}/modifier"):
        assert _get_file(client, url).status_code == 404
    for url in (f"/passeport/lignes/{other.id}/soumettre", f"/passeport/lignes/{other.id}/renouveler"):
        assert client.post(url).status_code == 404


def test_renew_an_expired_entry(client, login, competency):
    user = login("agent")
    entry = EntryFactory(holder=user, competency=competency, status="validated", level=3,
                         valid_until=date.today() - timedelta(days=1))
    page = text(client.get("/passeport/"))
    assert "Échue le" in page and "1 ligne échue" in page
    response = client.post(f"/passeport/lignes/{entry.id}/renouveler")
    assert response.status_code == 302
    renewal = db.session.scalar(db.select(PassportEntry).where(PassportEntry.id != entry.id))
    assert (renewal.status, renewal.source, renewal.level, renewal.competency_id) == ("draft", "experience", 3,
                                                                                         competency.id)
    assert response.headers["Location"].endswith(f"/passeport/lignes/{renewal.id}/modifier")
    actions = db.session.scalars(db.select(EvidenceLog.action).order_by(EvidenceLog.id)).all()
    assert actions == ["renewal_started", "renewal_of"]
    fresh = EntryFactory(holder=user, competency=competency, status="validated", valid_until=None)
    assert client.post(f"/passeport/lignes/{fresh.id}/renouveler").status_code == 302
    assert db.session.scalar(db.select(db.func.count(PassportEntry.id))) == 3  # nothing renewed


def test_share_and_withdraw_with_confirmation(client, login, org):
    user = login("agent", organisation=org)
    hr_user = UserFactory(role="hr", organisation=org)
    assert client.post("/passeport/partages").status_code == 302
    share = db.session.scalar(db.select(PassportShare))
    assert (share.holder_id, share.organisation_id, share.withdrawn_at) == (user.id, org.id, None)
    assert db.session.scalar(db.select(Notification.user_id).where(Notification.kind == "passport.shared")) == hr_user.id
    again = text(client.post("/passeport/partages", follow_redirects=True))
    assert "déjà partagé" in again
    confirm = client.get(f"/passeport/partages/{share.id}/retirer")
    assert confirm.status_code == 200 and "Retirer le partage" in text(confirm)
    assert client.post(f"/passeport/partages/{share.id}/retirer").status_code == 302
    db.session.expire_all()
    assert share.withdrawn_at is not None
    assert client.get(f"/passeport/partages/{share.id}/retirer").status_code == 404
    actions = db.session.scalars(db.select(AuditLog.action).where(AuditLog.action.like("passport.%"))).all()
    assert actions == ["passport.share", "passport.share_withdraw"]


def test_evidence_files_can_be_previewed_in_the_entry_page_by_the_holder_and_hr(app, client, login, competency, org):
    holder = UserFactory(role="agent", organisation=org)
    with app.test_request_context():
        entry = services.declare_entry(holder, competency.code, 2, DESCRIPTION,
                                       [evidence.check_bytes(pdf_bytes(), "preuve.pdf"),
                                        evidence.check_bytes(png_bytes(), "capture.png")])
        services.submit_entry(holder, entry)
    pdf_file, png_file = entry.files
    for user, page_url in ((holder, f"/passeport/lignes/{entry.id}"), (None, f"/rh/passeports/lignes/{entry.id}")):
        login(user=user) if user else login("hr", organisation=org)
        page = text(client.get(page_url))
        assert f'<iframe class="pas-evidence__frame" src="/passeport/preuves/{pdf_file.id}?apercu=1"' in page
        assert f'<img class="pas-evidence__image" src="/passeport/preuves/{png_file.id}?apercu=1"' in page
        preview = _get_file(client, f"/passeport/preuves/{pdf_file.id}?apercu=1")
        assert preview.status_code == 200 and preview.headers["Content-Disposition"].startswith("inline")
        assert preview.headers["X-Frame-Options"] == "SAMEORIGIN"
        assert "frame-ancestors 'self'" in preview.headers["Content-Security-Policy"]
        assert preview.headers["X-Content-Type-Options"] == "nosniff"
        assert _get_file(client, f"/passeport/preuves/{png_file.id}").headers["Content-Disposition"].startswith(
            "attachment")
        client.post("/deconnexion")
    # Every other page still refuses to be framed.
    assert client.get("/connexion").headers["X-Frame-Options"] == "DENY"
