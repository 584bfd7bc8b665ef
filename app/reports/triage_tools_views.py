"""The team's faster triage: one comment box with a status change, « Accuser réception », bulk actions
on the board, team labels, and the per-user switch of single-key shortcuts.

Reports are loaded through the team's scope (another team's report is a 404); labels through the team.
"""
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.accounts.forms import ConfirmForm
from app.accounts.models import Role
from app.common.access import roles
from app.reports import bulk, labels, services, triage_actions
from app.reports.label_models import LabelColour
from app.reports.triage_forms import BulkForm, LabelForm, RespondForm, ShortcutsForm
from app.reports.triage_views import _triage_report_or_404
from app.reports.views import render_detail

bp = Blueprint("triage_tools", __name__, url_prefix="/equipe")


def back_to_report(report, message, anchor="traitement"):
    """Back to the report page, where the reader was; the message shows there (see views.inline_messages)."""
    flash(message, f"triage-{anchor}")
    return redirect(url_for("reports.detail", reference=report.reference) + f"#{anchor}")


@bp.route("/remontees/<reference>/reponse", methods=["POST"])
@roles(Role.TRIAGER)
def respond(reference):
    report = _triage_report_or_404(reference)
    form = RespondForm()
    if form.validate_on_submit():
        internal = form.visibility.data == "internal"
        try:
            comment = triage_actions.respond(current_user, report, form.body.data, internal, form.status.data or "",
                                             form.redirect.data, form.workaround.data)
        except services.ReportError as exc:
            getattr(form, exc.field or "body", form.body).errors.append(str(exc))
        else:
            parts = []
            if comment is not None:
                parts.append("Note interne ajoutée." if internal else "Réponse publiée.")
            elif form.body.data and form.body.data.strip():
                parts.append("Question envoyée aux agents.")
            if form.status.data:
                parts.append(f"Statut changé : « {report.status_label} ».")
            return back_to_report(report, " ".join(parts))
    return render_detail(report, 400, respond_form=form)


@bp.route("/remontees/<reference>/accuse-reception", methods=["POST"])
@roles(Role.TRIAGER)
def acknowledge(reference):
    report = _triage_report_or_404(reference)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        triage_actions.acknowledge(current_user, report)
    except services.ReportError as exc:
        flash(str(exc), "error")
    else:
        flash(f"Réception accusée : la remontée {report.reference} est « {report.status_label} ».", "success")
    return redirect(url_for("reports.detail", reference=report.reference))


@bp.route("/remontees/<reference>/etiquettes", methods=["POST"])
@roles(Role.TRIAGER)
def report_labels(reference):
    report = _triage_report_or_404(reference)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        labels.set_report_labels(current_user, report, request.form.getlist("labels"))
    except services.ReportError as exc:
        flash(str(exc), "triage-suivi:error")
        return redirect(url_for("reports.detail", reference=report.reference) + "#suivi")
    return back_to_report(report, "Étiquettes enregistrées.", "suivi")


def _safe_back(raw):
    """The board address the bulk form came from (same site, board only), else the board."""
    board = url_for("triage.board")
    parts = urlsplit(raw or "")
    if parts.scheme or parts.netloc or parts.path != board:
        return board
    return board + (f"?{parts.query}" if parts.query else "")


@bp.route("/remontees/lot", methods=["POST"])
@roles(Role.TRIAGER)
def bulk_action():
    form = BulkForm()
    back = _safe_back(form.back.data)
    if not form.validate_on_submit():
        flash("Choisissez une action et cochez au moins une remontée.", "triage-actions-groupees:error")
        return redirect(back + "#actions-groupees")
    try:
        result = bulk.apply(current_user, request.form.getlist("ids"), form.action.data,
                            assignee_id=_int(form.assignee.data), label_id=_int(form.label.data),
                            main_key=form.main.data or "")
    except services.ReportError as exc:
        flash(str(exc), "triage-actions-groupees:error")
    else:
        kind = "success" if result.done and not (result.refused or result.out_of_scope) else "warning"
        flash(bulk.summary(result, form.action.data), f"triage-actions-groupees:{kind}")
    return redirect(back + "#actions-groupees")


def _int(raw):
    raw = (raw or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else None


@bp.route("/raccourcis", methods=["POST"])
@roles(Role.TRIAGER, Role.ADMIN)
def shortcuts():
    form = ShortcutsForm()
    if not form.validate_on_submit():
        abort(400)
    labels.set_keyboard_shortcuts(current_user, form.keyboard_shortcuts.data)
    flash("Raccourcis à une touche activés." if form.keyboard_shortcuts.data
          else "Raccourcis à une touche désactivés.", "triage-raccourcis")
    return redirect(url_for("triage.board") + "#raccourcis")


# --- labels -------------------------------------------------------------------------------------------


def _team():
    if current_user.team is None:
        abort(404)
    return current_user.team


def _label_or_404(label_id):
    label = labels.find_team_label(current_user, label_id)
    if label is None:
        abort(404)
    return label


@bp.route("/etiquettes", methods=["GET", "POST"])
@roles(Role.TRIAGER)
def label_list():
    team = _team()
    form = LabelForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                label = labels.create_label(current_user, team, form.name.data, form.colour.data)
            except services.ReportError as exc:
                getattr(form, exc.field or "name", form.name).errors.append(str(exc))
            else:
                flash(f"Étiquette « {label.name} » créée.", "success")
                return redirect(url_for("triage_tools.label_list"))
        status = 400
    return render_template("triage/labels.html", team=team, labels=labels.team_labels(current_user), form=form,
                           colours=LabelColour), status


@bp.route("/etiquettes/<int(max=2147483647):label_id>/supprimer", methods=["GET", "POST"])
@roles(Role.TRIAGER)
def label_delete(label_id):
    label = _label_or_404(label_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        name = label.name
        labels.delete_label(current_user, label)
        flash(f"Étiquette « {name} » supprimée.", "success")
        return redirect(url_for("triage_tools.label_list"))
    return render_template("triage/label_delete.html", label=label, form=form)
