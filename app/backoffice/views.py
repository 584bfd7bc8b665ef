"""Agents' pages: « Mes demandes d'appui », a new request (preview of the masked text, fiches, routing,
then confirmation), the request page for each role, the citizen receipt and the consent form."""
from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.accounts.forms import ConfirmForm
from app.accounts.models import Role
from app.backoffice import conversation, fiches, groups, pdf, queries, requests
from app.backoffice.forms import (
    CloseForm,
    FicheForm,
    HandoverForm,
    InviteForm,
    MessageForm,
    NoteForm,
    PreferenceForm,
    RequestForm,
    RerouteForm,
    ShareForm,
    TransferForm,
)
from app.backoffice.notify import email_opt_out
from app.backoffice.workflow import allowed_actions
from app.common.access import roles

bp = Blueprint("backoffice", __name__, url_prefix="/appui")


def register_blueprints(app):
    from app.backoffice import admin_views, expert_views, fiche_views  # noqa: F401  (routes on bp)

    app.register_blueprint(bp)
    app.register_blueprint(admin_views.admin_bp)


def request_or_404(reference):
    row = queries.find_request(current_user, reference)
    if row is None:
        abort(404)
    return row


def owned_request_or_403(reference):
    """A request the signed-in agent may act on: 404 out of scope, 403 for a colleague who only reads it."""
    row = request_or_404(reference)
    if not row.is_owner(current_user):
        abort(403)
    return row


def _fill_procedures(form):
    form.procedure.choices = [SelectChoice("", "Autre ou je ne sais pas")] + [
        SelectChoice(str(p.id), p.title, optgroup=application) for p, application in queries.procedure_choices()]


def _apply_error(form, exc):
    field = getattr(form, exc.field or "", None) or form.situation
    field.errors = [*field.errors, str(exc)]


@bp.route("/demandes")
@roles(Role.AGENT)
def mine():
    rows = queries.my_requests(current_user)
    return render_template("backoffice/mine.html", rows=rows, unread=queries.unread_answers(current_user, rows),
                           preference=PreferenceForm(email_opt_out=email_opt_out(current_user)))


@bp.route("/demandes/nouvelle", methods=["GET", "POST"])
@roles(Role.AGENT)
def new():
    form = RequestForm()
    _fill_procedures(form)
    action = request.form.get("action", "preview")
    if request.method == "GET" or action == "edit":
        return render_template("backoffice/new.html", form=form)
    if not form.validate_on_submit():
        return render_template("backoffice/new.html", form=form), 400
    values = form.values()
    if action == "confirm":
        files = [(f.filename, f.read()) for f in form.attachments.data or [] if f and f.filename]
        try:
            created = requests.create_request(current_user, values, form.citizen(), form.consent(), files)
        except requests.RequestError as exc:
            _apply_error(form, exc)
            return render_template("backoffice/new.html", form=form), 400
        flash(f"Votre demande {created.reference} est envoyée au pôle « {created.group.name} ». "
              "Vous restez l'interlocuteur de l'usager.", "success")
        return redirect(url_for("backoffice.detail", reference=created.reference))
    texts, counts = requests.masked(values)
    group, routing = groups.route(values["operator"], current_user.organisation.department, values["procedure_id"])
    suggested = fiches.search(" ".join([values["subject"], values["situation"]]), values["operator"],
                              values["procedure_id"])
    return render_template("backoffice/preview.html", form=form, texts=texts, counts=counts, group=group,
                           routing=routing, fiches=suggested, citizen=form.citizen())


@bp.route("/demandes/<reference>")
@roles(Role.AGENT, Role.EXPERT, Role.ADMIN)
def detail(reference):
    row = request_or_404(reference)
    show_citizen = request.args.get("usager") == "1"
    citizen = requests.read_citizen_block(current_user, row) if show_citizen else None
    requests.mark_read(current_user, row)
    return render_detail(row, citizen=citizen)


def render_detail(row, status=200, citizen=None, **forms):
    """The request page as the user's role may see it (admins: metadata only)."""
    context = {"req": row, "citizen": citizen, "confirm_form": ConfirmForm(), "actions": allowed_actions(row),
               "may_see_citizen": row.can_see_citizen_block(current_user, groups.my_group_ids(current_user)),
               "is_owner": row.is_owner(current_user)}
    if current_user.role != Role.ADMIN:
        context.update(messages=queries.messages_for(row, current_user), events=queries.events_of(row),
                       attachments=requests.attachments_of(row), expected_by=pdf.answer_expected_by(row),
                       debriefs=queries.debriefs_of(row))
    if current_user.role == Role.EXPERT:
        reroute = forms.get("reroute_form") or RerouteForm(prefix="reroute")
        invite = forms.get("invite_form") or InviteForm(prefix="invite")
        choices = [SelectChoice("", "— Choisissez —")] + [
            SelectChoice(g.code, f"{g.name} ({g.coverage_label})") for g in groups.active_groups()
            if g.id not in row.working_group_ids()]
        reroute.group.choices = invite.group.choices = choices
        context.update(answer_form=forms.get("answer_form") or MessageForm(), note_form=NoteForm(prefix="note"),
                       reroute_form=reroute, invite_form=invite,
                       transfer_form=forms.get("transfer_form") or TransferForm(), fiche_form=forms.get("fiche_form") or FicheForm(prefix="fiche"),
                       recurrent=queries.recurrent_problem(row))
    elif context["is_owner"]:
        handover = HandoverForm()
        handover.colleague.choices = [SelectChoice("", "— Choisissez —")] + [
            SelectChoice(str(u.id), u.full_name) for u in queries.colleagues(current_user)]
        context.update(message_form=forms.get("message_form") or MessageForm(),
                       close_form=forms.get("close_form") or CloseForm(),
                       share_form=ShareForm(shared=row.shared_with_site), handover_form=handover)
    return render_template("backoffice/detail.html", **context), status


