"""flask seed demo: the back-office groups, experts, requests in each state and two fiches."""
from app.accounts.models import find_user_by_email
from app.backoffice import invitations, open_counts
from app.backoffice.groups import group_by_code, members
from app.backoffice.knowledge_models import Fiche
from app.backoffice.models import SupportRequest
from app.extensions import db


def test_seed_demo_creates_the_back_office_demo(app):
    result = app.test_cli_runner().invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    assert "expert.caf@passerelle.example" in result.output and "expert.national@passerelle.example" in result.output
    caf, national = group_by_code("APPUI-CAF-69"), group_by_code("APPUI-CAF-NAT")
    assert caf.department_list == ["69"] and caf.operator == "caf" and national.is_national
    expert = find_user_by_email("expert.caf@passerelle.example")
    assert expert.role == "expert" and expert.organisation.code == "CAF-DEMO"
    assert [u.email for u in members(caf)] == ["expert.caf@passerelle.example"]
    assert [u.email for u in members(national)] == ["expert.national@passerelle.example"]
    rows = db.session.scalars(db.select(SupportRequest)).all()
    agent = find_user_by_email("agent.fs@passerelle.example")
    assert {r.author_id for r in rows} == {agent.id}
    assert {r.status for r in rows} >= {"new", "taken", "answered", "closed"}
    assert any(r.has_citizen_block for r in rows) and any(r.invitations for r in rows)
    assert len(db.session.scalars(db.select(Fiche)).all()) == 2
    # What the back office keeps on write says what the requests say (the demo is made through the services).
    assert open_counts.stored() == open_counts.recount() != {}
    assert invitations.follow_status() == 0
    again = app.test_cli_runner().invoke(args=["seed", "demo"])
    assert again.exit_code == 0 and len(db.session.scalars(db.select(SupportRequest)).all()) == len(rows)
