"""Team pages: the triage board, its CSV export, the statistics and the triage actions.

Reports are loaded through the team's scope: a report of another team is a 404.
"""
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.accounts.models import Role
from app.common.access import roles
from app.common.timezones import utcnow
from app.common.urls import kept_url
from app.reports import board as board_queries
from app.reports import board_html, export, queries, rows, services, stats, triage
from app.reports.enums import ProblemType, Status
from app.reports.forms import AssignForm, CommentForm, MergeForm, StatusForm, TrackerForm, WorkaroundForm
from app.reports.triage_forms import RespondForm
from app.reports.views import inline_messages, render_detail

bp = Blueprint("triage", __name__, url_prefix="/equipe")

EXPORT_LIMIT = 10_000


def _team_report_or_404(reference):
    report = queries.team_report(current_user, reference)
    if report is None:
        abort(404)
    return report


def _triage_report_or_404(reference):
    report = _team_report_or_404(reference)
    if not report.can_triage(current_user):
        abort(404)
    return report


# The board counts its rows only this far past the current page ("plus de 1 000 remontées").
BOARD_COUNT_CAP = 1000


# The board's fixed choices, built once (tuples: board_html.filter_select keeps its markup per list and choice).
STATUS_OPTIONS = (("open", "Ouvertes"), ("overdue", "Ouvertes en retard"), ("all", "Toutes"), *(
    (s.value, s.label) for s in Status))
TYPE_OPTIONS = tuple((t.value, t.label) for t in ProblemType)
FILTER_OPTIONS = {name: tuple(choices.items()) for name, choices in (
    ("sorts", board_queries.SORTS), ("ages", board_queries.AGES), ("impacts", board_queries.IMPACTS),
    ("assignees", board_queries.ASSIGNEES))}


@bp.route("/remontees")
@roles(Role.TRIAGER, Role.ADMIN)
def board():
    filters = board_queries.BoardFilters.from_args(request.args)
    options, page = board_queries.read_board(current_user, filters, request.args.get("page"),
                                             current_app.config["PER_PAGE"], BOARD_COUNT_CAP)
    bulk = None
    if current_user.role == Role.TRIAGER:
        bulk = board_html.bulk_fields(tuple(options.members), tuple(options.labels))
    # Built once: the rows' links differ only by the reference (R-YYYY-NNNNNN, nothing to escape).
    report_url_prefix = url_for("reports.detail", reference="R")[:-1]
    return render_template(
        "triage/board.html", page=page, filters=filters, inline_messages=inline_messages(),
        rows_html=rows.board_table_rows(page.items, report_url_prefix, selectable=bulk is not None),
        select=board_html.filter_select, label_options=tuple((str(label.id), label.name) for label in options.labels),
        bulk=bulk, bulk_back=request.full_path.rstrip("?"), shortcuts_on=options.keyboard_shortcuts,
        export_url=kept_url("triage.export_csv", **filters.as_args()),
        status_options=STATUS_OPTIONS, type_options=TYPE_OPTIONS,
        application_options=tuple((a.code, a.name) for a in options.applications if a.is_active), **FILTER_OPTIONS,
    )


