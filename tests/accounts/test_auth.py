"""Login, logout, rate limits, password reset, activation, e-mail change, sessions."""
import base64
import re
from datetime import timedelta

from app.accounts.models import OneTimeToken, User
from app.common.timezones import utcnow
from tests.conftest import csrf_token_from
from tests.factories import PASSWORD


def _login(client, email, password):
    return client.post("/connexion", data={"email": email, "password": password})


def test_wrong_password_and_unknown_email_give_the_same_answer(client, make_user):
    user = make_user()
    wrong = _login(client, user.email, "not the password at all")
    unknown = _login(client, "nobody@example.org", "not the password at all")
    assert wrong.status_code == unknown.status_code == 200
    message = "Adresse e-mail ou mot de passe incorrect."
    assert message in wrong.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)
    # Same page apart from the echoed e-mail address.
    def strip(response, email):
        # The CSRF token is signed with the time: it differs between any two pages.
        html = response.get_data(as_text=True).replace(email, "")
        return re.sub(r'(name="csrf[_-]token"[^>]*(?:content|value)=")[^"]+', r"\1", html)

    assert strip(wrong, user.email) == strip(unknown, "nobody@example.org")


def test_login_is_case_insensitive_and_lands_on_role_home(client, make_user):
    user = make_user(role="hr")
    response = _login(client, user.email.upper(), PASSWORD)
    assert response.status_code == 302
    assert response.location.endswith("/rh")


def test_each_role_lands_on_its_home(app, make_user):
    for role, path in [("agent", "/agent"), ("hr", "/rh"), ("triager", "/equipe"), ("admin", "/admin")]:
        client = app.test_client()
        user = make_user(role=role)
        response = _login(client, user.email, PASSWORD)
        assert response.location.endswith(path)
        page = client.get(path)
        assert page.status_code == 200


def test_sixth_failed_login_on_one_account_gets_429(client, make_user):
    user = make_user()
    for _ in range(5):
        assert _login(client, user.email, "wrong password!!").status_code == 200
    sixth = _login(client, user.email, "wrong password!!")
    assert sixth.status_code == 429
    assert "Trop de tentatives" in sixth.get_data(as_text=True)
    # Even the right password is refused while the account is locked.
    assert _login(client, user.email, PASSWORD).status_code == 429


def _known_browser(app, user):
    """A browser where the user signed in successfully before (it holds a device cookie)."""
    browser = app.test_client()
    assert _login(browser, user.email, PASSWORD).status_code == 302
    assert browser.get_cookie("passerelle_device", path="/connexion") is not None
    assert browser.post("/deconnexion").status_code == 302
    return browser


def _lock_out(client, email):
    for _ in range(5):
        assert _login(client, email, "wrong password!!").status_code == 200
    assert _login(client, email, "wrong password!!").status_code == 429


def test_failures_from_elsewhere_do_not_lock_out_a_known_browser(app, make_user):
    user = make_user(role="admin")
    known = _known_browser(app, user)
    attacker = app.test_client()
    _lock_out(attacker, user.email)
    assert _login(attacker, user.email, PASSWORD).status_code == 429
    # Untrusted browsers keep the per-account lock...
    assert _login(app.test_client(), user.email, PASSWORD).status_code == 429
    # ...but the browser the user signed in with before is not locked out.
    assert _login(known, user.email, PASSWORD).status_code == 302


def test_failures_with_a_device_cookie_count_per_device_cookie(app, make_user):
    user = make_user()
    known = _known_browser(app, user)
    other_known = _known_browser(app, user)
    _lock_out(known, user.email)
    assert _login(known, user.email, PASSWORD).status_code == 429
    # Neither the user's other browser nor the untrusted ones are locked by these failures.
    assert _login(other_known, user.email, PASSWORD).status_code == 302
    assert _login(app.test_client(), user.email, PASSWORD).status_code == 302


def test_a_device_cookie_counts_only_for_its_own_account_and_must_be_signed(app, make_user):
    user, victim = make_user(), make_user()
    known = _known_browser(app, user)
    _lock_out(app.test_client(), victim.email)
    assert _login(known, victim.email, PASSWORD).status_code == 429  # known for user, not for victim
    forged = app.test_client()
    cookie = known.get_cookie("passerelle_device", path="/connexion").value
    forged.set_cookie("passerelle_device", cookie[:-2] + "xx", path="/connexion")
    _lock_out(app.test_client(), user.email)
    assert _login(forged, user.email, PASSWORD).status_code == 429
    assert _login(known, user.email, PASSWORD).status_code == 302


