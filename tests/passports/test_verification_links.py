"""Issue 21 item 11: passport verification links expire (PASSPORT_LINK_VALIDITY_DAYS, shown in the PDF), and
the holder can withdraw and renew them; an expired or withdrawn link gives a clear French page."""
import base64
from datetime import date, timedelta
from urllib.parse import urlsplit

from app.audit.models import AuditLog
from app.passports import pdf
from app.passports.documents import (
    DAY_ZERO,
    ClosedLink,
    _signer,
    _varint,
    passport_document,
    read_link,
    token_for,
    verify_token,
)
from tests.passports.factories import entry, fixture_referential
from tests.passports.test_documents import pdf_text, text, verification_url_in


def _path(url):
    return urlsplit(url).path


def test_a_link_expires_after_the_configured_days_and_the_pdf_says_when(app, client, db, make_user):
    fixture_referential()
    holder = make_user(role="agent")
    entry(holder, "A1.1", 2)
    document = passport_document(holder)
    assert document.link_expires_on == document.issued_on + timedelta(days=365)
    data = pdf.passport_pdf(document)
    assert f"Lien valable jusqu'au {document.link_expires_on.strftime('%d/%m/%Y')}" in " ".join(
        pdf_text(data).split())
    token = _path(verification_url_in(data)).rsplit("/", 1)[1]
    assert read_link(token).expires_on == document.link_expires_on

    # Valid through its last day, closed the day after.
    assert not isinstance(verify_token(token, today=document.link_expires_on), ClosedLink)
    closed = verify_token(token, today=document.link_expires_on + timedelta(days=1))
    assert isinstance(closed, ClosedLink) and closed.reason == "expired"

    app.config["PASSPORT_LINK_VALIDITY_DAYS"] = 30
    try:
        assert passport_document(holder).link_expires_on == document.issued_on + timedelta(days=30)
    finally:
        app.config["PASSPORT_LINK_VALIDITY_DAYS"] = 365

    old = token_for(holder.id, date.today() - timedelta(days=400), [], expires_on=date.today() - timedelta(days=35))
    response = client.get(f"/verify/{old}")
    assert response.status_code == 410
    page = text(response)
    expired_on = (date.today() - timedelta(days=35)).strftime("%d/%m/%Y")
    assert "Lien de vérification expiré" in page and f"n'est plus valable depuis le {expired_on}" in page
    assert holder.full_name not in page
    assert "no-store" in response.headers["Cache-Control"]


def test_the_holder_withdraws_then_renews_their_links(app, client, login, db):
    fixture_referential()
    holder = login("agent")
    public = app.test_client()  # whoever the holder handed the link to
    entry(holder, "A1.1", 2)
    first = _path(passport_document(holder).verification_url)
    assert public.get(first).status_code == 200

    assert "ne fonctionneront plus" in text(client.get("/passeport/document/lien/retirer"))  # confirmation
    assert client.post("/passeport/document/lien/retirer").status_code == 302
    response = public.get(first)
    assert response.status_code == 410
    assert "Le titulaire a retiré ce lien" in text(response) and holder.full_name not in text(response)
    page = text(client.get("/passeport/document"))
    assert "/verify/" not in page and "Vous avez retiré vos liens de vérification" in page
    document = passport_document(holder)
    assert document.verification_url is None
    assert "/verify/" not in pdf_text(pdf.passport_pdf(document))

    assert client.post("/passeport/document/lien/renouveler").status_code == 302
    second = _path(passport_document(holder).verification_url)
    assert public.get(second).status_code == 200
    assert public.get(first).status_code == 410  # a withdrawn link never comes back

    # Renewing while links are active also retires the ones handed out.
    assert client.post("/passeport/document/lien/renouveler").status_code == 302
    assert public.get(second).status_code == 410
    assert public.get(_path(passport_document(holder).verification_url)).status_code == 200
    actions = db.session.scalars(db.select(AuditLog.action).where(AuditLog.actor_id == holder.id,
                                                                  AuditLog.action.like("passport.links_%")))
    assert sorted(actions) == ["passport.links_renew", "passport.links_renew", "passport.links_withdraw"]


def test_links_made_before_expiry_existed_still_verify_until_their_default_end(db, make_user):
    fixture_referential()
    holder = make_user(role="agent")
    line = entry(holder, "A1.1", 2)
    issued_on = date.today() - timedelta(days=10)
    parts = [1, holder.id, issued_on.toordinal() - DAY_ZERO, 1, line.id]
    payload = base64.urlsafe_b64encode(b"".join(_varint(p) for p in parts)).rstrip(b"=")
    legacy = _signer().sign(payload).decode("ascii")
    content = read_link(legacy)
    assert (content.generation, content.expires_on) == (0, issued_on + timedelta(days=365))
    assert [e.line.entry_id for e in verify_token(legacy).entries] == [line.id]
