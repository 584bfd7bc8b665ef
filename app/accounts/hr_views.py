"""HR: the people of the HR user's own organisation (and nothing outside it)."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.accounts import services
from app.accounts.forms import AgentCreateForm, ConfirmForm, CsvApplyForm, CsvUploadForm
from app.accounts.imports import import_agents_csv, preview_agents_csv
from app.accounts.models import Role, User
from app.accounts.queries import agent_or_404, agents_of
from app.common.access import roles
from app.common.csvutil import TOO_LARGE, read_upload
from app.common.pagination import paginate
from app.extensions import db

bp = Blueprint("hr", __name__, url_prefix="/rh")

CREATED_MESSAGE = (
    "Demande enregistrée. Un e-mail part à cette adresse : un lien d'activation, ou, si la personne "
    "a déjà un compte Passerelle, la marche à suivre pour le rattacher à votre structure."
)


@bp.route("/agents")
@roles(Role.HR)
def agents():
    q = request.args.get("q", "").strip()
    query = agents_of(current_user).order_by(User.full_name)
    if q:
        like = f"%{q.lower()}%"
        query = query.where(db.or_(User.email.like(like), db.func.lower(User.full_name).like(like)))
    page = paginate(query, request.args.get("page"))
    return render_template("hr/agents.html", page=page, q=q, confirm_form=ConfirmForm())


@bp.route("/agents/nouveau", methods=["GET", "POST"])
@roles(Role.HR)
def agent_create():
    form = AgentCreateForm()
    if form.validate_on_submit():
        try:
            services.create_agent(current_user, current_user.organisation, form.email.data, form.full_name.data)
        except services.AccountError as exc:
            form.email.errors.append(str(exc))
        else:
            # The same answer whether or not the address has an account elsewhere (no enumeration).
            flash(CREATED_MESSAGE, "success")
            return redirect(url_for("hr.agents"))
    return render_template("hr/agent_create.html", form=form)


@bp.route("/agents/<int:user_id>/activation", methods=["POST"])
@roles(Role.HR)
def agent_set_active(user_id):
    user = agent_or_404(current_user, user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    active = request.form.get("active") == "1"
    services.set_active(current_user, user, active)
    # No name in the message: flashes travel in the session cookie (signed, not encrypted).
    flash("Le compte de l'agent est " + ("réactivé." if active else "désactivé."), "success")
    return redirect(url_for("hr.agents"))


@bp.route("/agents/import", methods=["GET", "POST"])
@roles(Role.HR)
def agent_import():
    form = CsvUploadForm()
    preview = None
    content = None
    if form.validate_on_submit():
        content = read_upload(form.file.data)
        if content is None:
            form.file.errors.append(TOO_LARGE)
        else:
            preview = preview_agents_csv(content, current_user.organisation)
    return render_template(
        "hr/agent_import.html",
        form=form,
        preview=preview,
        apply_form=CsvApplyForm(content=content),
    )


@bp.route("/agents/import/appliquer", methods=["POST"])
@roles(Role.HR)
def agent_import_apply():
    form = CsvApplyForm()
    if not form.validate_on_submit():
        abort(400)
    result = import_agents_csv(current_user, current_user.organisation, form.content.data)
    if not result.is_valid:
        flash("Aucun compte n'a été créé : le fichier contient des erreurs.", "error")
        return render_template(
            "hr/agent_import.html", form=CsvUploadForm(), preview=result, apply_form=form
        ), 400
    flash(f"{len(result.rows)} demande(s) enregistrée(s). Chaque personne reçoit un e-mail : un lien "
          "d'activation, ou, si elle a déjà un compte Passerelle, la marche à suivre pour le rattacher.", "success")
    return redirect(url_for("hr.agents"))
