"""Indicators, the quarterly file, the discussion space and the staff_rep mandates."""
from datetime import date

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.accounts.forms import ConfirmForm
from app.accounts.models import Organisation, Role
from app.common.access import roles
from app.common.pdf import pdf_response
from app.workplace import dialogue, dossier, indicator_rows, indicators, queries, scope
from app.workplace.barometer import minimum_group
from app.workplace.enums import BAROMETER_ITEMS, CHECKLIST
from app.workplace.forms import DiscussionForm, MandateForm
from app.workplace.models import StaffRepMandate
from app.workplace.periods import parse_quarter, quarter_of
from app.workplace.providers import PROVIDER_LABELS

bp = Blueprint("workplace_dialogue", __name__)


def _scope_and_quarter():
    """The scope and quarter asked for, if the user may read them: 403 without the capability, 404 else."""
    if not scope.can_read_aggregates(current_user):
        abort(403)
    chosen = scope.resolve(current_user, request.args.get("perimetre"))
    if chosen is None:
        abort(404)
    quarter = request.args.get("trimestre") or quarter_of(date.today())
    try:
        parse_quarter(quarter)
    except ValueError:
        abort(400, description="Trimestre invalide (format AAAA-T1 à AAAA-T4).")
    return chosen, quarter


def _indicators():
    """Every indicator and the discussion items of the scope and quarter asked for: the quarterly file."""
    chosen, quarter = _scope_and_quarter()
    ind = indicators.compute(chosen, quarter, minimum_group())
    discussion = dialogue.items(chosen.organisation_id, quarter) if chosen.level == "organisation" else []
    return ind, discussion


@bp.route("/conditions-de-travail/indicateurs")
@roles(Role.AGENT, Role.HR, Role.ADMIN)
def indicators_page():
    chosen, quarter = _scope_and_quarter()
    shown = indicator_rows.page(chosen, quarter, minimum_group(), current_app.jinja_env)
    return render_template("workplace/indicators.html", ind=shown.ind,
                           scopes=scope.scopes_for(current_user), items=BAROMETER_ITEMS, checklist=CHECKLIST,
                           provider_labels=PROVIDER_LABELS, cross_rows=shown.cross_rows, cross_bars=shown.cross_bars)


@bp.route("/conditions-de-travail/dossier.zip")
@roles(Role.AGENT, Role.HR, Role.ADMIN)
def dossier_zip():
    ind, discussion = _indicators()
    name = f"dossier-conditions-de-travail-{ind.scope.key}-{ind.quarter}.zip"
    return Response(dossier.zip_bytes(ind, discussion), mimetype="application/zip",
                    headers={"Content-Disposition": f"attachment; filename={name}"})


@bp.route("/conditions-de-travail/dossier.pdf")
@roles(Role.AGENT, Role.HR, Role.ADMIN)
def dossier_pdf():
    ind, discussion = _indicators()
    name = f"dossier-conditions-de-travail-{ind.scope.key}-{ind.quarter}.pdf"
    return pdf_response(dossier.pdf_bytes(ind, discussion), name)


def _organisation_or_404(org_id):
    organisation = queries.by_id(Organisation, org_id)
    if organisation is None or not scope.covers_organisation(current_user, organisation):
        abort(404)
    return organisation


@bp.route("/conditions-de-travail/discussion/<int:org_id>", methods=["GET", "POST"])
@roles(Role.AGENT, Role.HR, Role.ADMIN)
def discussion(org_id):
    organisation = _organisation_or_404(org_id)
    form = DiscussionForm(quarter=quarter_of(date.today()))
    can_edit = current_user.role == Role.HR and current_user.organisation_id == organisation.id
    status = 200
    if request.method == "POST":
        if not can_edit:
            abort(403)
        if form.validate_on_submit():
            try:
                dialogue.add_item(current_user, organisation, form.kind.data, form.quarter.data.strip().upper(),
                                  form.text.data)
            except dialogue.DialogueError as exc:
                form.quarter.errors = [str(exc)]
            else:
                flash("Ajouté à l'espace de discussion.", "success")
                return redirect(url_for("workplace_dialogue.discussion", org_id=organisation.id))
        status = 400
    return render_template("workplace/discussion.html", organisation=organisation,
                           entries=dialogue.items(organisation.id), form=form, can_edit=can_edit), status


@bp.route("/admin/conditions-de-travail/representants", methods=["GET", "POST"])
@roles(Role.ADMIN)
def mandates():
    form = MandateForm()
    status = 200
    if form.validate_on_submit():
        try:
            dialogue.grant_mandate(current_user, form.email.data, form.organisation_code.data, form.department.data)
        except dialogue.DialogueError as exc:
            form.email.errors = [str(exc)]
        else:
            flash("Capacité « représentant du personnel » accordée.", "success")
            return redirect(url_for("workplace_dialogue.mandates"))
    if form.is_submitted():
        status = 400
    return render_template("workplace/mandates.html", form=form, mandates=dialogue.all_mandates(),
                           confirm=ConfirmForm()), status


@bp.route("/admin/conditions-de-travail/representants/<int:mandate_id>/retirer", methods=["POST"])
@roles(Role.ADMIN)
def mandate_revoke(mandate_id):
    mandate = queries.by_id(StaffRepMandate, mandate_id)
    if mandate is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        dialogue.revoke_mandate(current_user, mandate)
        flash("Capacité retirée.", "success")
    return redirect(url_for("workplace_dialogue.mandates"))
