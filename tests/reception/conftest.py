"""Fixtures of the reception tests: an API caller with a bearer token."""
import pytest

from app.accounts import services as accounts


@pytest.fixture
def bearer(app):
    """bearer(user or raw token) -> a function calling the API with that token."""

    def make(who):
        raw = who if isinstance(who, str) else accounts.create_api_token(who, who)[1]
        client = app.test_client()

        def call(method, path, headers=None, **kwargs):
            return client.open(path, method=method, headers={"Authorization": f"Bearer {raw}", **(headers or {})},
                               **kwargs)

        return call

    return make
