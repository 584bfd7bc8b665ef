"""Pooled PostgreSQL connections are checked only after a rest, and a dead one is replaced."""
import pytest
from sqlalchemy import create_engine
from sqlalchemy.exc import OperationalError

from app.common.dbping import install_idle_ping
from tests.conftest import PG_URL, _driver_url

pytestmark = pytest.mark.postgres


def _engine(idle_seconds):
    engine = create_engine(_driver_url(PG_URL), pool_size=1, max_overflow=0)
    install_idle_ping(engine, idle_seconds)
    return engine


def _kill(pid):
    admin = create_engine(_driver_url(PG_URL), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            assert conn.exec_driver_sql(f"SELECT pg_terminate_backend({int(pid)})").scalar() is True
    finally:
        admin.dispose()


def _backend(engine):
    with engine.connect() as conn:
        return conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()


def test_a_connection_killed_while_idle_is_replaced():
    engine = _engine(idle_seconds=0)
    try:
        first = _backend(engine)
        _kill(first)
        assert _backend(engine) != first  # the checkout found it dead and opened another one
    finally:
        engine.dispose()


def test_a_busy_connection_is_not_pinged():
    # Within the idle delay no check is made: a connection killed meanwhile fails the next query
    # (what pool_pre_ping would have hidden, at the price of a round trip on every request).
    engine = _engine(idle_seconds=3600)
    try:
        first = _backend(engine)
        _kill(first)
        with pytest.raises(OperationalError):
            _backend(engine)
        assert _backend(engine) != first  # the pool then replaces it
    finally:
        engine.dispose()
