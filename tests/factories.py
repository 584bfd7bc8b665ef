"""Test data factories (factory_boy)."""
import factory
from factory.alchemy import SQLAlchemyModelFactory

from app.accounts.models import Membership, Organisation, Role, Team, User
from app.accounts.passwords import hash_password
from app.extensions import db

PASSWORD = "correct horse battery staple"


class BaseFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class OrganisationFactory(BaseFactory):
    class Meta:
        model = Organisation

    code = factory.Sequence(lambda n: f"ORG-{n:04d}")
    name = factory.Sequence(lambda n: f"Structure {n}")
    kind = "france_services"
    department = "69"
    is_public = True


class TeamFactory(BaseFactory):
    class Meta:
        model = Team

    code = factory.Sequence(lambda n: f"TEAM-{n:04d}")
    name = factory.Sequence(lambda n: f"Équipe {n}")


class UserFactory(BaseFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Personne {n}")
    role = Role.AGENT.value
    active = True
    password_hash = factory.LazyFunction(lambda: hash_password(PASSWORD))
    organisation = factory.Maybe(
        factory.LazyAttribute(lambda o: o.role in ("agent", "hr")),
        yes_declaration=factory.SubFactory(OrganisationFactory),
        no_declaration=None,
    )
    team = factory.Maybe(
        factory.LazyAttribute(lambda o: o.role == "triager"),
        yes_declaration=factory.SubFactory(TeamFactory),
        no_declaration=None,
    )

    @factory.post_generation
    def membership(obj, create, extracted, **kwargs):
        if create and obj.organisation is not None:
            db.session.add(Membership(user_id=obj.id, organisation_id=obj.organisation.id))
            db.session.commit()
