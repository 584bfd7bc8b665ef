"""HR pages: their organisation's training follow-up, CSV export, path assignment."""
from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.accounts.models import Role
from app.accounts.queries import agent_or_404
from app.common.access import roles
from app.common.csvutil import csv_lines
from app.common.forms import option_tags
from app.common.sql import MAX_ID
from app.training import learning, path_observations, queries, team_rows
from app.training.forms import AssignPathForm
from app.training.team import (
    STATUSES,
    agent_rows,
    export_rows,
    overdue_modules,
    shipped_paths,
    team_page,
)

bp = Blueprint("hr_training", __name__, url_prefix="/rh/formation")
PER_PAGE = 50


def _path_filter():
    try:
        path_id = int(request.args.get("parcours") or 0) or None
    except ValueError:
        return None
    return path_id if path_id is None or 0 < path_id <= MAX_ID else None


@bp.route("/")
@roles(Role.HR)
def team():
    path_id = _path_filter()
    status = request.args.get("statut") if request.args.get("statut") in STATUSES else None
    page = team_page(current_user, request.args.get("page"), PER_PAGE, path_id, status)
    # The rows written once in Python; the links differ only by the agent's number.
    rows_html = team_rows.team_table_rows(
        page.items, overdue_modules(current_user, page.items),
        url_for("hr_training.agent_detail", user_id=0)[:-1], url_for("hr_training.assign") + "?agent=")
    # The filters' <option> tags written once per process (a template loop per option).
    return render_template(
        "training/hr_team.html", rows=page.items, page=page, team_rows=rows_html, path_id=path_id, status=status,
        path_options=option_tags([(p.id, p.title) for p in shipped_paths()], path_id),
        status_options=option_tags(STATUSES.items(), status),
    )


@bp.route("/agents/<int:user_id>")
@roles(Role.HR)
def agent_detail(user_id):
    agent = agent_or_404(current_user, user_id)
    rows = agent_rows(current_user, agent.id)
    steps = path_observations.steps_by_path(sorted({r.path.id for r in rows if r.path}), agent)
    return render_template("training/hr_agent.html", agent=agent, rows=rows,
                           overdue=overdue_modules(current_user, rows), steps=steps)


@bp.route("/export.csv")
@roles(Role.HR)
def export():
    header = ["Agent", "Adresse e-mail", "Parcours", "Module", "Statut", "Terminé le", "Échéance"]
    rows = export_rows(current_user, _path_filter())
    response = Response(stream_with_context(csv_lines(header, rows)), mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = 'attachment; filename="suivi-formations.csv"'
    return response


@bp.route("/affecter", methods=["GET", "POST"])
@roles(Role.HR)
def assign():
    form = AssignPathForm()
    form.path.choices = [SelectChoice("", "—")] + [SelectChoice(str(p.id), p.title) for p in shipped_paths()]
    agents = queries.active_agent_choices(current_user)
    form.agents.choices = [SelectChoice(agent_id, f"{name} ({email})") for agent_id, name, email in agents]
    if request.method == "GET" and request.args.get("agent"):
        form.agents.data = [int(request.args["agent"])] if request.args["agent"].isdigit() else []
    if form.validate_on_submit():
        path = queries.path_by_id(int(form.path.data))
        chosen = learning.agents_of(current_user, form.agents.data)
        try:
            if path is None or path.owner_id is not None:
                raise learning.TrainingError("Parcours inconnu.")
            count = learning.assign_path(current_user, chosen, path, form.due_on.data)
        except learning.TrainingError as exc:
            form.due_on.errors.append(str(exc)) if "échéance" in str(exc) else form.agents.errors.append(str(exc))
        else:
            flash(f"Parcours « {path.title} » affecté à {count} agent(s).", "success")
            return redirect(url_for("hr_training.team"))
    return render_template("training/hr_assign.html", form=form)
