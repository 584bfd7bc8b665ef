"""Account use cases. The acting user is always an explicit argument."""
import secrets
from datetime import datetime, timedelta

from flask import current_app

from app.accounts.models import (
    ORG_ROLES,
    ApiToken,
    Membership,
    OneTimeToken,
    Role,
    TokenPurpose,
    User,
    find_user_by_email,
    hash_token,
    normalise_email,
)
from app.accounts.passwords import (
    burn_time,
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)
from app.audit.services import audit
from app.common.timezones import as_utc, utcnow
from app.common.urls import external_url
from app.extensions import db
from app.notifications.services import deliver_inline, queue_email


class AccountError(ValueError):
    """A use case refused its input; the message is French and shown to the user."""


# --- users ---------------------------------------------------------------------------------


def _check_placement(role, organisation, team):
    if role not in Role.values():
        raise AccountError(f"Rôle inconnu : {role}.")
    if role in ORG_ROLES and organisation is None:
        raise AccountError("Un agent, un utilisateur RH ou un expert doit appartenir à une structure.")
    if role == Role.TRIAGER and team is None:
        raise AccountError("Un membre d'équipe logicielle doit appartenir à une équipe.")


def open_membership(user, organisation):
    db.session.add(Membership(user=user, organisation=organisation, started_at=utcnow()))


def _close_membership(user):
    current = db.session.scalar(
        db.select(Membership).where(Membership.user_id == user.id, Membership.ended_at.is_(None))
    )
    if current is not None:
        current.ended_at = utcnow()


def new_user(email, full_name, role, organisation, team, password):
    email = normalise_email(email)
    if find_user_by_email(email) is not None:
        raise AccountError(f"Un compte existe déjà avec l'adresse {email}.")
    _check_placement(role, organisation, team)
    user = User(
        email=email,
        full_name=full_name.strip(),
        role=role,
        organisation=organisation if role in ORG_ROLES else None,
        team=team if role == Role.TRIAGER else None,
        password_hash=hash_password(password) if password else None,
    )
    db.session.add(user)
    db.session.flush()
    if user.organisation is not None:
        open_membership(user, user.organisation)
    return user


def create_user(actor, email, full_name, role, organisation=None, team=None, password=None):
    """Create an account; without a password an activation link is e-mailed."""
    if password is not None:
        problem = password_problem(password, current_app.config["PASSWORD_MIN_LENGTH"])
        if problem:
            raise AccountError(problem)
    user = new_user(email, full_name, role, organisation, team, password)
    if password is None:
        queue_activation(user)
    audit(actor, "user.create", user, {"role": role})
    db.session.commit()
    deliver_inline()
    return user


def create_agent(actor, organisation, email, full_name):
    """HR adds an agent to its organisation; returns the new user, or None when the address is taken.

    An address used by an account outside the organisation is not revealed to HR (the view answers
    the same either way): its holder is told by e-mail instead, and the audit log keeps the attempt.
    """
    existing = find_user_by_email(email)
    if existing is None:
        return create_user(actor, email, full_name, Role.AGENT, organisation=organisation)
    if existing.organisation_id == organisation.id and existing.role == Role.AGENT:
        raise AccountError("Cet agent a déjà un compte dans votre structure.")
    tell_holder_of_existing_address(actor, existing, organisation)
    db.session.commit()
    deliver_inline()
    return None


def tell_holder_of_existing_address(actor, user, organisation):
    """Out of band: e-mail the holder of an address that a structure tried to use for a new account."""
    queue_email(
        user.email,
        "Une structure souhaite vous inscrire sur Passerelle",
        f"Bonjour {user.full_name},\n\nLa structure « {organisation.name} » a demandé la création d'un "
        "compte Passerelle avec votre adresse. Vous avez déjà un compte : aucun autre n'a été créé.\n\n"
        "Si vous rejoignez cette structure, demandez à un administrateur de Passerelle d'y rattacher "
        "votre compte : votre passeport de compétences vous suit. Sinon, ignorez ce message.\n",
    )
    audit(actor, "user.create_existing_address", user, {"organisation": organisation.code})


def _issue_token(user, purpose, hours, payload=None):
    raw = secrets.token_urlsafe(32)
    db.session.add(
        OneTimeToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=hash_token(raw),
            payload=payload,
            expires_at=utcnow() + timedelta(hours=hours),
        )
    )
    return raw


def _void_tokens(user, purpose):
    """Spend the user's unused links of this purpose (a new one replaces them)."""
    db.session.execute(
        db.update(OneTimeToken)
        .where(OneTimeToken.user_id == user.id, OneTimeToken.purpose == purpose, OneTimeToken.used_at.is_(None))
        .values(used_at=utcnow())
    )


