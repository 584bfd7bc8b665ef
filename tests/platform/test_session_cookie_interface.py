"""The session cookie interface remembers verified cookies: the same sessions as Flask's own interface."""
import time

from flask.sessions import SecureCookieSessionInterface

from app.common import session_cookie
from app.common.session_cookie import VerifiedCookieSessionInterface


def _open(app, interface, cookie):
    with app.test_request_context("/", headers={"Cookie": f"session={cookie}"} if cookie else {}):
        from flask import request

        return interface.open_session(app, request)


def _cookie(app, data):
    return SecureCookieSessionInterface().get_signing_serializer(app).dumps(data)


def test_the_app_uses_it_and_reads_what_flask_wrote(app):
    assert isinstance(app.session_interface, VerifiedCookieSessionInterface)
    cookie = _cookie(app, {"_user_id": "7:1", "flashes": [("info", "Bonjour")]})
    interface = VerifiedCookieSessionInterface()
    for _ in range(2):  # verified, then remembered
        opened = _open(app, interface, cookie)
        assert dict(opened) == {"_user_id": "7:1", "flashes": [("info", "Bonjour")]}
        assert not opened.modified
    assert cookie in interface._verified


def test_each_request_gets_its_own_copy_of_a_remembered_session(app):
    cookie = _cookie(app, {"items": [1, 2]})
    interface = VerifiedCookieSessionInterface()
    first = _open(app, interface, cookie)
    first["items"].append(3)
    first["other"] = True
    assert dict(_open(app, interface, cookie)) == {"items": [1, 2]}


def test_a_forged_or_unknown_cookie_gives_an_empty_session_and_is_not_remembered(app):
    interface = VerifiedCookieSessionInterface()
    cookie = _cookie(app, {"_user_id": "7:1"})
    _open(app, interface, cookie)
    forged = cookie[:-2] + ("AA" if not cookie.endswith("AA") else "BB")
    assert dict(_open(app, interface, forged)) == {}
    assert forged not in interface._verified
    assert dict(_open(app, interface, "")) == {}


def test_a_remembered_cookie_still_expires_with_the_session_lifetime(app, monkeypatch):
    interface = VerifiedCookieSessionInterface()
    cookie = _cookie(app, {"_user_id": "7:1"})
    assert dict(_open(app, interface, cookie)) == {"_user_id": "7:1"}
    lifetime = int(app.permanent_session_lifetime.total_seconds())
    later = time.time() + lifetime + 5
    monkeypatch.setattr(session_cookie.time, "time", lambda: later)
    assert dict(_open(app, interface, cookie)) == {}


def test_a_new_secret_key_verifies_again(app):
    interface = VerifiedCookieSessionInterface()
    cookie = _cookie(app, {"_user_id": "7:1"})
    assert dict(_open(app, interface, cookie)) == {"_user_id": "7:1"}
    old = app.secret_key
    app.secret_key = "another-test-only-key"
    try:
        assert dict(_open(app, interface, cookie)) == {}
    finally:
        app.secret_key = old


def test_the_memory_is_bounded(app, monkeypatch):
    monkeypatch.setattr(session_cookie, "MAX_VERIFIED", 3)
    interface = VerifiedCookieSessionInterface()
    for n in range(7):
        _open(app, interface, _cookie(app, {"n": n}))
        assert len(interface._verified) <= 3


def test_a_signed_in_session_works_through_the_interface(app, login, client):
    login()
    assert client.get("/agent").status_code == 200
    with client.session_transaction() as data:
        assert data["_user_id"]


def test_a_remembered_session_is_copied_not_decoded_again(app, monkeypatch):
    import uuid
    from datetime import UTC, datetime

    from markupsafe import Markup

    data = {"_user_id": "7:1", "seen": 1_796_634_700, "fresh": True, "none": None, "ratio": 0.5,
            "flashes": [("info", Markup("<b>Bonjour</b>"))], "nested": {"at": datetime(2026, 12, 7, tzinfo=UTC),
                                                                   "id": uuid.UUID(int=7), "raw": b"\x00"}}
    cookie = _cookie(app, data)
    interface = VerifiedCookieSessionInterface()
    assert dict(_open(app, interface, cookie)) == data
    serializer = interface.get_signing_serializer(app).serializer
    monkeypatch.setattr(type(serializer), "loads", lambda self, payload: (_ for _ in ()).throw(
        AssertionError("decoded again")))
    first, second = _open(app, interface, cookie), _open(app, interface, cookie)
    assert dict(first) == dict(second) == data
    assert first["flashes"] is not second["flashes"] and first["flashes"][0] is not second["flashes"][0]
    assert first["nested"] is not second["nested"] and type(first["flashes"][0][1]) is Markup


def test_a_value_of_another_kind_is_decoded_every_time(app, monkeypatch):
    monkeypatch.setattr(session_cookie, "_IMMUTABLE", (int,))  # as if a registered tag gave something new
    cookie = _cookie(app, {"_user_id": "7:1", "items": [1]})
    interface = VerifiedCookieSessionInterface()
    _open(app, interface, cookie)
    assert interface._verified[cookie][3] is None
    first = _open(app, interface, cookie)
    first["items"].append(2)
    assert dict(_open(app, interface, cookie)) == {"_user_id": "7:1", "items": [1]}
