"""The workflow: transition table, refused starting states, required reasons, agents' side."""
import pytest

from app.reports import queries, services, triage, workflow
from app.reports.enums import Status
from app.reports.models import ReportEvent
from tests.factories import PASSWORD
from tests.reports.factories import file_report


class Stub:
    """A report-like object for the pure workflow functions."""

    def __init__(self, status, author_id=1):
        self.status = status
        self.author_id = author_id
        self.status_before_info = None
        self.status_reason = self.redirect_to = self.workaround = ""
        self.acknowledged_at = self.fixed_at = self.closed_at = self.duplicate_of_id = None
        self.updated_at = None

    def can_withdraw(self, user):
        return user.id == self.author_id and self.status == "new"


def test_every_status_has_a_row_and_labels_are_french():
    assert set(workflow.TEAM_TRANSITIONS) == set(Status)
    assert Status.WONT_FIX.label == "Ne sera pas corrigée"
    assert workflow.OPEN.isdisjoint(workflow.CLOSED)


@pytest.mark.parametrize("start,target", [
    ("new", "fixed"), ("new", "verified"), ("qualified", "verified"), ("fixed", "qualified"),
    ("verified", "in_progress"), ("duplicate", "qualified"), ("withdrawn", "qualified"), ("in_progress", "new"),
])
def test_wrong_starting_states_are_refused(start, target):
    report = Stub(start)
    with pytest.raises(workflow.WorkflowError, match="ne peut pas passer"):
        workflow.team_transition(report, target, reason="x", redirect="x", workaround="x")
    assert report.status == start


def test_main_path_and_timestamps():
    report = Stub("new")
    for target in ("qualified", "acknowledged", "in_progress", "fixed", "verified"):
        workflow.team_transition(report, target)
    assert report.status == "verified"
    assert report.acknowledged_at and report.fixed_at and report.closed_at


@pytest.mark.parametrize("target,kwargs,message", [
    ("wont_fix", {}, "raison"),
    ("out_of_scope", {"reason": "Pas chez nous"}, "rediriger"),
    ("info_requested", {}, "question"),
    ("workaround_available", {}, "contournement"),
])
def test_required_fields(target, kwargs, message):
    with pytest.raises(workflow.WorkflowError, match=message):
        workflow.team_transition(Stub("new"), target, **kwargs)


def test_withdraw_only_by_the_author_before_qualification():
    class User:
        def __init__(self, id):
            self.id = id

    with pytest.raises(workflow.WorkflowError, match="Seul l'agent"):
        workflow.withdraw(Stub("new"), User(2))
    report = Stub("qualified")
    with pytest.raises(workflow.WorkflowError, match="déjà été qualifiée"):
        workflow.withdraw(report, User(1))
    report = Stub("new")
    workflow.withdraw(report, User(1))
    assert report.status == "withdrawn" and report.closed_at


def test_info_request_then_agent_answer_resumes(app, world, db, outbox):
    report = file_report(world.agent, world.caf_app)
    triage.change_status(world.dev_caf, report, "qualified")
    triage.change_status(world.dev_caf, report, "info_requested",
                         reason="Quel navigateur ? Rappelez-moi au 06 12 34 56 78.")
    assert report.status == "info_requested" and report.status_before_info == "qualified"
    question = queries.comments_for(report, world.agent)[-1]
    assert question.kind == "public_answer" and "[téléphone masqué]" in question.body
    client = app.test_client()
    client.post("/connexion", data={"email": world.agent.email, "password": PASSWORD})
    assert "vous demande des informations" in client.get("/remontees").get_data(as_text=True)
    response = client.post(f"/remontees/{report.reference}/message", data={"body": "Chrome sur Android."})
    assert response.status_code == 302
    db.session.refresh(report)
    assert report.status == "qualified" and report.status_before_info is None
    statuses = db.session.scalars(db.select(ReportEvent.to_status).where(ReportEvent.report_id == report.id)
                                  .order_by(ReportEvent.id)).all()
    assert statuses == ["new", "qualified", "info_requested", "qualified"]


def test_agent_withdraws_with_a_confirmation_page(app, world, db):
    report = file_report(world.agent, world.caf_app)
    client = app.test_client()
    client.post("/connexion", data={"email": world.agent.email, "password": PASSWORD})
    page = client.get(f"/remontees/{report.reference}/retirer").get_data(as_text=True)
    assert "Vous ne pourrez pas annuler ce retrait." in page
    db.session.refresh(report)
    assert report.status == "new"  # nothing happens on GET
    assert client.post(f"/remontees/{report.reference}/retirer").status_code == 302
    db.session.refresh(report)
    assert report.status == "withdrawn"


