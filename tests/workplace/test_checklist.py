"""Workstation and site checklist: scores per theme, history, action plan and its reminders."""
from datetime import date, timedelta

import pytest

from app.extensions import db
from app.notifications.models import Notification, OutboxEmail
from app.workplace import checklist
from app.workplace.enums import CHECKLIST, CHECKLIST_ITEMS
from app.workplace.models import ChecklistAction, ChecklistAssessment
from tests.factories import OrganisationFactory


def all_answers(value="compliant", **overrides):
    answers = {code: (value, "") for code in CHECKLIST_ITEMS}
    answers.update(overrides)
    return answers


def test_about_25_items_in_six_themes():
    assert len(CHECKLIST) == 6 and 23 <= len(CHECKLIST_ITEMS) <= 27
    assert "safety_exit" in CHECKLIST_ITEMS


def test_theme_score_counts_improve_half_and_ignores_not_applicable(make_user):
    hr = make_user(role="hr")
    assessment = checklist.record_assessment(hr, all_answers(
        post_seat=("non_compliant", "Siège cassé, voir M. Paul Martin 06 11 22 33 44"),
        post_worktop=("improve", ""), post_screen=("not_applicable", "")))
    # post: seat 0, worktop 0.5, screen left out, space 1, tools 1 -> 2.5 / 4
    assert assessment.scores["post"] == 62
    assert assessment.scores["safety"] == 100
    seat = next(a for a in assessment.answers if a.item_code == "post_seat")
    assert "06 11 22 33 44" not in seat.comment


def test_every_item_needs_an_answer_and_history_is_kept(client, login):
    hr = login(role="hr")
    response = client.post("/conditions-de-travail/poste/evaluation", data={"value-post_seat": "compliant"})
    assert response.status_code == 400 and "sans réponse" in response.get_data(as_text=True)
    data = {f"value-{code}": "compliant" for code in CHECKLIST_ITEMS}
    assert client.post("/conditions-de-travail/poste/evaluation", data=data).status_code == 302
    data["value-safety_exit"] = "non_compliant"
    assert client.post("/conditions-de-travail/poste/evaluation", data=data).status_code == 302
    rows = checklist.history(hr.organisation_id)
    assert [r.scores["safety"] for r in rows] == [80, 100]
    page = client.get("/conditions-de-travail/poste").get_data(as_text=True)
    assert "Non conforme" in page


def test_action_owner_must_belong_to_the_organisation(make_user):
    org = OrganisationFactory()
    hr, agent = make_user(role="hr", organisation=org), make_user(organisation=org)
    action = checklist.add_action(hr, "Dégager l'issue de l'agent", "safety_exit", agent.email, date.today())
    assert action.owner_id == agent.id
    with pytest.raises(checklist.ChecklistError):
        checklist.add_action(hr, "X", "", make_user().email, date.today())
    assert checklist.get_action(make_user(role="hr"), action.id) is None


def test_reminders_due_soon_then_overdue_each_once(make_user):
    org = OrganisationFactory()
    hr, agent = make_user(role="hr", organisation=org), make_user(organisation=org)
    today = date(2026, 12, 6)
    checklist.add_action(hr, "Régler l'éclairage", "ambience_light", agent.email, today + timedelta(days=3))
    checklist.add_action(hr, "Loin", "", agent.email, today + timedelta(days=30))
    done = checklist.add_action(hr, "Faite", "", agent.email, today)
    checklist.mark_done(hr, done)
    assert checklist.send_action_reminders(today) == 1
    assert checklist.send_action_reminders(today) == 0
    assert checklist.send_action_reminders(today + timedelta(days=4)) == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(OutboxEmail)) == 2
    assert db.session.scalar(db.select(db.func.count()).select_from(Notification)
                             .where(Notification.user_id == agent.id)) == 5  # 3 assigned + 2 reminders


def test_reminders_run_from_the_existing_command(app, make_user):
    org = OrganisationFactory()
    hr, agent = make_user(role="hr", organisation=org), make_user(organisation=org)
    checklist.add_action(hr, "Tester l'alarme", "safety_alarm", agent.email, date(2026, 12, 8))
    result = app.test_cli_runner().invoke(args=["reminders", "send", "--date", "2026-12-06"])
    assert result.exit_code == 0, result.output
    assert "Poste et lieu d'accueil : 1 rappel(s)" in result.output
    assert db.session.scalar(db.select(ChecklistAction)).reminded == "due_soon"
    assert db.session.scalar(db.select(db.func.count()).select_from(ChecklistAssessment)) == 0
