"""Team settings use cases: team-owned API tokens (not tied to one person)."""
import secrets

from app.accounts.models import ApiToken, hash_token
from app.audit.services import audit
from app.common.timezones import utcnow
from app.extensions import db
from app.reports.services import clean


def create_team_token(actor, team, label=""):
    """Create a token that acts for the team; the raw value is returned once and stored hashed."""
    raw = "psr_" + secrets.token_urlsafe(32)
    token = ApiToken(user_id=None, team_id=team.id, label=clean(label).strip()[:100],
                     token_hash=hash_token(raw), prefix=raw[:10])
    db.session.add(token)
    db.session.flush()
    audit(actor, "api_token.create_team", token, {"team": team.code})
    db.session.commit()
    return token, raw


def team_tokens(team):
    """The team's API tokens, newest first."""
    return db.session.scalars(db.select(ApiToken).where(ApiToken.team_id == team.id).order_by(ApiToken.id.desc())).all()


def find_team_token(team, token_id):
    return db.session.scalar(
        db.select(ApiToken).where(ApiToken.id == token_id, ApiToken.team_id == team.id)
    )


def revoke_team_token(actor, token):
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit(actor, "api_token.revoke_team", token)
        db.session.commit()
