"""Reception and personal data: export, erasure (rows stay as anonymous counts), retention."""
from datetime import UTC, datetime, timedelta

from app.accounts.privacy import erase_account, export_personal_data
from app.common.retention import purge
from app.extensions import db
from app.reception import services
from app.reception.models import Answer, QualityMonth, Visit
from tests.factories import OrganisationFactory, UserFactory

ROW = {"channel": "phone", "operators": ["caf"], "outcome": "resolved", "duration": "lt5"}


def test_export_and_erasure_of_an_agent(app):
    agent = UserFactory(role="agent")
    services.record_visit(agent, services.clean_visit(ROW))
    exported = export_personal_data(None, agent)
    assert [r["operators"] for r in exported["reception"]["desk_log"]] == ["caf"]
    before = {r.scope: r.counts for r in db.session.scalars(db.select(QualityMonth))}
    erase_account(None, agent)
    [visit] = db.session.scalars(db.select(Visit)).all()
    assert visit.agent_id is None and visit.organisation_id is not None
    assert {r.scope: r.counts for r in db.session.scalars(db.select(QualityMonth))} == before


def test_citizens_words_are_blanked_after_the_retention_period(app):
    organisation = OrganisationFactory()
    old = services.submit_answer(organisation, handled=4, comment="Très bien")
    recent = services.submit_answer(organisation, handled=5, comment="Parfait")
    old.created_at = datetime.now(UTC) - timedelta(days=30 * app.config["RETENTION_CITIZEN_WORDS_MONTHS"] + 1)
    db.session.commit()
    counts = purge(app.config)
    assert counts["reception_answers.words"] == 1
    db.session.expire_all()
    assert db.session.get(Answer, old.id).comment is None and db.session.get(Answer, old.id).handled == 4
    assert db.session.get(Answer, recent.id).comment == "Parfait"
