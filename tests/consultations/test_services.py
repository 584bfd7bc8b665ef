"""Consultation use cases: workflow, targeting, places and waiting list, answers masked, withdrawal, closing."""
import io

import pytest
from werkzeug.datastructures import FileStorage

from app.audit.models import AuditLog
from app.consultations import queries, services
from app.consultations.models import ConsultationAnswer, Participation
from app.consultations.workflow import ConsultationError
from app.extensions import db
from app.notifications.models import Notification
from app.reports import images
from tests.consultations.conftest import QUESTIONS, make_consultation
from tests.factories import OrganisationFactory, UserFactory
from tests.reports.test_screenshots import png_with_metadata


def _answers(consultation, score=4, single="1", multiple=("0", "2"), text="Rien à signaler"):
    q = consultation.questions
    return {q[0].id: str(score), q[1].id: single, q[2].id: list(multiple), q[3].id: text}


def test_a_draft_opens_then_closes_and_the_table_refuses_the_rest(world):
    c = make_consultation(world.dev_caf, world.caf_app, publish=False)
    assert c.status == "draft" and c.opened_at is None
    with pytest.raises(ConsultationError):
        services.close_consultation(world.dev_caf, c, "Nous avons tout gardé tel quel.")
    services.open_consultation(world.dev_caf, c)
    assert c.status == "open" and c.opened_at is not None
    with pytest.raises(ConsultationError):
        services.open_consultation(world.dev_caf, c)
    services.close_consultation(world.dev_caf, c, "Nous avons tout gardé tel quel.")
    assert c.status == "closed" and c.closed_at is not None
    with pytest.raises(ConsultationError):
        services.update_consultation(world.dev_caf, c, {}, QUESTIONS)
    actions = db.session.scalars(db.select(AuditLog.action).where(AuditLog.action.like("consultation.%")).order_by(AuditLog.id)).all()
    assert actions == ["consultation.create", "consultation.open", "consultation.close"]


def test_the_form_refuses_a_service_of_another_team_and_bad_questions(world):
    with pytest.raises(ConsultationError) as exc:
        make_consultation(world.dev_caf, world.ants_app)
    assert exc.value.field == "application_id"
    with pytest.raises(ConsultationError, match="au moins deux choix"):
        make_consultation(world.dev_caf, world.caf_app, questions=[{"kind": "single", "text": "Oui ?", "choices": ["a"]}])
    with pytest.raises(ConsultationError, match="au moins une question"):
        make_consultation(world.dev_caf, world.caf_app, questions=[{"kind": "text", "text": "  "}])
    with pytest.raises(ConsultationError, match="date et un lieu"):
        make_consultation(world.dev_caf, world.caf_app, kind="workshop")


@pytest.mark.parametrize("targeting, extra, expected", [
    ("all", {}, {"reporter", "me_too", "outsider"}),
    ("org_kinds", {"org_kinds": ["caf", "mairie"]}, {"me_too", "outsider"}),
    ("departments", {"departments": ["69"]}, {"reporter"}),
    ("reporters", {}, {"reporter", "me_too"}),
])
def test_targeting_decides_who_sees_the_consultation(world, targeting, extra, expected):
    c = make_consultation(world.dev_caf, world.caf_app, targeting=targeting, **extra)
    seen = {name for name in ("reporter", "me_too", "outsider")
            if queries.agent_consultation(getattr(world, name), c.id) is not None}
    assert seen == expected


def test_reporters_of_another_procedure_are_not_targeted(world):
    from tests.reports.factories import ProcedureFactory

    other = ProcedureFactory(application=world.caf_app)
    c = make_consultation(world.dev_caf, world.caf_app, targeting="reporters", procedure_id=other.id)
    assert queries.agent_consultation(world.reporter, c.id) is None
    c2 = make_consultation(world.dev_caf, world.caf_app, targeting="reporters", procedure_id=world.procedure.id)
    assert queries.agent_consultation(world.reporter, c2.id) is not None


def test_a_draft_is_seen_by_no_agent_and_by_the_team_only(world):
    c = make_consultation(world.dev_caf, world.caf_app, publish=False)
    assert queries.agent_consultation(world.reporter, c.id) is None
    assert queries.team_consultation(world.dev_caf, c.id) is not None
    assert queries.team_consultation(world.dev_ants, c.id) is None