def _done(row, message):
    flash(message, "success")
    return redirect(url_for("backoffice.detail", reference=row.reference))


@bp.route("/demandes/<reference>/message", methods=["POST"])
@roles(Role.AGENT)
def message(reference):
    row = owned_request_or_403(reference)
    form = MessageForm()
    if not form.validate_on_submit():
        return render_detail(row, 400, message_form=form)
    try:
        conversation.agent_message(current_user, row, form.body.data)
    except (requests.RequestError, conversation.WorkflowError) as exc:
        form.body.errors.append(str(exc))
        return render_detail(row, 400, message_form=form)
    return _done(row, "Message envoyé aux experts.")


@bp.route("/demandes/<reference>/cloture", methods=["POST"])
@roles(Role.AGENT)
def close(reference):
    row = owned_request_or_403(reference)
    form = CloseForm()
    if not form.validate_on_submit():
        return render_detail(row, 400, close_form=form)
    try:
        conversation.close(current_user, row, form.useful.data)
    except (requests.RequestError, conversation.WorkflowError) as exc:
        form.useful.errors.append(str(exc))
        return render_detail(row, 400, close_form=form)
    return _done(row, "Demande clôturée. Merci pour votre retour.")


@bp.route("/demandes/<reference>/partage", methods=["POST"])
@roles(Role.AGENT)
def share(reference):
    row = owned_request_or_403(reference)
    form = ShareForm()
    try:
        requests.set_sharing(current_user, row, form.shared.data)
    except requests.RequestError as exc:
        abort(403, str(exc))
    return _done(row, "Partage mis à jour.")


@bp.route("/demandes/<reference>/confier", methods=["POST"])
@roles(Role.AGENT)
def hand_over(reference):
    row = owned_request_or_403(reference)
    colleague = queries.colleague(current_user, request.form.get("colleague", ""))
    try:
        requests.hand_over(current_user, row, colleague)
    except requests.RequestError as exc:
        flash(str(exc), "error")
        return redirect(url_for("backoffice.detail", reference=row.reference))
    flash(f"Demande confiée à {colleague.full_name}.", "success")
    return redirect(url_for("backoffice.mine"))


@bp.route("/demandes/<reference>/consentement/retrait", methods=["GET", "POST"])
@roles(Role.AGENT)
def withdraw_consent(reference):
    row = owned_request_or_403(reference)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("backoffice/withdraw.html", req=row, form=form)
    try:
        requests.withdraw_consent(current_user, row)
    except requests.RequestError as exc:
        flash(str(exc), "error")
        return redirect(url_for("backoffice.detail", reference=row.reference))
    return _done(row, "Consentement retiré : les données de l'usager sont effacées.")


@bp.route("/demandes/<reference>/recepisse.pdf")
@roles(Role.AGENT)
def receipt(reference):
    row = owned_request_or_403(reference)
    return _pdf(pdf.receipt(row), f"recepisse-{row.reference}.pdf")


@bp.route("/consentement.pdf")
@roles(Role.AGENT)
def consent_form():
    organisation = current_user.organisation
    return _pdf(pdf.consent_form(organisation.name if organisation else ""), "consentement-appui-expert.pdf")


@bp.route("/demandes/<reference>/pieces/<int:attachment_id>")
@roles(Role.AGENT, Role.EXPERT)
def attachment(reference, attachment_id):
    row = request_or_404(reference)
    found = requests.attachment_data(current_user, row, attachment_id)
    if found is None or found[1] is None:
        abort(404)
    meta, data = found
    response = make_response(data)
    response.headers["Content-Type"] = meta.content_type
    response.headers["Content-Disposition"] = f'attachment; filename="{meta.download_name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/preferences", methods=["POST"])
@roles(Role.AGENT, Role.EXPERT)
def preferences():
    form = PreferenceForm()
    requests.save_preference(current_user, form.email_opt_out.data)
    flash("Préférence enregistrée.", "success")
    return redirect(url_for("backoffice.mine" if current_user.role == Role.AGENT else "backoffice.board"))


def _pdf(data, name):
    response = make_response(data)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response
