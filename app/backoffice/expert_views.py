"""Experts' pages: the board of their groups and the actions on a request."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.accounts.models import Role, find_user_by_email
from app.backoffice import conversation, groups, queries, requests
from app.backoffice.enums import Urgency
from app.backoffice.forms import InviteForm, MessageForm, NoteForm, PreferenceForm, RerouteForm, TransferForm
from app.backoffice.notify import email_opt_out
from app.backoffice.views import bp, render_detail, request_or_404
from app.common.access import roles

VIEWS = {"all": "Toutes", "new": "Nouvelles", "mine": "Les miennes", "late": "En retard",
         "waiting": "En attente de l'agent"}
ERRORS = (requests.RequestError, conversation.WorkflowError)


def _done(row, message):
    flash(message, "success")
    return redirect(url_for("backoffice.detail", reference=row.reference))


@bp.route("/pole")
@roles(Role.EXPERT)
def board():
    view = request.args.get("vue", "all")
    view = view if view in VIEWS else "all"
    department = (request.args.get("departement") or "")[:3] or None
    procedure = request.args.get("demarche", "")
    procedure_id = int(procedure) if procedure.isdigit() and len(procedure) < 10 else None
    urgency = request.args.get("urgence") if request.args.get("urgence") in Urgency.values() else None
    rows = queries.board(current_user, view, department, procedure_id, urgency)
    departments, procedure_ids = queries.board_filters(current_user)
    procedures = [p for p, _a in queries.procedure_choices() if p.id in set(procedure_ids)]
    return render_template("backoffice/board.html", rows=rows, views=VIEWS, view=view, department=department,
                           procedure_id=procedure_id, urgency=urgency, departments=departments,
                           procedures=procedures, urgencies=list(Urgency), groups=groups.my_groups(current_user),
                           preference=PreferenceForm(email_opt_out=email_opt_out(current_user)))


@bp.route("/demandes/<reference>/prendre", methods=["POST"])
@roles(Role.EXPERT)
def take(reference):
    row = request_or_404(reference)
    try:
        conversation.take(current_user, row)
    except ERRORS as exc:
        flash(str(exc), "error")
        return redirect(url_for("backoffice.detail", reference=row.reference))
    return _done(row, "Vous vous occupez de cette demande.")


@bp.route("/demandes/<reference>/reponse", methods=["POST"])
@roles(Role.EXPERT)
def answer(reference):
    row = request_or_404(reference)
    form = MessageForm()
    if not form.validate_on_submit():
        return render_detail(row, 400, answer_form=form)
    try:
        conversation.answer(current_user, row, form.body.data)
    except ERRORS as exc:
        form.body.errors.append(str(exc))
        return render_detail(row, 400, answer_form=form)
    return _done(row, "Réponse envoyée à l'agent.")


@bp.route("/demandes/<reference>/note", methods=["POST"])
@roles(Role.EXPERT)
def note(reference):
    row = request_or_404(reference)
    form = NoteForm(prefix="note")
    if not form.validate_on_submit():
        flash("La note est vide.", "error")
        return redirect(url_for("backoffice.detail", reference=row.reference))
    try:
        conversation.note(current_user, row, form.body.data)
    except ERRORS as exc:
        flash(str(exc), "error")
        return redirect(url_for("backoffice.detail", reference=row.reference))
    return _done(row, "Note interne ajoutée (invisible pour l'agent).")


@bp.route("/demandes/<reference>/reorienter", methods=["POST"])
@roles(Role.EXPERT)
def reroute(reference):
    row = request_or_404(reference)
    form = RerouteForm(prefix="reroute")
    target = groups.group_by_code(form.group.data)
    try:
        conversation.reroute(current_user, row, target, form.body.data)
    except ERRORS as exc:
        flash(str(exc), "error")
        return redirect(url_for("backoffice.detail", reference=row.reference))
    flash(f"Demande réorientée vers le pôle « {target.name} ».", "success")
    return redirect(url_for("backoffice.board"))


@bp.route("/demandes/<reference>/inviter", methods=["POST"])
@roles(Role.EXPERT)
def invite(reference):
    row = request_or_404(reference)
    form = InviteForm(prefix="invite")
    target = groups.group_by_code(form.group.data) if form.group.data else None
    expert = find_user_by_email(form.expert.data or "") if form.expert.data else None
    if form.expert.data and expert is None:
        flash("Aucun expert avec cette adresse.", "error")
        return redirect(url_for("backoffice.detail", reference=row.reference))
    try:
        conversation.invite(current_user, row, target, expert, form.body.data, form.hidden.data)
    except ERRORS as exc:
        flash(str(exc), "error")
        return redirect(url_for("backoffice.detail", reference=row.reference))
    return _done(row, "Invitation envoyée.")


@bp.route("/demandes/<reference>/transfert", methods=["POST"])
@roles(Role.EXPERT)
def transfer(reference):
    row = request_or_404(reference)
    form = TransferForm()
    if not form.validate_on_submit():
        return render_detail(row, 400, transfer_form=form)
    try:
        conversation.transfer(current_user, row, form.case_number.data)
    except ERRORS as exc:
        form.case_number.errors.append(str(exc))
        return render_detail(row, 400, transfer_form=form)
    return _done(row, "Demande transférée au niveau expert ; l'agent reste référent.")


@bp.route("/demandes/<reference>/remontee", methods=["GET", "POST"])
@roles(Role.EXPERT)
def upstream(reference):
    """« Problème récurrent »: a remontée prefilled from the group's requests, confirmed by the expert."""
    from app.backoffice import upstream as service
    from app.backoffice.forms import UpstreamForm

    row = request_or_404(reference)
    if row.procedure is None:
        abort(404)
    form = UpstreamForm(data=service.prefill(row) if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            report = service.file(current_user, row, {"title": form.title.data,
                                                      "what_happened": form.what_happened.data})
        except ERRORS as exc:
            form.what_happened.errors.append(str(exc))
        else:
            return _done(row, f"Remontée {report.reference} envoyée à l'équipe du service.")
    status = 400 if request.method == "POST" else 200
    return render_template("backoffice/upstream.html", req=row, form=form), status
