"""The passport document: content, PDF (QR code, verification URL), the public verification page."""
import html
import io
import re
from datetime import date, timedelta
from urllib.parse import urlsplit

from pypdf import PdfReader

from app.passports import pdf
from app.passports.documents import passport_document, read_token, token_for, verify_token
from tests.factories import OrganisationFactory, UserFactory
from tests.passports.factories import entry, fixture_referential, training_entry

URL = re.compile(r"https?://\S+/verify/[A-Za-z0-9_.\-]+")


def text(response):
    return html.unescape(response.get_data(as_text=True))


def pdf_text(data):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def verification_url_in(pdf_data):
    """The verification URL printed in the PDF, on a paragraph of its own: a long one wraps over
    several lines (none holds a space), which are joined back."""
    lines = [line.strip() for line in pdf_text(pdf_data).splitlines()]
    start = next(i for i, line in enumerate(lines) if line.startswith(("http://", "https://")))
    url = lines[start]
    for line in lines[start + 1:]:
        if not line or re.search(r"\s", line):
            break
        url += line
    assert URL.fullmatch(url), url
    return url


def _passport(holder_name="Łucja Nguyễn-Ørsted"):
    """A holder with validated, training, declared, expired, rejected and revoked entries."""
    fixture_referential()
    fs = OrganisationFactory(name="France services de Saint-Étienne")
    holder = UserFactory(role="agent", organisation=fs, full_name=holder_name, email="lucja@example.org")
    lines = {
        "validated": entry(holder, "A1.1", 2, description="Description privée de l'agent"),
        "training": training_entry(holder, "A2.1", 2, months=24),
        "declared": entry(holder, "A1.2", 3, status="submitted"),
        "expired": training_entry(holder, "A1.2", 2, valid_until=date.today() - timedelta(days=3)),
        "rejected": entry(holder, "A1.1", 4, status="rejected"),
        "revoked": entry(holder, "A2.1", 4, status="revoked", revoked_reason="Motif confidentiel de la RH"),
    }
    return holder, lines


def test_document_groups_entries_by_activity_without_rejected_or_revoked(db):
    holder, lines = _passport()
    document = passport_document(holder)
    assert [g.code for g in document.groups] == ["A1", "A2"]
    a1, a2 = document.groups
    assert [(e.competency_code, e.level) for e in a1.entries] == [("A1.1", 2), ("A1.2", 3), ("A1.2", 2)]
    assert [(e.competency_code, e.level) for e in a2.entries] == [("A2.1", 2)]
    validated, declared, expired = a1.entries
    assert validated.provenance_label == "Garantie" and validated.level_label == "Application avec aide"
    assert validated.validation_label.startswith("France services de Saint-Étienne, le ")
    assert declared.provenance_label == "Déclarée" and declared.validation_label == "—"
    assert expired.expired and expired.validity_label.startswith("Échue depuis le ")
    assert a2.entries[0].validity_label.startswith("Jusqu'au ")
    assert document.entry_count == 4
    assert document.verification_url.startswith("http://passerelle.test/verify/")
    assert read_token(urlsplit(document.verification_url).path.rsplit("/", 1)[1]) == (
        holder.id, document.issued_on, sorted(lines[k].id for k in ("validated", "training", "declared", "expired"))
    )


def test_pdf_holds_the_document_and_its_verification_url_opens_an_authentic_page(client, db):
    holder, _lines = _passport()
    data = pdf.passport_pdf(passport_document(holder))
    assert data.startswith(b"%PDF-")
    content = " ".join(pdf_text(data).split())  # table cells wrap: compare words, not lines
    for expected in ("Passeport de compétences", "Łucja Nguyễn-Ørsted", "A1 — Prendre contact avec le public",
                     "A1.1 — Accueillir au guichet", "Garantie", "Déclarée", "France services de Saint-Étienne",
                     "Échue depuis le", "Vérifier ce document"):
        assert expected in content, expected
    url = verification_url_in(data)
    assert url.startswith("http://passerelle.test/verify/")

    response = client.get(urlsplit(url).path)  # public: no login
    assert response.status_code == 200
    page = text(response)
    assert "Document authentique" in page and "Łucja Nguyễn-Ørsted" in page
    assert "A1.1 — Accueillir au guichet" in page and "A2.1 — Connaître les partenaires" in page
    # Only the holder's name, the document date and its entries: nothing private.
    for private in ("lucja@example.org", "Description privée", "Motif confidentiel"):
        assert private not in page
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response.headers["Cache-Control"]


def test_a_modified_or_unknown_token_is_a_french_404(client, db):
    holder, _lines = _passport()
    token = urlsplit(passport_document(holder).verification_url).path.rsplit("/", 1)[1]
    payload, signature = token.split(".")
    flipped = payload[:-1] + ("A" if payload[-1] != "A" else "B")
    for bad in (f"{flipped}.{signature}", f"{payload}.{signature[:-2]}xx", token[:-1], "bad", payload,
                token_for(999999, date.today(), [1, 2])):
        response = client.get(f"/verify/{bad}")
        assert response.status_code == 404, bad
        page = text(response)
        assert "Document introuvable" in page and "n'a pas pu être vérifié" in page


def test_the_page_marks_revoked_and_expired_entries_and_says_the_document_is_no_longer_current(client, db):
    holder, lines = _passport()
    path = urlsplit(passport_document(holder).verification_url).path
    assert "Document authentique et à jour" not in text(client.get(path))  # one entry was already expired
    lines["expired"].valid_until = None
    db.session.commit()
    page = text(client.get(path))
    assert "Document authentique et à jour" in page and "Document authentique ;" not in page

    lines["validated"].status = "revoked"
    lines["training"].valid_until = date.today() - timedelta(days=1)
    db.session.commit()
    verification = verify_token(path.rsplit("/", 1)[1])
    states = {(e.line.competency_code, e.line.level): e.state for e in verification.entries}
    assert states == {("A1.1", 2): "revoked", ("A1.2", 3): "declared", ("A1.2", 2): "valid",
                      ("A2.1", 2): "expired"}
    page = text(client.get(path))
    assert "Document authentique ; 1 compétence échue depuis le" in page and "1 compétence révoquée" in page
    assert "Révoquée" in page and "Échue" in page and "Expirée" not in page and "expirée" not in page
    assert "Déclarée (non validée)" in page


