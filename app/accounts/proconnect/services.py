"""ProConnect use cases: map the provider's claims to an account, keep the ID token, link identities."""
import secrets
from datetime import timedelta

from app.accounts.models import Organisation, Role, find_user_by_email, hash_token
from app.accounts.proconnect.models import ProConnectIdentity, ProConnectSession
from app.accounts.services import new_user
from app.audit.services import audit
from app.common.timezones import as_utc, utcnow
from app.extensions import db

# How long a non-agent account's link request waits for its password sign-in.
LINK_REQUEST_HOURS = 24
# Ended sign-ins are kept this long (their nonce stays refused), then deleted.
SESSION_ROWS_DAYS = 2


class SignInRefused(Exception):
    """The claims lead to no account; `reason` is logged, `kind` picks the French page."""

    def __init__(self, kind, reason):
        super().__init__(reason)
        self.kind = kind
        self.reason = reason


class LinkNeedsPassword(Exception):
    """A verified e-mail matched an account with more than the agent role: confirm with the password."""


def _names(claims):
    given = (claims.get("given_name") or "").strip()
    usual = (claims.get("usual_name") or claims.get("family_name") or "").strip()
    return " ".join(part for part in (given, usual) if part)[:200]


def _normalise_siret(value):
    return "".join((value or "").split())


def _identity_by_sub(sub):
    return db.session.scalar(db.select(ProConnectIdentity).where(ProConnectIdentity.sub == sub))


def _details(claims):
    return {"sub": claims["sub"], "uid": claims.get("uid")}


def sign_in(claims, nonce, id_token):
    """The account for these verified claims, linked or created; returns (user, session handle).

    The ID token is kept server-side under a random handle that the session cookie carries.

    Raises SignInRefused or LinkNeedsPassword; nothing is written when it raises.
    """
    sub = claims.get("sub")
    if not sub:
        raise SignInRefused("provider", "missing_sub")
    nonce_hash = hash_token(nonce)
    if db.session.scalar(db.select(ProConnectSession.id).where(ProConnectSession.nonce_hash == nonce_hash)):
        raise SignInRefused("provider", "replayed_nonce")
    identity = _identity_by_sub(sub)
    created = False
    if identity is not None and identity.is_confirmed:
        user = identity.user
    else:
        user = _linkable_account(claims, identity)
        if user is None:
            user = _create_agent(claims)
            created = True
        if identity is None:
            identity = ProConnectIdentity(sub=sub)
            db.session.add(identity)
        identity.user_id = user.id  # an unconfirmed link follows the account the claims designate now
        identity.confirmed_at = utcnow()
    if not user.active:
        db.session.rollback()
        raise SignInRefused("inactive", "inactive_account")
    name = _names(claims)
    if name:
        user.full_name = name
    now = utcnow()
    identity.uid = claims.get("uid")
    identity.last_login_at = now
    user.last_login_at = now
    handle = secrets.token_urlsafe(32)
    db.session.add(ProConnectSession(
        handle_hash=hash_token(handle), nonce_hash=nonce_hash, user_id=user.id, id_token=id_token,
    ))
    if created:
        audit(user, "auth.proconnect_account_created", user, {**_details(claims), "organisation": user.organisation.code})
    audit(user, "auth.proconnect_login", user, _details(claims))
    db.session.execute(
        db.delete(ProConnectSession).where(ProConnectSession.created_at < now - timedelta(days=SESSION_ROWS_DAYS))
    )
    db.session.commit()
    return user, handle


def _linkable_account(claims, identity):
    """The existing account a verified e-mail designates, or None when there is none."""
    email = claims.get("email")
    if not email or claims.get("email_verified") is False:
        return None
    user = find_user_by_email(email)
    if user is None:
        return None
    linked = db.session.scalar(db.select(ProConnectIdentity).where(ProConnectIdentity.user_id == user.id))
    if linked is not None and linked.sub != claims["sub"]:
        raise SignInRefused("conflict", "account_linked_to_other_sub")
    if user.role != Role.AGENT:
        _request_link(user, claims, identity or linked)
        raise LinkNeedsPassword()
    return user


