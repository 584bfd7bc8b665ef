"""The first-answer delay stored on each request: equal to the business hours computed from its dates, and
read by the cross-reading and reception providers in one query whatever the number of requests."""
import importlib.util
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from app.backoffice import conversation
from app.backoffice.businessdays import business_hours
from app.backoffice.workplace_figures import first_answer_hours, support_delays
from app.extensions import db
from tests.backoffice.factories import agent, ask, expert, group
from tests.query_counter import count_queries

PARIS = ZoneInfo("Europe/Paris")


def _answer_at(monkeypatch, expert_, request, moment):
    monkeypatch.setattr(conversation, "utcnow", lambda: moment.astimezone(UTC))
    conversation.answer(expert_, request, "Le dossier est débloqué.")


def test_the_answer_stores_the_business_hours_across_a_night_and_a_weekend(app, monkeypatch):
    caf = expert()
    group(experts=[caf])
    author = agent()
    # Friday 16:00 -> Monday 10:30, Paris: 1 h on Friday, nothing on Saturday and Sunday, 1.5 h on Monday.
    request = ask(author, now=datetime(2026, 10, 9, 16, 0, tzinfo=PARIS))
    assert request.first_answer_business_hours is None
    _answer_at(monkeypatch, caf, request, datetime(2026, 10, 12, 10, 30, tzinfo=PARIS))
    db.session.expire_all()
    assert request.first_answer_business_hours == 2.5
    assert request.first_answer_business_hours == business_hours(
        request.created_at, request.first_answer_at, request.department)
    # A later answer does not move the first one.
    _answer_at(monkeypatch, caf, request, datetime(2026, 10, 14, 15, 0, tzinfo=PARIS))
    db.session.expire_all()
    assert request.first_answer_business_hours == 2.5
    # Asked at 20:00 on a Tuesday, answered at 08:00 the next day: no business hour went by.
    night = ask(author, now=datetime(2026, 10, 13, 20, 0, tzinfo=PARIS))
    _answer_at(monkeypatch, caf, night, datetime(2026, 10, 14, 8, 0, tzinfo=PARIS))
    db.session.expire_all()
    assert night.first_answer_business_hours == 0.0


def test_the_stored_delay_follows_the_first_answer_date_whoever_writes_it(app):
    group(code="APPUI-CAF-57", departments=("57",), experts=[expert(department="57")])
    request = ask(agent(department="57"), now=datetime(2026, 4, 2, 16, 0, tzinfo=PARIS))
    # Thursday 16:00 -> Tuesday 10:00 in Moselle: Good Friday and Easter Monday are public holidays there.
    request.first_answer_at = datetime(2026, 4, 7, 10, 0, tzinfo=PARIS)
    db.session.commit()
    assert request.first_answer_business_hours == 2.0
    request.first_answer_at = None
    db.session.commit()
    assert request.first_answer_business_hours is None


def test_the_providers_read_the_stored_delay_in_one_query(app):
    group(experts=[expert()])
    author = agent()
    org_ids = [author.organisation_id]

    def add(count):
        for n in range(count):
            request = ask(author, now=datetime(2026, 10, 5 + n % 3, 9, 0, tzinfo=PARIS))
            request.first_answer_at = datetime(2026, 10, 5 + n % 3, 10 + n % 4, 0, tzinfo=PARIS)
        db.session.commit()

    def measure():
        with count_queries(app) as counter:
            national = first_answer_hours(None, date(2026, 10, 1), date(2027, 1, 1))
            scoped = first_answer_hours(org_ids, date(2026, 10, 1), date(2027, 1, 1))
        with count_queries(app) as delays:
            monthly = support_delays(org_ids, date(2026, 10, 1), date(2027, 1, 1))
        return counter.count, delays.count, national, scoped, monthly

    add(2)  # 1 h and 2 h
    assert measure() == (2, 1, 1.5, 1.5, {(author.organisation_id, "2026-10"): 1.5})
    add(10)  # 1, 2, 3, 4, 1, 2, 3, 4, 1, 2 h more: twelve values, median 2 h
    assert measure() == (2, 1, 2.0, 2.0, {(author.organisation_id, "2026-10"): 2.0})


@pytest.mark.parametrize("department", ["69", "57", "67", "974", "973", None])
def test_the_migration_backfills_with_the_same_business_hours(department):
    """The migration carries a copy of business_hours (migrations do not import the application)."""
    path = next(Path("migrations/versions").glob("*_a3f7c1e9b482_*.py"))
    spec = importlib.util.spec_from_file_location("backfill", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    opening, closing, calendars = migration._clock("09:00"), migration._clock("17:00"), {}
    for start, end in [((2026, 4, 2, 14), (2026, 4, 8, 11)), ((2026, 12, 24, 16), (2027, 1, 4, 10)),
                       ((2026, 5, 7, 20), (2026, 5, 11, 8)), ((2026, 11, 10, 9), (2026, 11, 10, 9)),
                       ((2026, 12, 26, 10), (2026, 12, 28, 9, 45))]:
        created, answered = datetime(*start, tzinfo=UTC), datetime(*end, tzinfo=UTC)
        assert migration._business_hours(created.replace(tzinfo=None), answered, department, opening, closing,
                                         calendars) == business_hours(created, answered, department)


def test_the_monthly_delays_follow_every_write_and_equal_a_rebuild(app, monkeypatch):
    """SupportDelayMonth: answered, re-dated, moved to another organisation, unanswered; each time the
    stored rows equal a recount of the requests, and the cross-readings' single query reads the same medians as
    the provider computes from the requests."""
    from app.backoffice import delay_summary
    from app.workplace import providers
    from app.workplace.indicator_read import read
    from app.workplace.scope import organisation_scope

    caf = expert()
    group(experts=[caf])
    author, other = agent(), agent()
    requests = [ask(author, now=datetime(2026, 10, 5 + n, 9, 0, tzinfo=PARIS)) for n in range(4)]
    assert delay_summary.stored() == {}
    for n, request in enumerate(requests):
        _answer_at(monkeypatch, caf, request, datetime(2026, 10, 5 + n, 10 + n, 0, tzinfo=PARIS))
    october = date(2026, 10, 1)
    assert delay_summary.stored() == delay_summary.recount() == {(author.organisation_id, october): (4, 2.5)}
    requests[0].created_at = datetime(2026, 11, 3, 9, 0, tzinfo=PARIS)  # another month
    requests[1].organisation_id = other.organisation_id  # another organisation
    requests[2].first_answer_at = None  # no longer answered
    db.session.commit()
    assert delay_summary.stored() == delay_summary.recount()
    assert delay_summary.stored()[(author.organisation_id, october)] == (1, 4.0)
    requests[3].organisation_id = None  # an agent without organisation: counted nowhere
    db.session.commit()
    assert delay_summary.stored() == delay_summary.recount()
    assert (author.organisation_id, october) not in delay_summary.stored()
    expected = delay_summary.stored()
    db.session.execute(db.delete(delay_summary.SupportDelayMonth))
    db.session.commit()
    assert delay_summary.rebuild() == len(expected)
    assert delay_summary.stored() == expected
    scope = organisation_scope(author.organisation)
    figures = read(scope, "2026-T4", date(2026, 10, 1), date(2027, 1, 1)).figures["support_delays"]
    assert figures == providers.fetch("support_delays", [author.organisation_id], date(2026, 10, 1),
                                      date(2027, 1, 1))