def test_qualified_report_cannot_be_withdrawn(world):
    report = file_report(world.agent, world.caf_app)
    triage.change_status(world.dev_caf, report, "qualified")
    with pytest.raises(services.ReportError, match="déjà été qualifiée"):
        services.withdraw_report(world.agent, report)


def test_board_refuses_a_wrong_transition_with_a_french_error(app, world, db):
    import html

    report = file_report(world.agent, world.caf_app)
    client = app.test_client()
    client.post("/connexion", data={"email": world.dev_caf.email, "password": PASSWORD})
    response = client.post(f"/equipe/remontees/{report.reference}/statut", data={"status": "verified"})
    assert response.status_code == 400
    assert "ne peut pas passer à « Correction vérifiée »" in html.unescape(response.get_data(as_text=True))
    response = client.post(f"/equipe/remontees/{report.reference}/statut",
                           data={"status": "wont_fix", "reason": ""})
    assert "Indiquez la raison" in html.unescape(response.get_data(as_text=True))
    db.session.refresh(report)
    assert report.status == "new"
    response = client.post(f"/equipe/remontees/{report.reference}/statut",
                           data={"status": "out_of_scope", "reason": "Relève de la MSA",
                                 "redirect": "msa.fr — Mon espace privé"})
    assert response.status_code == 302
    db.session.refresh(report)
    assert report.status == "out_of_scope" and report.redirect_to == "msa.fr — Mon espace privé"
    assert report.acknowledged_at is not None and report.closed_at is not None


def test_workaround_is_shown_to_every_follower(app, world, db):
    report = file_report(world.agent, world.caf_app)
    services.add_me_too(world.other_agent, report, 3)
    client = app.test_client()
    client.post("/connexion", data={"email": world.dev_caf.email, "password": PASSWORD})
    client.post(f"/equipe/remontees/{report.reference}/contournement",
                data={"workaround_text": "Passez par l'application mobile en attendant le correctif."})
    db.session.refresh(report)
    assert report.status == "workaround_available" and report.answered_at is not None
    for user in (world.agent, world.other_agent):
        agent = app.test_client()
        agent.post("/connexion", data={"email": user.email, "password": PASSWORD})
        html = agent.get("/remontees").get_data(as_text=True)
        assert "Passez par l" in html and "application mobile en attendant le correctif" in html
        assert "application mobile en attendant" in agent.get(f"/remontees/{report.reference}").get_data(as_text=True)


def test_assign_and_tracker(app, world, db):
    from tests.factories import UserFactory

    report = file_report(world.agent, world.caf_app)
    colleague = UserFactory(role="triager", team=world.caf_team, full_name="Collègue CAF")
    triage.assign(world.dev_caf, report, colleague)
    with pytest.raises(services.ReportError):
        triage.assign(world.dev_caf, report, world.dev_ants)
    triage.set_tracker(world.dev_caf, report, "https://tickets.caf.example/CAF-1234", "CAF-1234")
    with pytest.raises(services.ReportError, match="https://"):
        triage.set_tracker(world.dev_caf, report, "javascript:alert(1)", "x")
    db.session.refresh(report)
    assert report.assignee_id == colleague.id and report.tracker_key == "CAF-1234"
    client = app.test_client()
    client.post("/connexion", data={"email": world.agent.email, "password": PASSWORD})
    assert 'href="https://tickets.caf.example/CAF-1234"' in client.get(f"/remontees/{report.reference}").get_data(as_text=True)


def test_overdue_reports_are_marked(app, world, db):
    from datetime import timedelta

    from app.common.timezones import utcnow

    late = file_report(world.agent, world.caf_app, title="Ancienne remontée")
    late.acknowledge_due_at = utcnow() - timedelta(days=1)
    db.session.commit()
    file_report(world.agent, world.caf_app, title="Remontée récente")
    assert late.is_overdue
    client = app.test_client()
    client.post("/connexion", data={"email": world.dev_caf.email, "password": PASSWORD})
    page = client.get("/equipe/remontees?status=overdue").get_data(as_text=True)
    assert "Ancienne remontée" in page and "Remontée récente" not in page and "En retard" in page
    triage.change_status(world.dev_caf, late, "qualified")
    assert not late.is_acknowledge_overdue()
