"""GET /api/v1/me."""
import marshmallow as ma
from flask import g

from app.accounts.models import Role
from app.api import Blueprint
from app.common.access import api_token

blp = Blueprint("api_me", __name__, url_prefix="/api/v1", description="Compte courant")


class OrganisationRef(ma.Schema):
    code = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    kind = ma.fields.String(required=True)
    department = ma.fields.String(allow_none=True)


class TeamRef(ma.Schema):
    code = ma.fields.String(required=True)
    name = ma.fields.String(required=True)


class MeSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    email = ma.fields.String(required=True)
    full_name = ma.fields.String(required=True)
    role = ma.fields.String(required=True, validate=ma.validate.OneOf(Role.values()))
    organisation = ma.fields.Nested(OrganisationRef, allow_none=True)
    team = ma.fields.Nested(TeamRef, allow_none=True)


@blp.route("/me")
@blp.response(200, MeSchema)
@blp.alt_response(401, response="UNAUTHORIZED")
@api_token()
def me():
    """The account that owns the token."""
    return g.api_user
