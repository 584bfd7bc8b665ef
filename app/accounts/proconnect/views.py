"""Sign-in with ProConnect: the button's target, the provider's return, logout, linking a password account."""
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError

from app.accounts.forms import ConfirmForm
from app.accounts.proconnect import client as pc
from app.accounts.proconnect import services
from app.accounts.sessions import start_session
from app.common.access import logged_in, public
from app.common.urls import external_url

bp = Blueprint("proconnect", __name__)

# Session keys: the sign-in's handle (its ID token is in the database), how the session was opened,
# whether the provider already checked two factors, where to go after the sign-in.
HANDLE, METHOD, PROVIDER_MFA, NEXT = "proconnect_handle", "auth_method", "second_factor_by_provider", "proconnect_next"

ERRORS = {
    "provider": (
        400,
        "La connexion avec ProConnect n'a pas abouti",
        "La réponse de ProConnect n'a pas pu être vérifiée. Aucun compte n'a été créé. "
        "Recommencez depuis la page de connexion.",
    ),
    "access_denied": (
        400,
        "Connexion avec ProConnect annulée",
        "Vous avez refusé ou annulé la connexion chez ProConnect. Aucun compte n'a été créé.",
    ),
    "expired": (
        400,
        "Demande de connexion expirée",
        "Cette demande de connexion avec ProConnect n'est plus valable (elle a déjà servi ou a "
        "expiré). Aucun compte n'a été créé. Recommencez depuis la page de connexion.",
    ),
    "logout": (
        400,
        "Retour de ProConnect non reconnu",
        "Le retour de ProConnect après la déconnexion n'a pas pu être vérifié. Vous êtes bien "
        "déconnecté(e) de Passerelle.",
    ),
    "unknown_organisation": (
        403,
        "Votre structure n'est pas encore inscrite",
        "Votre structure n'est pas encore inscrite sur Passerelle : demandez à votre responsable.",
    ),
    "inactive": (
        403,
        "Compte désactivé",
        "Votre compte Passerelle est désactivé. Adressez-vous à votre responsable.",
    ),
    "conflict": (
        409,
        "Compte déjà associé",
        "Votre compte Passerelle est déjà associé à une autre identité ProConnect. "
        "Adressez-vous à votre administrateur.",
    ),
    "unavailable": (
        503,
        "ProConnect est indisponible",
        "ProConnect ne répond pas pour le moment. Réessayez plus tard ou connectez-vous avec "
        "votre mot de passe.",
    ),
}


def hide_when_disabled():
    """before_request: without the PROCONNECT_* settings, no ProConnect route exists (404)."""
    if (request.endpoint or "").startswith("proconnect.") and not pc.is_enabled():
        abort(404)


def _refuse(kind, reason):
    current_app.logger.warning("ProConnect sign-in refused: %s", reason)  # a reason, never a token
    status, title, message = ERRORS[kind]
    return render_template("accounts/proconnect/error.html", title=title, message=message), status


def _error_kind(reason):
    if reason == "provider_error:access_denied":
        return "access_denied"
    if reason == "bad_state":
        return "expired"
    return "provider"


@bp.route("/connexion/proconnect")
@public
def start():
    from app.accounts.views import home_for, safe_next

    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    target = safe_next(request.args.get("next"))
    if target:
        session[NEXT] = target
    try:
        return pc.authorize_redirect(external_url("proconnect.callback"))
    except Exception as exc:  # noqa: BLE001 - discovery unreachable: one French page
        return _refuse("unavailable", f"discovery_failed:{type(exc).__name__}")


