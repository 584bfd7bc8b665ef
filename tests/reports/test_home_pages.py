"""Home pages that surface pending report work: the agent's answers, workarounds and questions; the team's
new reports, overdue deadlines, most people affected, workarounds to publish (issue 13, items 5 and 7)."""
import html
import re
from datetime import timedelta

from app.common.timezones import utcnow
from app.reports import triage
from tests.factories import PASSWORD
from tests.query_counter import count_queries
from tests.reports.factories import file_report


def _client(app, user):
    client = app.test_client()
    client.post("/connexion", data={"email": user.email, "password": PASSWORD})
    return client


def _text(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def test_agent_home_shows_questions_first_then_answers_and_workarounds(app, world, db):
    quiet = file_report(world.agent, world.caf_app, title="Rien de neuf")
    question = file_report(world.agent, world.caf_app, title="Pièce refusée")
    answered = file_report(world.agent, world.caf_app, title="Page blanche")
    fixed = file_report(world.agent, world.caf_app, title="Bouton inactif")
    triage.change_status(world.dev_caf, question, "info_requested", reason="Quel navigateur ?")
    triage.add_team_comment(world.dev_caf, answered, "Nous regardons.")
    triage.publish_workaround(world.dev_caf, fixed, "Passer par l'application mobile.")
    page = _text(_client(app, world.agent), "/agent")
    todo, recent = page.split("Ces 30 derniers jours")
    assert f"Répondre à l'équipe sur la remontée {question.reference}" in todo
    assert f"Remontée {answered.reference} — Page blanche : réponse de l'équipe" in recent
    assert f"Remontée {fixed.reference} — Bouton inactif : contournement publié" in recent
    assert quiet.reference not in page


def test_agent_home_shows_answers_and_workarounds_since_the_previous_visit_only(app, world, db):
    from app.reports.models import ReportComment

    seen = file_report(world.agent, world.caf_app, title="Déjà lue")
    fresh = file_report(world.agent, world.caf_app, title="Toute neuve")
    triage.add_team_comment(world.dev_caf, seen, "Nous regardons.")
    triage.add_team_comment(world.dev_caf, fresh, "Corrigé demain.")
    for comment in db.session.scalars(db.select(ReportComment).where(ReportComment.report_id == seen.id)):
        comment.created_at = utcnow() - timedelta(days=3)
    world.agent.last_home_visit_at = utcnow() - timedelta(days=2)
    db.session.commit()
    news = _text(_client(app, world.agent), "/agent").split("Depuis votre dernière visite, le ")[1]
    assert f"Remontée {fresh.reference} — Toute neuve : réponse de l'équipe" in news
    assert seen.reference not in news


def test_team_home_shows_each_pile_of_work(app, world, db):
    new = file_report(world.agent, world.caf_app, title="Nouvelle")
    late = file_report(world.agent, world.caf_app, title="En retard", people_affected=40,
                       workaround_used="Dépôt au guichet en papier")
    triage.change_status(world.dev_caf, late, "qualified")
    late.acknowledge_due_at = late.answer_due_at = utcnow() - timedelta(days=1)
    late.acknowledged_at = None
    db.session.commit()
    file_report(world.agent, world.ants_app, title="Autre équipe")
    page = _text(_client(app, world.dev_caf), "/equipe")
    assert f"Nouvelles remontées à qualifier : 1 {new.reference} — Nouvelle" in page
    assert f"Prises en compte en retard : 1 {late.reference}" in page
    assert f"Réponses en retard : 1 {late.reference}" in page
    assert f"Remontées ouvertes touchant le plus de personnes {late.reference} — En retard — 40 personnes concernées" in page
    assert f"Contournements à publier (décrits par les agents) : 1 {late.reference}" in page
    assert "Autre équipe" not in page


def test_home_pages_run_the_same_number_of_queries_whatever_the_reports(app, world, db):
    agent, team = _client(app, world.agent), _client(app, world.dev_caf)
    agent.get("/agent")  # the first view of a session also moves the « last visit » marker (one write)
    counts = []
    for size in (1, 7):
        for _ in range(size):
            report = file_report(world.agent, world.caf_app, workaround_used="Papier")
            triage.add_team_comment(world.dev_caf, report, "Vu.")
            report.acknowledge_due_at = utcnow() - timedelta(days=1)
        db.session.commit()
        measured = []
        for client, path in ((agent, "/agent"), (team, "/equipe")):
            with count_queries(app) as counter:
                assert client.get(path).status_code == 200
            measured.append(counter.count)
        counts.append(measured)
    assert counts[0] == counts[1], counts
