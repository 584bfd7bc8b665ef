"""Who is signed in: Flask-Login's user loader reads the user and the header's unread count at once.

The row is read as plain columns on the session's connection, and the User (with its organisation and team)
is put in the session from it, as persistent objects whose columns are all loaded: the same objects the ORM
would give, without SQLAlchemy's ORM query machinery, which cost as much as the round trip on every request
(the row processors of three entities are rebuilt for each execution).
"""
from functools import lru_cache

from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import instance_state, set_committed_value

from app.extensions import db

# Capabilities other domains grant to an account (e.g. "tutor"), read with the user in the same query:
# name -> function(User) returning a boolean SQL expression. Registered at start-up by each domain.
_CAPABILITY_COLUMNS = {}


def register_capability(name, column):
    """A domain tells the loader how to know, in SQL, whether a user holds one of its capabilities.
    The header's navigation then reads `user.capabilities` instead of querying per request."""
    if _CAPABILITY_COLUMNS.get(name) is not column:
        _CAPABILITY_COLUMNS[name] = column
        _user_query.cache_clear()


def load_user(identifier):
    user_id, _, version = identifier.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    from app.notifications.services import remember_unread_count

    query = _user_query()
    session = db.session()
    row = query.built.run(session.connection(), {"user_id": int(user_id)}).first()
    if row is None:
        return None
    user_values = row[query.user_slice]
    if not user_values[query.active_index] or user_values[query.version_index] != int(version):
        return None
    user = query.user.load(session, user_values)
    unloaded = instance_state(user).unloaded  # all but memberships when new; what a commit expired otherwise
    for name, entity, part in (("organisation", query.organisation, query.organisation_slice),
                               ("team", query.team, query.team_slice)):
        if name in unloaded:
            set_committed_value(user, name, entity.load(session, row[part]))
    unread, *held = row[query.extra_slice]
    remember_unread_count(user.id, unread)
    user.capabilities = frozenset(name for name, value in zip(_CAPABILITY_COLUMNS, held, strict=True) if value)
    return user


class _Entity:
    """How one mapped class is built from its table's columns in a row."""

    def __init__(self, mapper):
        self.mapper = mapper
        self.columns = list(mapper.local_table.columns)
        self.keys = [mapper.get_property_by_column(column).key for column in self.columns]
        # Every column attribute is read: none is left to load later (nor to expire, see make_transient_to_detached).
        if set(self.keys) != {attribute.key for attribute in mapper.column_attrs}:
            raise RuntimeError(f"{mapper.class_.__name__}: its columns are not all in its table")
        if [column.key for column in mapper.primary_key] != ["id"]:
            raise RuntimeError(f"{mapper.class_.__name__}: the loader expects one primary key column, id")
        self.id_index = self.keys.index("id")

    def load(self, session, values):
        """The instance of this row in the session, as an ORM query would give it: a new persistent one with the
        row's values (loaded, neither new nor dirty), or the one already there with what it had not loaded (or a
        commit expired) taken from the row; None for the NULL side of an outer join."""
        identifier = values[self.id_index]
        if identifier is None:
            return None
        instance = session.identity_map.get((self.mapper.class_, (identifier,), None))
        if instance is None:
            instance = self.mapper.class_manager.new_instance()
            instance.__dict__.update(zip(self.keys, values, strict=True))
            make_transient_to_detached(instance)  # its identity key, its values committed, the rest left to load
            session.add(instance)  # persistent, in the identity map
        else:
            unloaded = instance_state(instance).unloaded
            for key, value in zip(self.keys, values, strict=True):
                if key in unloaded:
                    set_committed_value(instance, key, value)
        return instance


class _UserQuery:
    def __init__(self):
        from sqlalchemy import bindparam

        from app.accounts.models import Organisation, Team, User
        from app.common.sql import BuiltOnce
        from app.notifications.services import unread_count_column

        self.user, self.organisation, self.team = (_Entity(cls.__mapper__) for cls in (User, Organisation, Team))
        users, organisations, teams = (entity.mapper.local_table for entity in (self.user, self.organisation, self.team))
        flags = [column(User).label(f"capability_{name}") for name, column in _CAPABILITY_COLUMNS.items()]
        self.statement = (
            db.select(*self.user.columns, *self.organisation.columns, *self.team.columns,
                      unread_count_column(User.id), *flags)
            .select_from(users.outerjoin(organisations, organisations.c.id == users.c.organisation_id)
                         .outerjoin(teams, teams.c.id == users.c.team_id))
            .where(users.c.id == bindparam("user_id"))
        )
        self.built = BuiltOnce(self.statement)
        n_user, n_organisation, n_team = len(self.user.columns), len(self.organisation.columns), len(self.team.columns)
        self.user_slice = slice(0, n_user)
        self.organisation_slice = slice(n_user, n_user + n_organisation)
        self.team_slice = slice(n_user + n_organisation, n_user + n_organisation + n_team)
        self.extra_slice = slice(n_user + n_organisation + n_team, None)
        self.active_index = self.user.keys.index("active")
        self.version_index = self.user.keys.index("session_version")


@lru_cache(maxsize=1)
def _user_query():
    """One query for the signed-in user, the organisation, the team, the unread notifications of the header
    and the registered capabilities (built once: constructing a statement costs more than running this one)."""
    return _UserQuery()


def init_login(login_manager):
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Connectez-vous pour accéder à cette page."
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_user)
