"""Bearer-token authentication for the JSON API (personal tokens and team tokens)."""
from flask import request

from app.accounts.models import ApiToken, Role, User, hash_token
from app.api.errors import api_abort
from app.common.timezones import utcnow
from app.extensions import db


class TeamPrincipal:
    """Who calls with a team token: the team's triage, not a person (no user id, no e-mail)."""

    role = Role.TRIAGER.value
    id = None
    email = None
    organisation = None
    organisation_id = None
    active = True
    is_team_token = True

    def __init__(self, token):
        self.team = token.team
        self.team_id = token.team_id
        self.token_id = token.id
        self.token_label = token.label or token.prefix
        self.full_name = f"Jeton d'équipe {token.team.code}"

    def __repr__(self):
        return f"<TeamPrincipal {self.team.code}>"


def check_token(allowed):
    """The caller of a token-guarded endpoint, whose role is one of `allowed` (all when empty)."""
    user = authenticate_request()
    if allowed and user.role not in allowed:
        api_abort(403, "forbidden", "Votre rôle ne permet pas d'utiliser ce point d'accès.")
    return user


# Other kinds of tokens (a site token of the reception domain), tried when no API token matches:
# each resolver takes the raw token and returns a principal or None.
_TOKEN_RESOLVERS = []


def register_token_resolver(resolver):
    if resolver not in _TOKEN_RESOLVERS:
        _TOKEN_RESOLVERS.append(resolver)


def authenticate_request():
    """The active user (or team) owning the request's bearer token, or a 401 JSON error."""
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        api_abort(401)
    row = db.session.execute(
        db.select(ApiToken, User)
        .outerjoin(User, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == hash_token(raw.strip()))
    ).first()
    if row is None:
        for resolver in _TOKEN_RESOLVERS:
            principal = resolver(raw.strip())
            if principal is not None:
                return principal
        api_abort(401)
    token, user = row
    is_team_token = user is None and token.team_id is not None
    if token.revoked_at is not None or not (is_team_token or (user is not None and user.active)):
        api_abort(401, "token_revoked", "Ce jeton a été révoqué ou le compte est désactivé.")
    now = utcnow()
    # Record use at most once a minute to keep the hot path read-only.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        token.last_used_at = now
        db.session.commit()
    return TeamPrincipal(token) if is_team_token else user