def _request_link(user, claims, identity):
    """Remember the link of a non-agent account until a password session confirms it."""
    if identity is None:
        identity = ProConnectIdentity(sub=claims["sub"])
        db.session.add(identity)
    identity.user_id = user.id
    identity.created_at = utcnow()
    identity.uid = claims.get("uid")
    audit(None, "auth.proconnect_link_requested", user, _details(claims))
    db.session.commit()


def _create_agent(claims):
    siret = _normalise_siret(claims.get("siret"))
    organisation = None
    if siret:
        organisation = db.session.scalar(db.select(Organisation).where(Organisation.siret == siret))
    if organisation is None:
        raise SignInRefused("unknown_organisation", "unknown_siret")
    email = claims.get("email")
    if not email or claims.get("email_verified") is False:
        raise SignInRefused("provider", "missing_email")
    # Just-in-time creation: always an agent, never another role, and no local password.
    return new_user(email, _names(claims) or email, Role.AGENT, organisation, None, None)


def pending_link(user):
    """The ProConnect identity waiting for this user's confirmation, if still valid."""
    identity = db.session.scalar(
        db.select(ProConnectIdentity).where(
            ProConnectIdentity.user_id == user.id, ProConnectIdentity.confirmed_at.is_(None)
        )
    )
    if identity is None or as_utc(identity.created_at) < utcnow() - timedelta(hours=LINK_REQUEST_HOURS):
        return None
    return identity


def confirm_link(actor, identity):
    """Confirm a pending link from a password session: the next ProConnect sign-in opens this account."""
    identity.confirmed_at = utcnow()
    audit(actor, "auth.proconnect_link_confirmed", identity.user, {"sub": identity.sub, "uid": identity.uid})
    db.session.commit()


def _session_row(handle):
    if not handle:
        return None
    return db.session.scalar(
        db.select(ProConnectSession).where(ProConnectSession.handle_hash == hash_token(handle))
    )


def end_session(user, handle):
    """Log the user out everywhere; returns the ID token to end the provider session (or None)."""
    from app.accounts.services import end_sessions

    row = _session_row(handle)
    id_token = None
    if row is not None and row.user_id == user.id and row.ended_at is None:
        id_token = row.id_token
        row.id_token = None
        row.ended_at = utcnow()
    end_sessions(user)  # commits
    return id_token


def purge_proconnect_sessions(now, config):
    """Retention purger (`flask purge`): sign-ins older than SESSION_ROWS_DAYS go, ID tokens with them."""
    result = db.session.execute(
        db.delete(ProConnectSession).where(ProConnectSession.created_at < now - timedelta(days=SESSION_ROWS_DAYS))
    )
    return {"proconnect_sessions": result.rowcount or 0}


def export_proconnect(user):
    """Privacy exporter (« Mes données »): the ProConnect identities linked to the account."""
    identities = db.session.scalars(
        db.select(ProConnectIdentity).where(ProConnectIdentity.user_id == user.id).order_by(ProConnectIdentity.id)
    ).all()
    return {"identities": [
        {"sub": i.sub, "uid": i.uid, "created_at": i.created_at, "confirmed_at": i.confirmed_at,
         "last_login_at": i.last_login_at} for i in identities
    ]}


def erase_proconnect(user):
    """Privacy eraser: the account's ProConnect identity and sign-ins go."""
    db.session.execute(db.delete(ProConnectIdentity).where(ProConnectIdentity.user_id == user.id))
    db.session.execute(db.delete(ProConnectSession).where(ProConnectSession.user_id == user.id))


__all__ = [
    "LinkNeedsPassword",
    "SignInRefused",
    "confirm_link",
    "end_session",
    "erase_proconnect",
    "export_proconnect",
    "pending_link",
    "purge_proconnect_sessions",
    "sign_in",
]