def test_the_token_stays_short_for_a_40_entry_passport(app, db):
    ids = [1000 + 37 * i for i in range(40)]
    token = token_for(123, date(2026, 11, 27), ids)
    assert read_token(token) == (123, date(2026, 11, 27), ids)
    assert len(token) < 120
    assert read_token(token + "x") is None and read_token("") is None


def test_the_verification_page_is_rate_limited(client, db):
    statuses = [client.get("/verify/bad").status_code for _ in range(31)]
    assert statuses[:30] == [404] * 30 and statuses[30] == 429


def test_document_pages_for_the_agent(client, login, db):
    fixture_referential()
    agent = login("agent")
    entry(agent, "A1.1", 2)
    page = text(client.get("/passeport/document"))
    assert "A1.1 — Accueillir au guichet" in page and "/verify/" in page
    response = client.get("/passeport/document.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert agent.full_name in pdf_text(response.data)


def test_pdf_api_answers_application_pdf(app, client, db):
    from app.accounts.services import create_api_token

    fixture_referential()
    agent = UserFactory(role="agent")
    entry(agent, "A2.1", 3)
    _row, raw = create_api_token(agent, agent)
    response = client.get("/api/v1/me/passport/pdf", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "A2.1 — Connaître les partenaires" in pdf_text(response.data)


def test_verification_and_document_pages_run_a_fixed_number_of_queries(app, client, login, db):
    from tests.query_counter import count_queries

    fixture_referential()
    agent = login("agent")
    counts = []
    for _ in range(2):
        for code in ("A1.1", "A1.2", "A2.1"):
            entry(agent, code, 2)
        path = urlsplit(passport_document(agent).verification_url).path
        with count_queries(app) as verification:
            assert client.get(path).status_code == 200
        with count_queries(app) as document:
            assert client.get("/passeport/document").status_code == 200
        counts.append((verification.count, document.count))
    assert counts[0] == counts[1], counts  # 3 then 6 entries: no query per entry


def test_a_long_verification_url_wraps_and_is_read_back_whole(app, db):
    holder, _lines = _passport()
    saved = app.config["BASE_URL"]
    app.config["BASE_URL"] = "https://passerelle.exemple.gouv.fr/" + "chemin-de-publication/" * 5 + "passerelle"
    try:
        document = passport_document(holder)
        data = pdf.passport_pdf(document)
    finally:
        app.config["BASE_URL"] = saved
    assert len(document.verification_url) > 150
    assert verification_url_in(data) == document.verification_url


def test_the_fast_qr_code_is_the_one_a_full_layout_per_mask_would_choose():
    from reportlab.graphics.barcode import qrencoder

    url = "https://passerelle.exemple.gouv.fr/verify/AQHaEwQBAQEBAwEBAgEB.WxGe778HEIx-JFSWFH-tiKYs_-s"

    def layout(mask, test):
        code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
        code.addData(url)
        code.version = code.calculate_version()
        code.makeImpl(test, mask)
        return code.modules

    size = len(layout(0, True))
    scores = [(pdf._mask_penalty(pdf._rows(layout(mask, True)), size), mask) for mask in range(8)]
    expected = layout(min(scores)[1], False)
    assert pdf.qr_modules(url) == tuple(tuple(bool(m) for m in row) for row in expected)


def test_the_verification_page_says_one_status_names_each_competency_once_and_speaks_plain_french(client, db):
    holder, _lines = _passport()
    document = passport_document(holder)
    page = text(client.get(urlsplit(document.verification_url).path))
    expired_on = (date.today() - timedelta(days=3)).strftime("%d/%m/%Y")
    assert f"Document authentique ; 1 compétence échue depuis le {expired_on}" in page
    assert page.count("fr-alert__title") == 1  # one banner, not « authentique » and « plus à jour » at once
    # A1.2 is held at levels 3 (declared) and 2 (expired): named once, over two rows.
    assert page.count("A1.2 — Écouter avec empathie") == 1
    assert 'rowspan="2"' in page
    for jargon in ("GET /api/", "Open Badges", "expirée", "Expirée"):
        assert jargon not in page, jargon


def test_the_document_page_keeps_technical_links_behind_a_detail_for_it_services(client, login, db):
    holder, _lines = _passport()
    login(user=holder)
    page = text(client.get("/passeport/document"))
    before, detail = page.split("<summary>Pour les services informatiques</summary>")
    assert "GET /api/v1/me/passport/credentials" in detail and "Open Badges" in detail
    assert "GET /api/" not in before and "Open Badges" not in before


def test_pdf_table_headers_and_provenance_labels_fit_their_columns():
    from reportlab.pdfbase.pdfmetrics import stringWidth

    regular, bold = pdf.fonts()
    padding = 6  # LEFTPADDING + RIGHTPADDING of the table style
    for title, width in zip(pdf.HEADER, pdf.COLUMNS, strict=True):
        assert stringWidth(title, bold, 8.5) + padding <= width, title
    for label in ("Garantie", "Déclarée"):
        assert stringWidth(label, bold, 8.5) + padding <= pdf.COLUMNS[2], label
    assert sum(pdf.COLUMNS) <= 17.4 * pdf.cm + 0.01  # still fits the page between the margins
