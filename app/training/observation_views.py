"""Observation pages: tutors and HR fill a competency's grid for an agent; HR grant the tutor capability."""
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.accounts.forms import ConfirmForm
from app.accounts.models import Role
from app.common.access import roles
from app.training import observations
from app.training.forms import ObservationForm, TutorGrantForm
from app.training.observation_models import ObservationContext

bp = Blueprint("observation", __name__)


def _observer():
    """403 for an agent without the tutor capability (HR always observe their organisation)."""
    if not observations.can_observe(current_user):
        abort(403)


@bp.route("/observations")
@roles(Role.AGENT, Role.HR)
def index():
    _observer()
    return render_template("training/observations.html", agents=observations.observable_agents(current_user),
                           competencies=observations.competencies_with_grid(), contexts=ObservationContext,
                           recent=observations.recent_observations(current_user), rule=observations.RULE)


def _grid_request(values):
    agent = observations.agent_in_scope(current_user, values.get("agent"))
    grid = observations.grid_for(values.get("competency"))
    if agent is None or grid is None:
        abort(404)
    context = values.get("context")
    if context not in ObservationContext.values():
        abort(400, description="Choisissez le contexte de l'observation.")
    return agent, grid, context


@bp.route("/observations/grille", methods=["GET", "POST"])
@roles(Role.AGENT, Role.HR)
def grid():
    _observer()
    agent, grid, context = _grid_request(request.form if request.method == "POST" else request.args)
    form = ObservationForm(agent=agent.id, competency=grid.competency.code, context=context,
                           observed_on=date.today())
    ticked = observations.parse_ticks(request.form.getlist("observe")) if request.method == "POST" else set()
    proposal, status = None, 200
    if request.method == "POST":
        if form.validate_on_submit():
            if request.form.get("action") == "confirm":
                try:
                    observation = observations.record_observation(
                        current_user, agent, grid, context, form.observed_on.data, ticked)
                except observations.NotAllowed:
                    abort(403)
                except observations.ObservationError as exc:
                    form.observed_on.errors = [str(exc)]
                else:
                    flash(f"Observation enregistrée : niveau {observation.level} ajouté au passeport de "
                          f"{agent.full_name}" + (" (à valider par les ressources humaines)."
                                                  if current_user.role != Role.HR else "."), "success")
                    return redirect(url_for("observation.detail", observation_id=observation.id))
            proposal = observations.evaluate(grid, ticked)
        if form.errors:
            status = 400
    return render_template("training/observation_grid.html", agent=agent, grid=grid, context=context,
                           context_label=ObservationContext(context).label, form=form, ticked=ticked,
                           proposal=proposal, rule=observations.RULE,
                           levels=observations.evaluate(grid, ticked).levels), status


@bp.route("/observations/<int:observation_id>")
@roles(Role.AGENT, Role.HR)
def detail(observation_id):
    _observer()
    observation = observations.observation_in_scope(current_user, observation_id)
    if observation is None:
        abort(404)
    return render_template("training/observation_detail.html", observation=observation)


@bp.route("/rh/tuteurs", methods=["GET", "POST"])
@roles(Role.HR)
def tutors():
    form = TutorGrantForm()
    form.agent.choices = [(a.id, f"{a.full_name} ({a.email})") for a in observations.grantable_agents(current_user)]
    status = 200
    if form.validate_on_submit():
        agent = observations.agent_in_scope(current_user, form.agent.data)
        if agent is None:
            abort(404)
        try:
            observations.grant_tutor(current_user, agent)
        except observations.ObservationError as exc:
            form.agent.errors = [str(exc)]
        else:
            flash(f"Capacité de tuteur accordée à {agent.full_name}.", "success")
            return redirect(url_for("observation.tutors"))
    if form.is_submitted():
        status = 400
    return render_template("training/tutors.html", form=form, tutors=observations.tutors(current_user.organisation_id),
                           confirm=ConfirmForm()), status


@bp.route("/rh/tuteurs/<int:capability_id>/retirer", methods=["POST"])
@roles(Role.HR)
def tutor_revoke(capability_id):
    capability = observations.capability_in_scope(current_user, capability_id)
    if capability is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        observations.revoke_tutor(current_user, capability)
        flash("Capacité de tuteur retirée.", "success")
    return redirect(url_for("observation.tutors"))
