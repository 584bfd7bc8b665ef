"""Agents' pages: file a report (preview of the masked text, then confirmation), similar reports,
"moi aussi", "Mes remontées", the report page and its screenshots."""
import secrets
from datetime import UTC
from functools import lru_cache

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from wtforms.fields.choices import SelectChoice

from app.accounts.forms import ConfirmForm
from app.accounts.models import Role
from app.common.access import roles
from app.common.numbers import plural
from app.common.pagination import paginate
from app.common.urls import segment_url_builder
from app.reports import images, labels, queries, rows, services, triage
from app.reports.forms import (
    AgentMessageForm,
    AssignForm,
    CommentForm,
    EmailPreferenceForm,
    MeTooForm,
    ReportForm,
    StatusForm,
    TrackerForm,
    WorkaroundForm,
)
from app.reports.models import Report
from app.reports.own_reports import own_and_similar_reports
from app.reports.redaction import KINDS
from app.reports.triage_forms import RespondForm
from app.reports.useragent import describe
from app.reports.workflow import team_targets

bp = Blueprint("reports", __name__, url_prefix="/remontees")

# (singular, plural) of each kind of masked identifier.
KIND_LABELS = {
    "nir": ("NIR", "NIR"), "caf_number": ("n° allocataire", "n° allocataire"),
    "tax_number": ("n° fiscal", "n° fiscaux"),
    "france_travail_id": ("identifiant France Travail", "identifiants France Travail"), "iban": ("IBAN", "IBAN"),
    "card": ("carte bancaire", "cartes bancaires"), "phone": ("téléphone", "téléphones"),
    "email": ("adresse e-mail", "adresses e-mail"),
    "name": ("nom", "noms"),
}


@bp.app_template_filter("masked_summary")
def masked_summary(counts):
    """"1 NIR, 2 téléphones" (or an empty string)."""
    parts = [plural(counts[k], *KIND_LABELS[k]) for k in KINDS if (counts or {}).get(k)]
    return ", ".join(parts)


@bp.app_template_global()
def similar_cards(reports):
    """The cards of the similar reports shown to the signed-in user (reports/_similar.html), with the « moi aussi »
    form and its signed offer on the reports an agent may join."""
    viewer = current_user._get_current_object()
    return rows.similar_cards(reports, viewer, generate_csrf(), lambda report_id: services.me_too_offer(viewer, report_id),
                              _me_too_url_builder(current_app._get_current_object(), request.script_root))


@lru_cache(maxsize=8)
def _me_too_url_builder(_app, _script_root):
    """The « moi aussi » address builder, made once per application and script root (its url_for's only inputs)."""
    return segment_url_builder("reports.me_too", "reference")


def _report_or_404(reference):
    report = services.find_report(current_user, reference)
    if report is None:
        abort(404)
    return report


def _fill_catalog_choices(form):
    applications, procedures, steps = queries.active_catalogue()
    choices = [SelectChoice("", "— Choisissez le service —")]
    for app in sorted(applications, key=lambda a: (a.operator.name, a.name)):
        choices.append(SelectChoice(str(app.id), app.name, optgroup=app.operator.name))
    form.application.choices = choices
    names = {a.id: a.name for a in applications}
    form.procedure.choices = [SelectChoice("", "Autre ou je ne sais pas")] + [
        SelectChoice(str(p.id), p.title, optgroup=names[p.application_id])
        for p in procedures if p.application_id in names
    ]
    titles = {p.id: f"{names[p.application_id]} — {p.title}" for p in procedures if p.application_id in names}
    form.step.choices = [SelectChoice("", "Autre ou je ne sais pas")] + [
        SelectChoice(str(s.id), s.title, optgroup=titles[s.procedure_id]) for s in steps if s.procedure_id in titles
    ]


def _narrow_catalog_choices(form):
    """Keep only the procedures and steps of the chosen service (their groups name it)."""
    service = choice_label(form.application)
    if not service or not form.application.data:
        return
    form.procedure.choices = [c for c in form.procedure.choices if not c.optgroup or c.optgroup == service]
    form.step.choices = [c for c in form.step.choices if not c.optgroup or c.optgroup.startswith(service + " — ")]


def choice_label(field):
    """The label of a select field's current value."""
    return next((c.label for c in field.choices if c.value == field.data), "")


def _to_utc(local):
    return local.replace(tzinfo=current_user.timezone).astimezone(UTC)


def _apply_service_error(form, exc):
    field = getattr(form, exc.field or "", None) or form.what_happened
    field.errors = [*field.errors, str(exc)] if isinstance(field.errors, list) else [str(exc)]


def _render_form(form, status=200):
    return render_template("reports/new.html", form=form,
                           agent_browser=describe(request.user_agent.string)), status


