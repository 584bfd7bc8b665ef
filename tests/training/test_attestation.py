"""Attestation de formation: PDF and HTML content, public verification, always the agent's own."""
import io
import logging
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
from itsdangerous import URLSafeSerializer
from pypdf import PdfReader

from app.common import pdf as common_pdf
from app.extensions import db as _db
from app.training import pdf
from app.training.attestations import TOKEN_SALT, attestation_for, completion_from_token, token_for
from tests.factories import OrganisationFactory
from tests.training.learning_helpers import (
    complete,
    fail_quiz,
    module,
    read_all_lessons,
)

# Polish and Vietnamese letters: outside the standard PDF fonts, inside DejaVu.
NAME = "Łucja Nguyễn-Dupré"


@pytest.fixture
def agent(make_user, curricula):
    return make_user(role="agent", full_name=NAME)


def pdf_text(data):
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def path_of(url):
    return urlsplit(url).path


def test_pdf_text_holds_name_title_and_verification_url(client, login, agent):
    complete(agent, "accueil-base")
    login(user=agent)
    response = client.get("/formation/modules/accueil-base/attestation.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "attestation-accueil-base.pdf" in response.headers["Content-Disposition"]
    text = pdf_text(response.data)
    attestation = attestation_for(agent, module("accueil-base"))
    assert "Attestation de formation" in text
    assert NAME in text
    assert "Accueil de base" in text
    assert attestation.verification_url.startswith("http://passerelle.test/attestations/verifier/")
    assert attestation.verification_url in text


def test_pdf_holds_every_field(agent):
    completion = complete(agent, "accueil-base")
    attestation = attestation_for(agent, module("accueil-base"))
    text = pdf_text(pdf.attestation_pdf(attestation))
    assert "version 1" in text
    assert attestation.completed_on in text
    assert "2 min" in text  # 60 minutes in all, of which 58 are group activities the attestation leaves out
    assert f"{completion.score} %" in text
    assert "A1.1" in text and "Accueillir au guichet" in text and "niveau 2" in text
    assert "A1.2" in text


def test_pdf_falls_back_to_helvetica_with_a_warning(agent, monkeypatch, caplog):
    complete(agent, "accueil-base")
    monkeypatch.setattr(common_pdf, "FONT_FILES", {"Absent": "absent.ttf", "Absent-Bold": "absent-bold.ttf"})
    with caplog.at_level(logging.WARNING, logger="app.common.pdf"):
        data = pdf.attestation_pdf(attestation_for(agent, module("accueil-base")))
    assert "Helvetica" in caplog.text
    assert "Accueil de base" in pdf_text(data)


def test_html_page_has_the_same_content_and_a_link_to_the_pdf(client, login, agent):
    complete(agent, "accueil-base")
    login(user=agent)
    response = client.get("/formation/modules/accueil-base/attestation")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    attestation = attestation_for(agent, module("accueil-base"))
    for expected in ("Attestation de formation", NAME, "Accueil de base", "version 1", attestation.completed_on,
                     "2 min", f"{attestation.score} %", "A1.1", attestation.verification_url,
                     "/formation/modules/accueil-base/attestation.pdf"):
        assert expected in html, expected


def test_date_is_shown_in_the_organisation_time_zone(make_user, curricula):
    reunion = OrganisationFactory(department="974")  # UTC+4
    user = make_user(role="agent", organisation=reunion)
    completion = complete(user, "accueil-base")
    completion.completed_at = datetime(2026, 3, 1, 22, 30, tzinfo=UTC)
    _db.session.commit()
    attestation = attestation_for(user, module("accueil-base"))
    assert attestation.completed_on == "02/03/2026"
    assert attestation.organisation_name == reunion.name


def test_verification_page_says_authentic(client, agent):
    complete(agent, "accueil-base")
    attestation = attestation_for(agent, module("accueil-base"))
    response = client.get(path_of(attestation.verification_url))  # anonymous
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Attestation authentique" in html
    for expected in (NAME, "Accueil de base", attestation.completed_on):
        assert expected in html
    assert "noindex" in response.headers["X-Robots-Tag"]


def test_modified_token_gives_404(client, agent):
    completion = complete(agent, "accueil-base")
    token = token_for(completion)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    response = client.get(f"/attestations/verifier/{tampered}")
    assert response.status_code == 404
    assert "Attestation introuvable" in response.get_data(as_text=True)
    assert completion_from_token(tampered) is None


def test_token_signed_elsewhere_or_naming_no_completion_gives_404(app, client, agent):
    completion = complete(agent, "accueil-base")
    other_salt = URLSafeSerializer(app.config["SECRET_KEY"], salt="another.purpose").dumps(completion.id)
    unknown = URLSafeSerializer(app.config["SECRET_KEY"], salt=TOKEN_SALT).dumps(completion.id + 1000)
    not_an_id = URLSafeSerializer(app.config["SECRET_KEY"], salt=TOKEN_SALT).dumps("1")
    for token in (other_salt, unknown, not_an_id, "nimportequoi"):
        assert completion_from_token(token) is None
        assert client.get(f"/attestations/verifier/{token}").status_code == 404
    assert completion_from_token(token_for(completion)).id == completion.id


def test_verification_is_rate_limited(client, agent):
    completion = complete(agent, "accueil-base")
    url = f"/attestations/verifier/{token_for(completion)}"
    statuses = [client.get(url).status_code for _ in range(31)]
    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429


def test_agent_who_has_not_completed_gets_404(client, login, agent):
    read_all_lessons(agent, "accueil-base")
    fail_quiz(agent, "accueil-base")
    login(user=agent)
    assert client.get("/formation/modules/accueil-base/attestation").status_code == 404
    assert client.get("/formation/modules/accueil-base/attestation.pdf").status_code == 404
    assert client.get("/formation/modules/inconnu/attestation").status_code == 404


def test_an_agent_only_ever_gets_their_own_attestation(client, login, agent, make_user):
    complete(agent, "accueil-base")
    other = make_user(role="agent", full_name="Autre Personne")
    login(user=other)
    # Nothing in the address names a person: another agent who has not completed gets 404...
    assert client.get("/formation/modules/accueil-base/attestation").status_code == 404
    assert client.get("/formation/modules/accueil-base/attestation.pdf").status_code == 404
    # ... and once they have, they get their own.
    complete(other, "accueil-base")
    html = client.get("/formation/modules/accueil-base/attestation").get_data(as_text=True)
    assert "Autre Personne" in html and NAME not in html
    text = pdf_text(client.get("/formation/modules/accueil-base/attestation.pdf").data)
    assert "Autre Personne" in text and NAME not in text
