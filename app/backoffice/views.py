"""Agents' pages: « Mes demandes d'appui », a new request (preview of the masked text, fiches, routing,
then confirmation), the request page for each role, the citizen receipt and the consent form."""
from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.accounts.forms import ConfirmForm
from app.accounts.models import Role
from app.accounts.sessions import has_pending_form
from app.backoffice import conversation, fiches, groups, lists, pdf, queries, requests
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
    group_choices,
    prerendered_colleague_choices,
)
from app.backoffice.workflow import allowed_actions
from app.common.access import roles
from app.common.forms import pristine_form
from app.common.pdf import pdf_response
from app.common.urls import segment_urls

bp = Blueprint("backoffice", __name__, url_prefix="/appui")


def register_blueprints(app):
    from app.backoffice import admin_views, expert_views, fiche_views, hr_views  # noqa: F401  (routes on bp)

    app.register_blueprint(bp)
    app.register_blueprint(admin_views.admin_bp)
    app.register_blueprint(hr_views.hr_bp)


# The request page's links and forms that take the request's reference only (render_detail's `urls`).
REQUEST_PAGE_ENDPOINTS = {name: f"backoffice.{name}" for name in (
    "detail", "receipt", "message", "close", "share", "hand_over", "withdraw_consent", "debrief_ask", "take",
    "answer", "note", "invite", "reroute", "transfer", "fiche_create", "upstream")}


_detail_prefixes = {}  # application prefix (script root) -> detail_prefix()


def detail_prefix():
    """The request page's address without its reference, for a list's rows to append theirs: one url_for per
    process and application prefix, not one per row nor per page (references are made of URL-safe letters,
    digits and dashes)."""
    root = request.script_root
    prefix = _detail_prefixes.get(root)
    if prefix is None:
        prefix = _detail_prefixes[root] = url_for("backoffice.detail", reference="-")[:-1]
    return prefix


def request_or_404(reference):
    row = queries.find_request(current_user, reference, with_messages=False)
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
    page, opt_out = lists.my_requests(current_user, request.args.get("page"))
    # As on the board: the preference form kept per process (pristine_form) unless a saved form waits.
    preference = (PreferenceForm(email_opt_out=opt_out) if has_pending_form()
                  else pristine_form(PreferenceForm, email_opt_out=opt_out))
    return render_template("backoffice/mine.html", page=page, rows=page.items, detail_prefix=detail_prefix(),
                           preference=preference)


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
    # The request and its page's parts in one query, every part read through the request found in the
    # reader's scope: out of it, not found (404) as request_or_404 says, and nothing of it read.
    user = current_user._get_current_object()  # the signed-in user, looked up once (not per proxy access)
    row, parts = queries.read_request_page(user, reference)
    if row is None:
        abort(404)
    show_citizen = request.args.get("usager") == "1"
    citizen = requests.read_citizen_block(user, row) if show_citizen else None
    requests.mark_read(user, row, parts.messages)
    return render_detail(row, citizen=citizen, parts=parts)


def render_detail(row, status=200, citizen=None, parts=None, **forms):
    """The request page as the user's role may see it (admins: metadata only); `parts` are
    queries.request_page_parts' when the caller read them."""
    user = current_user._get_current_object()
    parts = parts or queries.request_page_parts(user, row)
    actions = allowed_actions(row)
    context = {"req": row, "citizen": citizen, "actions": actions,
               "urls": segment_urls(REQUEST_PAGE_ENDPOINTS, "reference", row.reference),
               "may_see_citizen": row.can_see_citizen_block(user, parts.group_ids),
               "is_owner": row.is_owner(user)}
    if user.role != Role.ADMIN:
        context.update(messages=queries.messages_for(row, user, parts.messages), events=parts.events,
                       attachments=parts.attachments, expected_by=pdf.answer_expected_by(row),
                       debriefs=parts.debriefs)
    # A GET page with no form saved at a session expiry shows its forms untouched: their fields are kept per
    # process (pristine_form), not built per request; otherwise (an action's 400 page, a saved form to refill)
    # each form is built as a request builds it.
    untouched = not forms and request.method == "GET" and not has_pending_form()

    def form_of(key, form_class, prefix="", choices=None, **data):
        if untouched:
            return pristine_form(form_class, prefix, choices, **data)
        form = forms.get(key) or form_class(prefix=prefix, **data)
        for name, values in (choices or {}).items():
            form[name].choices = values
        return form

    if user.role == Role.EXPERT:
        # Only the forms the page shows (the template's conditions: the allowed actions, a first answer given).
        def shown(key, form_class, condition, prefix="", choices=None):
            return form_of(key, form_class, prefix, choices) if condition else None

        group_select = None
        if "reroute" in actions or "invite" in actions:
            group_select = {"group": group_choices(parts.groups, row.working_group_ids())}
        # Built in this order (a form saved at a session expiry refills the first one built).
        context.update(reroute_form=shown("reroute_form", RerouteForm, "reroute" in actions, "reroute", group_select),
                       invite_form=shown("invite_form", InviteForm, "invite" in actions, "invite", group_select))
        context.update(answer_form=shown("answer_form", MessageForm, "answer" in actions),
                       note_form=shown("note_form", NoteForm, "note" in actions, "note"),
                       transfer_form=shown("transfer_form", TransferForm, "transfer" in actions),
                       fiche_form=shown("fiche_form", FicheForm, row.first_answer_at is not None, "fiche"),
                       recurrent=queries.recurrent_problem(row, count=parts.recent_count))
    elif context["is_owner"]:
        colleagues = {"colleague": prerendered_colleague_choices(tuple(parts.colleagues))}
        context.update(handover_form=form_of("handover_form", HandoverForm, choices=colleagues))
        context.update(message_form=form_of("message_form", MessageForm),
                       close_form=form_of("close_form", CloseForm),
                       share_form=form_of("share_form", ShareForm, shared=row.shared_with_site))
    return render_template("backoffice/detail.html", **context), status