@bp.route("")
@roles(Role.AGENT)
def mine():
    query = services.agent_scope(current_user).order_by(Report.updated_at.desc(), Report.id.desc())
    page = paginate(query, request.args.get("page"))
    answers = queries.latest_public_answers([r.id for r in page.items])
    preference = EmailPreferenceForm(email_opt_in=services.email_opt_in(current_user))
    return render_template("reports/mine.html", page=page, answers=answers, preference=preference)


@bp.route("/nouvelle", methods=["GET", "POST"])
@roles(Role.AGENT)
def new():
    form = ReportForm()
    _fill_catalog_choices(form)
    if request.method == "GET" and request.args.get("application"):
        form.application.data = request.args["application"]
    if request.method == "POST" and request.form.get("edit"):
        if request.form["edit"] == "service":
            _narrow_catalog_choices(form)  # without JavaScript: the chosen service's procedures and steps
        return _render_form(form)  # back from the preview: everything typed is kept
    if not form.validate_on_submit():
        return _render_form(form, 400 if request.method == "POST" else 200)
    values = form.values(_to_utc)
    try:
        masked, counts = services.preview(values)
    except services.ReportError as exc:
        _apply_service_error(form, exc)
        return _render_form(form, 400)
    if not form.submission_key.data:
        form.submission_key.data = secrets.token_urlsafe(24)
    if form.processed_screenshots:
        images.discard_pending(current_user, form.uploads.data)
        form.uploads.data = images.stash_pending(current_user, form.processed_screenshots)
    pending = images.load_pending(current_user, form.uploads.data)
    if not pending:
        form.uploads.data = ""
    application = queries.application(values["application_id"])
    words = " ".join([values["title"], values["what_happened"]])
    own, similar = own_and_similar_reports(current_user, application.id, words)
    return render_template(
        "reports/preview.html", form=form, masked=masked, counts=counts, pending=pending,
        application=application, similar=similar, own=own, agent_browser=describe(request.user_agent.string),
        confirm_form=ConfirmForm(), procedure_label=choice_label(form.procedure), step_label=choice_label(form.step),
    )


@bp.route("/nouvelle/confirmer", methods=["POST"])
@roles(Role.AGENT)
def confirm():
    form = ReportForm()
    _fill_catalog_choices(form)
    if not form.validate_on_submit():
        return _render_form(form, 400)
    screenshots = images.load_pending(current_user, form.uploads.data)
    try:
        report = services.file_report(current_user, form.values(_to_utc), screenshots,
                                      describe(request.user_agent.string))
    except services.ReportError as exc:
        _apply_service_error(form, exc)
        return _render_form(form, 400)
    images.discard_pending(current_user, form.uploads.data)
    flash(f"Votre remontée {report.reference} est enregistrée. L'équipe du service va l'examiner.", "success")
    return redirect(url_for("reports.detail", reference=report.reference))


@bp.route("/similaires", methods=["POST"])
@roles(Role.AGENT)
def similar():
    """Reduced view of similar open reports (HTML fragment, also used without JavaScript)."""
    raw = request.form.get("application", "")
    # No lookup of the application: an unknown id has no reports, so nothing is found.
    application_id = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else None
    text = " ".join([request.form.get("title", ""), request.form.get("what_happened", "")])[:6000]
    own, reports = own_and_similar_reports(current_user, application_id, text)
    return render_template("reports/_similar.html", similar=reports, own=own, fragment=True)


@bp.route("/<reference>")
@roles(Role.AGENT, Role.TRIAGER, Role.ADMIN)
def detail(reference):
    report = _report_or_404(reference)
    if not report.can_view_full(current_user):
        # An agent who said « moi aussi »: what the similar list shows, status, public answers, workaround.
        return render_template("reports/reduced.html", report=report, answers=queries.public_answers(report))
    services.record_read(current_user, report)
    return render_detail(report)


def inline_messages():
    """The triage actions' messages, taken out of the page-top flash list: the page shows each next to the
    form it answers ({anchor: [(kind, message)]}), where the redirect brought the reader back."""
    flashes = session.get("_flashes") or []
    inline = [(category, message) for category, message in flashes if category.startswith("triage-")]
    if not inline:
        return {}
    session["_flashes"] = [pair for pair in flashes if not pair[0].startswith("triage-")]
    found = {}
    for category, message in inline:
        # "triage-<anchor>" or "triage-<anchor>:<kind>" (success, warning or error).
        anchor, _, kind = category.removeprefix("triage-").partition(":")
        found.setdefault(anchor, []).append((kind or "success", message))
    return found


