"""Pages: the job reference, the career track (profiles), the certifications."""
from flask import Blueprint, abort, render_template

from app.common.access import logged_in
from app.referential import services

bp = Blueprint("referential", __name__)


@bp.route("/referentiel")
@logged_in
def reference():
    referential = services.current_referential()
    return render_template(
        "referential/reference.html",
        referential=referential,
        scale=services.scale_levels(),
        modules=services.modules_by_competency(),
        profiles=services.profiles_by_competency(),
    )


@bp.route("/filiere")
@logged_in
def profiles():
    return render_template("referential/profiles.html", profiles=services.all_profiles())


@bp.route("/filiere/<code>")
@logged_in
def profile(code):
    profile = services.profile_by_code(code.upper())
    if profile is None:
        abort(404)
    return render_template(
        "referential/profile.html",
        profile=profile,
        scale={s.level: s.label for s in services.scale_levels()},
        modules=services.modules_by_competency(),
    )


@bp.route("/certifications")
@logged_in
def certifications():
    return render_template("referential/certifications.html", certifications=services.all_certifications())
