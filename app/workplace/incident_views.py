"""Incident reports: agents file and follow theirs, HR handles their organisation's."""
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.accounts.models import Role
from app.common.access import roles
from app.common.csvutil import csv_lines
from app.common.pdf import pdf_response
from app.common.timezones import timezone_for_department
from app.workplace import incident_rows, incidents, pdf, queries
from app.workplace.enums import SEVERITY_DEFINITIONS, Consequence, Severity, SupportKind
from app.workplace.forms import IncidentForm, RevealForm, TransitionForm
from app.workplace.models import Incident

bp = Blueprint("workplace_incidents", __name__)


def _incident_or_404(incident_id):
    incident = incidents.get_visible(current_user, incident_id)
    if incident is None:
        abort(404)
    return incident


@bp.route("/conditions-de-travail/signalements")
@roles(Role.AGENT, Role.HR)
def index():
    page = queries.incidents_page(current_user, request.args.get("page"))
    viewer = current_user._get_current_object()
    # The rows written once in Python; the links differ only by the incident's number.
    organisation = viewer.organisation
    rows = incident_rows.incident_table_rows(
        page.items, timezone_for_department(organisation.department if organisation else None),
        url_for("workplace_incidents.detail", incident_id=1)[:-1], viewer.role == "hr", incidents.ANONYMOUS_LABEL)
    return render_template("workplace/incidents.html", page=page, incidents=page.items, viewer=viewer,
                           incident_rows=rows)


@bp.route("/conditions-de-travail/signalements/nouveau", methods=["GET", "POST"])
@roles(Role.AGENT)
def new():
    form = IncidentForm()
    if form.validate_on_submit():
        values = dict(form.data)
        values["occurred_at"] = form.occurred_at.data.replace(tzinfo=current_user.timezone)
        try:
            incident = incidents.file_incident(current_user, values)
        except incidents.IncidentError as exc:
            getattr(form, exc.field).errors = [str(exc)]
        else:
            flash(f"Signalement n° {incident.id} enregistré : votre encadrement le prendra en charge sous 48 h.",
                  "success")
            return redirect(url_for("workplace_incidents.detail", incident_id=incident.id))
    status = 400 if form.is_submitted() else 200
    return render_template("workplace/incident_new.html", form=form, definitions=SEVERITY_DEFINITIONS,
                           severities=Severity), status


@bp.route("/conditions-de-travail/signalements/<int:incident_id>")
@roles(Role.AGENT, Role.HR)
def detail(incident_id):
    incident = _incident_or_404(incident_id)
    form = TransitionForm()
    form.status.choices = [SelectChoice(s.value, s.label) for s in incident.allowed_transitions()]
    return render_template("workplace/incident_detail.html", incident=incident, form=form,
                           reporter_name=incident.reporter_name_for(current_user),
                           anonymous_label=incidents.ANONYMOUS_LABEL, consequences=Consequence,
                           supports=SupportKind, can_manage=incident.can_manage(current_user))


@bp.route("/conditions-de-travail/signalements/<int:incident_id>/suite", methods=["POST"])
@roles(Role.HR)
def transition(incident_id):
    incident = _incident_or_404(incident_id)
    form = TransitionForm()
    form.status.choices = [SelectChoice(s.value, s.label) for s in incident.allowed_transitions()]
    if not form.validate_on_submit():
        flash("Choisissez un état proposé.", "error")
        return redirect(url_for("workplace_incidents.detail", incident_id=incident.id)), 303
    try:
        incidents.move(current_user, incident, form.status.data, form.note.data)
    except incidents.IncidentError as exc:
        flash(str(exc), "error")
    else:
        flash(f"Signalement passé à l'état « {incident.status_label} ».", "success")
    return redirect(url_for("workplace_incidents.detail", incident_id=incident.id))


@bp.route("/conditions-de-travail/signalements/export.csv")
@roles(Role.HR)
def export_csv():
    rows = queries.listed_incidents(current_user)
    body = "".join(csv_lines(incidents.CSV_HEADER, incidents.csv_rows(current_user, rows)))
    return Response(body, mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=signalements.csv"})


@bp.route("/conditions-de-travail/signalements/<int:incident_id>/fiche.pdf")
@roles(Role.AGENT, Role.HR)
def sheet_pdf(incident_id):
    incident = _incident_or_404(incident_id)
    body = pdf.incident_sheet(incident, incident.reporter_name_for(current_user) or incidents.ANONYMOUS_LABEL)
    return pdf_response(body, f"signalement-{incident.id}.pdf")


@bp.route("/admin/conditions-de-travail/signalements/<int:incident_id>/identite", methods=["GET", "POST"])
@roles(Role.ADMIN)
def reveal(incident_id):
    incident = queries.by_id(Incident, incident_id)
    if incident is None:
        abort(404)
    form = RevealForm()
    name = None
    if form.validate_on_submit():
        try:
            name = incidents.reveal_identity(current_user, incident, form.reason.data)
        except incidents.IncidentError as exc:
            form.reason.errors = [str(exc)]
    status = 400 if form.is_submitted() and name is None else 200
    return render_template("workplace/reveal.html", incident=incident, form=form, name=name), status
