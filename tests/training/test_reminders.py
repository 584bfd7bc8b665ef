"""flask reminders send: due in 7 days and overdue modules, each reminder sent once."""
from datetime import date, timedelta

import pytest

from app.extensions import db as _db
from app.notifications.models import Notification
from app.training import learning
from app.training.models import Enrolment, ReminderLog
from app.training.reminders import send_reminders
from tests.query_counter import count_queries
from tests.training.learning_helpers import complete, fixture_path

DUE = date.today() + timedelta(days=20)


@pytest.fixture
def assign(make_user, curricula):
    """assign(agent=None, due_on=DUE) -> the agent, assigned the fixture path by their HR."""

    def do_assign(agent=None, due_on=DUE):
        agent = agent or make_user(role="agent")
        hr = make_user(role="hr", organisation=agent.organisation)
        learning.assign_path(hr, [agent], fixture_path(), due_on)
        return agent

    return do_assign


def reminders_of(user, kind):
    return _db.session.scalars(
        _db.select(Notification).where(Notification.user_id == user.id, Notification.kind == kind)
        .order_by(Notification.id)
    ).all()


def test_due_soon_is_sent_seven_days_before_and_once(assign):
    agent = assign()
    assert send_reminders(DUE - timedelta(days=8)).total == 0
    report = send_reminders(DUE - timedelta(days=7))
    assert (report.due_soon, report.overdue) == (1, 0)
    assert send_reminders(DUE - timedelta(days=7)).total == 0
    assert send_reminders(DUE - timedelta(days=2)).total == 0
    [notification] = reminders_of(agent, "training.due_soon")
    assert "Parcours de test" in notification.message
    assert DUE.strftime("%d/%m/%Y") in notification.message and "dans 7 jours" in notification.message
    assert notification.link == "/formation/parcours/PARCOURS-TEST"
    assert _db.session.scalar(_db.select(ReminderLog.kind)) == "due_soon"


def test_a_missed_day_is_caught_up_within_the_week(assign):
    agent = assign()
    assert send_reminders(DUE - timedelta(days=3)).due_soon == 1
    assert "dans 3 jours" in reminders_of(agent, "training.due_soon")[0].message


def test_overdue_modules_are_sent_once_each(assign):
    agent = assign()
    late = DUE + timedelta(days=1)
    report = send_reminders(late)
    assert (report.due_soon, report.overdue) == (0, 1)
    [notification] = reminders_of(agent, "training.overdue")
    assert "Accueil de base" in notification.message and "L'essentiel de la CAF" in notification.message
    logs = _db.session.execute(_db.select(ReminderLog.kind, ReminderLog.module_id)).all()
    assert len(logs) == 2 and {kind for kind, _ in logs} == {"overdue"}
    assert send_reminders(late).total == 0
    assert send_reminders(late + timedelta(days=5)).total == 0
    assert len(reminders_of(agent, "training.overdue")) == 1


def test_completed_modules_are_not_reminded(assign):
    agent = assign()
    complete(agent, "accueil-base")
    send_reminders(DUE + timedelta(days=1))
    [notification] = reminders_of(agent, "training.overdue")
    assert "L'essentiel de la CAF" in notification.message
    assert "Accueil de base" not in notification.message
    assert _db.session.scalar(_db.select(_db.func.count(ReminderLog.id))) == 1


def test_a_completed_path_gets_no_reminder(assign):
    agent = assign()
    complete(agent, "accueil-base")
    complete(agent, "caf-essentiel")
    assert send_reminders(DUE - timedelta(days=7)).total == 0
    assert send_reminders(DUE + timedelta(days=1)).total == 0


def test_no_due_date_or_inactive_agent_gets_nothing(assign, make_user, curricula):
    free = make_user(role="agent")
    learning.enrol(free, fixture_path())
    gone = assign()
    gone.active = False
    _db.session.commit()
    assert send_reminders(DUE + timedelta(days=1)).total == 0
    assert send_reminders(date.today() + timedelta(days=400)).total == 0


def test_queries_do_not_grow_with_agents(app, assign):
    assign()
    _db.session.expire_all()
    with count_queries(app) as one:
        assert send_reminders(DUE + timedelta(days=1)).total == 1
    _db.session.execute(_db.delete(ReminderLog))
    _db.session.commit()
    for _ in range(4):
        assign()
    _db.session.expire_all()
    with count_queries(app) as five:
        assert send_reminders(DUE + timedelta(days=1)).total == 5

    def selects(counter):
        return [s for s in counter.statements if s.lstrip().upper().startswith("SELECT")]

    assert len(selects(five)) == len(selects(one))


def test_cli_prints_how_many_were_sent(app, assign):
    assign()
    assign()
    runner = app.test_cli_runner()
    day = (DUE - timedelta(days=7)).isoformat()
    first = runner.invoke(args=["reminders", "send", "--date", day])
    assert first.exit_code == 0, first.output
    assert "2 rappel(s) envoyé(s)" in first.output
    second = runner.invoke(args=["reminders", "send", "--date", day])
    assert second.exit_code == 0 and "0 rappel(s) envoyé(s)" in second.output
    assert _db.session.scalar(_db.select(_db.func.count(Enrolment.id))) == 2
