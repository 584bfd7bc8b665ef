"""`flask seed demo`: an open TEAM-CAF prototype review for the agents who reported, a closed questionnaire."""
from app.accounts.models import find_user_by_email
from app.consultations import queries, results
from app.consultations.models import Consultation, ConsultationAnswer
from app.notifications.models import Notification
from app.passports.models import ContributionOffer
from app.seed import seed_demo


def test_demo_consultations_are_seeded_once(app, db):
    seed_demo()
    seed_demo()
    rows = db.session.scalars(db.select(Consultation).order_by(Consultation.id)).all()
    assert [(c.team.code, c.status) for c in rows] == [("TEAM-CAF", "open"), ("TEAM-CAF", "closed")]
    prototype, closed = rows
    assert prototype.kind == "prototype" and prototype.targeting == "reporters"
    assert prototype.procedure.code == "declaration-trimestrielle"
    assert results.results_of(prototype).answered == 3
    texts = db.session.scalars(db.select(ConsultationAnswer.text).where(ConsultationAnswer.text != "")).all()
    assert any("[téléphone masqué]" in t for t in texts) and not any("06 12 34 56 78" in t for t in texts)
    assert "Ce qui change" in closed.outcome and closed.release_on is not None
    agent_caf = find_user_by_email("agent.caf@passerelle.example")
    agent_fs = find_user_by_email("agent.fs@passerelle.example")
    assert queries.agent_consultation(agent_caf, prototype.id) is not None  # reported on the declaration
    assert queries.agent_consultation(agent_fs, prototype.id) is None  # did not
    assert db.session.scalar(db.select(Notification.id).where(Notification.user_id == agent_fs.id,
                                                              Notification.kind == "consultation_closed"))
    # The closed questionnaire (A7.5) and the demo report the ANTS team qualified (A7.2).
    assert set(db.session.scalars(db.select(ContributionOffer.competency_code).where(
        ContributionOffer.holder_id == agent_fs.id))) == {"A7.2", "A7.5"}
