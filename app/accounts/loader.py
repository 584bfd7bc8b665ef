"""Who is signed in: Flask-Login's user loader reads the user and the header's unread count at once."""
from functools import lru_cache

from app.extensions import db


def load_user(identifier):
    user_id, _, version = identifier.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    from app.notifications.services import remember_unread_count

    row = db.session.execute(_user_statement(), {"user_id": int(user_id)}).first()
    if row is None:
        return None
    user, unread = row
    if not user.active or user.session_version != int(version):
        return None
    remember_unread_count(user.id, unread)
    return user


@lru_cache(maxsize=1)
def _user_statement():
    """One query for the signed-in user, the organisation and the unread notifications of the header
    (built once: constructing a statement costs more than running this one)."""
    from sqlalchemy import bindparam

    from app.accounts.models import User
    from app.notifications.services import unread_count_column

    return db.select(User, unread_count_column(User.id)).where(User.id == bindparam("user_id"))


def init_login(login_manager):
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Connectez-vous pour accéder à cette page."
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_user)
