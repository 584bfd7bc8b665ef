"""GET /api/v1/referential, /profiles, /certifications, /modules, /modules/{slug}."""
import marshmallow as ma

from app.api import Blueprint
from app.api.errors import api_abort
from app.api.pagination import PageArgs, keyset_page
from app.common.access import api_token
from app.referential import services as referential
from app.referential.models import Certification, JobProfile
from app.training import services as training
from app.training.models import Module

blp = Blueprint("api_referential", __name__, url_prefix="/api/v1", description="Référentiel et catalogue")


class LevelSchema(ma.Schema):
    level = ma.fields.Integer(required=True)
    text = ma.fields.String(required=True)


class CompetencySchema(ma.Schema):
    code = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    kind = ma.fields.String(required=True)
    description = ma.fields.String(required=True)
    levels = ma.fields.List(ma.fields.Nested(LevelSchema), required=True)


class ActivitySchema(ma.Schema):
    code = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    description = ma.fields.String(required=True)
    competencies = ma.fields.List(ma.fields.Nested(CompetencySchema), required=True)


class ScaleSchema(ma.Schema):
    level = ma.fields.Integer(required=True)
    label = ma.fields.String(required=True)
    description = ma.fields.String(required=True)


class ReferentialSchema(ma.Schema):
    code = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    version = ma.fields.String(required=True)
    published_on = ma.fields.Date(required=True)
    scale = ma.fields.List(ma.fields.Nested(ScaleSchema), required=True)
    activities = ma.fields.List(ma.fields.Nested(ActivitySchema), required=True)


class RequirementSchema(ma.Schema):
    competency = ma.fields.Function(lambda r: r.competency.code, required=True)
    level = ma.fields.Integer(required=True)


class ProfileSchema(ma.Schema):
    code = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    rome = ma.fields.List(ma.fields.String(), attribute="rome_codes", required=True)
    description = ma.fields.String(required=True)
    requires = ma.fields.List(ma.fields.Nested(RequirementSchema), attribute="requirements", required=True)


class ProfilePage(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ProfileSchema), required=True)
    next_cursor = ma.fields.String(allow_none=True, required=True)


class BlockSchema(ma.Schema):
    code = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    competencies = ma.fields.Function(lambda b: [c.code for c in b.competencies], required=True)


class CertificationSchema(ma.Schema):
    code = ma.fields.String(required=True)
    rncp = ma.fields.String(allow_none=True)
    title = ma.fields.String(required=True)
    level = ma.fields.Integer(required=True)
    blocks = ma.fields.List(ma.fields.Nested(BlockSchema), required=True)


class CertificationPage(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(CertificationSchema), required=True)
    next_cursor = ma.fields.String(allow_none=True, required=True)


class ModuleCompetencySchema(ma.Schema):
    code = ma.fields.Function(lambda mc: mc.competency.code, required=True)
    level = ma.fields.Integer(required=True)


class ModuleSchema(ma.Schema):
    slug = ma.fields.String(required=True)
    title = ma.fields.Function(lambda m: m.current_version.title, required=True)
    kind = ma.fields.String(required=True)
    format = ma.fields.String(required=True, metadata={"description": "lessons (leçons et quiz) ou package (paquet SCORM)"})
    partner = ma.fields.String(allow_none=True)
    version = ma.fields.Function(lambda m: m.current_version.number, required=True)
    duration_minutes = ma.fields.Function(
        lambda m: m.current_version.duration_minutes, required=True,
        metadata={"description": "Durée totale du module en minutes : autoformation et activités en groupe"},
    )
    self_study_minutes = ma.fields.Function(
        lambda m: m.current_version.self_study_minutes, required=True,
        metadata={"description": "Minutes de travail seul en ligne (leçons et quiz) : duration_minutes moins "
                                 "activities_minutes"},
    )
    activities_minutes = ma.fields.Function(
        lambda m: m.current_version.activities_minutes, required=True,
        metadata={"description": "Minutes d'activités en groupe avec un formateur (jeux de rôle, études de cas), "
                                 "comprises dans duration_minutes ; 0 pour un paquet SCORM"},
    )
    competencies = ma.fields.Function(
        lambda m: ModuleCompetencySchema(many=True).dump(m.current_version.competencies), required=True,
    )


class LessonRefSchema(ma.Schema):
    slug = ma.fields.String(required=True)
    title = ma.fields.String(required=True)


class ModuleDetailSchema(ModuleSchema):
    summary = ma.fields.Function(lambda m: m.current_version.summary, required=True)
    validity_months = ma.fields.Function(lambda m: m.current_version.validity_months, allow_none=True)
    pass_mark = ma.fields.Function(lambda m: m.current_version.pass_mark, required=True)
    prerequisites = ma.fields.Function(lambda m: [p.slug for p in m.prerequisites], required=True)
    lessons = ma.fields.Function(
        lambda m: LessonRefSchema(many=True).dump(m.current_version.lessons), required=True
    )
    sources = ma.fields.Function(lambda m: m.current_version.sources, required=True)


class ModulePage(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ModuleSchema), required=True)
    next_cursor = ma.fields.String(allow_none=True, required=True)


@blp.route("/referential")
@blp.response(200, ReferentialSchema)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(404, response="NOT_FOUND")
@api_token()
def get_referential():
    """The job reference: activities, competencies and their level descriptors."""
    ref = referential.current_referential()
    if ref is None:
        api_abort(404, "not_found", "Le référentiel n'est pas encore importé.")
    return {
        "code": ref.code, "title": ref.title, "version": ref.version, "published_on": ref.published_on,
        "scale": referential.scale_levels(), "activities": ref.activities,
    }


@blp.route("/profiles")
@blp.arguments(PageArgs, location="query")
@blp.response(200, ProfilePage)
@blp.alt_response(401, response="UNAUTHORIZED")
@api_token()
def list_profiles(args):
    """Job profiles of the career track with their required competencies."""
    items, cursor = keyset_page(referential.profiles_query(), JobProfile.id, args)
    return {"items": items, "next_cursor": cursor}


@blp.route("/certifications")
@blp.arguments(PageArgs, location="query")
@blp.response(200, CertificationPage)
@blp.alt_response(401, response="UNAUTHORIZED")
@api_token()
def list_certifications(args):
    """Certifications usable for VAE, with their blocks mapped to competencies."""
    items, cursor = keyset_page(referential.certifications_query(), Certification.id, args)
    return {"items": items, "next_cursor": cursor}


@blp.route("/modules")
@blp.arguments(PageArgs, location="query")
@blp.response(200, ModulePage)
@blp.alt_response(401, response="UNAUTHORIZED")
@api_token()
def list_modules(args):
    """Training modules (current versions)."""
    items, cursor = keyset_page(training.modules_query(), Module.id, args)
    return {"items": items, "next_cursor": cursor}


@blp.route("/modules/<slug>")
@blp.response(200, ModuleDetailSchema)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(404, response="NOT_FOUND")
@api_token()
def get_module(slug):
    """One module: summary, lessons, competencies, prerequisites, sources."""
    module = training.module_by_slug(slug, details=True)
    if module is None or module.current_version is None:
        api_abort(404, "not_found", f"Module inconnu : {slug}.")
    return module