@bp.route("/remontees/export.csv")
@roles(Role.TRIAGER, Role.ADMIN)
def export_csv():
    filters = board_queries.BoardFilters.from_args(request.args)
    reports = queries.exported_reports(current_user, filters, EXPORT_LIMIT)
    stamp = utcnow().strftime("%Y%m%d-%H%M")
    return Response(
        export.reports_csv(reports),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="remontees-{stamp}.csv"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


@bp.route("/statistiques")
@roles(Role.TRIAGER, Role.ADMIN)
def statistics():
    applications = services.team_applications(current_user)
    code = (request.args.get("application") or "").strip().lower()
    application = next((a for a in applications if a.code == code), None)
    if code and application is None:
        abort(404)
    figures = stats.compute(current_user, application)
    return render_template("triage/statistics.html", stats=figures, applications=applications,
                           application=application, types=ProblemType)


def _back(report, message, anchor="suivi"):
    # Back where the reader was, the message shown there (not at the top of a long page).
    flash(message, f"triage-{anchor}")
    return redirect(url_for("reports.detail", reference=report.reference) + f"#{anchor}")


def _in_comment_box(report, field, error, **data):
    """The page's one comment box, showing the error of the older status or comment route."""
    form = RespondForm(formdata=None, **data)
    getattr(form, field).errors = [error]
    return render_detail(report, 400, respond_form=form)


@bp.route("/remontees/<reference>/statut", methods=["POST"])
@roles(Role.TRIAGER)
def change_status(reference):
    report = _triage_report_or_404(reference)
    form = StatusForm()
    form.status.choices = [SelectChoice(s.value, s.label) for s in Status]
    if form.validate_on_submit():
        try:
            triage.change_status(current_user, report, form.status.data, form.reason.data,
                                 form.redirect.data, form.workaround.data)
        except services.ReportError as exc:
            return _in_comment_box(report, "status", str(exc), status=form.status.data, body=form.reason.data,
                                   redirect=form.redirect.data, workaround=form.workaround.data)
        else:
            return _back(report, f"Statut changé : « {report.status_label} ».", "traitement")
    error = next((e for f in form if f.errors for e in f.errors), "Formulaire invalide.")
    return _in_comment_box(report, "status", error, status=form.status.data)


@bp.route("/remontees/<reference>/contournement", methods=["POST"])
@roles(Role.TRIAGER)
def workaround(reference):
    report = _triage_report_or_404(reference)
    form = WorkaroundForm()
    if form.validate_on_submit():
        try:
            triage.publish_workaround(current_user, report, form.workaround_text.data)
        except services.ReportError as exc:
            form.workaround_text.errors.append(str(exc))
        else:
            return _back(report, "Le contournement est publié : les agents qui suivent la remontée le voient.")
    return render_detail(report, 400, workaround_form=form)


@bp.route("/remontees/<reference>/commentaire", methods=["POST"])
@roles(Role.TRIAGER)
def comment(reference):
    report = _triage_report_or_404(reference)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            triage.add_team_comment(current_user, report, form.body.data, form.visibility.data == "internal")
        except services.ReportError as exc:
            return _in_comment_box(report, "body", str(exc), visibility=form.visibility.data)
        else:
            message = "Note interne ajoutée." if form.visibility.data == "internal" else "Réponse publiée."
            return _back(report, message, "traitement")
    error = next((e for f in form if f.errors for e in f.errors), "Formulaire invalide.")
    return _in_comment_box(report, "body", error, visibility=form.visibility.data)


@bp.route("/remontees/<reference>/assignation", methods=["POST"])
@roles(Role.TRIAGER)
def assign(reference):
    report = _triage_report_or_404(reference)
    form = AssignForm()
    if form.validate_on_submit():
        raw = form.assignee.data
        assignee = queries.user_by_id(raw)
        if raw and assignee is None:
            form.assignee.errors.append("Choisissez un membre actif de l'équipe.")
        else:
            try:
                triage.assign(current_user, report, assignee)
            except services.ReportError as exc:
                form.assignee.errors.append(str(exc))
            else:
                return _back(report, "Personne en charge mise à jour.")
    return render_detail(report, 400, assign_form=form)


@bp.route("/remontees/<reference>/ticket", methods=["POST"])
@roles(Role.TRIAGER)
def tracker(reference):
    report = _triage_report_or_404(reference)
    form = TrackerForm()
    if form.validate_on_submit():
        try:
            triage.set_tracker(current_user, report, form.tracker_url.data, form.tracker_key.data)
        except services.ReportError as exc:
            form.tracker_url.errors.append(str(exc))
        else:
            return _back(report, "Lien vers le ticket enregistré.")
    return render_detail(report, 400, tracker_form=form)


@bp.route("/remontees/<reference>/fusion", methods=["GET", "POST"])
@roles(Role.TRIAGER)
def merge(reference):
    """Merge a duplicate: choose the main report, check what moves, then confirm."""
    duplicate = _triage_report_or_404(reference)
    form = MergeForm()
    main = None
    if form.validate_on_submit():
        main = queries.team_report(current_user, form.main.data.strip().upper())
        if main is None or not main.can_triage(current_user):
            form.main.errors.append("Aucune remontée de votre équipe ne porte cette référence.")
            main = None
        elif form.confirm.data == "1":
            try:
                triage.merge(current_user, duplicate, main)
            except services.ReportError as exc:
                form.main.errors.append(str(exc))
                main = None
            else:
                flash(f"{duplicate.reference} est fusionnée dans {main.reference} : ses « moi aussi », "
                      "son impact et ses agents ont été rattachés.", "success")
                return redirect(url_for("reports.detail", reference=main.reference))
    status = 400 if request.method == "POST" and form.errors else 200
    return render_template("triage/merge.html", report=duplicate, form=form, main=main), status

