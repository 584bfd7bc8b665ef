"""The team's pages: its consultations, the form with its questions, results, CSV, closing."""
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.accounts.forms import ConfirmForm
from app.accounts.models import Role
from app.common.access import roles
from app.common.csvutil import csv_lines
from app.consultations import queries, results, services
from app.consultations.blueprint import apply_service_error, bp, send_image
from app.consultations.forms import CloseForm, ConsultationForm
from app.consultations.workflow import ConsultationError
from app.reports.services import team_applications

PREFIX = "/equipe/consultations"


def _own_or_404(consultation_id):
    consultation = queries.team_consultation(current_user, consultation_id)
    if consultation is None:
        abort(404)
    return consultation


def _form(consultation=None):
    form = ConsultationForm().fill_choices(team_applications(current_user))
    if consultation is not None and not form.is_submitted():
        form.fill_from(consultation)
    return form


@bp.route(PREFIX + "/")
@roles(Role.TRIAGER)
def team_list():
    return render_template("consultations/team_list.html", consultations=queries.team_list(current_user))


@bp.route(PREFIX + "/nouvelle", methods=["GET", "POST"])
@roles(Role.TRIAGER)
def team_new():
    form = _form()
    if form.validate_on_submit():
        try:
            consultation = services.create_consultation(current_user, current_user.team,
                                                        form.values(current_user.timezone), form.question_values(),
                                                        screenshots=form.processed_screenshots)
        except ConsultationError as exc:
            apply_service_error(form, exc, "title")
        else:
            flash("Consultation enregistrée en brouillon. Relisez-la puis publiez-la.", "success")
            return redirect(url_for("consultations.team_detail", consultation_id=consultation.id))
    return render_template("consultations/team_form.html", form=form, consultation=None), 400 if form.errors else 200


@bp.route(PREFIX + "/<int:consultation_id>/modifier", methods=["GET", "POST"])
@roles(Role.TRIAGER)
def team_edit(consultation_id):
    consultation = _own_or_404(consultation_id)
    if not consultation.is_draft:
        flash("Une consultation publiée ne se modifie plus : les réponses portent sur ses questions.", "error")
        return redirect(url_for("consultations.team_detail", consultation_id=consultation.id))
    form = _form(consultation)
    if form.validate_on_submit():
        try:
            services.update_consultation(current_user, consultation, form.values(current_user.timezone),
                                         form.question_values(), form.processed_screenshots)
        except ConsultationError as exc:
            apply_service_error(form, exc, "title")
        else:
            flash("Brouillon modifié.", "success")
            return redirect(url_for("consultations.team_detail", consultation_id=consultation.id))
    return render_template("consultations/team_form.html", form=form, consultation=consultation), \
        400 if form.errors else 200


@bp.route(PREFIX + "/<int:consultation_id>/publier", methods=["POST"])
@roles(Role.TRIAGER)
def team_open(consultation_id):
    consultation = _own_or_404(consultation_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.open_consultation(current_user, consultation)
    except ConsultationError as exc:
        flash(str(exc), "error")
    else:
        flash("Consultation publiée : les agents concernés la voient.", "success")
    return redirect(url_for("consultations.team_detail", consultation_id=consultation.id))


@bp.route(PREFIX + "/<int:consultation_id>")
@roles(Role.TRIAGER)
def team_detail(consultation_id):
    consultation = _own_or_404(consultation_id)
    figures = results.results_of(consultation)
    question_id = request.args.get("question", type=int)
    kind = request.args.get("type", "")
    words = request.args.get("mots", "")[:100]
    return render_template(
        "consultations/team_detail.html", consultation=consultation, results=figures,
        texts=results.filter_texts(figures, question_id, kind, words), kinds=results.filterable_kinds(figures),
        filters={"question": question_id, "type": kind, "mots": words}, confirm_form=ConfirmForm(),
        attachments=queries.answered_attachments(consultation),
    )


@bp.route(PREFIX + "/<int:consultation_id>/export.csv")
@roles(Role.TRIAGER)
def team_export(consultation_id):
    consultation = _own_or_404(consultation_id)
    figures = results.results_of(consultation)
    return Response(
        csv_lines(results.CSV_HEADER, results.csv_rows(consultation, figures)), mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="consultation-{consultation.id}.csv"',
                 "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"},
    )


@bp.route(PREFIX + "/<int:consultation_id>/cloturer", methods=["GET", "POST"])
@roles(Role.TRIAGER)
def team_close(consultation_id):
    consultation = _own_or_404(consultation_id)
    if not consultation.is_open:
        flash("Seule une consultation ouverte peut être close.", "error")
        return redirect(url_for("consultations.team_detail", consultation_id=consultation.id))
    form = CloseForm()
    if form.validate_on_submit():
        try:
            services.close_consultation(current_user, consultation, form.outcome.data, form.release_on.data,
                                        form.references())
        except ConsultationError as exc:
            apply_service_error(form, exc, "outcome")
        else:
            flash("Consultation close : chaque participant reçoit ce que vous avez changé grâce à lui.", "success")
            return redirect(url_for("consultations.team_detail", consultation_id=consultation.id))
    return render_template("consultations/team_close.html", form=form, consultation=consultation), \
        400 if form.errors else 200


@bp.route(PREFIX + "/<int:consultation_id>/captures/<int:attachment_id>")
@roles(Role.TRIAGER)
def team_attachment(consultation_id, attachment_id):
    consultation = _own_or_404(consultation_id)
    return send_image(queries.attachment_for_team(current_user, consultation, attachment_id))