@bp.route("/connexion/proconnect/retour")
@public
def callback():
    from app.accounts.views import home_for

    try:
        id_claims, userinfo, id_token, nonce = pc.complete_authorization()
    except pc.ProviderError as exc:
        return _refuse(_error_kind(exc.reason), exc.reason)
    claims = {**userinfo, "sub": id_claims["sub"]}
    try:
        user, handle = services.sign_in(claims, nonce, id_token)
    except services.LinkNeedsPassword:
        current_app.logger.info("ProConnect sign-in: link of a non-agent account waits for a password sign-in")
        return render_template("accounts/proconnect/link_needed.html"), 403
    except services.SignInRefused as exc:
        return _refuse(exc.kind, exc.reason)
    target = session.get(NEXT) or home_for(user)
    pending_form = session.get("pending_form")
    session.clear()  # a fresh session at sign-in (no fixation), as for a password sign-in
    if pending_form:
        session["pending_form"] = pending_form
    session[HANDLE] = handle
    session[METHOD] = "proconnect"
    met = pc.provider_met_two_factors(id_claims)
    if met:
        session[PROVIDER_MFA] = True
    elif user.totp_enabled:
        # The provider did not check a second factor: ours is asked, as after a password. The code
        # page starts a fresh session; `resume` then brings back the handle of this sign-in.
        session["2fa_user"] = f"{user.id}:{user.session_version}"
        session["2fa_next"] = url_for("proconnect.resume", jeton=_resume_serializer().dumps(
            {"user": user.id, "handle": handle, "next": target}
        ))
        return redirect(url_for("security.verify_code"))
    login_user(user)
    start_session()
    return redirect(target)


def _resume_serializer():
    from itsdangerous import URLSafeTimedSerializer

    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="proconnect-resume")


@bp.route("/connexion/proconnect/suite")
@logged_in
def resume():
    """After our second factor: the session opened by the code page learns its ProConnect sign-in."""
    from itsdangerous import BadData

    from app.accounts.views import home_for, safe_next

    try:
        data = _resume_serializer().loads(request.args.get("jeton", ""), max_age=900)
    except BadData:
        abort(400)
    if data.get("user") != current_user.id:
        abort(400)
    session[HANDLE] = data["handle"]
    session[METHOD] = "proconnect"
    return redirect(safe_next(data.get("next")) or home_for(current_user))


@bp.route("/deconnexion/proconnect")
@logged_in
def logout():
    # A link (GET) rather than a form: our CSP's form-action would block the redirect to the provider.
    try:
        validate_csrf(request.args.get("jeton", ""))
    except (ValidationError, CSRFError):
        abort(400)
    id_token = services.end_session(current_user, session.get(HANDLE))
    logout_user()
    session.clear()
    if not id_token:
        flash("Vous êtes déconnecté(e).", "info")
        return redirect(url_for("accounts.login"))
    try:
        return pc.logout_redirect(id_token, external_url("proconnect.logged_out"))
    except Exception as exc:  # noqa: BLE001 - provider unreachable: signed out here at least
        current_app.logger.warning("ProConnect logout redirect failed: %s", type(exc).__name__)
        flash("Vous êtes déconnecté(e) de Passerelle ; ProConnect n'a pas pu être joint.", "warning")
        return redirect(url_for("accounts.login"))


@bp.route("/deconnexion/proconnect/retour")
@public
def logged_out():
    try:
        pc.validate_logout_return()
    except pc.ProviderError as exc:
        return _refuse("logout", exc.reason)
    flash("Vous êtes déconnecté(e) de Passerelle et de ProConnect.", "info")
    return redirect(url_for("accounts.login"))


@bp.route("/compte/proconnect", methods=["GET", "POST"])
@logged_in
def link():
    identity = services.pending_link(current_user)
    if identity is None:
        abort(404)
    if session.get(METHOD) == "proconnect":
        # The confirmation must come from a session opened with the account's password.
        abort(403)
    form = ConfirmForm()
    if form.validate_on_submit():
        services.confirm_link(current_user, identity)
        flash("Votre compte est associé à ProConnect : vous pouvez désormais vous connecter avec ProConnect.", "success")
        return redirect(url_for("accounts.account"))
    return render_template("accounts/proconnect/link.html", form=form, identity=identity)
