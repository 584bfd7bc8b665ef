"""Team settings: team-owned API tokens, webhooks and their delivery log, deadlines."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.accounts.forms import ConfirmForm
from app.accounts.models import Role
from app.common.access import roles
from app.common.pagination import paginate
from app.reports import services, team_settings, webhooks
from app.reports.enums import DeliveryStatus, WebhookEvent
from app.reports.forms import EmailPreferenceForm, TeamTokenForm, WebhookForm

bp = Blueprint("team_settings", __name__, url_prefix="/equipe/reglages")


def _team():
    if current_user.team is None:
        abort(404)
    return current_user.team


def _webhook_or_404(webhook_id):
    hook = webhooks.team_webhook(_team(), webhook_id)
    if hook is None:
        abort(404)
    return hook


def _render(token_form=None, webhook_form=None, status=200, revealed=None):
    team = _team()
    return render_template(
        "team_settings/index.html",
        team=team,
        revealed=revealed,
        tokens=team_settings.team_tokens(team),
        hooks=webhooks.team_webhooks(team),
        applications=services.team_applications(current_user),
        token_form=token_form or TeamTokenForm(),
        webhook_form=webhook_form or WebhookForm(),
        preference=EmailPreferenceForm(email_opt_in=services.email_opt_in(current_user)),
        events=WebhookEvent,
    ), status


@bp.route("")
@roles(Role.TRIAGER)
def index():
    return _render()


@bp.route("/jetons", methods=["POST"])
@roles(Role.TRIAGER)
def create_token():
    form = TeamTokenForm()
    if not form.validate_on_submit():
        return _render(token_form=form, status=400)
    _token, raw = team_settings.create_team_token(current_user, _team(), form.label.data)
    # Shown in this response only: a flashed value would travel in the (signed, not encrypted) session cookie.
    message = "Voici le jeton de l'équipe. Copiez-le maintenant : il ne sera plus affiché."
    return _render(token_form=TeamTokenForm(formdata=None), revealed=("Jeton d'équipe créé", message, raw))


@bp.route("/jetons/<int(max=2147483647):token_id>/revoquer", methods=["GET", "POST"])
@roles(Role.TRIAGER)
def revoke_token(token_id):
    token = team_settings.find_team_token(_team(), token_id)
    if token is None:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        team_settings.revoke_team_token(current_user, token)
        flash("Le jeton est révoqué : les outils qui l'utilisent n'ont plus accès.", "success")
        return redirect(url_for("team_settings.index"))
    return render_template("team_settings/confirm.html", form=form, title="Révoquer le jeton",
                           question=f"Révoquer le jeton « {token.label or token.prefix} » ?",
                           detail="Les outils qui l'utilisent perdront l'accès à l'API.",
                           button="Révoquer le jeton")


@bp.route("/webhooks", methods=["POST"])
@roles(Role.TRIAGER)
def create_webhook():
    form = WebhookForm()
    if form.validate_on_submit():
        try:
            _hook, secret = webhooks.create_webhook(current_user, _team(), form.url.data, form.events())
        except webhooks.WebhookError as exc:
            field = form.report_created if "événement" in str(exc) else form.url
            field.errors.append(str(exc))
        else:
            message = "Voici son secret, qui signe chaque envoi ; copiez-le maintenant : il ne sera plus affiché."
            return _render(webhook_form=WebhookForm(formdata=None), revealed=("Webhook ajouté", message, secret))
    return _render(webhook_form=form, status=400)


@bp.route("/webhooks/<int(max=2147483647):webhook_id>")
@roles(Role.TRIAGER)
def webhook_detail(webhook_id):
    hook = _webhook_or_404(webhook_id)
    page = paginate(webhooks.deliveries_of(hook), request.args.get("page"))
    return render_template("team_settings/webhook.html", hook=hook, page=page, form=ConfirmForm(),
                           statuses=DeliveryStatus)


@bp.route("/webhooks/<int(max=2147483647):webhook_id>/test", methods=["POST"])
@roles(Role.TRIAGER)
def webhook_test(webhook_id):
    hook = _webhook_or_404(webhook_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    delivery = webhooks.send_test(current_user, hook)
    if delivery.status == DeliveryStatus.DELIVERED:
        flash(f"Livraison de test réussie (réponse HTTP {delivery.last_status_code}).", "success")
    else:
        flash(f"La livraison de test a échoué : {delivery.last_error} Elle sera réessayée.", "error")
    return redirect(url_for("team_settings.webhook_detail", webhook_id=hook.id))


@bp.route("/webhooks/<int(max=2147483647):webhook_id>/supprimer", methods=["GET", "POST"])
@roles(Role.TRIAGER)
def delete_webhook(webhook_id):
    hook = _webhook_or_404(webhook_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        webhooks.delete_webhook(current_user, hook)
        flash("Le webhook est supprimé. Son journal de livraisons est conservé.", "success")
        return redirect(url_for("team_settings.index"))
    return render_template("team_settings/confirm.html", form=form, title="Supprimer le webhook",
                           question=f"Supprimer le webhook vers {hook.url} ?",
                           detail="Plus aucun événement n'y sera envoyé ; les livraisons en attente sont abandonnées.",
                           button="Supprimer le webhook")