def test_the_device_cookie_names_no_account_in_clear(app, make_user):
    user = make_user()
    known = _known_browser(app, user)
    cookie = known.get_cookie("passerelle_device", path="/connexion")
    assert not cookie.value.startswith(".")  # not compressed: the payload below is the whole content
    decoded = base64.urlsafe_b64decode(cookie.value.split(".")[0] + "==").decode()
    assert re.fullmatch(r"\[\[\"[0-9a-f]{32}\",\"[\w-]{20,}\"\]\]", decoded), decoded  # [[account key, nonce]]
    assert user.email not in decoded and user.email.split("@")[0] not in decoded
    assert cookie.http_only and cookie.same_site == "Lax"


def test_failed_logins_on_other_accounts_do_not_lock_an_account(client, make_user):
    user = make_user()
    for i in range(8):
        _login(client, f"other{i}@example.org", "wrong password!!")
    assert _login(client, user.email, PASSWORD).status_code == 302


def test_successful_logins_are_not_counted(client, make_user):
    user = make_user()
    for _ in range(7):
        assert _login(client, user.email, PASSWORD).status_code == 302
        client.post("/deconnexion")


def test_deactivated_user_cannot_log_in(client, make_user):
    user = make_user(active=False)
    assert _login(client, user.email, PASSWORD).status_code == 200


def test_next_only_redirects_inside_the_site(client, make_user):
    user = make_user()
    for target in ["https://evil.example/", "//evil.example/", "/\\evil.example"]:
        response = client.post(
            "/connexion", data={"email": user.email, "password": PASSWORD, "next": target}
        )
        assert response.location.endswith("/agent"), target
        client.post("/deconnexion")
    response = client.post(
        "/connexion", data={"email": user.email, "password": PASSWORD, "next": "/compte"}
    )
    assert response.location.endswith("/compte")


def test_session_is_renewed_at_login(client, make_user):
    user = make_user()
    client.get("/connexion")
    with client.session_transaction() as session:
        session["planted"] = "attacker"
    _login(client, user.email, PASSWORD)
    with client.session_transaction() as session:
        assert "planted" not in session


def test_session_cookie_flags(client, make_user):
    user = make_user()
    response = _login(client, user.email, PASSWORD)
    cookie = response.headers.get("Set-Cookie")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def _reset_link(outbox):
    body = outbox[-1]["body"]
    return re.search(r"http://passerelle\.test(/mot-de-passe/reinitialiser/\S+)", body).group(1)


def test_reset_link_works_once(client, make_user, outbox, db):
    user = make_user()
    response = client.post("/mot-de-passe/oubli", data={"email": user.email})
    assert response.status_code == 302
    link = _reset_link(outbox)
    assert client.get(link).status_code == 200
    new = "une phrase de passe toute neuve"
    response = client.post(link, data={"password": new, "confirm": new})
    assert response.status_code == 302
    assert _login(client, user.email, new).status_code == 302
    client.post("/deconnexion")
    again = client.post(link, data={"password": "encore une autre phrase", "confirm": "encore une autre phrase"})
    assert again.status_code == 410
    assert _login(client, user.email, "encore une autre phrase").status_code == 200


def test_new_reset_link_voids_the_earlier_ones(client, make_user, outbox):
    user = make_user()
    client.post("/mot-de-passe/oubli", data={"email": user.email})
    first = _reset_link(outbox)
    client.post("/mot-de-passe/oubli", data={"email": user.email})
    second = _reset_link(outbox)
    assert first != second
    assert client.get(first).status_code == 410
    new = "une phrase de passe toute neuve"
    assert client.post(first, data={"password": new, "confirm": new}).status_code == 410
    assert client.get(second).status_code == 200
    assert client.post(second, data={"password": new, "confirm": new}).status_code == 302


def test_reset_link_expires(client, make_user, outbox, db):
    user = make_user()
    client.post("/mot-de-passe/oubli", data={"email": user.email})
    link = _reset_link(outbox)
    row = db.session.scalar(db.select(OneTimeToken).where(OneTimeToken.user_id == user.id))
    row.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert client.get(link).status_code == 410
    response = client.post(link, data={"password": "une phrase de passe neuve", "confirm": "une phrase de passe neuve"})
    assert response.status_code == 410


def test_reset_request_for_unknown_email_says_the_same(client, outbox):
    response = client.post("/mot-de-passe/oubli", data={"email": "nobody@example.org"})
    assert response.status_code == 302
    assert outbox == []


