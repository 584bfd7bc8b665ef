"""Users, organisations, software teams, memberships and API tokens."""
import hashlib

from flask_login import UserMixin
from sqlalchemy import Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.enums import LabelledEnum
from app.common.models import UTCDateTime, utcnow
from app.common.timezones import timezone_for_department
from app.extensions import db


class Role(LabelledEnum):
    AGENT = ("agent", "Agent d'accueil")
    HR = ("hr", "Ressources humaines")
    TRIAGER = ("triager", "Équipe logicielle")
    ADMIN = ("admin", "Administrateur")
    EXPERT = ("expert", "Expert back office")
    # Read-only: the reception quality indicators of the départements assigned to them.
    MANAGER_NETWORK = ("manager_network", "Animateur réseau")


class OrgKind(LabelledEnum):
    FRANCE_SERVICES = ("france_services", "France services")
    CAF = ("caf", "CAF")
    CPAM = ("cpam", "CPAM")
    CARSAT = ("carsat", "Carsat")
    MSA = ("msa", "MSA")
    MAIRIE = ("mairie", "Mairie")
    CCAS = ("ccas", "CCAS")
    PREFECTURE = ("prefecture", "Préfecture")
    LA_POSTE = ("la_poste", "La Poste")
    FRANCE_TRAVAIL = ("france_travail", "France Travail")
    DGFIP = ("dgfip", "DGFiP")
    FRANCE_TITRES = ("france_titres", "France Titres (ANTS)")
    URSSAF = ("urssaf", "URSSAF")
    MDPH = ("mdph", "MDPH")
    ASSURANCE_RETRAITE = ("assurance_retraite", "Assurance retraite (CNAV)")
    PRIVATE = ("private", "Structure privée")
    OTHER = ("other", "Autre")


ORG_ROLES = {Role.AGENT.value, Role.HR.value, Role.EXPERT.value}


