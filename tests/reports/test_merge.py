"""Merging a duplicate (acceptance 5), and "moi aussi"."""
import pytest

from app.reports import services, triage
from app.reports.models import MeToo, ReportFollower
from tests.factories import PASSWORD, UserFactory
from tests.reports.factories import file_report


def _followers(db, report):
    return set(db.session.scalars(db.select(ReportFollower.user_id).where(ReportFollower.report_id == report.id)))


def test_me_too_adds_to_the_impact(world, db):
    report = file_report(world.agent, world.caf_app, people_affected=2, citizen_blocked=True)
    services.add_me_too(world.other_agent, report, 3, citizen_blocked=True)
    assert (report.me_too_count, report.people_total, report.blocked_total) == (1, 5, 5)
    row = db.session.scalar(db.select(MeToo))
    assert row.organisation_id == world.other_agent.organisation_id and row.created_at is not None
    with pytest.raises(services.ReportError, match="déjà signalé"):
        services.add_me_too(world.other_agent, report, 1)
    with pytest.raises(services.ReportError, match="Vous avez déposé"):
        services.add_me_too(world.agent, report, 1)


def test_merge_moves_impacts_and_followers(app, world, db):
    third = UserFactory(role="agent")
    main = file_report(world.agent, world.caf_app, title="Bouton Valider grisé", people_affected=2)
    duplicate = file_report(world.other_agent, world.caf_app, title="Impossible de valider", people_affected=4,
                            citizen_blocked=True, right_at_risk=True)
    services.add_me_too(third, duplicate, 5)
    client = app.test_client()
    client.post("/connexion", data={"email": world.dev_caf.email, "password": PASSWORD})
    # First the check page, then the confirmation: nothing changes before it.
    page = client.post(f"/equipe/remontees/{duplicate.reference}/fusion", data={"main": main.reference})
    assert "Confirmez la fusion" in page.get_data(as_text=True)
    db.session.refresh(duplicate)
    assert duplicate.status == "new"
    response = client.post(f"/equipe/remontees/{duplicate.reference}/fusion",
                           data={"main": main.reference, "confirm": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith(main.reference)
    db.session.refresh(main)
    db.session.refresh(duplicate)
    # The duplicate points to the main report and is closed.
    assert duplicate.status == "duplicate" and duplicate.duplicate_of_id == main.id and duplicate.closed_at
    # Impacts moved: 2 (main) + 4 (duplicate's own) + 5 (its "moi aussi").
    assert main.people_total == 11 and main.me_too_count == 2 and main.blocked_total == 4
    assert main.right_at_risk
    assert db.session.scalar(db.select(db.func.count(MeToo.id)).where(MeToo.report_id == duplicate.id)) == 0
    assert {m.merged_from_id for m in db.session.scalars(db.select(MeToo).where(MeToo.report_id == main.id))} == {
        duplicate.id}
    # Followers moved: the duplicate's author and its "moi aussi" now follow the main report.
    assert _followers(db, main) == {world.agent.id, world.other_agent.id, third.id}
    other = app.test_client()
    other.post("/connexion", data={"email": third.email, "password": PASSWORD})
    assert other.get(f"/remontees/{main.reference}").status_code == 200
    page = other.get(f"/remontees/{duplicate.reference}").get_data(as_text=True)
    assert f"doublon de <a href=\"/remontees/{main.reference}\"" in page
    # Followers of the duplicate were told.
    from app.notifications.models import Notification

    messages = db.session.scalars(db.select(Notification.message).where(Notification.user_id == third.id)).all()
    assert any(main.reference in m for m in messages)


def test_merge_refusals(world):
    main = file_report(world.agent, world.caf_app)
    other_team = file_report(world.agent, world.ants_app)
    with pytest.raises(services.ReportError, match="elle-même"):
        triage.merge(world.dev_caf, main, main)
    with pytest.raises(services.ReportError, match="ne relève pas"):
        triage.merge(world.dev_caf, main, other_team)
    closed = file_report(world.agent, world.caf_app)
    triage.change_status(world.dev_caf, closed, "wont_fix", reason="Choix du service")
    with pytest.raises(services.ReportError, match="est close"):
        triage.merge(world.dev_caf, main, closed)


def test_me_too_from_the_similar_suggestions(app, world, db):
    report = file_report(world.agent, world.caf_app)
    client = app.test_client()
    client.post("/connexion", data={"email": world.other_agent.email, "password": PASSWORD})
    fragment = client.post("/remontees/similaires", data={
        "application": str(world.caf_app.id), "title": "Valider grisé",
        "what_happened": "Le bouton valider est grisé après la saisie des ressources"}).get_data(as_text=True)
    assert report.reference in fragment and "Moi aussi" in fragment
    offer = fragment.split('name="offer" value="')[1].split('"')[0]
    response = client.post(f"/remontees/{report.reference}/moi-aussi",
                           data={"people_affected": "4", "citizen_blocked": "y", "offer": offer})
    assert response.status_code == 302
    db.session.refresh(report)
    assert report.people_total == 5 and report.blocked_total == 4 and report.me_too_count == 1
