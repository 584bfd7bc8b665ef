"""Attestation pages: the agent's own attestation (HTML, PDF) and the public verification page.

The agent's routes attach to the training blueprint; the verification page lives on its own
small public blueprint, so that nothing else under /formation is reachable anonymously.
"""
from flask import Blueprint, abort, make_response, render_template
from flask_login import current_user

from app.accounts.models import Role
from app.common.access import public, roles
from app.common.pdf import pdf_response
from app.extensions import limiter
from app.training import pdf
from app.training.attestations import attestation_for, attestation_from_completion, completion_from_token
from app.training.services import module_by_slug
from app.training.views import bp

verify_bp = Blueprint("attestations", __name__, url_prefix="/attestations")


def _own_attestation_or_404(slug):
    # Always the current user's attestation: there is no way to name someone else's.
    module = module_by_slug(slug)
    attestation = attestation_for(current_user, module) if module is not None else None
    if attestation is None:
        abort(404)
    return attestation


@bp.route("/modules/<slug>/attestation")
@roles(Role.AGENT)
def attestation(slug):
    return render_template("attestations/attestation.html", attestation=_own_attestation_or_404(slug))


@bp.route("/modules/<slug>/attestation.pdf")
@roles(Role.AGENT)
def attestation_pdf(slug):
    attestation = _own_attestation_or_404(slug)
    return pdf_response(pdf.attestation_pdf(attestation), f"attestation-{attestation.module_slug}.pdf")


@verify_bp.route("/verifier/<token>")
@public
@limiter.limit("30 per minute")
def verify(token):
    completion = completion_from_token(token)
    if completion is None:
        response = make_response(render_template("attestations/invalid.html"), 404)
    else:
        response = make_response(
            render_template("attestations/verify.html", attestation=attestation_from_completion(completion))
        )
    # The page names a person: keep it out of search engines and caches.
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Cache-Control"] = "private, no-store"
    return response
