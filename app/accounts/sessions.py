"""Session lifetime: 30 minutes idle, 12 hours at most; a form posted after expiry is kept."""
import secrets
import time
from datetime import timedelta

from flask import current_app, flash, redirect, request, session, url_for
from flask_login import current_user, logout_user

from app.accounts.models import PendingForm, hash_token
from app.common.timezones import utcnow
from app.extensions import db

STARTED, SEEN = "auth_started", "auth_seen"
PENDING = "pending_form"
EXEMPT_ENDPOINTS = {"static", "site.healthz", "site.readyz"}
SECRET_FIELDS = ("password", "csrf_token", "code", "submission_key")


def start_session():
    """Called at login: the session's clocks start now."""
    now = int(time.time())
    session[STARTED] = now
    session[SEEN] = now


# The "last seen" clock is moved at most this often (seconds): a session left unmodified is not
# re-signed and re-sent on every response. Idle expiry is then exact to within this interval.
TOUCH_INTERVAL = 30


def touch_session(force=False):
    now = int(time.time())
    if force or now - session.get(SEEN, 0) >= TOUCH_INTERVAL:
        session[SEEN] = now


# Functions text -> text that mask personal identifiers, registered by the domain that owns the
# masking (reports): accounts imports no other domain.
_maskers = []


def register_pending_form_masker(function):
    if function not in _maskers:
        _maskers.append(function)


def _masked(value):
    for mask in _maskers:
        value = mask(value)
    return value


def _save_pending_form(user_id):
    """Keep what was typed (never passwords or files) for the next login of the same user.

    Every value is masked first (NIR, IBAN, e-mail, names after a civility...), whatever the form:
    the row lives up to a day and reaches the backups. Without a masker nothing is kept.
    """
    if not _maskers:
        return None
    data = [
        [key, _masked(value)]
        for key, values in request.form.lists()
        for value in values
        if not any(secret in key.lower() for secret in SECRET_FIELDS)
    ]
    if not data:
        return None
    raw = secrets.token_urlsafe(24)
    db.session.add(PendingForm(key_hash=hash_token(raw), user_id=user_id, path=request.path, data=data))
    db.session.execute(
        db.delete(PendingForm).where(PendingForm.created_at < utcnow() - timedelta(days=1))
    )
    db.session.commit()
    return raw


def enforce_session_lifetime():
    """before_request: end idle or too old sessions; remember a form posted too late."""
    if request.endpoint in EXEMPT_ENDPOINTS or request.path.startswith("/api/"):
        return None
    if not current_user.is_authenticated:
        return None
    now = int(time.time())
    started, seen = session.get(STARTED), session.get(SEEN)
    if started is None or seen is None:
        start_session()
        return None
    idle = now - seen > current_app.config["SESSION_IDLE_MINUTES"] * 60
    too_old = now - started > current_app.config["SESSION_ABSOLUTE_HOURS"] * 3600
    if not (idle or too_old):
        touch_session(force=request.endpoint == "security.session_extend")
        return None
    user_id = current_user.id
    pending = _save_pending_form(user_id) if request.method == "POST" else None
    logout_user()
    session.clear()
    if pending:
        session[PENDING] = pending
    flash(
        "Votre session a expiré. Reconnectez-vous : ce que vous aviez saisi a été conservé."
        if pending else "Votre session a expiré. Reconnectez-vous pour continuer.",
        "warning",
    )
    next_path = request.full_path if request.method == "GET" else request.path
    return redirect(url_for("accounts.login", next=next_path.rstrip("?")))


def pending_form_of_current_user():
    """What BaseForm refills itself with (registered with app.common.forms)."""
    if current_user and current_user.is_authenticated:
        return take_pending_form(current_user)
    return None


def has_pending_form():
    """Whether a form saved at a session expiry waits in this session (take_pending_form may then refill a
    form of this page); reads the session only."""
    return bool(session.get(PENDING))


def take_pending_form(user):
    """The saved form data for this request's page, if the same user typed it (used once)."""
    raw = session.get(PENDING)
    if not raw or request.method != "GET" or not current_user.is_authenticated:
        return None
    row = db.session.scalar(db.select(PendingForm).where(PendingForm.key_hash == hash_token(raw)))
    if row is None or row.user_id != user.id or row.path != request.path:
        return None
    data = row.data
    db.session.delete(row)
    db.session.commit()
    session.pop(PENDING, None)
    return data
