"""Background jobs: enqueued after commit with Redis, inline without, and no message lost when Redis fails."""
import os
import subprocess  # nosec B404 - runs the app in a separate process
import sys
from pathlib import Path

import pytest

from app.common import jobs
from app.extensions import db as _db
from app.notifications.models import OutboxEmail
from app.notifications.services import deliver_inline, queue_email
from tests.conftest import IN_CI, claim_if_empty

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def recorded(monkeypatch):
    names = []
    monkeypatch.setattr(jobs, "enqueue", names.append)
    return names


def _pending():
    return _db.session.scalar(
        _db.select(_db.func.count(OutboxEmail.id)).where(OutboxEmail.sent_at.is_(None))
    )


def test_without_redis_mail_is_delivered_inline(app, db, outbox):
    assert app.config["REDIS_URL"] is None
    queue_email("agent@example.org", "Bonjour", "Texte")
    db.session.commit()
    deliver_inline()
    assert [m["to"] for m in outbox] == ["agent@example.org"]
    assert _pending() == 0


def test_a_failing_redis_loses_no_message(app, db, outbox, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "REDIS_URL", UNREACHABLE_REDIS)
    queue_email("agent@example.org", "Bonjour", "Texte")
    db.session.commit()
    deliver_inline()  # the job cannot be enqueued: delivered inline instead
    assert [m["to"] for m in outbox] == ["agent@example.org"]
    assert "not enqueued" in caplog.text

    monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
    queue_email("rh@example.org", "Bonjour", "Texte")
    db.session.commit()
    deliver_inline()  # SMTP without a worker: it waits in the outbox for `flask outbox send`
    assert _pending() == 1


def test_jobs_are_enqueued_only_when_the_transaction_commits(db, recorded):
    queue_email("agent@example.org", "Bonjour", "Texte")
    db.session.flush()
    jobs.after_commit(db.session, "webhooks")
    db.session.rollback()
    db.session.commit()
    assert recorded == []
    jobs.after_commit(db.session, "webhooks")
    jobs.after_commit(db.session, "webhooks")
    db.session.commit()
    assert recorded == ["webhooks"]


def test_flask_worker_needs_redis(app):
    result = app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code == 1
    assert "REDIS_URL" in result.output


@pytest.fixture
def redis_url():
    from redis import Redis
    from redis.exceptions import RedisError

    base = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379")
    try:
        for number in range(15, 7, -1):
            connection = Redis.from_url(f"{base}/{number}", socket_connect_timeout=2)
            if claim_if_empty(connection):
                break
            connection.close()
        else:
            pytest.skip("aucune base Redis libre (8 à 15)")
    except RedisError as exc:
        if IN_CI:
            pytest.fail(f"Redis injoignable sur {base} ({exc})")
        pytest.skip(f"Redis injoignable sur {base} ({exc})")
    try:
        yield f"{base}/{number}"
    finally:
        connection.flushdb()
        connection.close()


def test_with_redis_the_worker_delivers_the_outbox(app, db, outbox, monkeypatch, redis_url):
    from redis import Redis
    from rq import Queue

    monkeypatch.setitem(app.config, "REDIS_URL", redis_url)
    queue_email("agent@example.org", "Bonjour", "Texte")
    db.session.commit()
    deliver_inline()
    assert outbox == [] and _pending() == 1  # left to the worker
    with Redis.from_url(redis_url) as connection:
        queued = Queue(jobs.QUEUE_NAME, connection=connection).jobs
        assert [(job.func_name, job.args) for job in queued] == [("app.common.jobs.run", ("outbox",))]
    assert jobs.run("outbox") == 1  # what the worker runs
    assert [m["to"] for m in outbox] == ["agent@example.org"]
    assert _pending() == 0


LOGINS_WITH_REDIS_DOWN = """
import sys
from app import create_app
from app.extensions import db
app = create_app("test", SQLALCHEMY_DATABASE_URI="sqlite:///" + sys.argv[1] + "/down.db",
                 REDIS_URL=sys.argv[2], WTF_CSRF_ENABLED=False, INSTANCE_PATH=sys.argv[1])
assert app.config["RATELIMIT_STORAGE_URI"] == sys.argv[2]
with app.app_context():
    db.create_all()
    client = app.test_client()
    form = {"email": "personne@example.org", "password": "mauvais-mot-de-passe"}
    print(" ".join(str(client.post("/connexion", data=form).status_code) for _ in range(6)))
"""


def test_logins_still_work_and_are_limited_when_redis_is_down(tmp_path):
    # Another process: the limiter is a module-level extension that this app would rebind.
    result = subprocess.run(  # noqa: S603  # nosec B603 - fixed command line
        [sys.executable, "-c", LOGINS_WITH_REDIS_DOWN, str(tmp_path), UNREACHABLE_REDIS],
        cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    # Counted in memory by each instance while Redis is down, instead of failing with 500.
    assert result.stdout.split() == ["200"] * 5 + ["429"]
