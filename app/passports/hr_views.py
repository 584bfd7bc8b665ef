"""HR pages: the validation queue, deciding and revoking, observations, an agent's passport (mobility rule)."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.accounts.models import Role
from app.accounts.queries import agent_or_404
from app.common.access import roles
from app.common.forms import option_tags
from app.common.pagination import paginate
from app.common.urls import id_url_prefix
from app.passports import queue_rows, reference, scope, services, validation_queue
from app.passports.forms import DecisionForm, ObservationForm, RevokeForm
from app.passports.models import EntrySource
from app.passports.views import apply_service_error
from app.passports.workflow import TransitionRefused

bp = Blueprint("hr_passport", __name__, url_prefix="/rh/passeports")


def _entry_or_404(entry_id):
    entry = scope.entry_for_hr(current_user, entry_id)
    if entry is None:
        abort(404)
    return entry


def render_entry(entry, status=200, decision_form=None, conflict=None):
    return render_template(
        "passports/hr_entry.html", entry=entry, conflict=conflict,
        decision_form=decision_form or DecisionForm(version=entry.version),
        can_decide=entry.can_decide(current_user), can_revoke=entry.can_revoke(current_user),
    ), status


_SOURCE_CHOICES = tuple((source.value, source.label) for source in EntrySource)
@bp.route("/")
@roles(Role.HR)
def queue():
    args = request.args
    filters = {
        "activity": args.get("activite") or None,
        "source": source if (source := args.get("source")) in validation_queue.SOURCES else None,
        "age": age if (age := args.get("anciennete")) in validation_queue.AGE_FILTERS else None,
    }
    # the user itself, not the proxy: the queue and its audit read it a dozen times
    page = validation_queue.read_queue(current_user._get_current_object(), args.get("page"), **filters)
    # The rows written once in Python; their links differ only by an integer id, not a url_for per row.
    rows = queue_rows.queue_table_rows(page.items, id_url_prefix("hr_passport.entry", "entry_id"),
                                       id_url_prefix("passport.evidence_file", "file_id"), current_app.jinja_env)
    # The filters' <option> tags written once per process (a template loop per option cost more than the rows).
    options = {
        "activities": option_tags([(a.code, f"{a.code} — {a.title}") for a in reference.activities()], filters["activity"]),
        "sources": option_tags(_SOURCE_CHOICES, filters["source"]),
        "ages": option_tags(validation_queue.AGE_FILTERS.items(), filters["age"]),
    }
    return render_template("passports/hr_queue.html", page=page, filters=filters, options=options, queue_rows=rows)


@bp.route("/lignes/<int:entry_id>")
@roles(Role.HR)
def entry(entry_id):
    entry = scope.read_entry_as_hr(current_user, entry_id)
    if entry is None:
        abort(404)
    return render_entry(entry)


@bp.route("/lignes/<int:entry_id>/decision", methods=["POST"])
@roles(Role.HR)
def decide(entry_id):
    entry = _entry_or_404(entry_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        return render_entry(entry, 400, decision_form=form)
    try:
        services.decide(current_user, entry, form.decision.data, form.comment.data, form.version.data)
    except (TransitionRefused, services.StaleEntry) as exc:
        # Someone decided first: nothing was written; show the entry as it is now.
        return render_entry(_entry_or_404(entry_id), 409, conflict=str(exc))
    except services.NotAllowed as exc:
        flash(str(exc), "error")
        return render_entry(entry, 403)
    except services.PassportError as exc:
        apply_service_error(form, exc, "decision")
        return render_entry(entry, 400, decision_form=form)
    flash(f"Décision enregistrée : {entry.status_label.lower()}.", "success")  # no name: flashes travel in the cookie
    return redirect(url_for("hr_passport.queue"))


@bp.route("/lignes/<int:entry_id>/revocation", methods=["GET", "POST"])
@roles(Role.HR)
def revoke(entry_id):
    entry = _entry_or_404(entry_id)
    if not entry.can_revoke(current_user):
        abort(404)
    form = RevokeForm(version=entry.version)
    if form.validate_on_submit():
        try:
            services.revoke(current_user, entry, form.reason.data, form.version.data)
        except (TransitionRefused, services.StaleEntry) as exc:
            flash(str(exc), "error")
            return redirect(url_for("hr_passport.entry", entry_id=entry_id))
        except services.PassportError as exc:
            apply_service_error(form, exc, "reason")
        else:
            flash("Validation révoquée. L'agent est prévenu.", "success")
            return redirect(url_for("hr_passport.entry", entry_id=entry_id))
    return render_template("passports/hr_revoke.html", entry=entry, form=form), 400 if form.errors else 200


@bp.route("/agents")
@roles(Role.HR)
def agents():
    page = paginate(scope.agents_of(current_user), request.args.get("page"))
    return render_template("passports/hr_agents.html", page=page)


@bp.route("/agents/<int:user_id>")
@roles(Role.HR)
def agent_passport(user_id):
    agent = agent_or_404(current_user, user_id)
    entries = scope.read_passport_as_hr(current_user, agent)
    return render_template(
        "passports/hr_passport.html", agent=agent, entries=entries,
        shared=scope.has_active_share(agent, current_user.organisation_id),
    )


@bp.route("/agents/<int:user_id>/observation", methods=["GET", "POST"])
@roles(Role.HR)
def observation(user_id):
    agent = agent_or_404(current_user, user_id)
    form = ObservationForm().fill_choices()
    if form.validate_on_submit():
        try:
            services.record_observation(current_user, agent, form.competency.data, form.level.data,
                                        form.description.data)
        except services.PassportError as exc:
            apply_service_error(form, exc, "description")
        else:
            flash("Observation ajoutée au passeport.", "success")  # no name: flashes travel in the cookie
            return redirect(url_for("hr_passport.agent_passport", user_id=agent.id))
    return render_template("passports/hr_observation.html", agent=agent, form=form), 400 if form.errors else 200
