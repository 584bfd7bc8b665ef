"""Revocation reaches issued Open Badges credentials (issue 21, item 5): W3C Bitstring Status List and a
bounded expiry, checked with an independent OB3 implementation (openbadgeslib, a test dependency)."""
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import jwt
import pytest
from jsonschema import Draft201909Validator
from openbadgeslib.ob3.status import decode_encoded_list
from openbadgeslib.ob3.verifier import OB3VerificationError, OB3Verifier

from app.accounts.services import create_api_token
from app.passports import services
from app.passports.credentials import build_credential, credentials_for, sign_credential
from app.passports.status_list import LIST_SIZE, decode, encode, revoked_indexes
from tests.factories import OrganisationFactory, UserFactory
from tests.passports.factories import entry, fixture_referential, training_entry
from tests.passports.test_credentials import schema_or_skip

BASE = "http://passerelle.test"


def _holder():
    fixture_referential()
    org = OrganisationFactory(code="FS-42", name="France services de Saint-Étienne")
    holder = UserFactory(role="agent", organisation=org, full_name="Amina Agent")
    hr = UserFactory(role="hr", organisation=org)
    return holder, hr


def _credentials(client, holder):
    """{entry id: JWT} as the holder downloads them through the API."""
    _row, raw = create_api_token(holder, holder)
    response = client.get("/api/v1/me/passport/credentials", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    return {item["entry_id"]: item["jwt"] for item in response.get_json()["items"]}


def _published_key(client):
    [key] = client.get("/.well-known/jwks.json").get_json()["keys"]
    return jwt.PyJWK(key).key


def _fetcher(client, fetched):
    """The test's own fetcher for openbadgeslib (which fetches over HTTPS only): the app's public URL."""

    def fetch(url):
        parts = urlsplit(url)
        assert f"{parts.scheme}://{parts.netloc}" == BASE
        response = client.get(parts.path)  # anonymous
        assert response.status_code == 200
        assert response.mimetype == "application/vc+jwt"
        fetched.append(url)
        return response.data

    return fetch


def _verify(client, token):
    """Signature, structure, validity window and revocation status, by openbadgeslib; the status list's
    own signature is checked and bound to the credential's issuer."""
    fetched = []
    credential = OB3Verifier(_published_key(client)).verify(
        token, check_status=True, verify_status_list=True, download=_fetcher(client, fetched))
    assert fetched, "the status list was not fetched"
    return credential


def test_a_credential_issued_before_a_revocation_fails_verification_after_it(client, db):
    holder, hr = _holder()
    revoked_line = entry(holder, "A1.1", 2)
    kept_line = entry(holder, "A1.2", 3)
    tokens = _credentials(client, holder)

    credential = _verify(client, tokens[revoked_line.id])
    assert credential.issuer.id == BASE
    assert credential.achievement.name == "A1.1 — Accueillir au guichet (niveau 2)"
    assert credential.recipient_id == f"{BASE}/ob3/holders/{holder.id}"
    _verify(client, tokens[kept_line.id])

    services.revoke(hr, revoked_line, "Compétence non observée depuis un an.")

    with pytest.raises(OB3VerificationError, match="revocation"):
        _verify(client, tokens[revoked_line.id])
    _verify(client, tokens[kept_line.id])  # its neighbour's bit is untouched
    assert revoked_line.id not in _credentials(client, holder)  # and no new credential for it


def test_each_credential_names_its_stable_place_in_the_status_list(client, db):
    holder, _hr = _holder()
    lines = [entry(holder, "A1.1", 2), training_entry(holder, "A2.1", 2)]
    first, second = _credentials(client, holder), _credentials(client, holder)
    statuses = {}
    for line in lines:
        status = jwt.decode(first[line.id], options={"verify_signature": False})["credentialStatus"]
        again = jwt.decode(second[line.id], options={"verify_signature": False})["credentialStatus"]
        assert status == again
        assert status["type"] == "BitstringStatusListEntry" and status["statusPurpose"] == "revocation"
        assert status["statusListCredential"] == f"{BASE}/ob3/status-lists/{line.id // LIST_SIZE}"
        assert status["id"] == f"{status['statusListCredential']}#{status['statusListIndex']}"
        statuses[line.id] = int(status["statusListIndex"])
    assert len(set(statuses.values())) == 2


def test_the_status_list_credential_is_signed_and_follows_the_specification(client, db):
    holder, hr = _holder()
    revoked_line = entry(holder, "A1.1", 2)
    rejected_line = entry(holder, "A1.2", 3, status="submitted", validated_by_org_id=None)
    entry(holder, "A2.1", 2)  # stays valid
    services.revoke(hr, revoked_line, "Motif.")
    services.decide(hr, rejected_line, "reject", "Pièces insuffisantes.", rejected_line.version)

    response = client.get("/ob3/status-lists/0")
    assert response.status_code == 200 and response.mimetype == "application/vc+jwt"
    assert "max-age=" in response.headers["Cache-Control"]
    token = response.get_data(as_text=True)
    assert jwt.get_unverified_header(token)["alg"] == "RS256"
    claims = jwt.decode(token, _published_key(client), algorithms=["RS256"], options={"verify_aud": False})
    assert claims["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert claims["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert claims["id"] == claims["jti"] == f"{BASE}/ob3/status-lists/0"
    assert claims["issuer"]["id"] == claims["iss"] == BASE
    valid_from, valid_until = (datetime.fromisoformat(claims[k]) for k in ("validFrom", "validUntil"))
    assert valid_from <= datetime.now(UTC) < valid_until <= valid_from + timedelta(days=1)
    subject = claims["credentialSubject"]
    assert subject["type"] == "BitstringStatusList" and subject["statusPurpose"] == "revocation"
    assert subject["encodedList"].startswith("u")  # multibase base64url
    bits = decode_encoded_list(subject["encodedList"])  # GZIP, by the independent library
    assert len(bits) * 8 >= 131072
    set_bits = {i for i in range(len(bits) * 8) if bits[i // 8] & (0x80 >> (i % 8))}
    assert set_bits == {revoked_line.id, rejected_line.id}


def test_a_credential_with_its_status_validates_against_the_official_schema(db):
    holder, _hr = _holder()
    entry(holder, "A2.1", 2)
    validator = Draft201909Validator(schema_or_skip(), format_checker=Draft201909Validator.FORMAT_CHECKER)
    [(_entry, credential, _jwt)] = credentials_for(holder)
    assert list(validator.iter_errors(credential)) == []
    assert list(validator.iter_errors({**credential, "credentialStatus": {"type": "BitstringStatusListEntry"}}))


def test_lists_have_their_own_range_of_entries_and_huge_numbers_answer_404(client, db):
    holder, hr = _holder()
    line = entry(holder, "A1.1", 2)
    services.revoke(hr, line, "Motif.")
    assert revoked_indexes(0) == [line.id]
    assert revoked_indexes(1) == []
    assert decode(encode([0, 7, LIST_SIZE - 1]))[0] == 0b10000001
    assert client.get("/ob3/status-lists/1").status_code == 200
    assert client.get(f"/ob3/status-lists/{10**12}").status_code == 404


def test_every_credential_expires_within_the_configured_validity(app, client, db):
    holder, _hr = _holder()
    line = entry(holder, "A1.1", 2)  # the entry itself has no end date
    app.config["CREDENTIAL_VALIDITY_DAYS"] = 30
    try:
        [(_entry, credential, token)] = credentials_for(holder)
    finally:
        app.config["CREDENTIAL_VALIDITY_DAYS"] = 365
    claims = json.loads(jwt.utils.base64url_decode(token.split(".")[1]))
    expires = datetime.fromtimestamp(claims["exp"], UTC)
    assert timedelta(days=29) < expires - datetime.now(UTC) <= timedelta(days=30)
    assert credential["validUntil"] == expires.strftime("%Y-%m-%dT%H:%M:%SZ")
    _verify(client, token)

    # One issued 31 days ago has expired: the independent verifier refuses it.
    from app.passports.credentials import _context

    app.config["CREDENTIAL_VALIDITY_DAYS"] = 30
    try:
        old = build_credential(line, _context({line.competency_id}), datetime.now(UTC) - timedelta(days=31))
        stale = sign_credential(old)
    finally:
        app.config["CREDENTIAL_VALIDITY_DAYS"] = 365
    with pytest.raises(OB3VerificationError, match="expired"):
        _verify(client, stale)
