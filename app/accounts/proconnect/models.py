"""ProConnect identities linked to accounts, and the ID tokens of open ProConnect sessions."""
from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.common.models import UTCDateTime, utcnow
from app.extensions import db


class ProConnectIdentity(db.Model):
    """The provider's `sub` for an account. Unconfirmed rows wait for a password sign-in (non-agents)."""

    __tablename__ = "proconnect_identities"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("users.id"), unique=True)
    sub: Mapped[str] = mapped_column(String(255), unique=True)
    uid: Mapped[str | None] = mapped_column(String(255))
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    confirmed_at = mapped_column(UTCDateTime())
    last_login_at = mapped_column(UTCDateTime())

    user = relationship(User)

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None


class ProConnectSession(db.Model):
    """One sign-in: the ID token needed to end the provider session, kept here, never in the cookie.

    The session cookie holds only a random handle (stored hashed). The nonce's hash is unique, so
    an ID token answering a nonce already used is refused.
    """

    __tablename__ = "proconnect_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    handle_hash: Mapped[str] = mapped_column(String(64), unique=True)
    nonce_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("users.id"), index=True)
    id_token: Mapped[str | None] = mapped_column(Text)
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    ended_at = mapped_column(UTCDateTime())
