"""hypothesis on the services behind the admin, passport and report forms: refused input is a
French ValueError with a message, never a crash, and nothing is written when it is refused."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.accounts import organisations
from app.accounts import services as accounts
from app.accounts.models import Organisation, User
from app.extensions import db as _db

FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
TEXT = st.text(max_size=120)


def _count(model):
    return _db.session.scalar(_db.select(_db.func.count()).select_from(model))


@FUZZ
@given(code=TEXT, name=TEXT, kind=st.sampled_from(["caf", "mairie", "nope", ""]), department=TEXT)
def test_create_organisation(db, code, name, kind, department):
    before = _count(Organisation)
    try:
        org = organisations.create_organisation(None, code, name, kind, department)
    except accounts.AccountError as exc:
        _db.session.rollback()
        assert str(exc) and _count(Organisation) == before
    except Exception as exc:  # noqa: BLE001 - database-level refusals (lengths) must not corrupt state
        _db.session.rollback()
        assert _count(Organisation) == before, exc
    else:
        assert org.code == code.strip().upper()


@FUZZ
@given(email=TEXT, name=TEXT, role=st.sampled_from(["agent", "hr", "triager", "admin", "root"]))
def test_create_user(db, email, name, role):
    from tests.factories import OrganisationFactory, TeamFactory

    org, team = OrganisationFactory(), TeamFactory()
    before = _count(User)
    try:
        accounts.create_user(None, email, name, role, organisation=org, team=team)
    except accounts.AccountError as exc:
        _db.session.rollback()
        assert str(exc) and _count(User) == before
    except Exception:  # noqa: BLE001
        _db.session.rollback()
        assert _count(User) == before


@pytest.fixture
def holder(db):
    from tests.factories import UserFactory
    from tests.passports.core_factories import CompetencyFactory

    CompetencyFactory(code="A1.1")
    return UserFactory(role="agent")


@FUZZ
@given(code=TEXT, level=st.one_of(st.integers(-5, 9), TEXT), description=st.text(max_size=400))
def test_declare_passport_entry(holder, code, level, description):
    from app.passports import services as passports
    from app.passports.models import PassportEntry

    before = _count(PassportEntry)
    try:
        entry = passports.declare_entry(holder, code, level, description)
    except passports.PassportError as exc:
        _db.session.rollback()
        assert str(exc) and _count(PassportEntry) == before
    else:
        assert 1 <= entry.level <= 4 and entry.status == "draft"


@FUZZ
@given(title=TEXT, what=st.text(max_size=600), people=st.one_of(st.integers(-3, 10**6), TEXT),
       problem=st.sampled_from(["technical_error", "dead_end", "unknown"]))
def test_file_report(db, title, what, people, problem):
    from app.reports import services as reports
    from app.reports.models import Report
    from tests.factories import UserFactory
    from tests.reports.factories import ApplicationFactory, report_values

    agent = UserFactory(role="agent")
    values = report_values(ApplicationFactory(), title=title, what_happened=what, people_affected=people,
                           problem_type=problem)
    before = _count(Report)
    try:
        report = reports.file_report(agent, values, (), "Firefox")
    except reports.ReportError as exc:
        _db.session.rollback()
        assert str(exc) and _count(Report) == before
    else:
        assert report.reference.startswith("R-")
