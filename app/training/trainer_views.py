"""The trainer's kit pages (HR and tutors): one page and one PDF per module, and their index."""
from flask import Blueprint, abort, current_app, make_response, render_template
from flask_login import current_user

from app.accounts.models import Role
from app.common.access import roles
from app.training import pdf, trainer

bp = Blueprint("trainer", __name__, url_prefix="/formation/formateur")


def _kit_reader():
    """403 for an agent without the tutor capability (HR of an organisation always read the kits)."""
    if not trainer.can_view_kit(current_user):
        abort(403)


def _kit_or_404(slug):
    _kit_reader()
    kit = trainer.kit_for(slug, current_app.config["CURRICULA_DIR"])
    if kit is None:
        abort(404)
    return kit


@bp.route("")
@roles(Role.AGENT, Role.HR)
def index():
    _kit_reader()
    return render_template("training/trainer_index.html", modules=trainer.kit_modules())


@bp.route("/<slug>")
@roles(Role.AGENT, Role.HR)
def module(slug):
    return render_template("training/trainer_module.html", kit=_kit_or_404(slug))


@bp.route("/<slug>.pdf")
@roles(Role.AGENT, Role.HR)
def module_pdf(slug):
    kit = _kit_or_404(slug)
    response = make_response(pdf.trainer_kit_pdf(kit))
    response.mimetype = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="kit-formateur-{kit.module.slug}.pdf"'
    return response
