"""Two gunicorn instances sharing PostgreSQL and Redis behave as one application.

Runs in the PostgreSQL pass (TEST_DATABASE_URL); needs Redis (TEST_REDIS_URL, default
redis://127.0.0.1:6379). Under CI=true an unreachable Redis fails the test instead of skipping it.
"""
import os
import re
import secrets
import socket
import subprocess  # nosec B404 - starts the app's own commands
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text

from tests.conftest import IN_CI, PG_URL, claim_if_empty, create_pg_database, drop_pg_database

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
REDIS_BASE = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379")
DEMO_PASSWORD = "passerelle-demo"  # noqa: S105  # nosec B105 - the demo accounts' password
HR_EMAIL = "rh.fs@passerelle.example"
AGENT_EMAIL = "agent.fs@passerelle.example"
START_TIMEOUT = 60
COMMAND_TIMEOUT = 300
REQUEST_TIMEOUT = 15


def _unavailable(reason):
    if IN_CI:
        pytest.fail(f"{reason} (CI=true : le test à deux instances doit tourner)")
    pytest.skip(reason)


def _free_redis_db():
    """A Redis database number that was empty, now claimed (the test flushes it afterwards)."""
    from redis import Redis
    from redis.exceptions import RedisError

    try:
        for number in range(15, 7, -1):
            connection = Redis.from_url(f"{REDIS_BASE}/{number}", socket_connect_timeout=2)
            if claim_if_empty(connection):
                return connection, f"{REDIS_BASE}/{number}"
            connection.close()
    except RedisError as exc:
        _unavailable(f"Redis injoignable sur {REDIS_BASE} ({exc})")
    _unavailable(f"aucune base Redis libre (8 à 15) sur {REDIS_BASE}")


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _flask(env, *args):
    result = subprocess.run(  # noqa: S603  # nosec B603 - fixed command line
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=COMMAND_TIMEOUT, check=False,
    )
    assert result.returncode == 0, f"flask {' '.join(args)}: {result.stdout[-2000:]}{result.stderr[-2000:]}"
    return result.stdout


def _wait_until_ready(process, base_url, log_path):
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn stopped ({process.returncode}): {log_path.read_text()[-3000:]}")
        try:
            if requests.get(f"{base_url}/connexion", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    pytest.fail(f"gunicorn not ready after {START_TIMEOUT}s: {log_path.read_text()[-3000:]}")


def _csrf(session, url):
    response = session.get(url, timeout=REQUEST_TIMEOUT)
    assert response.status_code == 200, response.status_code
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.text)
    assert match, "no CSRF token on the login page"
    return match.group(1)


def _login(session, base_url, email, password):
    token = _csrf(session, f"{base_url}/connexion")
    return session.post(
        f"{base_url}/connexion", data={"csrf_token": token, "email": email, "password": password},
        allow_redirects=False, timeout=REQUEST_TIMEOUT,
    )


