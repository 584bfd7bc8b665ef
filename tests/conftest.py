"""Fixtures: app, db, client, login(role=...), on SQLite or on PostgreSQL (TEST_DATABASE_URL)."""
import contextvars
import copy
import os
import re
import secrets
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

IN_CI = os.environ.get("CI", "").lower() == "true"
PG_URL = os.environ.get("TEST_DATABASE_URL")


def _memoize_curricula_yaml():
    """Parse each curricula YAML text once per session: the tests import the same corpora (the shipped one,
    the fixture one) hundreds of times, and the pure-Python YAML parser took most of each import. The
    cache is keyed by the text itself, so an edited file is parsed again; errors are never cached, and
    every caller gets its own copy of the data. The YAML loader's own tests call it directly."""
    from app.training.curricula import frontmatter, validate, yamllines

    parsed = {}

    def load_with_lines(text):
        if text not in parsed:
            parsed[text] = yamllines.load_with_lines(text)
        data, lines = parsed[text]
        return copy.deepcopy(data), lines

    validate.load_with_lines = frontmatter.load_with_lines = load_with_lines


_memoize_curricula_yaml()


def _driver_url(url):
    url = make_url(url)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def create_pg_database(base_url, prefix="passerelle_test"):
    """Create a fresh database on the server of base_url; returns its URL."""
    url = _driver_url(base_url)
    name = f"{prefix}_{secrets.token_hex(4)}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def drop_pg_database(db_url):
    url = make_url(db_url)
    engine = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    finally:
        engine.dispose()


def fresh_database_url(tmp_path):
    """A new, empty database of the kind this run uses."""
    if PG_URL:
        return create_pg_database(PG_URL, "passerelle_mig")
    return f"sqlite:///{tmp_path / 'fresh.db'}"


@contextmanager
def fresh_app_context(tmp_path):
    """An app on a new, empty database of the kind this run uses, its context pushed (for the migration tests);
    the engine disposed and, on PostgreSQL, the database dropped afterwards."""
    from app import create_app
    from app.extensions import db

    url = fresh_database_url(tmp_path)
    try:
        other = create_app("test", SQLALCHEMY_DATABASE_URI=url, INSTANCE_PATH=str(tmp_path))
        with other.app_context():
            try:
                yield other
            finally:
                db.session.remove()
                db.engine.dispose()
    finally:
        if PG_URL:
            drop_pg_database(url)


@pytest.fixture(scope="session")
def database_url():
    if PG_URL:
        try:
            url = create_pg_database(PG_URL)
        except Exception as exc:  # noqa: BLE001 - report any connection failure clearly
            pytest.exit(f"PostgreSQL injoignable via TEST_DATABASE_URL ({exc})", returncode=1)
        yield url
        drop_pg_database(url)
    else:
        folder = tempfile.mkdtemp(prefix="passerelle-test-")
        yield f"sqlite:///{Path(folder) / 'test.db'}"


class IsolatedClient(FlaskClient):
    """A test client whose requests run in their own app context, as in production.

    The tests keep an app context open for factories and queries; Flask would reuse it for
    requests (sharing g and the database session), so each request runs in an empty
    contextvars context instead.
    """

    def open(self, *args, **kwargs):
        # End the test's own transaction first: SQLite transactions take the write lock at BEGIN
        # (BEGIN IMMEDIATE), and a test holding one would block the request it is making.
        from flask import has_app_context

        from app.extensions import db as _db

        if has_app_context():
            _db.session.commit()
        parent = super().open

        def run():
            response = parent(*args, **kwargs)
            response.get_data()  # a streamed body must be read inside the request's context
            return response

        return contextvars.Context().run(run)


@pytest.fixture(scope="session")
def app(database_url):
    instance = tempfile.mkdtemp(prefix="passerelle-instance-")
    from flask_migrate import upgrade

    from app import create_app

    app = create_app(
        "test",
        SQLALCHEMY_DATABASE_URI=database_url,
        WTF_CSRF_ENABLED=False,
        BASE_URL="http://passerelle.test",
        INSTANCE_PATH=instance,
    )
    app.test_client_class = IsolatedClient
    with app.app_context():
        upgrade(revision="heads")  # parallel branches until the lead re-chains them
        _keep_insertion_order(database_url)
    ctx = app.app_context()
    ctx.push()
    yield app
    ctx.pop()
    from app.extensions import db

    with app.app_context():
        db.engine.dispose()


def _keep_insertion_order(database_url):
    """PostgreSQL: no autovacuum on the test tables. The tables are emptied with DELETE between tests; a
    vacuum would let new rows fill the freed space at a time nobody chose, so a query without ORDER BY
    (a latent bug the suite should find by itself, not by chance) would change order from run to run."""
    from app.extensions import db

    if not database_url.startswith("postgresql"):
        return
    with db.engine.begin() as conn:
        for table in db.metadata.sorted_tables:
            conn.exec_driver_sql(f'ALTER TABLE "{table.name}" SET (autovacuum_enabled = false, '
                                 "toast.autovacuum_enabled = false)")


