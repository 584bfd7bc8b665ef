"""Second factor at login, two-factor set-up, session extension."""
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
from flask_login import current_user

from app.accounts import queries, twofactor
from app.accounts.forms import ConfirmForm, TwoFactorCodeForm, TwoFactorDisableForm
from app.accounts.models import User
from app.accounts.passwords import verify_password
from app.accounts.services import record_failed_login
from app.common.access import logged_in, public
from app.extensions import limiter

bp = Blueprint("security", __name__)
ALLOWED_DURING_SETUP = {
    "security.setup", "security.disable", "security.session_extend", "accounts.logout", "static",
    "site.legal", "site.privacy", "site.accessibility", "site.healthz", "site.readyz",
}


def _pending_user():
    raw = session.get("2fa_user", "")
    user_id, _, version = raw.partition(":")
    if not user_id.isdigit():
        return None
    user = queries.by_id(User, int(user_id))
    if user is None or not user.active or str(user.session_version) != version:
        return None
    return user


def _code_failed(response):
    return bool(g.get("code_failed"))


@bp.route("/connexion/verification", methods=["GET", "POST"])
@public
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    key_func=lambda: "2fa:" + session.get("2fa_user", "none").partition(":")[0],
    methods=["POST"], deduct_when=_code_failed, scope="login-2fa",
    error_message="Trop de codes incorrects. Réessayez dans 15 minutes.",
)
def verify_code():
    user = _pending_user()
    if user is None:
        return redirect(url_for("accounts.login"))
    form = TwoFactorCodeForm()
    if form.validate_on_submit():
        if twofactor.verify(user, form.code.data):
            from app.accounts.views import complete_login

            target = session.get("2fa_next") or url_for("site.index")
            pending_form = session.get("pending_form")
            session.clear()
            if pending_form:
                session["pending_form"] = pending_form
            complete_login(user)
            return redirect(target)
        g.code_failed = True
        record_failed_login(user.email)
        form.code.errors.append("Code incorrect ou déjà utilisé.")
    return render_template("accounts/verify_code.html", form=form)


@bp.route("/compte/double-authentification", methods=["GET", "POST"])
@logged_in
def setup():
    if current_user.totp_enabled:
        return render_template(
            "accounts/twofactor_status.html", form=TwoFactorDisableForm(),
            remaining=twofactor.remaining_recovery_codes(current_user),
            required=twofactor.is_required(current_user),
        )
    nonce = session.get("totp_setup") or twofactor.new_setup_nonce()
    session["totp_setup"] = nonce
    secret = twofactor.setup_secret(current_user, nonce)
    form = TwoFactorCodeForm()
    if form.validate_on_submit():
        try:
            codes = twofactor.enable(current_user, secret, form.code.data)
        except twofactor.TwoFactorError as exc:
            form.code.errors.append(str(exc))
        else:
            session.pop("totp_setup", None)
            from flask_login import login_user

            login_user(current_user._get_current_object())  # the session version changed: keep this session
            return render_template("accounts/recovery_codes.html", codes=codes)
    uri = twofactor.provisioning_uri(current_user, secret)
    return render_template(
        "accounts/twofactor_setup.html", form=form, secret=secret, qr=twofactor.qr_svg(uri),
        required=twofactor.is_required(current_user),
    )


@bp.route("/compte/double-authentification/desactiver", methods=["POST"])
@logged_in
def disable():
    form = TwoFactorDisableForm()
    if not form.validate_on_submit():
        abort(400)
    if not verify_password(current_user.password_hash, form.password.data):
        flash("Mot de passe incorrect : la double authentification reste active.", "error")
        return redirect(url_for("security.setup"))
    try:
        twofactor.disable(current_user, current_user)
    except twofactor.TwoFactorError as exc:
        flash(str(exc), "error")
        return redirect(url_for("security.setup"))
    flash("La double authentification est désactivée.", "success")
    return redirect(url_for("accounts.login"))


@bp.route("/session/prolonger", methods=["POST"])
@logged_in
def session_extend():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return "", 204


def require_two_factor_setup():
    """before_request: roles that must use two-factor authentication set it up first."""
    user = current_user._get_current_object()  # one proxy lookup: this runs on every request
    if not user.is_authenticated or request.endpoint in ALLOWED_DURING_SETUP:
        return None
    if not twofactor.is_required(user) or user.totp_enabled or request.path.startswith("/api/"):
        return None
    if session.get("second_factor_by_provider"):
        return None  # ProConnect said it checked two factors (acr/amr) at this sign-in
    flash("Votre rôle demande la double authentification : configurez-la pour continuer.", "warning")
    return redirect(url_for("security.setup"))
