"""CSRF: a token from another session is refused on every form; no GET changes state; the API ignores cookies."""
import io

import pytest
from sqlalchemy import text

from app.common.access import TOKEN, rule_for
from tests.conftest import csrf_token_from
from tests.factories import PASSWORD, OrganisationFactory, TeamFactory, UserFactory
from tests.platform.test_access_matrix import MATRIX, ROLES

CSRF_MESSAGE = "envoyé depuis Passerelle. Rechargez la page"


def _accepts(app, endpoint, method):
    return any(method in rule.methods for rule in app.url_map.iter_rules(endpoint))


def _world():
    org = OrganisationFactory()
    return {"org": org, "colleague": UserFactory(role="agent", organisation=org), "other": UserFactory(role="agent")}


def _url(path, world):
    return path.format(other=world["other"].id, org=world["org"].id, colleague=world["colleague"].id,
                       orgcode=world["org"].code)


def _signed_in(app, user):
    client = app.test_client()
    assert client.post("/connexion", data={"email": user.email, "password": PASSWORD}).status_code == 302
    return client


# JSON endpoints that check the token themselves (the SCORM player's commits may come as a beacon, which
# carries the token in its body): they refuse a foreign token with their own JSON status.
CHECKS_ITS_OWN_TOKEN = {"packages.commit": 403}


def test_a_token_from_another_session_is_refused_on_every_form(app, db):
    app.config["WTF_CSRF_ENABLED"] = True  # the db fixture turns it off again after the test
    world = _world()
    admin = UserFactory(role="admin")
    # The attacker's own session gives a valid token... for the attacker's session only.
    attacker = app.test_client()
    foreign = csrf_token_from(attacker.get("/connexion").get_data(as_text=True))
    login_page = app.test_client()
    login_page.get("/connexion")
    response = login_page.post("/connexion", data={"email": admin.email, "password": PASSWORD, "csrf_token": foreign})
    assert response.status_code == 400 and CSRF_MESSAGE in response.get_data(as_text=True)

    victim = app.test_client()
    token = csrf_token_from(victim.get("/connexion").get_data(as_text=True))
    assert victim.post("/connexion", data={"email": admin.email, "password": PASSWORD, "csrf_token": token}).status_code == 302
    forms = [(endpoint, _url(path, world)) for endpoint, (_m, path, _e) in MATRIX.items()
             if not path.startswith("/api/") and _accepts(app, endpoint, "POST")]
    assert len(forms) > 40
    failures = []
    for endpoint, url in forms:
        for kind in ("urlencoded", "multipart"):
            if kind == "multipart":  # the upload forms
                response = victim.post(url, data={"csrf_token": foreign, "file": (io.BytesIO(b"%PDF-1.4"), "x.pdf")},
                                       content_type="multipart/form-data")
            else:
                response = victim.post(url, data={"csrf_token": foreign})
            if endpoint in CHECKS_ITS_OWN_TOKEN:
                refused = response.status_code == CHECKS_ITS_OWN_TOKEN[endpoint]
            else:
                refused = response.status_code == 400 and CSRF_MESSAGE in response.get_data(as_text=True)
            if not refused:
                failures.append(f"{endpoint} {url} ({kind}): {response.status_code}")
    # Headers cannot smuggle one either.
    response = victim.post("/compte/jetons", headers={"X-CSRFToken": foreign})
    assert response.status_code == 400
    assert failures == []
    # The victim's own token still works: the refusal above is the foreign token's.
    own = csrf_token_from(victim.get("/compte").get_data(as_text=True))
    assert victim.post("/compte/jetons", data={"csrf_token": own, "label": "x"}).status_code == 200


USE_TIMES = {("api_tokens", "last_used_at"), ("users", "last_home_visit_at")}


def _snapshot(db):
    """Every row of every table (but the audit log, which records reads, token use times and the time of
    the last home page visit, which the home page moves to tell what is new since)."""
    state = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            if table.name == "audit_log":
                continue
            columns = [c.name for c in table.columns if (table.name, c.name) not in USE_TIMES]
            names = ", ".join(f'"{c}"' for c in columns)
            rows = conn.execute(text(f'SELECT {names} FROM "{table.name}"')).all()  # noqa: S608
            state[table.name] = sorted(repr(tuple(row)) for row in rows)
    return state


@pytest.mark.parametrize("role", ROLES)
def test_no_get_changes_state(app, db, role):
    world = _world()
    client = app.test_client()
    if role != "anonymous":
        kwargs = {"organisation": world["org"]} if role in ("agent", "hr") else {}
        if role == "triager":
            kwargs = {"team": TeamFactory()}
        client = _signed_in(app, UserFactory(role=role, **kwargs))
    before = _snapshot(db)
    gets = [(endpoint, _url(path, world)) for endpoint, (_m, path, _e) in MATRIX.items()
            if endpoint != "static" and _accepts(app, endpoint, "GET")]
    assert len(gets) > 60
    for _endpoint, url in gets:
        client.get(url).close()
    db.session.expire_all()
    after = _snapshot(db)
    changed = sorted(name for name in before if before[name] != after[name])
    assert changed == []


def test_the_csrf_exempt_api_ignores_cookies(app, db):
    world = _world()
    agent = world["colleague"]
    browser = _signed_in(app, agent)
    assert browser.get("/compte").status_code == 200  # the cookie is a valid session
    routes = [(endpoint, method, _url(path, world)) for endpoint, (method, path, _e) in MATRIX.items()
              if rule_for(app, endpoint)[0] == TOKEN]  # the public OpenAPI document aside
    assert len(routes) > 10
    failures = []
    for _endpoint, method, url in routes:
        response = browser.open(url, method=method, json={})
        if response.status_code != 401:
            failures.append(f"{method} {url}: {response.status_code}")
    assert failures == []
