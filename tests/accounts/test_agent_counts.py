"""Each organisation's number of agents is kept by the database's triggers (migration c8e4a2f6d193): the HR
follow-up reads it instead of counting the agents up to its cap. It must stay exact whatever writes the users:
the ORM, a bulk INSERT (seeds, imports), a move, a change of role, a delete."""
from app.accounts.models import Membership, OrganisationAgentCount, User
from app.accounts.services import change_organisation, change_role
from app.extensions import db
from tests.factories import OrganisationFactory, UserFactory


def _kept():
    """{organisation id: agents} as the triggers keep them (organisations at 0 left out)."""
    db.session.expire_all()
    return {row.organisation_id: row.agents
            for row in db.session.scalars(db.select(OrganisationAgentCount)) if row.agents}


def _counted():
    """The same, counted from the users."""
    return dict(db.session.execute(
        db.select(User.organisation_id, db.func.count()).where(User.role == "agent", User.organisation_id.is_not(None))
        .group_by(User.organisation_id)).all())


def test_agents_written_by_the_orm_and_in_bulk_are_counted(app, db):
    first, second = OrganisationFactory(), OrganisationFactory()
    UserFactory(role="agent", organisation=first)
    UserFactory(role="agent", organisation=first)
    UserFactory(role="hr", organisation=first)  # not an agent
    UserFactory(role="agent", organisation=second)
    template = UserFactory(role="agent", organisation=second)
    columns = {c.name: getattr(template, c.key) for c in User.__table__.columns if c.name not in ("id", "email")}
    db.session.execute(db.insert(User.__table__), [dict(columns, email=f"bulk{i}@example.org") for i in range(5)])
    db.session.execute(db.insert(User.__table__), [dict(columns, email="nowhere@example.org", organisation_id=None)])
    db.session.commit()
    assert _kept() == _counted() == {first.id: 2, second.id: 7}


def test_a_move_a_change_of_role_and_a_delete_keep_the_counts_exact(app, db):
    first, second = OrganisationFactory(), OrganisationFactory()
    admin = UserFactory(role="admin")
    movers = [UserFactory(role="agent", organisation=first) for _ in range(3)]
    assert _kept() == {first.id: 3}
    change_organisation(admin, movers[0], second)
    assert _kept() == _counted() == {first.id: 2, second.id: 1}
    change_role(admin, movers[1], "hr")  # no longer an agent
    assert _kept() == _counted() == {first.id: 1, second.id: 1}
    change_role(admin, movers[1], "agent")
    assert _kept() == _counted() == {first.id: 2, second.id: 1}
    # A SQL repair: out of every organisation, and a role and an organisation changed at once.
    db.session.execute(db.update(User).where(User.id == movers[2].id).values(organisation_id=None))
    db.session.execute(db.update(User).where(User.id == movers[1].id).values(organisation_id=second.id, role="hr"))
    db.session.execute(db.update(User).where(User.id == movers[0].id).values(full_name="Renommé"))  # not counted
    db.session.commit()
    assert _kept() == _counted() == {second.id: 1}
    db.session.execute(db.delete(Membership).where(Membership.user_id == movers[0].id))
    db.session.execute(db.delete(User).where(User.id == movers[0].id))
    db.session.commit()
    assert _kept() == _counted() == {}


def test_the_hr_follow_up_total_past_the_cap_comes_from_the_kept_count(app, db, monkeypatch):
    """Without a filter, an organisation with at least the window's count of agents shows "plus de N" from its kept
    count (the users are not walked); with fewer, its rows are counted."""
    from app.training import team

    organisation = OrganisationFactory()
    hr = UserFactory(role="hr", organisation=organisation)
    agents = [UserFactory(role="agent", organisation=organisation) for _ in range(4)]
    monkeypatch.setattr(team, "COUNT_CAP", 2)
    page = team.team_page(hr, None, 1)  # the window: 2 rows from the start, counted up to 3
    assert page.capped and page.total == 2 and page.total_text == "plus de 2"
    db.session.execute(db.update(User).where(User.id.in_([a.id for a in agents[1:]])).values(role="hr"))
    db.session.commit()
    page = team.team_page(hr, None, 1)
    assert not page.capped and page.total == 1
    # The page reads the kept count: were it wrong, the page would say so (it is the triggers' job to keep it).
    db.session.execute(db.update(OrganisationAgentCount).values(agents=100))
    db.session.commit()
    assert team.team_page(hr, None, 1).capped
