"""Passport documents API: signed Open Badges 3.0 credentials, the passport PDF, the gap analysis."""
import marshmallow as ma
from flask import g

from app.accounts.models import Role
from app.api import Blueprint
from app.api.errors import api_abort
from app.common.access import api_token
from app.common.pdf import pdf_response
from app.passports import mobility, pdf
from app.passports.credentials import credentials_for
from app.passports.documents import passport_document

blp = Blueprint("api_passport_docs", __name__, url_prefix="/api/v1",
                description="Passeport de compétences : attestations, PDF, mobilité")


class CredentialSchema(ma.Schema):
    entry_id = ma.fields.Integer(required=True)
    competency = ma.fields.String(required=True)
    level = ma.fields.Integer(required=True)
    jwt = ma.fields.String(required=True, metadata={
        "description": "OpenBadgeCredential signé (VC-JWT, RS256) ; clés publiques : /.well-known/jwks.json"})


class CredentialList(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(CredentialSchema), required=True)
    next_cursor = ma.fields.String(allow_none=True)


class MobilityArgs(ma.Schema):
    profile = ma.fields.String(required=True, metadata={"description": "Code du profil de poste (filière)"})


class ModuleRef(ma.Schema):
    slug = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    level = ma.fields.Integer(required=True)


class GapSchema(ma.Schema):
    competency = ma.fields.String(attribute="competency_code", required=True)
    competency_title = ma.fields.String(required=True)
    required_level = ma.fields.Integer(required=True)
    validated_level = ma.fields.Integer(required=True)
    gap = ma.fields.Integer(required=True)
    modules = ma.fields.List(ma.fields.Nested(ModuleRef), required=True)


class ProfileRef(ma.Schema):
    code = ma.fields.String(attribute="profile_code", required=True)
    title = ma.fields.String(attribute="profile_title", required=True)
    rome_codes = ma.fields.List(ma.fields.String(), required=True)


class MobilitySchema(ma.Schema):
    profile = ma.fields.Function(lambda a: ProfileRef().dump(a), required=True)
    items = ma.fields.List(ma.fields.Nested(GapSchema), attribute="lines", required=True)
    modules = ma.fields.List(ma.fields.Nested(ModuleRef), required=True,
                             metadata={"description": "Modules qui combleraient les écarts, chacun une fois"})


@blp.route("/me/passport/credentials")
@blp.response(200, CredentialList)
@api_token(Role.AGENT)
def my_credentials():
    """One signed OpenBadgeCredential per guaranteed, unexpired entry of your passport."""
    items = [
        {"entry_id": entry.id, "competency": entry.competency.code, "level": entry.level, "jwt": token}
        for entry, _credential, token in credentials_for(g.api_user)
    ]
    return {"items": items, "next_cursor": None}


@blp.route("/me/passport/pdf")
@blp.alt_response(200, description="Le passeport en PDF (application/pdf)", content_type="application/pdf")
@api_token(Role.AGENT)
def my_passport_pdf():
    """Your passport as a PDF, with its QR code and verification address."""
    document = passport_document(g.api_user)
    return pdf_response(pdf.passport_pdf(document), f"passeport-competences-{document.issued_on.isoformat()}.pdf")


@blp.route("/me/mobility")
@blp.arguments(MobilityArgs, location="query")
@blp.response(200, MobilitySchema)
@blp.alt_response(400, response="BAD_REQUEST")
@blp.alt_response(404, response="NOT_FOUND")
@api_token(Role.AGENT)
def my_mobility(args):
    """Gap analysis against a job profile: your validated level, the gap and the modules that close it."""
    profile = mobility.find_profile(args["profile"])
    if profile is None:
        api_abort(404, "not_found", f"Profil de poste inconnu : {args['profile']}.")
    return mobility.gap_analysis(g.api_user, profile)
