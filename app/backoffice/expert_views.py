"""Experts' pages: the board of their groups and the actions on a request."""
from flask import abort, render_template, request, url_for
from flask_login import current_user

from app.accounts.models import Role, find_user_by_email
from app.accounts.sessions import has_pending_form
from app.backoffice import conversation, groups, lists
from app.backoffice.enums import Urgency
from app.backoffice.forms import InviteForm, MessageForm, NoteForm, PreferenceForm, RerouteForm, TransferForm
from app.backoffice.views import ERRORS, act, back, bp, detail_prefix, request_or_404
from app.common.access import roles
from app.common.forms import option_tags, pristine_form

URGENCIES = [(u.value, u.label) for u in Urgency]
URGENCY_VALUES = frozenset(u.value for u in Urgency)
VIEWS = {"all": "Toutes", "new": "Nouvelles", "mine": "Les miennes", "late": "En retard",
         "waiting": "En attente de l'agent"}


@bp.route("/pole")
@roles(Role.EXPERT)
def board():
    view = request.args.get("vue", "all")
    view = view if view in VIEWS else "all"
    department = (request.args.get("departement") or "")[:3] or None
    procedure = request.args.get("demarche", "")
    procedure_id = int(procedure) if procedure.isdigit() and len(procedure) < 10 else None
    urgency = request.args.get("urgence")
    urgency = urgency if urgency in URGENCY_VALUES else None
    board = lists.read_board(current_user, view, department, procedure_id, urgency, request.args.get("page"))
    filters = {k: v for k, v in {"vue": view, "departement": department, "demarche": procedure_id,
                                 "urgence": urgency}.items() if v}
    rows = board.page.items
    # The preference form as the page shows it untouched, kept per process (pristine_form), unless a form saved
    # at a session expiry waits to be refilled: it is then built as a request builds it.
    opt_out = board.email_opt_out
    preference = (PreferenceForm(email_opt_out=opt_out) if has_pending_form()
                  else pristine_form(PreferenceForm, email_opt_out=opt_out))
    return render_template("backoffice/board.html", page=board.page, rows=rows,
                           rows_html=lists.board_rows(rows, detail_prefix()), views=VIEWS, view=view, filters=filters,
                           department=department, procedure_id=procedure_id, urgency=urgency,
                           department_options=lists.department_options(tuple(board.departments), department),
                           procedure_options=option_tags(board.procedures, procedure_id),
                           urgency_options=option_tags(URGENCIES, urgency),
                           groups=board.groups, preference=preference)


@bp.route("/demandes/<reference>/prendre", methods=["POST"])
@roles(Role.EXPERT)
def take(reference):
    row = request_or_404(reference)
    return act(row, lambda: conversation.take(current_user, row), "Vous vous occupez de cette demande.")


@bp.route("/demandes/<reference>/reponse", methods=["POST"])
@roles(Role.EXPERT)
def answer(reference):
    row = request_or_404(reference)
    form = MessageForm()
    return act(row, lambda: conversation.answer(current_user, row, form.body.data), "Réponse envoyée à l'agent.",
               form, "answer_form", form.body)


@bp.route("/demandes/<reference>/note", methods=["POST"])
@roles(Role.EXPERT)
def note(reference):
    row = request_or_404(reference)
    form = NoteForm(prefix="note")
    if not form.validate_on_submit():
        return back(row, "La note est vide.", "error")
    return act(row, lambda: conversation.note(current_user, row, form.body.data),
               "Note interne ajoutée (invisible pour l'agent).")


@bp.route("/demandes/<reference>/reorienter", methods=["POST"])
@roles(Role.EXPERT)
def reroute(reference):
    row = request_or_404(reference)
    form = RerouteForm(prefix="reroute")
    target = groups.group_by_code(form.group.data)
    return act(row, lambda: conversation.reroute(current_user, row, target, form.body.data),
               lambda _r: f"Demande réorientée vers le pôle « {target.name} ».", then=url_for("backoffice.board"))


@bp.route("/demandes/<reference>/inviter", methods=["POST"])
@roles(Role.EXPERT)
def invite(reference):
    row = request_or_404(reference)
    form = InviteForm(prefix="invite")
    target = groups.group_by_code(form.group.data) if form.group.data else None
    expert = find_user_by_email(form.expert.data or "") if form.expert.data else None
    if form.expert.data and expert is None:
        return back(row, "Aucun expert avec cette adresse.", "error")
    return act(row, lambda: conversation.invite(current_user, row, target, expert, form.body.data, form.hidden.data),
               "Invitation envoyée.")


@bp.route("/demandes/<reference>/transfert", methods=["POST"])
@roles(Role.EXPERT)
def transfer(reference):
    row = request_or_404(reference)
    form = TransferForm()
    return act(row, lambda: conversation.transfer(current_user, row, form.case_number.data),
               "Demande transférée au niveau expert ; l'agent reste référent.", form, "transfer_form", form.case_number)


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
            return back(row, f"Remontée {report.reference} envoyée à l'équipe du service.")
    status = 400 if request.method == "POST" else 200
    return render_template("backoffice/upstream.html", req=row, form=form), status
