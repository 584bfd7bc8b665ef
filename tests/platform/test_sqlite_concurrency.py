"""SQLite under concurrent writers: 8 processes at once, no "database is locked", every row present."""
import multiprocessing
import time

import pytest

PROCESSES, ROWS = 8, 40

pytestmark = pytest.mark.sqlite


def _writer(database_url, instance, worker, barrier, errors):
    from app import create_app
    from app.audit.models import AuditLog
    from app.audit.services import audit
    from app.extensions import db

    app = create_app("test", SQLALCHEMY_DATABASE_URI=database_url, INSTANCE_PATH=instance,
                     SQLITE_BEGIN_IMMEDIATE=True)
    with app.app_context():
        barrier.wait(timeout=60)
        for i in range(ROWS):
            try:
                # Read then write in one transaction: the pattern that fails with deferred
                # transactions when another process commits in between.
                db.session.scalar(db.select(db.func.count(AuditLog.id)))
                audit(None, "test.concurrent_write", None, {"worker": worker, "i": i})
                db.session.commit()
            except Exception as exc:  # noqa: BLE001 - every failure is reported to the parent
                db.session.rollback()
                errors.put(f"{worker}/{i}: {exc}")


def test_eight_processes_write_at_once(tmp_path):
    from flask_migrate import upgrade

    from app import create_app
    from app.audit.models import AuditLog
    from app.extensions import db

    url = f"sqlite:///{tmp_path / 'concurrent.db'}"
    app = create_app("test", SQLALCHEMY_DATABASE_URI=url, INSTANCE_PATH=str(tmp_path))
    with app.app_context():
        upgrade()
        mode = db.session.execute(db.text("PRAGMA journal_mode")).scalar()
        assert mode == "wal"
        db.session.remove()
        db.engine.dispose()
    ctx = multiprocessing.get_context("spawn")
    barrier, errors = ctx.Barrier(PROCESSES), ctx.Queue()
    workers = [ctx.Process(target=_writer, args=(url, str(tmp_path), w, barrier, errors)) for w in range(PROCESSES)]
    started = time.monotonic()
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=180)
    elapsed = time.monotonic() - started
    failures = []
    while not errors.empty():
        failures.append(errors.get())
    assert all(w.exitcode == 0 for w in workers)
    assert failures == []
    with app.app_context():
        count = db.session.scalar(db.select(db.func.count(AuditLog.id)).where(AuditLog.action == "test.concurrent_write"))
        db.engine.dispose()
    print(f"\n{PROCESSES} processes x {ROWS} writes: {count} rows in {elapsed:.1f} s, 0 errors")
    assert count == PROCESSES * ROWS
