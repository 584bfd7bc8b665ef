"""Public pages: the verification of a passport document, the issuer's public keys (JWKS) and the
revocation status lists of its Open Badges credentials.

They live on their own blueprint so that nothing else of the passport is reachable anonymously.
"""
from flask import Blueprint, abort, jsonify, make_response, render_template

from app.common.access import public
from app.extensions import limiter
from app.passports import status_list
from app.passports.credentials import STATUS_LIST_MAX_AGE, jwks, status_list_credential
from app.passports.documents import ClosedLink, verify_token

bp = Blueprint("verify", __name__)


@bp.route("/verify/<token>")
@public
@limiter.limit("30 per minute")
def verify(token):
    verification = verify_token(token)
    if verification is None:
        response = make_response(render_template("passport_docs/verify_invalid.html"), 404)
    elif isinstance(verification, ClosedLink):
        response = make_response(render_template("passport_docs/verify_closed.html", link=verification), 410)
    else:
        response = make_response(render_template("passport_docs/verify.html", verification=verification))
    # The page names a person: keep it out of search engines and shared caches.
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/.well-known/jwks.json")
@public
def jwks_document():
    response = jsonify(jwks())
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["Access-Control-Allow-Origin"] = "*"  # verifiers fetch it from anywhere
    return response


@bp.route("/ob3/status-lists/<int:number>")
@public
@limiter.limit("120 per minute")  # signed on each request; verifiers cache it (Cache-Control, ttl)
def status_list_document(number):
    # Entry ids are 32-bit: no list lies beyond that.
    if number > (2**31 - 1) // status_list.LIST_SIZE:
        abort(404)
    response = make_response(status_list_credential(number))
    response.mimetype = "application/vc+jwt"
    response.headers["Cache-Control"] = f"public, max-age={STATUS_LIST_MAX_AGE}"
    response.headers["Access-Control-Allow-Origin"] = "*"  # verifiers fetch it from anywhere
    return response