def test_places_then_the_waiting_list_and_a_place_freed_goes_to_the_first_waiting(world):
    c = make_consultation(world.dev_caf, world.caf_app, kind="testers", capacity=1)
    first = services.volunteer(world.reporter, c)
    second = services.volunteer(world.me_too, c)
    third = services.volunteer(world.outsider, c)
    assert (first.status, second.status, third.status) == ("volunteered", "waiting", "waiting")
    with pytest.raises(ConsultationError, match="Inscrivez-vous"):
        services.submit_answers(world.me_too, c, _answers(c))
    services.withdraw(world.reporter, c)
    assert db.session.get(Participation, second.id).status == "volunteered"
    assert db.session.get(Participation, third.id).status == "waiting"
    assert db.session.scalar(db.select(Notification).where(Notification.user_id == world.me_too.id,
                                                           Notification.kind == "consultation_place"))


def test_answers_are_stored_masked_with_the_participant_kind_and_department(world):
    c = make_consultation(world.dev_caf, world.caf_app)
    p = services.submit_answers(world.reporter, c, _answers(c, text="Rappeler la personne au 06 12 34 56 78 svp"),
                                citizen_view="Trop long, mon mail est jean.dupont@example.org",
                                citizen_consent=True)
    stored = db.session.scalars(db.select(ConsultationAnswer.text).where(ConsultationAnswer.participation_id == p.id)).all()
    assert "Rappeler la personne au [téléphone masqué] svp" in stored
    assert "06 12 34 56 78" not in " ".join(stored)
    assert p.citizen_view == "Trop long, mon mail est [e-mail masqué]"
    assert (p.organisation_kind, p.department, p.status) == ("france_services", "69", "answered")


def test_a_citizen_view_needs_the_consent_and_an_answer_needs_one_question(world):
    c = make_consultation(world.dev_caf, world.caf_app)
    with pytest.raises(ConsultationError) as exc:
        services.submit_answers(world.reporter, c, _answers(c), citizen_view="Avis", citizen_consent=False)
    assert exc.value.field == "citizen_consent"
    with pytest.raises(ConsultationError, match="au moins une question"):
        services.submit_answers(world.reporter, c, {})
    with pytest.raises(ConsultationError, match="note de 1 à 5"):
        services.submit_answers(world.reporter, c, _answers(c, score=9))
    with pytest.raises(ConsultationError, match="choix inconnu"):
        services.submit_answers(world.reporter, c, _answers(c, single="7"))


def test_answering_again_replaces_the_answers(world):
    c = make_consultation(world.dev_caf, world.caf_app)
    p = services.submit_answers(world.reporter, c, _answers(c, score=2))
    services.submit_answers(world.reporter, c, _answers(c, score=5))
    scores = db.session.scalars(db.select(ConsultationAnswer.score).where(ConsultationAnswer.participation_id == p.id,
                                                              ConsultationAnswer.score.is_not(None))).all()
    assert scores == [5]


def test_screenshots_are_reencoded_and_erased_on_withdrawal(world):
    c = make_consultation(world.dev_caf, world.caf_app)
    shots = images.process_uploads([FileStorage(io.BytesIO(png_with_metadata()), filename="ecran.png")])
    p = services.submit_answers(world.reporter, c, _answers(c), screenshots=shots)
    stored = p.attachments[0].stored_name
    path = images.attachment_path(stored)
    assert path.is_file() and b"secret" not in path.read_bytes()
    services.withdraw(world.reporter, c)
    assert not path.is_file()
    assert db.session.scalar(db.select(db.func.count(ConsultationAnswer.id))) == 0


def test_closing_notifies_every_participant_and_links_the_fixed_reports(world):
    from app.reports.models import Report

    c = make_consultation(world.dev_caf, world.caf_app)
    services.submit_answers(world.reporter, c, _answers(c))
    services.submit_answers(world.me_too, c, _answers(c))
    services.withdraw(world.me_too, c)
    report = db.session.scalar(db.select(Report))
    services.close_consultation(world.dev_caf, c, "Nous gardons le récapitulatif ; le bouton change de place.",
                                fixed_reports=[report.reference])
    notified = db.session.scalars(db.select(Notification.user_id).where(Notification.kind == "consultation_closed"))
    assert list(notified) == [world.reporter.id]
    assert [r.reference for r in c.fixed_reports] == [report.reference]


def test_closing_refuses_a_report_of_another_team(world):
    from tests.reports.factories import file_report

    c = make_consultation(world.dev_caf, world.caf_app)
    foreign = file_report(world.outsider, world.ants_app)
    with pytest.raises(ConsultationError) as exc:
        services.close_consultation(world.dev_caf, c, "Nous gardons tout, merci à vous.", fixed_reports=[foreign.reference])
    assert exc.value.field == "fixed_reports"
    assert c.status == "open"


def test_only_agents_take_part(world):
    c = make_consultation(world.dev_caf, world.caf_app)
    hr = UserFactory(role="hr", organisation=OrganisationFactory())
    with pytest.raises(ConsultationError):
        services.volunteer(hr, c)
