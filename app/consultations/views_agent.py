"""Agents' pages: consultations addressed to them, volunteering, answering, withdrawing."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.accounts.forms import ConfirmForm
from app.accounts.models import Role
from app.common.access import roles
from app.consultations import queries, services
from app.consultations.blueprint import apply_service_error, bp, send_image
from app.consultations.forms import AnswerForm, read_answers
from app.consultations.workflow import ConsultationError


def _addressed_or_404(consultation_id):
    consultation = queries.agent_consultation(current_user, consultation_id)
    if consultation is None:
        abort(404)
    return consultation


def _as_values(answer):
    """An answer as the form's values (strings), to show it again."""
    if answer.score is not None:
        return [str(answer.score)]
    if answer.text:
        return [answer.text]
    return [str(i) for i in answer.choices or []]


def _render_detail(consultation, form=None, chosen=None, status=200):
    participation = queries.participation_of(current_user, consultation)
    if chosen is None and participation is not None:
        chosen = {a.question_id: _as_values(a) for a in participation.answers}
    return render_template(
        "consultations/agent_detail.html", consultation=consultation, participation=participation,
        form=form or AnswerForm(), confirm_form=ConfirmForm(), chosen=chosen or {},
        places_taken=queries.places_taken(consultation) if consultation.has_capacity else None,
    ), status


@bp.route("/consultations/")
@roles(Role.AGENT)
def agent_list():
    open_ones, closed_ones = queries.agent_list(current_user)
    return render_template("consultations/agent_list.html", open_ones=open_ones, closed_ones=closed_ones,
                           mine=queries.participations_by_user(current_user))


@bp.route("/consultations/<int:consultation_id>")
@roles(Role.AGENT)
def agent_detail(consultation_id):
    return _render_detail(_addressed_or_404(consultation_id))


@bp.route("/consultations/<int:consultation_id>/participer", methods=["POST"])
@roles(Role.AGENT)
def volunteer(consultation_id):
    consultation = _addressed_or_404(consultation_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        participation = services.volunteer(current_user, consultation)
    except ConsultationError as exc:
        flash(str(exc), "error")
    else:
        if participation.status == "waiting":
            flash("Toutes les places sont prises : vous êtes en liste d'attente. Vous serez prévenu(e) si une "
                  "place se libère.", "info")
        else:
            flash("Vous êtes inscrit(e). Merci !", "success")
    return redirect(url_for("consultations.agent_detail", consultation_id=consultation.id))


@bp.route("/consultations/<int:consultation_id>/repondre", methods=["POST"])
@roles(Role.AGENT)
def answer(consultation_id):
    consultation = _addressed_or_404(consultation_id)
    form = AnswerForm()
    raw = read_answers(consultation, request.form)
    if form.validate_on_submit():
        try:
            services.submit_answers(current_user, consultation, raw, form.signed.data, form.citizen_view.data,
                                    form.citizen_consent.data, form.processed_screenshots)
        except ConsultationError as exc:
            apply_service_error(form, exc, "citizen_view")
        else:
            flash("Merci : vos réponses sont envoyées à l'équipe. Les numéros et noms éventuels ont été masqués.",
                  "success")
            return redirect(url_for("consultations.agent_detail", consultation_id=consultation.id))
    chosen = {qid: value if isinstance(value, list) else ([] if value is None else [value])
              for qid, value in raw.items()}
    return _render_detail(consultation, form, chosen=chosen, status=400)


@bp.route("/consultations/<int:consultation_id>/retirer", methods=["GET", "POST"])
@roles(Role.AGENT)
def withdraw(consultation_id):
    consultation = _addressed_or_404(consultation_id)
    participation = queries.participation_of(current_user, consultation)
    if participation is None or not participation.is_active:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.withdraw(current_user, consultation)
        except ConsultationError as exc:
            flash(str(exc), "error")
        else:
            flash("Votre participation est retirée ; vos réponses sont effacées.", "success")
        return redirect(url_for("consultations.agent_detail", consultation_id=consultation.id))
    return render_template("consultations/withdraw.html", consultation=consultation, form=form)


@bp.route("/consultations/<int:consultation_id>/maquette/<int:image_id>")
@roles(Role.AGENT, Role.TRIAGER)
def prototype_image(consultation_id, image_id):
    """A screenshot of the prototype, for the agents consulted and the owning team."""
    consultation = (queries.team_consultation(current_user, consultation_id) if current_user.role == Role.TRIAGER
                    else _addressed_or_404(consultation_id))
    if consultation is None:
        abort(404)
    return send_image(next((i for i in consultation.images if i.id == image_id), None))
