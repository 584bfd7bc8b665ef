"""The package player (module page → sandboxed frame), its CMI commit endpoint, and package files."""
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf
from wtforms import ValidationError

from app.accounts.models import Role
from app.common.access import public, roles
from app.training.packages import content, runtime, upload
from app.training.packages.forms import PackageUploadForm
from app.training.progress import module_state
from app.training.services import module_by_slug

bp = Blueprint("packages", __name__, url_prefix="/formation/modules")
content_bp = Blueprint("package_content", __name__, url_prefix="/paquets")


def _package_module_or_404(slug):
    module = module_by_slug(slug)
    if module is None or not module.is_package:
        abort(404)
    package = runtime.package_of(module.current_version)
    if package is None:
        abort(404)
    return module, package


@bp.route("/<slug>/paquet")
@roles(Role.AGENT)
def player(slug):
    module, package = _package_module_or_404(slug)
    state = module_state(current_user, module)
    if state.locked:
        return render_template("training/locked.html", module=module, state=state), 403
    attempt = runtime.attempt_of(current_user, module.current_version)
    token = content.content_token(package, current_user)
    config = {
        "version": package.scorm_version,
        "commitUrl": f"{request.script_root}/formation/modules/{module.slug}/paquet/cmi",
        "csrfToken": generate_csrf(),
        "launchUrl": f"{request.script_root}/paquets/{token}/{package.launch_href}",
        "cmi": runtime.resume_data(attempt),
    }
    return render_template("training/package_player.html", module=module, version=module.current_version,
                           package=package, attempt=attempt, state=state, player_config=config)


@bp.route("/<slug>/paquet/cmi", methods=["POST"])
@roles(Role.AGENT)
def commit(slug):
    """scorm-again's commit: the cmi object as JSON with the CSRF token.

    The token comes in the X-CSRFToken header, or in the body's `csrf_token` for the final commit, which
    the browser sends as a beacon (no custom header possible). CSRFProtect skips this view for that reason
    and the token is checked here instead.
    """
    module, _package = _package_module_or_404(slug)
    try:
        data = runtime.parse_commit(request.get_data(cache=False))
        if current_app.config.get("WTF_CSRF_ENABLED", True):
            validate_csrf(request.headers.get("X-CSRFToken") or data.get("csrf_token"))
        runtime.commit_cmi(current_user, module, data["cmi"], terminate=request.args.get("terminate") == "true")
    except (ValidationError, CSRFError):
        return jsonify(result=False, errorCode=101, message="Jeton de sécurité manquant ou expiré : rechargez la page."), 400
    except runtime.InvalidCommit as exc:
        return jsonify(result=False, errorCode=101, message=str(exc)), 400
    except runtime.ModuleLocked as exc:
        return jsonify(result=False, errorCode=101, message=str(exc)), 403
    return jsonify(result=True, errorCode=0)


@content_bp.route("/<token>/<path:filename>")
@public
def package_file(token, filename):
    """A file of a stored package; HTML pages get the cross-frame API first."""
    claims = content.read_token(token)
    if claims is None:
        abort(404)
    package, user_id = claims
    path = content.file_of(package, filename)
    if path is None:
        abort(404)
    mimetype = content.mimetype_of(path)
    body = path.read_bytes()
    if mimetype == "text/html":
        body = content.with_bridge(body, content.bridge_tags(package, user_id))
    response = make_response(body)
    response.mimetype = mimetype
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store" if mimetype == "text/html" else "private, max-age=3600"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


# flask-talisman reads per-view options from this attribute: package files get their own policy
# (set per request below, as it names the site's origin) and may be framed by the player page only.
package_file.talisman_view_options = {"frame_options": "SAMEORIGIN", "content_security_policy": None}


@content_bp.after_request
def _content_policy(response):
    response.headers["Content-Security-Policy"] = "; ".join(
        f"{name} {' '.join(value) if isinstance(value, list) else value}"
        for name, value in content.content_policy(content.site_origin()).items()
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


admin_bp = Blueprint("package_admin", __name__, url_prefix="/admin/paquets")


@admin_bp.route("/", methods=["GET"])
@roles(Role.ADMIN)
def package_list():
    modules = upload.package_modules()
    return render_template("admin/packages.html", modules=[(m, upload.current_package(m)) for m in modules],
                           form=PackageUploadForm(), problems=None, failed_slug=None)


@admin_bp.route("/<slug>", methods=["POST"])
@roles(Role.ADMIN)
def package_upload(slug):
    module = module_by_slug(slug)
    if module is None or not module.is_package:
        abort(404)
    form = PackageUploadForm()
    problems = None
    if form.validate_on_submit():
        file = form.package.data
        try:
            version = upload.upload_package(current_user, module, file.read(), file.filename or "paquet.zip")
        except upload.PackageRefused as exc:
            problems = exc.problems
        else:
            flash(f"Nouveau paquet importé : « {version.title} », version {version.number}.", "success")
            return redirect(url_for("package_admin.package_list"))
    modules = upload.package_modules()
    return render_template("admin/packages.html", modules=[(m, upload.current_package(m)) for m in modules],
                           form=form, problems=problems, failed_slug=slug), 400