def colleague_choices(colleagues):
    return [SelectChoice("", "— Choisissez —")] + [SelectChoice(str(u.id), u.full_name) for u in colleagues]


def fill_colleagues(form, row):
    """The colleagues a request may be handed over to (the user's organisation, not its current asker)."""
    form.colleague.choices = colleague_choices(queries.colleagues(current_user, exclude=row.author_id))


ERRORS = (requests.RequestError, conversation.WorkflowError)


def back(row, message, category="success"):
    """Flash a message and go back to the request page."""
    flash(message, category)
    return redirect(url_for("backoffice.detail", reference=row.reference))


def act(row, action, done, form=None, key=None, field=None, then=None):
    """Run one action on a request, the same way on every page.

    With `key`, `form` is validated first and an invalid form shows the request page again (400) with
    it under `key`. A refused action (RequestError, WorkflowError) puts its message on `field`, page
    again with 400, or without `field` flashes it and goes back to the request. Otherwise `done` (a
    message, or a function of the action's result) is flashed and the user goes to `then` (a URL or a
    function of the result), by default the request page.
    """
    if key is not None and not form.validate_on_submit():
        return render_detail(row, 400, **{key: form})
    try:
        result = action()
    except ERRORS as exc:
        if field is None:
            return back(row, str(exc), "error")
        field.errors.append(str(exc))
        return render_detail(row, 400, **{key: form})
    flash(done(result) if callable(done) else done, "success")
    target = then(result) if callable(then) else then
    return redirect(target or url_for("backoffice.detail", reference=row.reference))


@bp.route("/demandes/<reference>/message", methods=["POST"])
@roles(Role.AGENT)
def message(reference):
    row = owned_request_or_403(reference)
    form = MessageForm()
    return act(row, lambda: conversation.agent_message(current_user, row, form.body.data), "Message envoyé aux experts.",
               form, "message_form", form.body)


@bp.route("/demandes/<reference>/cloture", methods=["POST"])
@roles(Role.AGENT)
def close(reference):
    row = owned_request_or_403(reference)
    form = CloseForm()
    return act(row, lambda: conversation.close(current_user, row, form.useful.data),
               "Demande clôturée. Merci pour votre retour.", form, "close_form", form.useful)


@bp.route("/demandes/<reference>/partage", methods=["POST"])
@roles(Role.AGENT)
def share(reference):
    row = owned_request_or_403(reference)
    form = ShareForm()
    try:
        requests.set_sharing(current_user, row, form.shared.data)
    except requests.RequestError as exc:
        abort(403, str(exc))
    return back(row, "Partage mis à jour.")


@bp.route("/demandes/<reference>/confier", methods=["POST"])
@roles(Role.AGENT)
def hand_over(reference):
    """The asking agent hands the request to a colleague (the citizen-consent rule in requests.hand_over)."""
    row = owned_request_or_403(reference)
    form = HandoverForm()
    fill_colleagues(form, row)
    colleague = queries.colleague(current_user, form.colleague.data or "", exclude=row.author_id)
    return act(row, lambda: requests.hand_over(current_user, row, colleague, form.consent_renewed.data),
               lambda wiped: handover_message(colleague, wiped), form, "handover_form", form.colleague,
               then=url_for("backoffice.mine"))


def handover_message(colleague, wiped):
    return f"Demande confiée à {colleague.full_name}." + (
        " Les données de l'usager ont été effacées (consentement oral non renouvelé)." if wiped else "")


@bp.route("/demandes/<reference>/consentement/retrait", methods=["GET", "POST"])
@roles(Role.AGENT)
def withdraw_consent(reference):
    row = owned_request_or_403(reference)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("backoffice/withdraw.html", req=row, form=form)
    return act(row, lambda: requests.withdraw_consent(current_user, row),
               "Consentement retiré : les données de l'usager sont effacées.")


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
    return pdf_response(data, name, inline=True)
