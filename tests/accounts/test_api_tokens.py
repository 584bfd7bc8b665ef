"""Personal API tokens: Bearer authentication, revocation."""
from app.accounts import services


def test_me_with_token(client, make_user):
    user = make_user(role="hr")
    _token, raw = services.create_api_token(user, user, "script")
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["email"] == user.email
    assert body["role"] == "hr"
    assert body["organisation"]["code"] == user.organisation.code


def test_missing_or_bad_token_gets_401_json(client):
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"}):
        response = client.get("/api/v1/me", headers=headers)
        assert response.status_code == 401
        assert response.get_json()["error"]["code"] == "unauthorized"
        assert "jeton" in response.get_json()["error"]["message"]


def test_revoked_token_gets_401(client, make_user):
    user = make_user()
    token, raw = services.create_api_token(user, user)
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    services.revoke_api_token(user, token)
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "token_revoked"


def test_admin_revokes_all_tokens_of_a_user(client, login, make_user):
    login(role="admin")
    user = make_user()
    _t, raw = services.create_api_token(user, user)
    response = client.post(f"/admin/utilisateurs/{user.id}/jetons/revoquer")
    assert response.status_code == 302
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_tokens_are_stored_hashed(make_user, db):
    from app.accounts.models import ApiToken

    user = make_user()
    _t, raw = services.create_api_token(user, user)
    stored = db.session.scalars(db.select(ApiToken.token_hash)).all()
    assert raw not in stored
    assert all(len(h) == 64 for h in stored)


def test_user_creates_and_revokes_token_in_the_ui(client, login, db):
    login()
    response = client.post("/compte/jetons", data={"label": "mon script"})
    text = response.get_data(as_text=True)
    raw = text.split('id="secret-value">')[1].split("<")[0].strip()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    from app.accounts.models import ApiToken

    token = db.session.scalar(db.select(ApiToken))
    client.post(f"/compte/jetons/{token.id}/revoquer")
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