def test_short_password_refused_in_french(client, make_user, outbox):
    user = make_user()
    client.post("/mot-de-passe/oubli", data={"email": user.email})
    link = _reset_link(outbox)
    response = client.post(link, data={"password": "court", "confirm": "court"})
    assert response.status_code == 200
    assert "au moins 12 caractères" in response.get_data(as_text=True)


def test_activation_link_sets_password(client, login, outbox, db):
    login(role="admin")
    from tests.factories import OrganisationFactory

    org = OrganisationFactory()
    response = client.post(
        "/admin/utilisateurs/nouveau",
        data={"email": "New.Agent@Example.org", "full_name": "Nouvel Agent", "role": "agent",
              "organisation": str(org.id), "team": ""},
    )
    assert response.status_code == 302
    client.post("/deconnexion")
    link = re.search(r"http://passerelle\.test(/activation/\S+)", outbox[-1]["body"]).group(1)
    assert outbox[-1]["to"] == "new.agent@example.org"
    response = client.post(link, data={"password": "ma phrase de passe à moi", "confirm": "ma phrase de passe à moi"})
    assert response.status_code == 302
    assert _login(client, "new.agent@example.org", "ma phrase de passe à moi").status_code == 302


def test_password_change_ends_other_sessions(app, make_user):
    user = make_user()
    first, second = app.test_client(), app.test_client()
    _login(first, user.email, PASSWORD)
    _login(second, user.email, PASSWORD)
    new = "une nouvelle phrase de passe"
    response = first.post(
        "/compte/mot-de-passe",
        data={"pw-current_password": PASSWORD, "pw-password": new, "pw-confirm": new},
    )
    assert response.status_code == 302
    assert first.get("/compte").status_code == 200
    assert second.get("/compte").status_code == 302  # sent back to the login page


def test_email_change_needs_confirmation(client, login, outbox, db):
    user = login()
    response = client.post(
        "/compte/adresse", data={"em-email": "Moi@Ailleurs.example", "em-password": PASSWORD}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).email == user.email
    link = re.search(r"http://passerelle\.test(/compte/adresse/confirmer/\S+)", outbox[-1]["body"]).group(1)
    assert outbox[-1]["to"] == "moi@ailleurs.example"
    assert client.get(link).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).email == "moi@ailleurs.example"
    assert client.get(link).status_code == 410


def test_a_new_email_change_request_voids_the_earlier_link(client, login, outbox, db):
    user = login()
    links = []
    for address in ("premiere@ailleurs.example", "seconde@ailleurs.example"):
        client.post("/compte/adresse", data={"em-email": address, "em-password": PASSWORD})
        links.append(re.search(r"http://passerelle\.test(/compte/adresse/confirmer/\S+)", outbox[-1]["body"]).group(1))
    assert client.get(links[0]).status_code == 410
    db.session.expire_all()
    assert db.session.get(User, user.id).email == user.email
    assert client.get(links[1]).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).email == "seconde@ailleurs.example"


def test_post_without_csrf_token_is_refused(app, client, make_user):
    user = make_user()
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/connexion", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "formulaire a expiré" in response.get_data(as_text=True)
    token = csrf_token_from(client.get("/connexion").get_data(as_text=True))
    response = client.post(
        "/connexion", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302


def test_logout_requires_post(client, login):
    login()
    assert client.get("/deconnexion").status_code == 405
    assert client.post("/deconnexion").status_code == 302
    assert client.get("/compte").status_code == 302


def test_a_deactivated_users_open_session_stops_at_the_next_request(app, make_user, db):
    agent = make_user(role="agent")
    hr = make_user(role="hr", organisation=agent.organisation)
    browser = app.test_client()
    assert _login(browser, agent.email, PASSWORD).status_code == 302
    assert browser.get("/agent").status_code == 200
    manager = app.test_client()
    assert _login(manager, hr.email, PASSWORD).status_code == 302
    assert manager.post(f"/rh/agents/{agent.id}/activation", data={"active": "0"}).status_code == 302
    response = browser.get("/agent")
    assert response.status_code == 302 and "/connexion" in response.location
    assert browser.get("/compte").status_code == 302


def test_deactivation_alone_ends_the_session_even_without_a_new_session_version(app, make_user, db):
    agent = make_user(role="agent")
    browser = app.test_client()
    assert _login(browser, agent.email, PASSWORD).status_code == 302
    db.session.execute(db.update(User).where(User.id == agent.id).values(active=False))
    db.session.commit()
    response = browser.get("/agent")
    assert response.status_code == 302 and "/connexion" in response.location
