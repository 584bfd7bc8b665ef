"""POST /api/v1/redaction/preview: what the masking of personal data would store for a text."""
import marshmallow as ma

from app.api import Blueprint
from app.common.access import api_token
from app.reports.redaction import KINDS, redact

MAX_TEXT_LENGTH = 20_000

blp = Blueprint(
    "api_redaction",
    __name__,
    url_prefix="/api/v1",
    description="Masquage des données personnelles",
)


class RedactionPreviewRequest(ma.Schema):
    text = ma.fields.String(
        required=True,
        validate=ma.validate.Length(
            max=MAX_TEXT_LENGTH,
            error=f"Le texte ne doit pas dépasser {MAX_TEXT_LENGTH} caractères.",
        ),
        error_messages={
            "required": "Le champ « text » est obligatoire.",
            "null": "Le champ « text » ne peut pas être nul.",
            "invalid": "Le champ « text » doit être une chaîne de caractères.",
        },
        metadata={"description": "Texte libre à analyser (20 000 caractères au plus)."},
    )


FoundSchema = ma.Schema.from_dict(
    {kind: ma.fields.Integer(required=True) for kind in KINDS}, name="RedactionFound"
)


class RedactionPreviewResponse(ma.Schema):
    text = ma.fields.String(
        required=True, metadata={"description": "Le texte tel qu'il serait enregistré."}
    )
    found = ma.fields.Nested(
        FoundSchema,
        required=True,
        metadata={"description": "Nombre d'éléments masqués par type (jamais leur valeur)."},
    )


@blp.route("/redaction/preview", methods=["POST"])
@blp.arguments(RedactionPreviewRequest)
@blp.response(200, RedactionPreviewResponse)
@blp.alt_response(400, response="BAD_REQUEST")
@blp.alt_response(401, response="UNAUTHORIZED")
@api_token()
def preview(payload):
    """Mask the personal identifiers of a text, without storing anything."""
    result = redact(payload["text"])
    return {"text": result.text, "found": result.found}