def _clear_tables(db):
    db.session.rollback()
    db.session.remove()
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # DELETE, not TRUNCATE: a TRUNCATE of the ~100 tables gives each a new file, which cost the
            # PostgreSQL pass most of its time (2.4 s a test on a busy machine, DELETE 48 ms). Foreign-key
            # triggers are off for this transaction so that the order does not matter, and every sequence
            # restarts at 1 as RESTART IDENTITY did.
            conn.exec_driver_sql(
                "SET LOCAL session_replication_role = replica; "
                + "; ".join(f'DELETE FROM "{t}"' for t in tables)
                + "; SELECT setval(c.oid::regclass, 1, false) FROM pg_class c WHERE c.relkind = 'S'"
            )
        else:
            conn.execute(text("PRAGMA defer_foreign_keys=ON"))  # modules <-> module_versions
            for name in tables:
                conn.execute(text(f'DELETE FROM "{name}"'))


@pytest.fixture(autouse=True)
def db(app):
    """The database, emptied after each test; rate limits and the mail outbox reset."""
    from app.extensions import db as _db
    from app.extensions import limiter
    from app.notifications.services import MEMORY_OUTBOX

    app.config["WTF_CSRF_ENABLED"] = False
    limiter.reset()
    MEMORY_OUTBOX.clear()
    yield _db
    _clear_tables(_db)
    # A request context pushed by a test (test_request_context) shares the session's app context, hence its g:
    # what a test put there (Flask-Login's user after login_user) would be the next tests' current_user.
    from flask import g, has_app_context

    if has_app_context():
        vars(g).clear()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def outbox():
    from app.notifications.services import MEMORY_OUTBOX

    return MEMORY_OUTBOX


@pytest.fixture
def make_user():
    from tests.factories import UserFactory

    def make(role="agent", **kwargs):
        return UserFactory(role=role, **kwargs)

    return make


@pytest.fixture
def login(client, make_user):
    """login(role="agent", user=None) -> the logged-in user (client keeps the session)."""
    from tests.factories import PASSWORD

    def do_login(role="agent", user=None, **kwargs):
        user = user or make_user(role=role, **kwargs)
        response = client.post("/connexion", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.data[:300]
        return user

    return do_login


def csrf_token_from(html):
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def session_of(app, client):
    """What the client's session cookie holds, decoded (it is signed, not encrypted: anyone can read it)."""
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    if cookie is None or not cookie.value:
        return {}
    return app.session_interface.get_signing_serializer(app).loads(cookie.value)


ROOT = Path(__file__).resolve().parents[1]
# Slow tests (`make test-fast` skips them): browsers, the schemathesis fuzz, two live instances, and
# the Hypothesis tests asking for LARGE_HYPOTHESIS_RUN examples or more.
SLOW_PATHS = ("tests/browser/", "tests/platform/test_api_fuzz.py", "tests/platform/test_two_instances.py")
LARGE_HYPOTHESIS_RUN = 100


def is_slow(item):
    path = Path(str(item.fspath)).resolve()
    if path.is_relative_to(ROOT) and path.relative_to(ROOT).as_posix().startswith(SLOW_PATHS):
        return True
    hypothesis_settings = getattr(getattr(item, "obj", None), "_hypothesis_internal_use_settings", None)
    return hypothesis_settings is not None and hypothesis_settings.max_examples >= LARGE_HYPOTHESIS_RUN


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        if is_slow(item):
            item.add_marker(pytest.mark.slow)
        if "sqlite" in item.keywords and PG_URL:
            item.add_marker(pytest.mark.skip(reason="SQLite only: runs in the pass without TEST_DATABASE_URL"))
        if "postgres" in item.keywords and not PG_URL:
            item.add_marker(
                pytest.mark.skip(reason="PostgreSQL only: runs in the pass with TEST_DATABASE_URL")
            )


# Redis has no "create database": a test takes one of the numbered databases that is empty. Checking
# and marking it in one server-side step lets two test sessions (the SQLite and the PostgreSQL pass run
# side by side in .ci/run) never take the same one; the test empties it afterwards (FLUSHDB).
_CLAIM_IF_EMPTY = "if redis.call('DBSIZE') == 0 then redis.call('SET', KEYS[1], ARGV[1]) return 1 end return 0"


def claim_if_empty(connection):
    """True when the connection's Redis database was empty and is now this session's."""
    return bool(connection.eval(_CLAIM_IF_EMPTY, 1, "passerelle-test:claimed", str(os.getpid())))


@pytest.fixture(scope="session")
def oidc_provider():
    """A real OpenID provider (Authlib server side) on 127.0.0.1 for the whole session."""
    from tests.accounts.oidc_provider import OpenIDProvider

    provider = OpenIDProvider().start()
    yield provider
    provider.stop()
