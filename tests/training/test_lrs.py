"""Statements queued in the database and forwarded to a real Ralph LRS on 127.0.0.1 (acceptance 3)."""
from datetime import timedelta

import pytest

from app.common.timezones import utcnow
from app.extensions import db as _db
from app.training import learning
from app.training.lrs import sender
from app.training.lrs.models import LrsDelivery, LrsStatement
from tests.conftest import IN_CI
from tests.factories import UserFactory
from tests.training import ralph as ralph_lrs
from tests.training.learning_helpers import RIGHT, complete, fail_quiz, import_fixture_curricula, module


@pytest.fixture(scope="session")
def ralph_venv():
    try:
        return ralph_lrs.ensure_venv()
    except RuntimeError as exc:
        if IN_CI:
            pytest.fail(f"the Ralph LRS tests must run under CI=true: {exc}")
        pytest.skip(f"Ralph's virtualenv could not be created here: {exc}")


@pytest.fixture
def ralph(ralph_venv, tmp_path):
    server = ralph_lrs.Ralph(ralph_venv, tmp_path / "ralph-home")
    yield server
    server.stop()


@pytest.fixture
def lrs_settings(app, ralph):
    saved = {k: app.config.get(k) for k in ("LRS_ENDPOINT", "LRS_USERNAME", "LRS_PASSWORD")}
    app.config.update(LRS_ENDPOINT=f"{ralph.url}/xAPI", LRS_USERNAME=ralph_lrs.USERNAME,
                      LRS_PASSWORD=ralph_lrs.PASSWORD)
    yield
    app.config.update(saved)


def _queued_ids(pending_only=False):
    query = _db.select(LrsStatement.statement_id)
    if pending_only:
        query = query.where(LrsStatement.sent_at.is_(None))
    return set(_db.session.scalars(query))


def test_nothing_is_queued_without_an_lrs(app, db):
    import_fixture_curricula()
    complete(UserFactory(role="agent"), "accueil-base")
    assert _db.session.scalar(_db.select(_db.func.count(LrsStatement.id))) == 0


def test_statements_reach_ralph_and_survive_its_restart(app, db, ralph, lrs_settings, tmp_path):
    import_fixture_curricula()
    agent = UserFactory(role="agent")
    fail_quiz(agent, "accueil-base")
    complete(agent, "accueil-base")  # 2 lessons read, a quiz attempt, a completion
    first = _queued_ids()
    assert len(first) == 5
    kinds = {row.statement["verb"]["id"].rsplit("/", 1)[-1] for row in _db.session.scalars(_db.select(LrsStatement))}
    assert kinds == {"experienced", "failed", "passed", "completed"}
    assert all("mbox" not in row.statement["actor"] for row in _db.session.scalars(_db.select(LrsStatement)))

    # Phase 1: the LRS is up; `flask lrs send` delivers everything in one batch, read back from the LRS.
    ralph.start(tmp_path / "lrs-1")
    result = app.test_cli_runner().invoke(args=["lrs", "send"])
    assert result.exit_code == 0 and "5 déclaration(s) envoyée(s)" in result.output, result.output
    assert {s["id"] for s in ralph.statements()} == first
    assert _queued_ids(pending_only=True) == set()

    # Phase 2: the LRS is down; new statements wait, with a back-off, and nothing is marked sent.
    ralph.stop()
    other = UserFactory(role="agent")
    complete(other, "accueil-base")
    second = _queued_ids() - first
    assert len(second) == 4
    log = sender.send_pending()
    assert not log.delivered and "injoignable" in log.message
    assert _queued_ids(pending_only=True) == second
    assert sender.send_pending() is None  # not due again before its back-off

    # Phase 3: the LRS is back (a fresh store: its file backend takes one write per file). The next flush
    # sends the waiting statements once, and none of those already delivered.
    ralph.start(tmp_path / "lrs-2")
    log = sender.send_pending(now=utcnow() + timedelta(hours=1))
    assert log.delivered and log.count == 4
    held = [s["id"] for s in ralph.statements()]
    assert sorted(held) == sorted(second)  # nothing lost, nothing doubled
    assert _queued_ids(pending_only=True) == set()
    assert sender.send_pending(now=utcnow() + timedelta(days=1)) is None
    assert [d.delivered for d in _db.session.scalars(_db.select(LrsDelivery).order_by(LrsDelivery.id))] == [
        True, False, True]


def test_a_row_queued_twice_is_one_statement(app, db, lrs_settings):
    import_fixture_curricula()
    agent = UserFactory(role="agent")
    mod = module("accueil-base")
    lesson = mod.current_version.lessons[0]
    learning.mark_lesson_done(agent, mod, lesson)
    learning.mark_lesson_done(agent, mod, lesson)  # read again: the same row, the same statement
    assert len(_queued_ids()) == 1
    learning.submit_attempt(agent, mod, RIGHT["accueil-base"], submission_key="k1")
    learning.submit_attempt(agent, mod, RIGHT["accueil-base"], submission_key="k1")  # resent form
    assert len(_queued_ids()) == 2


def test_backoff_grows_and_is_capped():
    assert [sender.backoff(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert sender.backoff(30) == sender.MAX_BACKOFF


def test_admins_see_the_delivery_log(client, login, db):
    _db.session.add(LrsDelivery(count=3, delivered=False, status_code=None, message="LRS injoignable : ConnectionError"))
    _db.session.commit()
    login("admin")
    page = client.get("/admin/lrs/").get_data(as_text=True)
    assert "LRS injoignable : ConnectionError" in page and "Échec, nouvel essai prévu" in page