class Organisation(db.Model):
    __tablename__ = "organisations"
    # A département's organisations by name (the quality pages list them): read from the index alone.
    __table_args__ = (
        Index("ix_organisations_department_name", "department", "name", postgresql_include=["code"]),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    is_public: Mapped[bool] = mapped_column(default=True)
    department: Mapped[str | None] = mapped_column(String(3))
    # SIRET (14 digits): ProConnect sign-ins carrying it join this organisation as agents.
    siret: Mapped[str | None] = mapped_column(String(14), unique=True)
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    @property
    def kind_label(self):
        return OrgKind(self.kind).label

    @property
    def timezone(self):
        return timezone_for_department(self.department)

    def __repr__(self):
        return f"<Organisation {self.code}>"


class Team(db.Model):
    """A software team behind one or more online services."""

    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    def __repr__(self):
        return f"<Team {self.code}>"


class User(UserMixin, db.Model):
    __tablename__ = "users"
    # HR lists of an organisation's agents, by name (training team view, people).
    __table_args__ = (Index("ix_users_organisation_id_role_full_name", "organisation_id", "role", "full_name", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased: addresses are compared case-insensitively.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # Bumped to end every other session (logout everywhere, password change).
    session_version: Mapped[int] = mapped_column(default=1, server_default=text("1"))
    organisation_id: Mapped[int | None] = mapped_column(
        db.ForeignKey("organisations.id"), index=True
    )
    team_id: Mapped[int | None] = mapped_column(db.ForeignKey("teams.id"), index=True)
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    last_login_at = mapped_column(UTCDateTime())
    # The last time the person opened their home page: what changed since then is « nouveau » there.
    last_home_visit_at = mapped_column(UTCDateTime())
    # Two-factor authentication (TOTP, RFC 6238): the shared secret, and the last time step
    # accepted so that a code cannot be used twice.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at = mapped_column(UTCDateTime())
    totp_last_step: Mapped[int | None] = mapped_column()

    organisation = relationship(Organisation, lazy="joined")
    team = relationship(Team, lazy="joined")
    memberships = relationship(
        "Membership", back_populates="user", order_by="Membership.started_at"
    )

    @property
    def is_active(self):
        return self.active

    @property
    def role_label(self):
        return Role(self.role).label

    @property
    def timezone(self):
        if self.organisation is not None:
            return self.organisation.timezone
        return timezone_for_department(None)

    def get_id(self):
        # The session version is part of the id so that bumping it logs out other sessions.
        return f"{self.id}:{self.session_version}"

    @property
    def totp_enabled(self):
        return self.totp_enabled_at is not None and bool(self.totp_secret)

    def has_role(self, *roles):
        return self.role in roles

    @property
    def is_admin(self):
        return self.role == Role.ADMIN

    def can_manage(self, other):
        """Whether this user may manage another user's account."""
        if self.role == Role.ADMIN:
            return True
        return (
            self.role == Role.HR
            and other.role == Role.AGENT
            and self.organisation_id is not None
            and other.organisation_id == self.organisation_id
        )

    def __repr__(self):
        return f"<User {self.id} {self.role}>"


class Membership(db.Model):
    """A period during which a user belonged to an organisation."""

    __tablename__ = "memberships"
    __table_args__ = (
        Index(
            "uq_memberships_current",
            "user_id",
            unique=True,
            sqlite_where=text("ended_at IS NULL"),
            postgresql_where=text("ended_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("users.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(db.ForeignKey("organisations.id"), index=True)
    started_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    ended_at = mapped_column(UTCDateTime())

    user = relationship(User, back_populates="memberships")
    organisation = relationship(Organisation)


class OrganisationAgentCount(db.Model):
    """How many users are agents of each organisation (active or not), kept exact by database triggers on
    `users` (an insert, a delete, a change of organisation or role), never written by the application: a page
    that counts an organisation's agents up to a cap (the HR follow-up) reads one row instead of walking up to
    the cap's index entries. An organisation with no agent has no row, or a row at 0."""

    __tablename__ = "organisation_agent_counts"

    organisation_id: Mapped[int] = mapped_column(db.ForeignKey("organisations.id", ondelete="CASCADE"),
                                                 primary_key=True, autoincrement=False)
    agents: Mapped[int] = mapped_column(nullable=False, server_default="0")


def hash_token(raw):
    """SHA-256 of a random token: tokens are stored hashed, shown once."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"), index=True)
    # Team-owned tokens (team settings) have a team and no user: not tied to one person.
    team_id: Mapped[int | None] = mapped_column(db.ForeignKey("teams.id"), index=True)
    label: Mapped[str] = mapped_column(String(100), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    last_used_at = mapped_column(UTCDateTime())
    revoked_at = mapped_column(UTCDateTime())

    user = relationship(User)
    team = relationship(Team)

    @property
    def is_revoked(self):
        return self.revoked_at is not None


class TokenPurpose(LabelledEnum):
    PASSWORD_RESET = ("password_reset", "Réinitialisation du mot de passe")
    ACTIVATION = ("activation", "Activation du compte")
    EMAIL_CHANGE = ("email_change", "Changement d'adresse e-mail")


class OneTimeToken(db.Model):
    """A single-use, expiring link token (reset, activation, e-mail change)."""

    __tablename__ = "one_time_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("users.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    payload: Mapped[str | None] = mapped_column(String(254))
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    expires_at = mapped_column(UTCDateTime(), nullable=False)
    used_at = mapped_column(UTCDateTime())

    user = relationship(User)


class RecoveryCode(db.Model):
    """A single-use code to sign in when the authenticator is lost (stored hashed)."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    used_at = mapped_column(UTCDateTime())


class PendingForm(db.Model):
    """What a person typed in a form posted after their session expired, kept until they log in again."""

    __tablename__ = "pending_forms"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("users.id"), index=True)
    path: Mapped[str] = mapped_column(String(500))
    data = mapped_column(db.JSON, nullable=False)
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


def normalise_email(value):
    return (value or "").strip().lower()


def find_user_by_email(email):
    return db.session.scalar(db.select(User).where(User.email == normalise_email(email)))


__all__ = [
    "ApiToken",
    "Membership",
    "OneTimeToken",
    "PendingForm",
    "RecoveryCode",
    "OrgKind",
    "Organisation",
    "Role",
    "Team",
    "TokenPurpose",
    "User",
    "find_user_by_email",
    "hash_token",
    "normalise_email",
]
