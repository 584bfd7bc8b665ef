"""Workstation and site checklist: HR fills it, keeps the history and runs the action plan."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.accounts.forms import ConfirmForm
from app.accounts.models import Role
from app.common.access import roles
from app.workplace import checklist
from app.workplace.enums import CHECKLIST, CHECKLIST_ITEMS, CheckValue
from app.workplace.forms import ActionForm

bp = Blueprint("workplace_site", __name__, url_prefix="/conditions-de-travail/poste")


def _action_form(form=None):
    form = form or ActionForm()
    form.item_code.choices = [SelectChoice("", "— Aucun en particulier —")] + [
        SelectChoice(code, label) for code, (_theme, label) in CHECKLIST_ITEMS.items()]
    return form


def _render(form=None, status=200):
    assessments = checklist.history(current_user.organisation_id)
    return render_template("workplace/site.html", assessments=assessments, latest=assessments[0] if assessments else None,
                           checklist=CHECKLIST, values=CheckValue, actions=checklist.actions(current_user.organisation_id),
                           form=_action_form(form), confirm=ConfirmForm()), status


@bp.route("")
@roles(Role.HR)
def index():
    return _render()


@bp.route("/evaluation", methods=["GET", "POST"])
@roles(Role.HR)
def assess():
    form = ConfirmForm()
    error = None
    if form.validate_on_submit():
        answers = {code: (request.form.get(f"value-{code}", ""), request.form.get(f"comment-{code}", ""))
                   for code in CHECKLIST_ITEMS}
        try:
            checklist.record_assessment(current_user, answers)
        except checklist.ChecklistError as exc:
            error = str(exc)
        else:
            flash("Évaluation enregistrée.", "success")
            return redirect(url_for("workplace_site.index"))
    status = 400 if form.is_submitted() else 200
    return render_template("workplace/site_assess.html", form=form, checklist=CHECKLIST, values=CheckValue,
                           submitted=request.form, error=error), status


@bp.route("/actions", methods=["POST"])
@roles(Role.HR)
def add_action():
    form = _action_form()
    if form.validate_on_submit():
        try:
            checklist.add_action(current_user, form.title.data, form.item_code.data, form.owner_email.data,
                                 form.due_on.data)
        except checklist.ChecklistError as exc:
            form.owner_email.errors = [str(exc)]
        else:
            flash("Action ajoutée au plan.", "success")
            return redirect(url_for("workplace_site.index"))
    return _render(form, 400)


@bp.route("/actions/<int:action_id>/fait", methods=["POST"])
@roles(Role.HR)
def action_done(action_id):
    action = checklist.get_action(current_user, action_id)
    if action is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        checklist.mark_done(current_user, action)
        flash("Action marquée comme faite.", "success")
    return redirect(url_for("workplace_site.index"))
