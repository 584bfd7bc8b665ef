"""« Votre avis »: the public page of an organisation, reached by the QR code of its poster.

No account and no cookie beyond the CSRF token's session; answers are never shown back. Robots are
kept out by a hidden field, a minimum fill time (signed timestamp) and a rate limit per address.
"""
import time

from flask import Blueprint, abort, current_app, make_response, render_template
from itsdangerous import BadSignature, URLSafeSerializer

from app.common.access import public
from app.extensions import limiter
from app.reception import queries, services
from app.reception.forms import VoiceForm

bp = Blueprint("voice", __name__, url_prefix="/avis")

TOO_MANY = "Trop de réponses envoyées depuis cette adresse en peu de temps. Patientez une minute, puis réessayez."


def _serializer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="voice-started")


def _elapsed(signed):
    try:
        started = float(_serializer().loads(signed or ""))
    except (BadSignature, ValueError, TypeError):
        return None
    return time.time() - started


def _rate_limit():
    return current_app.config["VOICE_RATE_LIMIT"]


def _page(organisation, form, status=200, sent=False):
    form.started.data = _serializer().dumps(str(time.time()))
    response = make_response(render_template("reception/voice.html", organisation=organisation, form=form,
                                             sent=sent), status)
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the token stays out of other sites' logs
    return response


def _int_or_none(value):
    return int(value) if value not in (None, "", "None") else None


@bp.route("/<token>", methods=["GET", "POST"])
@public
@limiter.limit(_rate_limit, methods=["POST"], error_message=TOO_MANY)
def answer(token):
    organisation = queries.voice_organisation(token)
    if organisation is None:
        abort(404)
    form = VoiceForm()
    form.application_id.choices = queries.application_choices()
    if not form.is_submitted():
        return _page(organisation, form)
    if form.website.data:
        return _page(organisation, VoiceForm(formdata=None), sent=True)  # a robot: thanked, not stored
    if not form.validate():
        return _page(organisation, form, 400)
    elapsed = _elapsed(form.started.data)
    if elapsed is None or elapsed < current_app.config["VOICE_MIN_FILL_SECONDS"]:
        form.form_errors.append("Votre réponse est arrivée trop vite. Relisez-la, puis envoyez-la de nouveau.")
        return _page(organisation, form, 400)
    try:
        services.submit_answer(
            organisation, handled=_int_or_none(form.handled.data), welcome=_int_or_none(form.welcome.data),
            waiting=_int_or_none(form.waiting.data), comment=form.comment.data,
            application_id=_int_or_none(form.application_id.data), problem=form.problem.data)
    except services.ReceptionError as exc:
        getattr(form, exc.field or "handled", form.handled).errors.append(str(exc))
        return _page(organisation, form, 400)
    fresh = VoiceForm(formdata=None)
    fresh.application_id.choices = form.application_id.choices
    return _page(organisation, fresh, sent=True)
