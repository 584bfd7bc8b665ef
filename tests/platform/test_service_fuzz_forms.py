"""hypothesis on the remaining form services: HR decision, triage status and comments, webhook
settings, path assignment, e-mail change and the second-factor code."""
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.extensions import db as _db

FUZZ = settings(max_examples=50, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
TEXT = st.text(max_size=200)


@pytest.fixture
def hr_and_entry(db):
    from tests.factories import UserFactory
    from tests.passports.core_factories import EntryFactory

    agent = UserFactory(role="agent")
    hr = UserFactory(role="hr", organisation=agent.organisation)
    return hr, EntryFactory(holder=agent, status="submitted")


@FUZZ
@given(decision=st.sampled_from(["validate", "reject", "request_changes", "approve", ""]), comment=TEXT,
       version=st.one_of(st.none(), st.integers(-2, 2**40), TEXT))
def test_passport_decision(hr_and_entry, decision, comment, version):
    from app.passports import services as passports

    hr, entry = hr_and_entry
    try:
        passports.decide(hr, entry, decision, comment, version)
    except passports.PassportError as exc:
        _db.session.rollback()
        assert str(exc)
    else:
        assert entry.status in ("validated", "rejected", "changes_requested")
        entry.status, entry.version = "submitted", entry.version + 1  # back to the queue for the next example
        _db.session.commit()


@pytest.fixture
def triager_and_report(db):
    from app.reports import services as reports
    from tests.factories import UserFactory
    from tests.reports.factories import ApplicationFactory, report_values

    application = ApplicationFactory()
    triager = UserFactory(role="triager", team=application.team)
    agent = UserFactory(role="agent")
    report = reports.file_report(agent, report_values(application), (), "Firefox")
    return triager, report


@FUZZ
@given(target=st.sampled_from(["qualified", "acknowledged", "fixed", "wont_fix", "out_of_scope", "bogus", ""]),
       reason=TEXT, redirect=TEXT, body=TEXT, internal=st.booleans())
def test_triage_status_and_comments(triager_and_report, target, reason, redirect, body, internal):
    from app.reports import triage
    from app.reports.services import ReportError
    from app.reports.workflow import WorkflowError

    triager, report = triager_and_report
    try:
        triage.change_status(triager, report, target, reason=reason, redirect=redirect)
    except (ReportError, WorkflowError) as exc:
        _db.session.rollback()
        assert str(exc)
    try:
        triage.add_team_comment(triager, report, body, internal=internal)
    except (ReportError, WorkflowError) as exc:
        _db.session.rollback()
        assert str(exc)


@FUZZ
@given(url=TEXT, events=st.lists(st.sampled_from(["report.created", "report.status_changed", "x"]), max_size=3))
def test_webhook_settings(db, url, events):
    from app.reports import webhooks
    from tests.factories import TeamFactory, UserFactory

    team = TeamFactory()
    actor = UserFactory(role="triager", team=team)
    try:
        webhooks.create_webhook(actor, team, url, events)
    except webhooks.WebhookError as exc:
        _db.session.rollback()
        assert str(exc)


@FUZZ
@given(offset=st.integers(-400, 4000))
def test_path_assignment_due_dates(db, offset):
    from app.training import learning
    from app.training.models import Enrolment, TrainingPath
    from tests.factories import UserFactory

    path = TrainingPath(code=f"P-{abs(offset)}-{offset < 0}", title="Parcours", description="Test")
    _db.session.add(path)
    hr = UserFactory(role="hr")
    agent = UserFactory(role="agent", organisation=hr.organisation)
    _db.session.commit()
    due = date.today() + timedelta(days=offset)
    try:
        learning.assign_path(hr, [agent], path, due)
    except learning.TrainingError as exc:
        _db.session.rollback()
        assert offset < 0 and str(exc)
    else:
        assert offset >= 0
        assert _db.session.scalar(_db.select(Enrolment.due_on).where(Enrolment.user_id == agent.id)) == due


@FUZZ
@given(email=TEXT, password=TEXT)
def test_email_change_request(db, email, password):
    from app.accounts import services as accounts
    from tests.factories import UserFactory

    user = UserFactory()
    try:
        accounts.request_email_change(user, email, password)
    except accounts.AccountError as exc:
        _db.session.rollback()
        assert str(exc)


@FUZZ
@given(code=TEXT)
def test_second_factor_code(db, code):
    import pyotp

    from app.accounts import twofactor
    from tests.factories import UserFactory

    user = UserFactory()
    user.totp_secret = pyotp.random_base32()
    from app.common.timezones import utcnow

    user.totp_enabled_at = utcnow()
    _db.session.commit()
    assert twofactor.verify(user, code) in (True, False)