@pytest.fixture(scope="module")
def two_instances():
    """Fresh PostgreSQL database and Redis db, demo data, two gunicorn instances; all removed after."""
    assert PG_URL, "the postgres marker runs this test only with TEST_DATABASE_URL"
    redis, redis_url = _free_redis_db()
    database_url = create_pg_database(PG_URL, "passerelle_two")
    instance = tempfile.mkdtemp(prefix="passerelle-two-")
    ports = [_free_port(), _free_port()]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    env = {
        **os.environ,
        "APP_ENV": "development",
        "SECRET_KEY": secrets.token_urlsafe(32),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "BASE_URL": bases[0],
        "INSTANCE_PATH": instance,
        "MAIL_BACKEND": "console",
        "TOTP_REQUIRED_ROLES": "",
        "RATELIMIT_ENABLED": "true",
        "LOGIN_LIMIT_PER_ACCOUNT": "5 per 15 minutes",
    }
    processes = []
    logs = []
    try:
        _flask(env, "db", "upgrade", "heads")
        _flask(env, "curricula", "import")
        _flask(env, "seed", "demo")
        tokens = {
            email: _flask(env, "tokens", "create", "--email", email, "--label", "deux instances").strip()
            for email in (HR_EMAIL, AGENT_EMAIL)
        }
        for port in ports:
            log_path = Path(instance) / f"gunicorn-{port}.log"
            log = log_path.open("w")
            logs.append(log)
            processes.append(subprocess.Popen(  # noqa: S603  # nosec B603 - fixed command line
                [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1",
                 "--timeout", "60", "wsgi:app"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            ))
        for process, base, port in zip(processes, bases, ports, strict=True):
            _wait_until_ready(process, base, Path(instance) / f"gunicorn-{port}.log")
        yield {"bases": bases, "database_url": database_url, "tokens": tokens}
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        for log in logs:
            log.close()
        redis.flushdb()
        redis.close()
        drop_pg_database(database_url)
        subprocess.run(["rm", "-rf", instance], check=False)  # noqa: S603, S607  # nosec B603 B607


def _submitted_entry(database_url):
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(
                "SELECT id, version FROM passport_entries WHERE status = 'submitted' ORDER BY id LIMIT 1"
            )).one()
    finally:
        engine.dispose()


def test_a_session_opened_on_one_instance_works_on_the_other(two_instances):
    first, second = two_instances["bases"]
    on_first = requests.Session()
    response = _login(on_first, first, HR_EMAIL, DEMO_PASSWORD)
    assert response.status_code == 302, response.text[:300]

    on_second = requests.Session()
    on_second.cookies.update(on_first.cookies)
    response = on_second.get(f"{second}/rh/passeports/", allow_redirects=False, timeout=REQUEST_TIMEOUT)
    assert response.status_code == 200
    assert "Rachid RH" in response.text


def test_the_login_rate_limit_counts_attempts_on_both_instances(two_instances):
    bases = two_instances["bases"]
    for attempt in range(5):
        response = _login(requests.Session(), bases[attempt % 2], AGENT_EMAIL, "mauvais-mot-de-passe")
        assert response.status_code == 200, (attempt, response.status_code)
    for base in bases:
        response = _login(requests.Session(), base, AGENT_EMAIL, "mauvais-mot-de-passe")
        assert response.status_code == 429, (base, response.status_code)
    # Locked even with the right password, whichever instance answers.
    assert _login(requests.Session(), bases[1], AGENT_EMAIL, DEMO_PASSWORD).status_code == 429


def test_a_passport_decision_on_one_instance_is_seen_on_the_other(two_instances):
    first, second = two_instances["bases"]
    tokens = two_instances["tokens"]
    entry_id, version = _submitted_entry(two_instances["database_url"])
    hr = requests.Session()
    assert _login(hr, second, HR_EMAIL, DEMO_PASSWORD).status_code == 302
    link = f"/rh/passeports/lignes/{entry_id}"
    assert link in hr.get(f"{second}/rh/passeports/", timeout=REQUEST_TIMEOUT).text

    response = requests.post(
        f"{first}/api/v1/passport-entries/{entry_id}/decision",
        json={"decision": "validate", "version": version},
        headers={"Authorization": f"Bearer {tokens[HR_EMAIL]}"}, timeout=REQUEST_TIMEOUT,
    )
    assert response.status_code == 200, response.text[:300]

    assert link not in hr.get(f"{second}/rh/passeports/", timeout=REQUEST_TIMEOUT).text
    response = requests.get(
        f"{second}/api/v1/me/passport", params={"limit": 100},
        headers={"Authorization": f"Bearer {tokens[AGENT_EMAIL]}"}, timeout=REQUEST_TIMEOUT,
    )
    assert response.status_code == 200
    statuses = {item["id"]: item["status"] for item in response.json()["items"]}
    assert statuses[entry_id] == "validated"
