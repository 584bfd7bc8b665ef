"""Administration: users, organisations, teams, API tokens, audit log."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.accounts import queries, services
from app.accounts.forms import (
    ConfirmForm,
    OrganisationForm,
    TeamForm,
    UserCreateForm,
    UserPlacementForm,
)
from app.accounts.models import ORG_ROLES, Organisation, Role, Team, User, normalise_email
from app.accounts.organisations import create_organisation, create_team, update_organisation
from app.accounts.queries import search_audit
from app.common.access import roles
from app.common.pagination import paginate

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _org_choices():
    orgs = queries.all_organisations()
    return [SelectChoice("", "—")] + [SelectChoice(str(o.id), f"{o.code} — {o.name}") for o in orgs]


def _team_choices():
    teams = queries.all_teams()
    return [SelectChoice("", "—")] + [SelectChoice(str(t.id), f"{t.code} — {t.name}") for t in teams]


def _get_or_404(model, object_id):
    obj = queries.by_id(model, object_id)
    if obj is None:
        abort(404)
    return obj


def _optional(model, raw):
    return queries.by_id(model, int(raw)) if raw else None


@bp.route("/utilisateurs")
@roles(Role.ADMIN)
def users():
    q = request.args.get("q", "").strip()
    role = request.args.get("role", "")
    page = paginate(queries.search_users(q, role), request.args.get("page"))
    return render_template("admin/users.html", page=page, q=q, role=role, roles=Role)


@bp.route("/utilisateurs/nouveau", methods=["GET", "POST"])
@roles(Role.ADMIN)
def user_create():
    form = UserCreateForm()
    form.organisation.choices = _org_choices()
    form.team.choices = _team_choices()
    if form.validate_on_submit():
        try:
            user = services.create_user(
                current_user,
                form.email.data,
                form.full_name.data,
                form.role.data,
                organisation=_optional(Organisation, form.organisation.data),
                team=_optional(Team, form.team.data),
            )
        except services.AccountError as exc:
            form.email.errors.append(str(exc)) if "adresse" in str(exc) else form.role.errors.append(
                str(exc)
            )
        else:
            flash("Compte créé. Un lien d'activation a été envoyé à son adresse.", "success")  # no address in the cookie
            return redirect(url_for("admin.user_detail", user_id=user.id))
    return render_template("admin/user_create.html", form=form)


@bp.route("/utilisateurs/<int:user_id>", methods=["GET", "POST"])
@roles(Role.ADMIN)
def user_detail(user_id):
    user = _get_or_404(User, user_id)
    form = UserPlacementForm(
        data={
            "role": user.role,
            "organisation": str(user.organisation_id or ""),
            "team": str(user.team_id or ""),
        }
        if request.method == "GET"
        else None
    )
    form.organisation.choices = _org_choices()
    form.team.choices = _team_choices()
    if form.validate_on_submit():
        organisation = _optional(Organisation, form.organisation.data)
        team = _optional(Team, form.team.data)
        try:
            if form.role.data != user.role:
                services.change_role(current_user, user, form.role.data, organisation, team)
            elif user.role in ORG_ROLES and organisation and organisation.id != user.organisation_id:
                services.change_organisation(current_user, user, organisation)
            elif user.role == Role.TRIAGER and team and team.id != user.team_id:
                services.change_team(current_user, user, team)
            else:
                flash("Aucun changement.", "info")
                return redirect(url_for("admin.user_detail", user_id=user.id))
        except services.AccountError as exc:
            form.role.errors.append(str(exc))
        else:
            flash("Le compte est mis à jour.", "success")
            return redirect(url_for("admin.user_detail", user_id=user.id))
    tokens = queries.tokens_of(user)
    return render_template(
        "admin/user_detail.html", user=user, form=form, tokens=tokens, confirm_form=ConfirmForm()
    )


@bp.route("/utilisateurs/<int:user_id>/activation", methods=["POST"])
@roles(Role.ADMIN)
def user_set_active(user_id):
    user = _get_or_404(User, user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    active = request.form.get("active") == "1"
    try:
        services.set_active(current_user, user, active)
    except services.AccountError as exc:
        flash(str(exc), "error")
    else:
        flash("Le compte est réactivé." if active else "Le compte est désactivé.", "success")
    return redirect(url_for("admin.user_detail", user_id=user.id))


@bp.route("/utilisateurs/<int:user_id>/jetons/revoquer", methods=["POST"])
@roles(Role.ADMIN)
def user_revoke_tokens(user_id):
    user = _get_or_404(User, user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    token_id = request.form.get("token_id", type=int)
    if token_id:
        token = queries.token_of(user, token_id)
        if token is None:
            abort(404)
        services.revoke_api_token(current_user, token)
    else:
        services.revoke_all_api_tokens(current_user, user)
    flash("Jeton(s) révoqué(s).", "success")
    return redirect(url_for("admin.user_detail", user_id=user.id))


@bp.route("/utilisateurs/<int:user_id>/double-authentification/reinitialiser", methods=["POST"])
@roles(Role.ADMIN)
def user_reset_2fa(user_id):
    from app.accounts import twofactor

    user = _get_or_404(User, user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    twofactor.disable(current_user, user)
    flash("La double authentification de ce compte est réinitialisée : elle sera reconfigurée à la prochaine connexion si son rôle l'exige.", "success")
    return redirect(url_for("admin.user_detail", user_id=user.id))


@bp.route("/structures", methods=["GET", "POST"])
@roles(Role.ADMIN)
def organisations():
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            create_organisation(
                current_user,
                form.code.data,
                form.name.data,
                form.kind.data,
                form.department.data,
                is_public=not form.is_private.data,
                siret=form.siret.data,
            )
        except services.AccountError as exc:
            (form.siret if "SIRET" in str(exc) else form.code).errors.append(str(exc))
        else:
            flash("Structure créée.", "success")
            return redirect(url_for("admin.organisations"))
    q = request.args.get("q", "").strip()
    page = paginate(queries.search_organisations(q), request.args.get("page"))
    return render_template("admin/organisations.html", page=page, form=form, q=q)


@bp.route("/structures/<int:org_id>", methods=["GET", "POST"])
@roles(Role.ADMIN)
def organisation_edit(org_id):
    org = _get_or_404(Organisation, org_id)
    form = OrganisationForm(obj=org if request.method == "GET" else None)
    if request.method == "GET":
        form.is_private.data = not org.is_public
    form.code.data = org.code
    if form.validate_on_submit():
        try:
            update_organisation(
                current_user, org, form.name.data, form.kind.data, form.department.data,
                is_public=not form.is_private.data, siret=form.siret.data,
            )
        except services.AccountError as exc:
            form.siret.errors.append(str(exc))
        else:
            flash("Structure mise à jour.", "success")
            return redirect(url_for("admin.organisations"))
    return render_template("admin/organisation_edit.html", org=org, form=form)


@bp.route("/equipes", methods=["GET", "POST"])
@roles(Role.ADMIN)
def teams():
    form = TeamForm()
    if form.validate_on_submit():
        try:
            create_team(current_user, form.code.data, form.name.data)
        except services.AccountError as exc:
            form.code.errors.append(str(exc))
        else:
            flash("Équipe créée.", "success")
            return redirect(url_for("admin.teams"))
    page = paginate(queries.teams_by_code(), request.args.get("page"))
    return render_template("admin/teams.html", page=page, form=form)


@bp.route("/journal")
@roles(Role.ADMIN)
def audit_log():
    action = request.args.get("action", "").strip()
    actor = normalise_email(request.args.get("acteur", ""))
    page = paginate(search_audit(action=action, actor_email=actor), request.args.get("page"), 50)
    return render_template("admin/audit.html", page=page, action=action, actor=actor)
