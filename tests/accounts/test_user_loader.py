"""The user loader builds the signed-in User from one row: the same persistent objects an ORM query gives."""
from sqlalchemy import inspect

from app.accounts.loader import load_user
from app.accounts.models import Organisation, Team, User
from app.extensions import db
from tests.factories import OrganisationFactory, TeamFactory, UserFactory
from tests.query_counter import count_queries


def _columns(model):
    return [attribute.key for attribute in inspect(model).column_attrs]  # mappers configured: not at import time


def _orm_values(user_id):
    db.session.expunge_all()
    user = db.session.get(User, user_id)
    values = {key: getattr(user, key) for key in _columns(User)}
    organisation = user.organisation and {key: getattr(user.organisation, key) for key in _columns(Organisation)}
    team = user.team and {key: getattr(user.team, key) for key in _columns(Team)}
    db.session.expunge_all()
    return values, organisation, team


def test_a_new_user_is_persistent_clean_and_fully_loaded_with_its_organisation_and_team(app):
    user = UserFactory(role="triager", organisation=OrganisationFactory(department="974"), team=TeamFactory(),
                       totp_secret="JBSWY3DPEHPK3PXP")
    expected, expected_organisation, expected_team = _orm_values(user.id)
    with count_queries(app) as counter:
        loaded = load_user(user.get_id())
        values = {key: getattr(loaded, key) for key in _columns(User)}
        organisation = {key: getattr(loaded.organisation, key) for key in _columns(Organisation)}
        team = {key: getattr(loaded.team, key) for key in _columns(Team)}
    assert counter.count == 1
    assert (values, organisation, team) == (expected, expected_organisation, expected_team)
    assert loaded.organisation.timezone.key == "Indian/Reunion"
    for instance in (loaded, loaded.organisation, loaded.team):
        state = inspect(instance)
        assert state.persistent and not state.modified and not state.expired_attributes
    assert not db.session.new and not db.session.dirty
    assert loaded.capabilities == frozenset()
    assert [m.organisation_id for m in loaded.memberships] == [loaded.organisation_id]  # lazy, as before


def test_a_user_without_organisation_or_team(app):
    identifier = UserFactory(role="admin").get_id()
    db.session.expunge_all()
    loaded = load_user(identifier)
    assert loaded.organisation is None and loaded.team is None and loaded.is_admin


def test_what_the_loader_built_is_saved_like_any_loaded_object(app):
    user = UserFactory()
    user_id, identifier = user.id, user.get_id()
    db.session.expunge_all()
    loaded = load_user(identifier)
    loaded.full_name = "Nom changé"
    db.session.commit()
    db.session.expunge_all()
    assert db.session.get(User, user_id).full_name == "Nom changé"


def test_a_user_already_in_the_session_is_refreshed_from_the_row(app):
    user = UserFactory()
    db.session.commit()  # expires it, as after any commit
    db.session.execute(db.update(User).where(User.id == user.id).values(full_name="Renommé"))
    with count_queries(app) as counter:
        loaded = load_user(user.get_id())
        assert loaded is user
        assert loaded.full_name == "Renommé" and loaded.organisation.code
    assert counter.count == 1


def test_only_an_active_user_of_the_same_session_version_is_loaded(app):
    user = UserFactory()
    identifier = user.get_id()
    assert load_user(f"{user.id}:{user.session_version + 1}") is None
    assert load_user("abc:1") is None and load_user(f"{user.id}") is None
    assert load_user(f"{user.id + 1000}:1") is None
    user.active = False
    db.session.commit()
    db.session.expunge_all()
    assert load_user(identifier) is None
