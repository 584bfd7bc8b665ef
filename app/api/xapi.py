"""GET /api/v1/me/xapi: the agent's learning records as xAPI 1.0.3 statements."""
import marshmallow as ma
from flask import g

from app.accounts.models import Role
from app.api import Blueprint
from app.api.errors import api_abort
from app.api.pagination import PageArgs
from app.common.access import api_token
from app.training.xapi import XAPI_VERSION, InvalidCursor, statements_page

blp = Blueprint(
    "api_xapi", __name__, url_prefix="/api/v1",
    description="Traces d'apprentissage au format xAPI 1.0.3",
)


class XapiStatementPage(ma.Schema):
    items = ma.fields.List(
        ma.fields.Dict(), required=True,
        metadata={"description": "Déclarations xAPI 1.0.3 (passed, failed, completed), des plus anciennes "
                                 "aux plus récentes. L'acteur est un compte opaque, jamais l'adresse e-mail."},
    )
    next_cursor = ma.fields.String(allow_none=True, required=True)


# Agents only: they are the ones who take modules. A team token has no person behind it, and
# answering other roles with a list that is always empty would hide a wrong token choice.
@blp.route("/me/xapi")
@blp.arguments(PageArgs, location="query")
@blp.response(200, XapiStatementPage)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(403, response="FORBIDDEN")
@api_token(Role.AGENT)
def statements(args):
    """The current agent's quiz attempts and module completions as xAPI statements."""
    try:
        items, next_cursor = statements_page(g.api_user, args["limit"], args["cursor"])
    except InvalidCursor as exc:
        api_abort(400, "invalid_cursor", str(exc), {"cursor": ["Curseur invalide."]})
    return {"items": items, "next_cursor": next_cursor}, 200, {"X-Experience-API-Version": XAPI_VERSION}
