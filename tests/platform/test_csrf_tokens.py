"""The CSRF token the app prints is Flask-WTF's own token: same bytes, same secret, valid for Flask-WTF."""
from unittest import mock

import flask_wtf.csrf
import pytest
from flask import g, render_template_string, session
from flask_wtf.csrf import validate_csrf

from app.common import csrf_tokens
from app.common.forms import BaseForm, csrf_field


@pytest.fixture(autouse=True)
def _forget_tokens(app):
    """The tests' application context outlives each request (and g with it): no token left for later tests."""
    yield
    g.pop("csrf_token", None)
    g.pop("other_token", None)


def _flask_wtf_token_with(**kwargs):
    import importlib.util

    spec = importlib.util.find_spec("flask_wtf.csrf")
    pristine = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(pristine)  # a fresh copy of the module: its generate_csrf is Flask-WTF's
    return pristine.generate_csrf(**kwargs)


def _flask_wtf_token():
    return _flask_wtf_token_with()


@pytest.mark.parametrize("secret", ["0123456789abcdef" * 2 + "01234567", "a" * 40, "é-not-hex"])
def test_same_token_as_flask_wtf(app, secret):
    with app.test_request_context("/"), mock.patch("itsdangerous.timed.time.time", return_value=1_765_000_000.5):
        g.pop("csrf_token", None)  # the test's application context outlives its requests: g too
        session["csrf_token"] = secret
        ours = csrf_tokens.generate_csrf()
        g.pop("csrf_token")
        assert ours == _flask_wtf_token()
        g.pop("csrf_token")
        assert csrf_tokens.generate_csrf() == ours  # the kept signer gives the same token again


def test_token_made_once_per_request_with_a_new_secret_in_the_session(app):
    with app.test_request_context("/"):
        g.pop("csrf_token", None)
        token = csrf_tokens.generate_csrf()
        assert len(session["csrf_token"]) == 40 and g.csrf_token == token
        assert csrf_tokens.generate_csrf() is token
        validate_csrf(token)  # Flask-WTF's validation accepts it
    with app.test_request_context("/"):
        g.pop("csrf_token", None)
        session["csrf_token"] = "another session's secret"
        with pytest.raises(Exception, match="do not match"):
            validate_csrf(token)


def test_forms_templates_and_the_csrf_field_use_it(app):
    app.config["WTF_CSRF_ENABLED"] = True
    with app.test_request_context("/"), mock.patch.object(csrf_tokens, "_serializer",
                                                         wraps=csrf_tokens._serializer) as made:
        g.pop("csrf_token", None)
        form = BaseForm()
        printed = str(form.hidden_tag())
        assert g.csrf_token in printed and made.call_count == 1
        assert render_template_string("{{ csrf_token() }}") == g.csrf_token
        assert g.csrf_token in str(csrf_field())
    assert flask_wtf.csrf.generate_csrf is csrf_tokens.generate_csrf
    assert app.jinja_env.globals["csrf_token"] is csrf_tokens.generate_csrf


def test_arguments_as_flask_wtf_takes_them(app):
    with app.test_request_context("/"), mock.patch("itsdangerous.timed.time.time", return_value=1_765_000_000.5):
        token = csrf_tokens.generate_csrf(secret_key="another key", token_key="other_token")
        assert g.other_token == token and "other_token" in session and "csrf_token" not in session
        g.pop("other_token")
        assert token == _flask_wtf_token_with(secret_key="another key", token_key="other_token")
        with pytest.raises(Exception, match="token is invalid"):
            validate_csrf(token, token_key="other_token")  # signed with another key than the app's
