"""The trainer's kit pages (HR and tutors): one page and one PDF per module, the fiches réflexes, and their index."""
from flask import Blueprint, abort, current_app, render_template
from flask_login import current_user

from app.accounts.models import Role
from app.common.access import roles
from app.common.pdf import pdf_response
from app.training import path_observations, pdf, reflex_pdf, reflex_sheets, trainer

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
    return render_template("training/trainer_index.html", modules=trainer.kit_modules(),
                           sheets=reflex_sheets.all_sheets(current_app.config["CURRICULA_DIR"]),
                           path_steps=path_observations.shipped_path_steps())


@bp.route("/<slug>")
@roles(Role.AGENT, Role.HR)
def module(slug):
    return render_template("training/trainer_module.html", kit=_kit_or_404(slug))


@bp.route("/<slug>.pdf")
@roles(Role.AGENT, Role.HR)
def module_pdf(slug):
    kit = _kit_or_404(slug)
    return pdf_response(pdf.trainer_kit_pdf(kit), f"kit-formateur-{kit.module.slug}.pdf")


def _sheet_or_404(code):
    _kit_reader()
    sheet = reflex_sheets.sheet_for(code, current_app.config["CURRICULA_DIR"])
    if sheet is None:
        abort(404)
    return sheet


@bp.route("/fiches/<code>")
@roles(Role.AGENT, Role.HR)
def sheet(code):
    """A fiche réflexe as a page, with its numbered sources and a link to its one-page PDF."""
    return render_template("training/reflex_sheet.html", sheet=_sheet_or_404(code))


@bp.route("/fiches/<code>.pdf")
@roles(Role.AGENT, Role.HR)
def sheet_pdf(code):
    sheet = _sheet_or_404(code)
    return pdf_response(reflex_pdf.reflex_sheet_pdf(sheet), f"fiche-reflexe-{sheet.code}.pdf")
