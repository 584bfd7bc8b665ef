"""hypothesis on the reception use cases: any input is recorded or refused in French, never a crash."""
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from app.extensions import db
from app.reception import services
from app.reception.models import Answer

FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
VALUE = st.one_of(st.none(), st.text(max_size=30), st.integers(), st.lists(st.text(max_size=10), max_size=3),
                  st.sampled_from(["caf", "phone", "resolved", "lt5", "gt30", "language", "2026-01-05"]))


@FUZZ
@given(data=st.dictionaries(st.sampled_from(["channel", "operators", "outcome", "duration", "waiting", "needs",
                                             "visited_on", "procedure_id", "support_request"]), VALUE))
@example(data={"channel": "phone", "operators": ["caf"], "outcome": "escalated", "duration": "lt5",
               "support_request": 5})
@example(data={"channel": ["phone"], "operators": "caf", "outcome": "resolved", "duration": "lt5",
               "visited_on": 20260105, "procedure_id": [1]})
def test_clean_visit_accepts_or_refuses_in_french(data):
    try:
        values = services.clean_visit(data, procedures=set())
    except services.ReceptionError as exc:
        assert str(exc) and exc.field
    else:
        assert values.channel and values.operators and values.outcome and values.duration


@pytest.fixture
def organisation(db):
    from tests.factories import OrganisationFactory

    return OrganisationFactory()


@FUZZ
@given(scores=st.lists(st.one_of(st.none(), st.integers(-3, 8)), min_size=3, max_size=3),
       comment=st.text(max_size=600), problem=st.text(max_size=80),
       application_id=st.one_of(st.none(), st.integers(-5, 2**40)))
def test_submit_answer_stores_or_refuses(organisation, scores, comment, problem, application_id):
    before = db.session.scalar(db.select(db.func.count(Answer.id)))
    try:
        services.submit_answer(organisation, *scores, comment=comment, application_id=application_id,
                               problem=problem)
    except services.ReceptionError as exc:
        assert str(exc) and exc.field
        assert db.session.scalar(db.select(db.func.count(Answer.id))) == before
    else:
        assert db.session.scalar(db.select(db.func.count(Answer.id))) == before + 1