def render_detail(report, status=200, **forms):
    """The report page; the team sees its triage forms (with errors when a POST failed)."""
    can_triage = report.can_triage(current_user)
    context = {
        "inline_messages": inline_messages() if can_triage else {},
        "report": report,
        "comments": queries.comments_for(report, current_user),
        "attachments": queries.attachments_of(report),
        "events": queries.events_of(report),
        "can_triage": can_triage,
        "confirm_form": ConfirmForm(),
    }
    if current_user.role == Role.AGENT:
        context["message_form"] = forms.get("message_form") or AgentMessageForm()
    if can_triage or current_user.role == Role.ADMIN:
        context["me_toos"] = queries.me_toos_of(report)
    if can_triage:
        status_form = forms.get("status_form") or StatusForm()
        status_form.status.choices = [SelectChoice("", "— Choisissez —")] + [
            SelectChoice(s.value, s.label) for s in team_targets(report.status)
        ]
        assign_form = forms.get("assign_form") or AssignForm(assignee=str(report.assignee_id or ""))
        assign_form.assignee.choices = [SelectChoice("", "Personne")] + [
            SelectChoice(str(u.id), u.full_name) for u in triage.team_members(current_user)
        ]
        respond_form = forms.get("respond_form") or RespondForm()
        respond_form.status.choices = [SelectChoice("", "Ne pas changer le statut")] + [
            SelectChoice(s.value, s.label) for s in team_targets(report.status)
        ]
        context.update(
            report_labels=labels.labels_by_report([report.id]).get(report.id, []),
            team_labels=labels.team_labels(current_user),
            respond_form=respond_form,
            status_form=status_form,
            workaround_form=forms.get("workaround_form") or WorkaroundForm(workaround_text=report.workaround),
            comment_form=forms.get("comment_form") or CommentForm(),
            assign_form=assign_form,
            tracker_form=forms.get("tracker_form") or TrackerForm(tracker_url=report.tracker_url,
                                                                  tracker_key=report.tracker_key),
        )
    return render_template("reports/detail.html", **context), status


@bp.route("/<reference>/captures/<int(max=2147483647):attachment_id>")
@roles(Role.AGENT, Role.TRIAGER, Role.ADMIN)
def attachment(reference, attachment_id):
    report = _report_or_404(reference)
    if not report.can_view_full(current_user):
        abort(404)  # screenshots are never masked: the author and the team only
    row = queries.attachment_of(report, attachment_id)
    path = images.attachment_path(row.stored_name) if row else None
    if row is None or not path.is_file():
        abort(404)
    services.record_read(current_user, report, attachment_id=row.id)
    response = send_file(path, mimetype=row.content_type, as_attachment=True, download_name=row.download_name,
                         max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<reference>/moi-aussi", methods=["POST"])
@roles(Role.AGENT)
def me_too(reference):
    report = services.find_offered_report(current_user, reference, request.form.get("offer"))
    if report is None:
        abort(404)  # only on a report the similar search showed this agent
    form = MeTooForm()
    if not form.validate_on_submit():
        flash("Indiquez un nombre de personnes entre 1 et 100 000.", "error")
        return redirect(url_for("reports.new"))
    try:
        services.add_me_too(current_user, report, form.people_affected.data, form.citizen_blocked.data)
    except services.ReportError as exc:
        flash(str(exc), "error")
        if report.is_followed_by(current_user):
            return redirect(url_for("reports.detail", reference=report.reference))
        return redirect(url_for("reports.mine"))
    flash(f"C'est noté : vous suivez désormais la remontée {report.reference}.", "success")
    return redirect(url_for("reports.detail", reference=report.reference))


@bp.route("/<reference>/retirer", methods=["GET", "POST"])
@roles(Role.AGENT)
def withdraw(reference):
    report = _report_or_404(reference)
    if not report.can_withdraw(current_user):
        flash("Cette remontée ne peut plus être retirée.", "error")
        return redirect(url_for("reports.detail", reference=report.reference))
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.withdraw_report(current_user, report)
        except services.ReportError as exc:
            flash(str(exc), "error")
        else:
            flash(f"La remontée {report.reference} est retirée.", "success")
        return redirect(url_for("reports.detail", reference=report.reference))
    return render_template("reports/withdraw.html", report=report, form=form)


@bp.route("/<reference>/message", methods=["POST"])
@roles(Role.AGENT)
def message(reference):
    report = _report_or_404(reference)
    if not report.can_view_full(current_user):
        abort(404)
    form = AgentMessageForm()
    if form.validate_on_submit():
        try:
            services.post_agent_message(current_user, report, form.body.data)
        except services.ReportError as exc:
            form.body.errors.append(str(exc))
        else:
            flash("Votre message est envoyé à l'équipe.", "success")
            return redirect(url_for("reports.detail", reference=report.reference))
    return render_detail(report, 400, message_form=form)


@bp.route("/preferences", methods=["POST"])
@roles(Role.AGENT, Role.TRIAGER)
def preferences():
    form = EmailPreferenceForm()
    if not form.validate_on_submit():
        abort(400)
    services.set_email_opt_in(current_user, form.email_opt_in.data)
    flash("Vos préférences de notification sont enregistrées.", "success")
    if current_user.role == Role.TRIAGER:
        return redirect(url_for("team_settings.index"))
    return redirect(url_for("reports.mine"))