def queue_activation(user):
    raw = _issue_token(user, TokenPurpose.ACTIVATION, current_app.config["ACTIVATION_TOKEN_HOURS"])
    link = external_url("accounts.activate", token=raw)
    queue_email(
        user.email,
        "Activez votre compte Passerelle",
        f"Bonjour {user.full_name},\n\nUn compte Passerelle a été créé pour vous. "
        f"Choisissez votre mot de passe en suivant ce lien (valable "
        f"{current_app.config['ACTIVATION_TOKEN_HOURS']} heures) :\n{link}\n",
    )
    return raw


def _consume_token(raw, purpose):
    """The token's row if it is valid for this purpose, unused and unexpired; else None."""
    if not raw:
        return None
    row = db.session.scalar(
        db.select(OneTimeToken).where(
            OneTimeToken.token_hash == hash_token(raw), OneTimeToken.purpose == purpose
        )
    )
    if row is None or row.used_at is not None or as_utc(row.expires_at) <= utcnow():
        return None
    return row


def token_is_valid(raw, purpose):
    return _consume_token(raw, purpose) is not None


def authenticate(email, password):
    """The active user with these credentials, or None (same cost either way)."""
    user = find_user_by_email(email)
    if user is None or not user.password_hash:
        burn_time(password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def record_login(user):
    """Note a successful login."""
    user.last_login_at = utcnow()
    audit(user, "auth.login", user)
    db.session.commit()


HOME_SINCE = "home_since"
# The marker is moved at most this often: a page reloaded a few times does not write each time.
HOME_VISIT_TOUCH = timedelta(minutes=1)


def home_visit_since(user, store, now=None):
    """When `user` last opened their home page before this session (None on a first visit), and the
    marker moved to now.

    The answer is kept in `store` (the session) the first time, so that every view of the home page in
    the same session lists the same news: what was new when the session began stays listed until the
    person signs in again, rather than vanishing on the next reload."""
    now = now or utcnow()
    kept = store.get(HOME_SINCE)
    if kept and kept[0] == user.id:
        since = as_utc(datetime.fromisoformat(kept[1])) if kept[1] else None
    else:
        since = as_utc(user.last_home_visit_at)
        store[HOME_SINCE] = [user.id, since.isoformat() if since else ""]
    last = as_utc(user.last_home_visit_at)
    if last is None or now - last >= HOME_VISIT_TOUCH:
        user.last_home_visit_at = now
        db.session.commit()
    return since


def end_sessions(user):
    """End every session of the user (logout, security events)."""
    user.session_version += 1
    audit(user, "auth.logout", user)
    db.session.commit()


def record_failed_login(email):
    audit(None, "auth.login_failed", None, {})
    db.session.commit()


def change_password(user, current_password, new_password):
    """Change one's own password; other sessions end."""
    if not verify_password(user.password_hash, current_password):
        raise AccountError("Le mot de passe actuel est incorrect.")
    _set_password(user, new_password)
    audit(user, "auth.password_change", user)
    db.session.commit()


def _set_password(user, new_password):
    problem = password_problem(new_password, current_app.config["PASSWORD_MIN_LENGTH"])
    if problem:
        raise AccountError(problem)
    user.password_hash = hash_password(new_password)
    user.session_version += 1


def request_password_reset(email):
    """E-mail a reset link if the account exists; say nothing either way."""
    user = find_user_by_email(email)
    if user is None or not user.active:
        return
    _void_tokens(user, TokenPurpose.PASSWORD_RESET)  # only the newest link works
    raw = _issue_token(user, TokenPurpose.PASSWORD_RESET, current_app.config["RESET_TOKEN_HOURS"])
    link = external_url("accounts.reset_password", token=raw)
    queue_email(
        user.email,
        "Réinitialisation de votre mot de passe Passerelle",
        f"Bonjour {user.full_name},\n\nPour choisir un nouveau mot de passe, suivez ce lien "
        f"(valable {current_app.config['RESET_TOKEN_HOURS']} heures, utilisable une fois) :\n"
        f"{link}\n\nSi vous n'avez rien demandé, ignorez ce message.\n",
    )
    audit(user, "auth.password_reset_requested", user)
    db.session.commit()
    deliver_inline()


def reset_password(raw, new_password, purpose=TokenPurpose.PASSWORD_RESET):
    """Set a password from a reset or activation link; the link is then spent."""
    row = _consume_token(raw, purpose)
    if row is None:
        raise AccountError("Ce lien n'est plus valable. Demandez-en un nouveau.")
    user = row.user
    _set_password(user, new_password)
    row.used_at = utcnow()
    audit(user, f"auth.{purpose}", user)
    db.session.commit()
    return user


def request_email_change(user, new_email, password):
    """Send a confirmation link to the new address; the change happens when it is followed."""
    if not verify_password(user.password_hash, password):
        raise AccountError("Le mot de passe est incorrect.")
    new_email = normalise_email(new_email)
    if new_email == user.email:
        raise AccountError("C'est déjà votre adresse.")
    if find_user_by_email(new_email) is not None:
        raise AccountError("Cette adresse est déjà utilisée par un autre compte.")
    _void_tokens(user, TokenPurpose.EMAIL_CHANGE)  # only the latest requested address can be confirmed
    raw = _issue_token(
        user,
        TokenPurpose.EMAIL_CHANGE,
        current_app.config["EMAIL_CHANGE_TOKEN_HOURS"],
        payload=new_email,
    )
    link = external_url("accounts.confirm_email", token=raw)
    queue_email(
        new_email,
        "Confirmez votre nouvelle adresse Passerelle",
        f"Bonjour {user.full_name},\n\nPour utiliser cette adresse avec Passerelle, "
        f"suivez ce lien :\n{link}\n",
    )
    audit(user, "auth.email_change_requested", user)
    db.session.commit()
    deliver_inline()


def confirm_email_change(raw):
    """Apply an e-mail change from its confirmation link."""
    row = _consume_token(raw, TokenPurpose.EMAIL_CHANGE)
    if row is None:
        raise AccountError("Ce lien n'est plus valable.")
    if find_user_by_email(row.payload) is not None:
        raise AccountError("Cette adresse est déjà utilisée par un autre compte.")
    user = row.user
    old = user.email
    user.email = row.payload
    row.used_at = utcnow()
    queue_email(
        old,
        "Votre adresse Passerelle a changé",
        "L'adresse de votre compte Passerelle a été changée. "
        "Si vous n'êtes pas à l'origine de ce changement, contactez votre administrateur.\n",
    )
    audit(user, "auth.email_changed", user)
    db.session.commit()
    deliver_inline()
    return user


def set_active(actor, user, active):
    """Deactivate (ending sessions and tokens) or reactivate an account."""
    if actor.id == user.id:
        raise AccountError("Vous ne pouvez pas désactiver votre propre compte.")
    user.active = active
    if not active:
        user.session_version += 1
        _revoke_tokens(user)
    audit(actor, "user.activate" if active else "user.deactivate", user)
    db.session.commit()


def change_role(actor, user, role, organisation=None, team=None):
    """Give a user another role (and the organisation or team it needs)."""
    if actor.id == user.id:
        raise AccountError("Vous ne pouvez pas changer votre propre rôle.")
    organisation = organisation or user.organisation
    team = team or user.team
    _check_placement(role, organisation, team)
    user.role = role
    user.session_version += 1
    if role in ORG_ROLES:
        if user.organisation_id != organisation.id:
            _move(user, organisation)
    else:
        if user.organisation_id is not None:
            _close_membership(user)
            user.organisation = None
    user.team = team if role == Role.TRIAGER else None
    audit(actor, "user.role_change", user, {"role": role})
    db.session.commit()


def _move(user, organisation):
    _close_membership(user)
    db.session.flush()
    user.organisation = organisation
    open_membership(user, organisation)


def change_organisation(actor, user, organisation):
    """Move an agent or HR user: the current membership closes, a new one opens."""
    if user.role not in ORG_ROLES:
        raise AccountError("Seuls les agents, les RH et les experts appartiennent à une structure.")
    if user.organisation_id == organisation.id:
        raise AccountError("L'utilisateur appartient déjà à cette structure.")
    _move(user, organisation)
    audit(actor, "user.organisation_change", user, {"organisation": organisation.code})
    db.session.commit()


def change_team(actor, user, team):
    if user.role != Role.TRIAGER:
        raise AccountError("Seuls les membres d'équipe logicielle appartiennent à une équipe.")
    user.team = team
    audit(actor, "user.team_change", user, {"team": team.code})
    db.session.commit()


# --- API tokens ----------------------------------------------------------------------------


def create_api_token(actor, user, label=""):
    """Create a personal API token; the raw value is returned once and stored hashed."""
    raw = "psr_" + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, label=label.strip()[:100], token_hash=hash_token(raw),
                     prefix=raw[:10])
    db.session.add(token)
    db.session.flush()
    audit(actor, "api_token.create", token)
    db.session.commit()
    return token, raw


def _revoke_tokens(user):
    now = utcnow()
    db.session.execute(
        db.update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def revoke_api_token(actor, token):
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit(actor, "api_token.revoke", token)
        db.session.commit()


def revoke_all_api_tokens(actor, user):
    _revoke_tokens(user)
    audit(actor, "api_token.revoke_all", user)
    db.session.commit()
