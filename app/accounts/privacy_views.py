"""Pages: download my data, erase my account (with confirmation), admin erasure."""
import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, session, url_for
from flask_login import current_user, logout_user

from app.accounts import queries
from app.accounts.forms import EraseAccountForm
from app.accounts.models import Role, User
from app.accounts.passwords import verify_password
from app.accounts.privacy import erase_account, export_personal_data
from app.common.access import logged_in, roles

bp = Blueprint("privacy", __name__)


@bp.route("/compte/mes-donnees")
@logged_in
def my_data():
    return render_template("accounts/my_data.html", form=EraseAccountForm())


@bp.route("/compte/mes-donnees.json")
@logged_in
def my_data_json():
    data = export_personal_data(current_user, current_user)
    response = Response(json.dumps(data, ensure_ascii=False, indent=2), mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="mes-donnees-passerelle.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/compte/effacer", methods=["POST"])
@logged_in
def erase_mine():
    form = EraseAccountForm()
    if not form.validate_on_submit():
        return render_template("accounts/my_data.html", form=form), 400
    if not verify_password(current_user.password_hash, form.password.data):
        form.password.errors.append("Mot de passe incorrect.")
        return render_template("accounts/my_data.html", form=form), 400
    user = current_user._get_current_object()
    erase_account(user, user)
    logout_user()
    session.clear()
    flash("Votre compte et vos données personnelles ont été effacés.", "success")
    return redirect(url_for("accounts.login"))


@bp.route("/admin/utilisateurs/<int:user_id>/effacer", methods=["GET", "POST"])
@roles(Role.ADMIN)
def erase_user(user_id):
    user = queries.by_id(User, user_id)
    if user is None:
        abort(404)
    if user.id == current_user.id:
        flash("Pour effacer votre propre compte, passez par « Mes données ».", "error")
        return redirect(url_for("admin.user_detail", user_id=user.id))
    form = EraseAccountForm()
    del form.password
    if form.validate_on_submit():
        erase_account(current_user, user)
        flash("Le compte est effacé : ses données personnelles ont été supprimées ou anonymisées.", "success")
        return redirect(url_for("admin.users"))
    return render_template("admin/erase_user.html", user=user, form=form)
