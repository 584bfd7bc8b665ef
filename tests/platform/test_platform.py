"""Security headers, error pages, health checks, OpenAPI, route guards."""
from flask import Flask

from app.common.access import unguarded_endpoints


def _assert_security_headers(response):
    csp = response.headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "img-src 'self' data:" in csp
    assert "unsafe-inline" not in csp
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy") == "same-origin"


def test_security_headers_on_404(client):
    response = client.get("/nulle-part")
    assert response.status_code == 404
    assert "Page introuvable" in response.get_data(as_text=True)
    _assert_security_headers(response)


def test_security_headers_on_static_file(client):
    response = client.get("/static/css/passerelle.css")
    assert response.status_code == 200
    _assert_security_headers(response)
    response.close()


def test_security_headers_on_api_error(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    _assert_security_headers(response)


def test_no_inline_script_or_style_in_pages(client, login):
    login(role="admin")
    for path in ["/admin", "/admin/utilisateurs", "/compte", "/mentions-legales"]:
        response = client.get(path)
        assert response.status_code == 200, path  # a redirect's body would pass every check below
        html = response.get_data(as_text=True)
        assert " style=" not in html, path
        assert "<style" not in html, path
        for chunk in html.split("<script")[1:]:
            assert "src=" in chunk.split(">")[0], f"inline script on {path}"


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_ok(client):
    assert client.get("/readyz").status_code == 200


def test_readyz_503_when_database_unreachable(tmp_path):
    from app import create_app

    broken = create_app(
        "test",
        SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:9/nothing?connect_timeout=2",
        INSTANCE_PATH=str(tmp_path),
    )
    response = broken.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"


def test_500_page_shows_incident_id_and_no_traceback(app, tmp_path):
    from app import create_app
    from app.common.access import public

    other = create_app("test", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                       INSTANCE_PATH=str(tmp_path), PROPAGATE_EXCEPTIONS=False)

    @other.route("/boom")
    @public
    def boom():
        raise RuntimeError("secret internal detail")

    response = other.test_client().get("/boom")
    text = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Référence de l'incident" in text
    assert "secret internal detail" not in text
    assert "Traceback" not in text
    _assert_security_headers(response)


def test_413_page_in_french(client, login):
    login(role="hr")
    boundary = "passerelle-boundary"
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n"
        "Content-Type: text/csv\r\n\r\n"
    ).encode() + b"x" * (31 * 1024 * 1024) + f"\r\n--{boundary}--\r\n".encode()
    response = client.post(
        "/rh/agents/import", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 413
    assert "trop volumineux" in response.get_data(as_text=True)


def test_footer_pages(client):
    for path, words in [
        ("/mentions-legales", "Mentions légales"),
        ("/donnees-personnelles", "Données personnelles"),
        ("/accessibilite", "partiellement conforme"),
    ]:
        response = client.get(path)
        assert response.status_code == 200
        assert words in response.get_data(as_text=True)


def test_every_route_has_an_access_rule(app):
    assert unguarded_endpoints(app) == []


def test_route_guard_detects_a_route_without_rule(tmp_path):
    from app import create_app

    other = create_app("test", SQLALCHEMY_DATABASE_URI="sqlite://", INSTANCE_PATH=str(tmp_path))
    assert unguarded_endpoints(other) == []

    @other.route("/oubli")
    def forgotten():
        return "SECRET-PAYLOAD"

    assert unguarded_endpoints(other) == ["forgotten"]
    # And it fails closed: the view is never run.
    response = other.test_client().get("/oubli")
    assert response.status_code == 403
    assert b"SECRET-PAYLOAD" not in response.data


def test_openapi_document_lists_every_api_route(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    documented = {
        (path, method.upper())
        for path, item in spec["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    }
    registered = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint.startswith("api-docs."):
            continue
        path = rule.rule.replace("<", "{").replace(">", "}")
        path = __import__("re").sub(r"\{[^}:]+:([^}]+)\}", r"{\1}", path)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            registered.add((path[len("/api/v1"):] if path.startswith("/api/v1") else path, method))
    documented_norm = {(p[len("/api/v1"):] if p.startswith("/api/v1") else p, m) for p, m in documented}
    assert registered == documented_norm
    assert ("/me", "GET") in registered
    me = spec["paths"]["/api/v1/me"]["get"] if "/api/v1/me" in spec["paths"] else spec["paths"]["/me"]["get"]
    assert "200" in me["responses"]


def test_json_errors_shape(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    body = response.get_json()
    assert set(body["error"]) >= {"code", "message"}


def test_bare_flask_app_has_no_rule_attribute():
    # Sanity check of the guard helper on an unrelated app.
    bare = Flask("bare")

    @bare.route("/x")
    def x():
        return "x"

    assert "x" in unguarded_endpoints(bare)


def test_anonymous_pages_without_forms_set_no_session_cookie(client):
    # No CSRF secret minted for visitors who have no form to post (e.g. a verification page).
    page = client.get("/accessibilite")
    assert page.status_code == 200 and "Set-Cookie" not in page.headers
    assert 'name="csrf-token"' not in page.get_data(as_text=True)


def test_header_navigation_marks_the_current_page_each_time(client, login):
    """The header's items are kept per role, page and capabilities: each page still marks itself, and the
    same page gives the same header."""
    import re

    login("agent")

    def current(path):
        page = client.get(path).get_data(as_text=True)
        return re.findall(r'class="fr-nav__link" href="([^"]+)" aria-current="page"', page)

    assert current("/agent") == ["/agent"]
    assert current("/passeport/") == ["/passeport/"]
    assert current("/agent") == ["/agent"]
    assert current("/passeport/") == ["/passeport/"]


def test_layout_parts_kept_once_still_follow_the_visitor(app, client, login):
    """The layout's static parts are rendered once per process (cached_fragment): what differs between a
    visitor and a signed-in user, between roles and between users stays right."""
    import re

    def page(path):
        return client.get(path).get_data(as_text=True)

    signed_out = page("/accessibilite")
    assert "js/session.js" not in signed_out and "#navigation-principale" not in signed_out
    assert 'href="/connexion"' in signed_out and "fr-nav__list" not in signed_out
    agent = login("agent")
    signed_in = page("/accessibilite")
    assert "js/session.js" in signed_in and 'href="#navigation-principale"' in signed_in
    assert agent.full_name in signed_in and "fr-nav__list" in signed_in
    assert signed_in.count('name="csrf_token"') >= 1 and 'name="csrf-token"' in signed_in
    agent_menu = re.search(r'<nav class="fr-nav".*?</nav>', signed_in, re.S).group(0)
    client.post("/deconnexion", data={"csrf_token": re.search(r'name="csrf-token" content="([^"]+)"',
                                                              signed_in).group(1)})
    hr = login("hr")
    hr_page = page("/accessibilite")
    assert hr.full_name in hr_page and agent.full_name not in hr_page
    assert re.search(r'<nav class="fr-nav".*?</nav>', hr_page, re.S).group(0) != agent_menu
    again = app.test_client().get("/accessibilite").get_data(as_text=True)
    assert "js/session.js" not in again and 'href="/connexion"' in again
    assert "fr-nav__list" not in again


def test_security_headers_kept_per_endpoint_are_talismans_own(app, client, login):
    """The headers appended from the per-endpoint copy are those Talisman's own method sets, in its order,
    on the first request and on the next ones, signed in or not."""
    from flask_talisman import Talisman

    from app.common.security_headers import CachedTalisman

    talisman = next(f.__self__ for f in app.after_request_funcs[None]
                    if isinstance(getattr(f, "__self__", None), CachedTalisman))
    login(role="agent")
    for path in ("/connexion", "/agent", "/connexion", "/agent"):
        response = client.get(path)
        with app.app_context(), app.test_request_context(path):  # a fresh g: no user left by an earlier test
            app.preprocess_request()
            expected = app.response_class()
            expected.headers.clear()
            Talisman._set_response_headers(talisman, expected)
        names = {name for name, _ in expected.headers}
        assert [(k, v) for k, v in response.headers if k in names] == list(expected.headers), path
