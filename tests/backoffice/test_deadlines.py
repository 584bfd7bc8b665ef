"""Business days (acceptance 3): late exactly on the right day in 69, 57 (Alsace-Moselle), 67 and 974,
on the eve of a public holiday and of a weekend; `flask support escalate` invites the national group
once, at the end of the 5th business day; the weekly digest lists late requests."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from app.backoffice.businessdays import add_business_days, business_hours, deadline_after
from app.backoffice.escalation import digest, escalate
from app.backoffice.models import SupportInvitation
from app.backoffice.notify import set_email_opt_out
from app.notifications.models import OutboxEmail
from tests.backoffice.factories import agent, ask, expert, group

PARIS, REUNION = ZoneInfo("Europe/Paris"), ZoneInfo("Indian/Reunion")


def local(tz, *args):
    return datetime(*args, tzinfo=tz)


@pytest.mark.parametrize("department, created, last_on_time, first_late", [
    # Thursday 2 April 2026, eve of Good Friday (a holiday in Alsace-Moselle only); Easter Monday 6 April.
    ("69", (2026, 4, 2, 10), (2026, 4, 8, 23, 59), (2026, 4, 9, 0, 0)),
    ("57", (2026, 4, 2, 10), (2026, 4, 9, 23, 59), (2026, 4, 10, 0, 0)),
    ("67", (2026, 4, 2, 10), (2026, 4, 9, 23, 59), (2026, 4, 10, 0, 0)),
    # Wednesday 13 May 2026, eve of Ascension (Thursday 14, national).
    ("69", (2026, 5, 13, 16), (2026, 5, 19, 23, 59), (2026, 5, 20, 0, 0)),
    # Friday 17 December 2027, eve of a weekend; Monday 20 December is the abolition of slavery in La Réunion.
    ("974", (2027, 12, 17, 10), (2027, 12, 23, 23, 59), (2027, 12, 24, 0, 0)),
    ("69", (2027, 12, 17, 10), (2027, 12, 22, 23, 59), (2027, 12, 23, 0, 0)),
])
def test_a_request_is_late_exactly_on_the_right_day(db, department, created, last_on_time, first_late):
    tz = REUNION if department == "974" else PARIS
    group(departments=(department,), experts=[expert(department=department)])
    request = ask(agent(department=department), now=local(tz, *created))
    assert not request.is_late(local(tz, *last_on_time))
    assert request.is_late(local(tz, *first_late))
    assert request.answer_expected_on == local(tz, *last_on_time).date()


def test_an_answer_stops_the_late_flag(db):
    caf = expert()
    group(experts=[caf])
    request = ask(agent(), now=local(PARIS, 2026, 4, 2, 10))
    from app.backoffice import conversation

    conversation.answer(caf, request, "Réponse")
    assert not request.is_late(local(PARIS, 2026, 5, 1, 0))


def test_holiday_calendars_come_from_the_holidays_library():
    good_friday = datetime(2026, 4, 3).date()
    assert add_business_days(datetime(2026, 4, 2).date(), 1, "69") == good_friday
    assert add_business_days(datetime(2026, 4, 2).date(), 1, "68") == datetime(2026, 4, 7).date()
    assert add_business_days(datetime(2026, 5, 26).date(), 1, "971") == datetime(2026, 5, 28).date()  # 27 May
    assert deadline_after(local(PARIS, 2026, 4, 2, 10), 3, "69") == local(PARIS, 2026, 4, 9, 0, 0)


def test_business_hours_count_weekdays_9_to_17_outside_holidays():
    # Friday 16:00 -> Tuesday 10:00 across Easter Monday (69): 1 h Friday + 1 h Tuesday.
    assert business_hours(local(PARIS, 2026, 4, 3, 16), local(PARIS, 2026, 4, 7, 10), "69") == 2.0
    # The same in Moselle: Good Friday is a holiday, so only Tuesday's hour counts.
    assert business_hours(local(PARIS, 2026, 4, 3, 16), local(PARIS, 2026, 4, 7, 10), "57") == 1.0
    assert business_hours(local(PARIS, 2026, 4, 7, 8), local(PARIS, 2026, 4, 7, 20), "69", "08:30", "18:00") == 9.5


def test_escalate_invites_the_national_group_once_at_the_fifth_business_day(app, db):
    group(experts=[expert()])
    national = group("APPUI-CAF-NAT", national=True, experts=[expert(department="75")])
    request = ask(agent(), now=local(PARIS, 2026, 4, 2, 10))  # 5th business day: Friday 10 April
    assert escalate(local(PARIS, 2026, 4, 10, 23, 59)) == []
    assert escalate(local(PARIS, 2026, 4, 11, 0, 1)) == [request.reference]
    assert escalate(local(PARIS, 2026, 4, 14, 9)) == []
    invitations = db.session.scalars(db.select(SupportInvitation)).all()
    assert [(i.group_id, i.is_automatic) for i in invitations] == [(national.id, True)]
    db.session.refresh(request)
    assert request.handoffs == 1 and request.escalated_at is not None
    result = app.test_cli_runner().invoke(args=["support", "escalate"])
    assert result.exit_code == 0 and "0 demande(s) escaladée(s)" in result.output
    assert len(db.session.scalars(db.select(SupportInvitation)).all()) == 1


def test_an_answered_request_is_not_escalated(db):
    caf = expert()
    group(experts=[caf])
    group("APPUI-CAF-NAT", national=True)
    request = ask(agent(), now=local(PARIS, 2026, 4, 2, 10))
    from app.backoffice import conversation

    conversation.answer(caf, request, "Réponse")
    assert escalate(local(PARIS, 2026, 4, 20, 9)) == []


def test_weekly_digest_lists_each_groups_late_requests(app, db):
    caf, quiet = expert(), expert()
    group(experts=[caf, quiet], mailbox="pole@caf.example")
    late = ask(agent(), now=local(PARIS, 2026, 4, 2, 10))
    fresh = ask(agent(), now=local(PARIS, 2026, 4, 9, 10))
    set_email_opt_out(quiet, True)
    db.session.commit()
    db.session.query(OutboxEmail).delete()
    db.session.commit()
    assert digest(local(PARIS, 2026, 4, 10, 8)) == {"APPUI-CAF-69": 1}
    mails = db.session.scalars(db.select(OutboxEmail)).all()
    assert sorted(m.recipient for m in mails) == sorted(["pole@caf.example", caf.email])
    assert late.reference in mails[0].body and fresh.reference not in mails[0].body
    result = app.test_cli_runner().invoke(args=["support", "digest"])
    assert result.exit_code == 0 and "Synthèse envoyée" in result.output
