"""Quality indicators of reception: per organisation, département and national; CSV and PDF.

HR read their organisation, an « animateur réseau » the organisations of their départements,
administrators everything; anything else answers 404.
"""
from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.accounts.models import Role
from app.common.access import roles
from app.common.csvutil import csv_lines
from app.common.pdf import pdf_response
from app.common.urls import segment_url_builder
from app.reception import export, pdf, queries, services
from app.reception.forms import ConfirmForm, NetworkDepartmentForm

bp = Blueprint("reception_quality", __name__, url_prefix="/qualite")

READERS = (Role.HR, Role.MANAGER_NETWORK, Role.ADMIN)


@bp.route("/")
@roles(*READERS)
def index():
    if current_user.role == Role.HR:
        return redirect(url_for("reception_quality.organisation", code=current_user.organisation.code))
    organisations = queries.listed_organisations(current_user, 500)
    departments = queries.readable_departments(current_user)
    return render_template("reception/quality_index.html", organisations=organisations, departments=departments)


def _render(indicators, endpoint, **values):
    return render_template("reception/quality.html", ind=indicators, endpoint=endpoint, values=values,
                           periods=queries.recent_periods())


@bp.route("/structure/<code>")
@roles(*READERS)
def organisation(code):
    target = queries.organisation_or_404(current_user, code)
    period = queries.parse_period(request.args.get("periode"))
    return _render(queries.organisation_indicators(target, period), "reception_quality.organisation",
                   code=target.code, organisation=target)


@bp.route("/departement/<department>")
@roles(Role.MANAGER_NETWORK, Role.ADMIN)
def department(department):
    organisations = queries.department_page_organisations(current_user, department)
    period = queries.parse_period(request.args.get("periode"))
    return render_template("reception/quality.html", ind=queries.department_indicators(department, period),
                           endpoint="reception_quality.department", values={"department": department},
                           periods=queries.recent_periods(), organisations=_organisation_links(organisations, period))


def _organisation_links(rows, period):
    """[(href, name)] of the département's organisations: url_for once, not once per organisation (a large
    département lists hundreds)."""
    href = segment_url_builder("reception_quality.organisation", "code", periode=period.key)
    return [(href(code), name) for code, name in rows]


@bp.route("/national")
@roles(Role.ADMIN)
def national():
    period = queries.parse_period(request.args.get("periode"))
    return _render(queries.national_indicators(period), "reception_quality.national")


def _indicators_for(kind, key, period):
    if kind == "structure":
        return queries.organisation_indicators(queries.organisation_or_404(current_user, key), period)
    if kind == "departement" and current_user.role in (Role.MANAGER_NETWORK, Role.ADMIN):
        return queries.department_indicators(queries.department_or_404(current_user, key), period)
    if kind == "national" and key == "france" and current_user.role == Role.ADMIN:
        return queries.national_indicators(period)
    abort(404)


@bp.route("/<kind>/<key>/indicateurs.csv")
@roles(*READERS)
def export_csv(kind, key):
    period = queries.parse_period(request.args.get("periode"))
    indicators = _indicators_for(kind, key, period)
    response = Response(csv_lines(export.HEADER, export.rows(indicators)), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="qualite-{key}-{period.key}.csv"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/structure/<code>/fiche.pdf")
@roles(*READERS)
def quality_sheet(code):
    target = queries.organisation_or_404(current_user, code)
    period = queries.parse_period(request.args.get("periode"))
    if period.month:
        abort(404)  # the sheet is quarterly
    return pdf_response(pdf.quality_sheet_pdf(target, queries.organisation_indicators(target, period)),
                        f"nos-resultats-{target.code}-{period.key}.pdf")


@bp.route("/animateurs", methods=["GET", "POST"])
@roles(Role.ADMIN)
def network():
    """Administrators give départements to the « animateurs réseau »."""
    managers = queries.network_managers()
    form = NetworkDepartmentForm()
    form.user_id.choices = [SelectChoice(str(user.id), f"{user.full_name} ({user.email})") for user, _d in managers]
    if form.validate_on_submit():
        user = next(user for user, _d in managers if str(user.id) == form.user_id.data)
        try:
            services.assign_department(current_user, user, form.department.data)
        except services.ReceptionError as exc:
            form.department.errors.append(str(exc))
        else:
            flash(f"Département {form.department.data.strip().upper()} attribué à {user.full_name}.", "success")
            return redirect(url_for("reception_quality.network"))
    return render_template("reception/network.html", managers=managers, form=form, confirm_form=ConfirmForm())


@bp.route("/animateurs/<int:user_id>/departements/<department>/retirer", methods=["POST"])
@roles(Role.ADMIN)
def network_remove(user_id, department):
    assignment = queries.network_assignment_or_404(user_id, department)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.remove_department(current_user, assignment)
    flash(f"Département {department} retiré.", "success")
    return redirect(url_for("reception_quality.network"))
