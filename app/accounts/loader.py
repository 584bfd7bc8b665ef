"""Who is signed in: Flask-Login's user loader reads the user and the header's unread count at once."""
from functools import lru_cache

from app.extensions import db

# Capabilities other domains grant to an account (e.g. "tutor"), read with the user in the same query:
# name -> function(User) returning a boolean SQL expression. Registered at start-up by each domain.
_CAPABILITY_COLUMNS = {}


def register_capability(name, column):
    """A domain tells the loader how to know, in SQL, whether a user holds one of its capabilities.
    The header's navigation then reads `user.capabilities` instead of querying per request."""
    if _CAPABILITY_COLUMNS.get(name) is not column:
        _CAPABILITY_COLUMNS[name] = column
        _user_statement.cache_clear()


def load_user(identifier):
    user_id, _, version = identifier.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    from app.notifications.services import remember_unread_count

    row = db.session.execute(_user_statement(), {"user_id": int(user_id)}).first()
    if row is None:
        return None
    user, unread, *held = row
    if not user.active or user.session_version != int(version):
        return None
    remember_unread_count(user.id, unread)
    user.capabilities = frozenset(name for name, value in zip(_CAPABILITY_COLUMNS, held, strict=True) if value)
    return user


@lru_cache(maxsize=1)
def _user_statement():
    """One query for the signed-in user, the organisation, the unread notifications of the header and the
    registered capabilities (built once: constructing a statement costs more than running this one)."""
    from sqlalchemy import bindparam

    from app.accounts.models import User
    from app.notifications.services import unread_count_column

    flags = [column(User).label(f"capability_{name}") for name, column in _CAPABILITY_COLUMNS.items()]
    return db.select(User, unread_count_column(User.id), *flags).where(User.id == bindparam("user_id"))


def init_login(login_manager):
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Connectez-vous pour accéder à cette page."
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_user)
