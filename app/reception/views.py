"""The agent's desk log: record in three clicks, « saisie rapide », own rows and their correction."""
from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.accounts.models import Role
from app.common.access import roles
from app.common.urls import id_url_builder
from app.reception import queries, services, visit_rows
from app.reception.forms import QuickModeForm, QuickVisitForm, VisitForm
from app.reception.models import EDIT_WINDOW

bp = Blueprint("reception", __name__, url_prefix="/accueil/registre")


def _visit_form(**kwargs):
    form = VisitForm(**kwargs)
    form.procedure_id.choices = queries.procedure_choices()
    return form


def _apply_error(form, exc):
    field = getattr(form, exc.field, None) if exc.field else None
    (field.errors if field is not None else form.form_errors).append(str(exc))


@bp.route("", methods=["GET"])
@roles(Role.AGENT)
def my_visits():
    visits = queries.own_visits(current_user)
    rows = visit_rows.own_visit_rows(visits, id_url_builder("reception.edit", "visit_id"))
    return render_template("reception/my_visits.html", visits=visits, rows=rows, window_days=EDIT_WINDOW.days)


def _recorded(form):
    """Record the visit of a valid form (True), or put the refusal on the form (False)."""
    try:
        services.record_visit(current_user, services.clean_visit(form.values()))
    except services.ReceptionError as exc:
        _apply_error(form, exc)
        return False
    flash("Accompagnement enregistré.", "success")
    return True


@bp.route("/nouveau", methods=["GET", "POST"])
@roles(Role.AGENT)
def record():
    form = _visit_form()
    if form.validate_on_submit() and _recorded(form):
        return redirect(url_for("reception.record"))
    return render_template("reception/record.html", form=form)


@bp.route("/rapide", methods=["POST"])
@roles(Role.AGENT)
def record_from_home():
    """The home page's compact form: choose the operator, then « Enregistrer »."""
    form = QuickVisitForm()
    if form.validate_on_submit() and _recorded(form):
        return redirect(url_for("site.agent_home"))
    full = _visit_form(formdata=None, data={"channel": form.channel.data, "outcome": form.outcome.data,
                                            "duration": form.duration.data})
    full.operators.errors = list(form.operators.errors) + list(form.form_errors)
    return render_template("reception/record.html", form=full), 400


@bp.route("/saisie-rapide", methods=["GET", "POST"])
@roles(Role.AGENT)
def quick():
    form = QuickModeForm()
    errors = {}
    if form.validate_on_submit():
        filled = form.filled_rows()
        if not filled:
            form.form_errors.append("Choisissez l'opérateur d'au moins une ligne.")
        else:
            try:
                values = services.clean_rows([row for _n, row in filled])
                services.record_visits(current_user, current_user.organisation, values)
            except services.BulkError as exc:
                errors = {filled[index - 1][0]: messages for index, messages in exc.errors.items()}
            else:
                flash(f"{len(values)} accompagnement{'s' if len(values) > 1 else ''} enregistré"
                      f"{'s' if len(values) > 1 else ''}.", "success")
                return redirect(url_for("reception.quick"))
    status = 400 if (errors or form.form_errors or form.errors) else 200
    return render_template("reception/quick.html", form=form, row_errors=errors), status


@bp.route("/<int:visit_id>/modifier", methods=["GET", "POST"])
@roles(Role.AGENT)
def edit(visit_id):
    visit = queries.own_visit_or_404(current_user, visit_id)
    if not visit.can_edit(current_user):
        flash("Cette saisie date de plus de sept jours : elle ne peut plus être corrigée.", "error")
        return redirect(url_for("reception.my_visits"))
    form = _visit_form() if request.method == "POST" else _visit_form(data=_data_of(visit))
    if form.validate_on_submit():
        try:
            services.correct_visit(current_user, visit, services.clean_visit(form.values()))
        except services.ReceptionError as exc:
            _apply_error(form, exc)
        else:
            flash("Saisie corrigée.", "success")
            return redirect(url_for("reception.my_visits"))
    return render_template("reception/record.html", form=form, visit=visit)


def _data_of(visit):
    return {"channel": visit.channel, "operators": visit.operator_list,
            "procedure_id": str(visit.procedure_id or ""), "outcome": visit.outcome,
            "support_request": visit.support_request or "", "duration": visit.duration,
            "waiting": visit.waiting or "", "needs": visit.need_list,
            "visited_on": visit.visited_on if isinstance(visit.visited_on, date) else None}
