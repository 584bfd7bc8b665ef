"""app.common.sql.in_select: `column IN (select)`, written for PostgreSQL as `column = ANY(ARRAY(select))` so
that the few values are looked up by index instead of a hash of the whole table."""
from sqlalchemy.dialects import postgresql, sqlite

from app.accounts.models import User
from app.common.sql import in_select
from app.extensions import db
from tests.factories import OrganisationFactory, UserFactory


def _statement(organisation_id):
    ids = db.select(User.id).where(User.organisation_id == organisation_id)
    return db.select(User.email).where(in_select(User.id, ids)).order_by(User.email)


def test_in_select_is_an_array_lookup_on_postgresql_and_an_in_elsewhere():
    statement = _statement(1)
    on_postgresql = str(statement.compile(dialect=postgresql.dialect()))
    on_sqlite = str(statement.compile(dialect=sqlite.dialect()))
    assert "users.id = ANY(ARRAY(SELECT users.id" in on_postgresql and " IN (" not in on_postgresql
    assert "users.id IN (SELECT users.id" in on_sqlite


def test_in_select_finds_the_same_rows_as_in(db):
    organisation, other = OrganisationFactory(), OrganisationFactory()
    mine = [UserFactory(organisation=organisation) for _ in range(3)]
    UserFactory(organisation=other)
    expected = sorted(u.email for u in mine)
    assert db.session.scalars(_statement(organisation.id)).all() == expected
    plain = db.select(User.email).where(User.id.in_(db.select(User.id).where(User.organisation_id == organisation.id)))
    assert sorted(db.session.scalars(plain)) == expected
    # The statement cache tells two inner selects apart (the element's cache key includes its select).
    inactive = UserFactory(organisation=other, active=False)
    by_activity = db.select(User.email).where(in_select(User.id, db.select(User.id).where(User.active.is_(False))))
    assert db.session.scalars(by_activity).all() == [inactive.email]
