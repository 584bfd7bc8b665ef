"""Barometer pages: campaigns (HR, admin), the anonymous questionnaire (agents), results (aggregates)."""
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.accounts.forms import ConfirmForm
from app.accounts.models import Role
from app.common.access import roles
from app.common.csvutil import csv_lines
from app.common.pdf import pdf_response
from app.workplace import barometer, pdf, queries, scope
from app.workplace.enums import BAROMETER_CODES, BAROMETER_ITEMS
from app.workplace.forms import CampaignForm
from app.workplace.models import BarometerCampaign
from app.workplace.results import results_rows

bp = Blueprint("workplace_barometer", __name__, url_prefix="/conditions-de-travail/barometre")


def _index(form=None, status=200):
    campaigns = barometer.campaigns_for(current_user)
    answered = {c.id for c in campaigns if current_user.role == Role.AGENT and barometer.has_answered(current_user, c)}
    return render_template("workplace/barometer.html", campaigns=campaigns, answered=answered,
                           form=form or CampaignForm(), confirm=ConfirmForm(),
                           can_read=scope.can_read_aggregates(current_user)), status


@bp.route("")
@roles(Role.AGENT, Role.HR, Role.ADMIN)
def index():
    return _index()


@bp.route("/campagnes", methods=["POST"])
@roles(Role.HR, Role.ADMIN)
def open_campaign():
    form = CampaignForm()
    if form.validate_on_submit():
        try:
            barometer.open_campaign(current_user, form.title.data, form.opens_on.data, form.closes_on.data,
                                    form.national.data or current_user.role == Role.ADMIN)
        except barometer.BarometerError as exc:
            form.title.errors = [str(exc)]
        else:
            flash("Campagne ouverte.", "success")
            return redirect(url_for("workplace_barometer.index"))
    return _index(form, 400)


def _campaign_or_404(campaign_id):
    campaign = barometer.get_campaign(current_user, campaign_id)
    if campaign is None:
        abort(404)
    return campaign


@bp.route("/<int:campaign_id>/repondre", methods=["GET", "POST"])
@roles(Role.AGENT)
def respond(campaign_id):
    campaign = _campaign_or_404(campaign_id)
    error = None
    if ConfirmForm().validate_on_submit():
        raw = {code: request.form.get(code, "") for code in BAROMETER_CODES}
        scores = {code: int(v) for code, v in raw.items() if v.isdigit()}
        try:
            barometer.answer(current_user, campaign, scores)
        except barometer.BarometerError as exc:
            error = str(exc)
        else:
            flash("Merci : votre réponse est enregistrée sans votre nom.", "success")
            return redirect(url_for("workplace_barometer.index"))
    elif barometer.has_answered(current_user, campaign):
        error = "Vous avez déjà répondu à cette campagne."
    status = 400 if request.method == "POST" else 200
    return render_template("workplace/barometer_respond.html", campaign=campaign, items=BAROMETER_ITEMS,
                           form=ConfirmForm(), error=error, submitted=request.form), status


@bp.route("/<int:campaign_id>/cloture", methods=["GET", "POST"])
@roles(Role.HR, Role.ADMIN)
def close(campaign_id):
    campaign = _campaign_or_404(campaign_id)
    if not barometer.can_manage(current_user, campaign):
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            barometer.close_campaign(current_user, campaign)
        except barometer.BarometerError as exc:
            flash(str(exc), "error")
        else:
            flash("Campagne close : la liste des participants est effacée, les résultats sont disponibles.", "success")
        return redirect(url_for("workplace_barometer.index"))
    return render_template("workplace/barometer_close.html", campaign=campaign, form=form)


def _results(campaign_id):
    if not scope.can_read_aggregates(current_user):
        abort(403)
    campaign = queries.by_id(BarometerCampaign, campaign_id)
    if campaign is None:
        abort(404)
    key = f"org-{campaign.organisation_id}" if campaign.organisation_id else request.args.get("perimetre")
    chosen = scope.resolve(current_user, key)
    if chosen is None:
        abort(404)
    cells = barometer.cells_for(campaign.quarter, chosen) if not campaign.is_open else {}
    root, children = barometer.view_of(cells, chosen)
    return campaign, chosen, root, children


@bp.route("/<int:campaign_id>/resultats")
@roles(Role.AGENT, Role.HR, Role.ADMIN)
def results(campaign_id):
    campaign, chosen, root, children = _results(campaign_id)
    return render_template("workplace/barometer_results.html", campaign=campaign, scope=chosen, root=root,
                           children=children, items=BAROMETER_ITEMS, minimum=barometer.minimum_group(),
                           scopes=scope.scopes_for(current_user))


@bp.route("/<int:campaign_id>/resultats.csv")
@roles(Role.AGENT, Role.HR, Role.ADMIN)
def results_csv(campaign_id):
    campaign, _chosen, root, children = _results(campaign_id)
    rows = results_rows([root, *children], barometer.minimum_group())
    body = "".join(csv_lines(rows[0], rows[1:]))
    return Response(body, mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename=barometre-{campaign.quarter}.csv"})


@bp.route("/<int:campaign_id>/resultats.pdf")
@roles(Role.AGENT, Role.HR, Role.ADMIN)
def results_pdf(campaign_id):
    campaign, chosen, root, children = _results(campaign_id)
    rows = results_rows([root, *children], barometer.minimum_group())
    body = pdf.dossier(f"Baromètre des conditions de travail — {campaign.title} ({campaign.quarter})",
                       [(chosen.label, None if campaign.is_open else
                         f"Résultats publiés pour les groupes d'au moins {barometer.minimum_group()} répondants.",
                         rows)])
    return pdf_response(body, f"barometre-{campaign.quarter}.pdf")
