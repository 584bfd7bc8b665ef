"""Login, logout, password and e-mail management, personal API tokens."""
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user

from app.accounts import devices, queries, services
from app.accounts.forms import (
    ConfirmForm,
    EmailChangeForm,
    LoginForm,
    NewPasswordForm,
    PasswordChangeForm,
    PasswordResetRequestForm,
)
from app.accounts.models import Role, TokenPurpose, normalise_email
from app.accounts.sessions import start_session
from app.common.access import logged_in, public
from app.extensions import limiter

bp = Blueprint("accounts", __name__)

LOCKED_MESSAGE = (
    "Trop de tentatives de connexion. Pour protéger le compte, réessayez dans 15 minutes "
    "ou réinitialisez votre mot de passe."
)


def _login_email_key():
    """Failures count per account from untrusted browsers, per device cookie from known ones."""
    email = normalise_email(request.form.get("email", ""))
    nonce = devices.trusted_nonce(email)
    return f"login-device:{nonce}" if nonce else "login:" + email


def _login_failed(response):
    return bool(g.get("login_failed"))


def safe_next(target):
    """A local path to go to after login, or None (no open redirect)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


# The home page of each role (pages of the site shell, named here so accounts imports no shell).
HOME_ENDPOINTS = {
    Role.AGENT.value: "site.agent_home",
    Role.HR.value: "site.hr_home",
    Role.TRIAGER.value: "site.triager_home",
    Role.ADMIN.value: "site.admin_home",
    Role.EXPERT.value: "backoffice.board",
    Role.MANAGER_NETWORK.value: "reception_quality.index",
}


def home_for(user):
    return url_for(HOME_ENDPOINTS[user.role])


@bp.route("/connexion", methods=["GET", "POST"])
@public
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    key_func=_login_email_key,
    methods=["POST"],
    deduct_when=_login_failed,
    scope="login-account",
    error_message=LOCKED_MESSAGE,
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"],
    key_func=get_remote_address,
    methods=["POST"],
    deduct_when=_login_failed,
    scope="login-address",
    error_message=LOCKED_MESSAGE,
)
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            g.login_failed = True
            services.record_failed_login(form.email.data)
            flash("Adresse e-mail ou mot de passe incorrect.", "error")
            return render_template("accounts/login.html", form=form), 200
        pending_form = session.get("pending_form")
        session.clear()  # a fresh session at login (no fixation)
        if pending_form:
            session["pending_form"] = pending_form
        target = safe_next(form.next.data) or home_for(user)
        if user.totp_enabled:
            session["2fa_user"] = f"{user.id}:{user.session_version}"
            session["2fa_next"] = target
            return redirect(url_for("security.verify_code"))
        complete_login(user)
        return redirect(target)
    return render_template("accounts/login.html", form=form)


def complete_login(user):
    """Open the session once every factor is checked."""
    login_user(user)
    start_session()
    devices.remember_device(user)
    services.record_login(user)


@bp.route("/deconnexion", methods=["POST"])
@logged_in
def logout():
    services.end_sessions(current_user)  # logging out also ends the user's other sessions
    logout_user()
    session.clear()
    flash("Vous êtes déconnecté(e).", "info")
    return redirect(url_for("accounts.login"))


@bp.route("/mot-de-passe/oubli", methods=["GET", "POST"])
@public
@limiter.limit("10 per hour", methods=["POST"], scope="reset-request")
def forgot_password():
    form = PasswordResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        flash(
            "Si un compte existe avec cette adresse, un lien de réinitialisation vient d'y être "
            "envoyé.",
            "info",
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form)


def _set_password_page(token, purpose, template, success):
    if not services.token_is_valid(token, purpose):
        return render_template("accounts/link_expired.html"), 410
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data, purpose)
        except services.AccountError as exc:
            form.password.errors.append(str(exc))
        else:
            flash(success, "success")
            return redirect(url_for("accounts.login"))
    return render_template(template, form=form)


@bp.route("/mot-de-passe/reinitialiser/<token>", methods=["GET", "POST"])
@public
def reset_password(token):
    return _set_password_page(
        token,
        TokenPurpose.PASSWORD_RESET,
        "accounts/reset_password.html",
        "Votre mot de passe a été changé. Vous pouvez vous connecter.",
    )


@bp.route("/activation/<token>", methods=["GET", "POST"])
@public
def activate(token):
    return _set_password_page(
        token,
        TokenPurpose.ACTIVATION,
        "accounts/activate.html",
        "Votre compte est activé. Vous pouvez vous connecter.",
    )


@bp.route("/compte")
@logged_in
def account():
    return _account_page()


def _account_page(password_form=None, email_form=None, revealed=None):
    """The account page, with the form that failed (if any) showing its errors, or a new token."""
    return render_template(
        "accounts/account.html",
        revealed=revealed,
        password_form=password_form or PasswordChangeForm(prefix="pw"),
        email_form=email_form or EmailChangeForm(prefix="em"),
        tokens=queries.tokens_of(current_user),
        confirm_form=ConfirmForm(),
    )


@bp.route("/compte/mot-de-passe", methods=["POST"])
@logged_in
def change_password():
    form = PasswordChangeForm(prefix="pw")
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.password.data)
        except services.AccountError as exc:
            field = form.current_password if "actuel" in str(exc) else form.password
            field.errors.append(str(exc))
        else:
            login_user(current_user._get_current_object())  # keep this session valid with the new session version
            flash("Votre mot de passe a été changé. Vos autres sessions sont fermées.", "success")
            return redirect(url_for("accounts.account"))
    return _account_page(password_form=form), 400


@bp.route("/compte/adresse", methods=["POST"])
@logged_in
def change_email():
    form = EmailChangeForm(prefix="em")
    if form.validate_on_submit():
        try:
            services.request_email_change(current_user, form.email.data, form.password.data)
        except services.AccountError as exc:
            field = form.password if "mot de passe" in str(exc) else form.email
            field.errors.append(str(exc))
        else:
            flash(
                "Un lien de confirmation a été envoyé à la nouvelle adresse. L'adresse changera "
                "quand vous l'aurez suivi.",
                "info",
            )
            return redirect(url_for("accounts.account"))
    return _account_page(email_form=form), 400


@bp.route("/compte/adresse/confirmer/<token>")
@public
def confirm_email(token):
    try:
        services.confirm_email_change(token)
    except services.AccountError as exc:
        return render_template("accounts/link_expired.html", message=str(exc)), 410
    flash("Votre nouvelle adresse e-mail est enregistrée.", "success")
    return redirect(url_for("site.index"))


@bp.route("/compte/jetons", methods=["POST"])
@logged_in
def create_token():
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    label = request.form.get("label", "").strip()[:100]
    _token, raw = services.create_api_token(current_user, current_user, label)
    # Shown in this response only: a flashed value would travel in the (signed, not encrypted) session cookie.
    return _account_page(revealed=("Jeton d'API créé",
                                   "Voici votre jeton d'API. Copiez-le maintenant : il ne sera plus affiché.", raw))


@bp.route("/compte/jetons/<int:token_id>/revoquer", methods=["POST"])
@logged_in
def revoke_token(token_id):
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    token = queries.token_of(current_user, token_id)
    if token is None:
        abort(404)
    services.revoke_api_token(current_user, token)
    flash("Le jeton est révoqué.", "success")
    return redirect(url_for("accounts.account"))
