"""Pages behind sign-in and API answers carry Cache-Control: no-store (the Back button of a shared PC)."""
import pytest

from app.accounts import services
from app.common.access import PUBLIC, rule_for
from tests.factories import PASSWORD, OrganisationFactory, TeamFactory, UserFactory
from tests.platform.test_access_matrix import MATRIX, ROLES


@pytest.mark.parametrize("role", ROLES)
def test_every_get_route_behind_sign_in_and_every_api_answer_is_not_stored(app, role, db):
    org = OrganisationFactory()
    colleague = UserFactory(role="agent", organisation=org)
    other = UserFactory(role="agent")
    client = app.test_client()
    headers = {}
    if role != "anonymous":
        kwargs = {"organisation": org} if role in ("agent", "hr") else {}
        if role == "triager":
            kwargs = {"team": TeamFactory()}
        actor = UserFactory(role=role, **kwargs)
        assert client.post("/connexion", data={"email": actor.email, "password": PASSWORD}).status_code == 302
        _t, raw = services.create_api_token(actor, actor)
        headers = {"Authorization": f"Bearer {raw}"}
    checked, failures = 0, []
    for endpoint, (method, path, _expected) in MATRIX.items():
        if method != "GET" or endpoint == "static":
            continue
        url = path.format(other=other.id, org=org.id, colleague=colleague.id, orgcode=org.code)
        is_api = url.startswith("/api/")
        response = client.get(url, headers=headers if is_api else {})
        cache = response.headers.get("Cache-Control", "")
        response.close()
        if role == "anonymous" and not is_api and rule_for(app, endpoint)[0] == PUBLIC:
            continue  # a public page seen anonymously keeps its own caching rule
        checked += 1
        if "no-store" not in cache:
            failures.append(f"GET {url} as {role}: {response.status_code}, Cache-Control {cache!r}")
        db.session.expire_all()
    assert checked > 20
    assert failures == []


def test_static_files_stay_cacheable_when_signed_in(client, login):
    login()
    response = client.get("/static/css/passerelle.css")
    cache = response.headers.get("Cache-Control", "")
    response.close()
    assert response.status_code == 200 and "no-store" not in cache


@pytest.mark.parametrize(("inline", "disposition"), [(False, "attachment"), (True, "inline")])
def test_every_generated_pdf_goes_through_one_response_that_is_never_stored(app, inline, disposition):
    from app.common.pdf import pdf_response

    with app.test_request_context():
        response = pdf_response(b"%PDF-1.4", "fiche.pdf", inline=inline)
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f'{disposition}; filename="fiche.pdf"'
    assert "no-store" in response.headers["Cache-Control"]
