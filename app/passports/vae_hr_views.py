"""HR pages for VAE: the candidacies of their organisation's agents waiting for a jury result."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from app.accounts.models import Role
from app.common.access import roles
from app.passports import vae
from app.passports.doc_forms import JuryForm

bp = Blueprint("hr_vae", __name__, url_prefix="/rh/vae")


def _jury_form(candidacy):
    form = JuryForm(prefix=f"c{candidacy.id}")
    form.blocks.choices = [(b.code, f"{b.code} — {b.title}") for b in candidacy.certification.blocks]
    return form


@bp.route("/")
@roles(Role.HR)
def candidacies():
    items = [(c, holder, _jury_form(c)) for c, holder in vae.candidacies_awaiting_jury(current_user)]
    return render_template("passport_docs/hr_vae.html", items=items)


@bp.route("/<int:candidacy_id>/jury", methods=["POST"])
@roles(Role.HR)
def jury(candidacy_id):
    candidacy = vae.candidacy_in_scope(current_user, candidacy_id)
    if candidacy is None:
        abort(404)
    form = _jury_form(candidacy)
    if not form.validate_on_submit():
        flash("Choisissez le résultat du jury (et les blocs validés pour une validation partielle).", "error")
        return redirect(url_for("hr_vae.candidacies"))
    try:
        created = vae.record_jury_result(current_user, candidacy, form.result.data, form.blocks.data or [])
    except ValueError as exc:
        flash(str(exc), "error")
    else:
        flash(f"Résultat du jury enregistré : {len(created)} compétence(s) ajoutée(s) au passeport de l'agent.",
              "success")
    return redirect(url_for("hr_vae.candidacies"))
