"""Background jobs (RQ on Redis), registered by the domains: the e-mail outbox, the webhook deliveries.

With REDIS_URL set, a job only says "deliver what is pending now": the outbox and the
webhook_deliveries tables stay the source of truth, so a job lost with Redis loses no
message (the next job, `flask outbox send` or `flask webhooks deliver` sends it).
Without Redis nothing is enqueued and the callers deliver inline or wait for the cron.
"""
import logging

from flask import current_app, has_app_context
from sqlalchemy import event

QUEUE_NAME = "passerelle"
# The names a service may ask for, and the function the worker runs for each (register_job).
JOBS = {}
_AFTER_COMMIT = "jobs_after_commit"

log = logging.getLogger(__name__)


def register_job(name, function):
    """A domain declares job `name`: the worker runs `function()` in the app context."""
    JOBS[name] = function


def redis_connection():
    """A Redis client for REDIS_URL, or None when the app runs without Redis."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    from redis import Redis

    return Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)


def enqueue(name):
    """Ask the worker to run a job now; False when there is no Redis or it failed (logged)."""
    if not has_app_context():
        return False
    if name not in JOBS:
        raise KeyError(f"unknown job {name!r}")
    connection = redis_connection()
    if connection is None:
        return False
    from redis.exceptions import RedisError
    from rq import Queue

    try:
        Queue(QUEUE_NAME, connection=connection).enqueue_call(
            run, args=(name,), result_ttl=0, failure_ttl=86400, description=f"passerelle {name}"
        )
    except RedisError as exc:
        log.warning("Redis unavailable, job %s not enqueued (delivered later): %s", name, exc)
        return False
    finally:
        connection.close()
    return True


def after_commit(session, name):
    """Enqueue job `name` once the session's transaction commits (nothing on rollback).

    A stray request surviving a rollback only costs an idle job: jobs just deliver what is pending.
    """
    session.info.setdefault(_AFTER_COMMIT, set()).add(name)


def _enqueue_committed(session):
    for name in sorted(session.info.pop(_AFTER_COMMIT, ())):
        enqueue(name)


def _forget(session, *args):
    session.info.pop(_AFTER_COMMIT, None)


def init_app(app):
    """Listen to the session's commits (once per process, the session is shared by all apps)."""
    from app.extensions import db

    if not event.contains(db.session, "after_commit", _enqueue_committed):
        event.listen(db.session, "after_commit", _enqueue_committed)
        event.listen(db.session, "after_soft_rollback", _forget)


# --- run by `flask worker` inside the app context --------------------------------------------------


def run(name):
    """Run the registered job `name`, then release the database session."""
    from app.extensions import db

    try:
        return JOBS[name]()
    finally:
        db.session.remove()
