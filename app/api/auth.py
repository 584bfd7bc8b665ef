"""Bearer-token authentication for the JSON API."""
from flask import request

from app.accounts.models import ApiToken, User, hash_token
from app.api.errors import api_abort
from app.common.timezones import utcnow
from app.extensions import db


def authenticate_request():
    """The active user owning the request's bearer token, or a 401 JSON error."""
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        api_abort(401)
    row = db.session.execute(
        db.select(ApiToken, User)
        .join(User, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == hash_token(raw.strip()))
    ).first()
    if row is None:
        api_abort(401)
    token, user = row
    if token.revoked_at is not None or not user.active:
        api_abort(401, "token_revoked", "Ce jeton a été révoqué ou le compte est désactivé.")
    now = utcnow()
    # Record use at most once a minute to keep the hot path read-only.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        token.last_used_at = now
        db.session.commit()
    return user
