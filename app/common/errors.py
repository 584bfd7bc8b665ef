"""Error pages in French (HTML) and JSON errors under /api/."""
import uuid

from flask import jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

# JSON errors (under /api/): {"error": {"code": "...", "message": "..."}} with French messages.
MESSAGES = {
    400: ("bad_request", "La requête est invalide."),
    401: ("unauthorized", "Authentification requise : fournissez un jeton d'API valide."),
    403: ("forbidden", "Vous n'avez pas accès à cette ressource."),
    404: ("not_found", "Ressource introuvable."),
    405: ("method_not_allowed", "Méthode non autorisée pour cette adresse."),
    409: ("conflict", "La ressource a changé entre-temps."),
    413: ("payload_too_large", "La requête est trop volumineuse."),
    415: ("unsupported_media_type", "Type de contenu non pris en charge."),
    422: ("invalid_request", "La requête est invalide."),
    429: ("too_many_requests", "Trop de requêtes. Réessayez plus tard."),
    500: ("internal_error", "Erreur interne. L'incident a été enregistré."),
    503: ("unavailable", "Service momentanément indisponible."),
}


def error_body(status, code=None, message=None, fields=None):
    default_code, default_message = MESSAGES.get(status, ("error", "Erreur."))
    error = {"code": code or default_code, "message": message or default_message}
    if fields:
        error["fields"] = fields
    return {"error": error}


TITLES = {
    400: "Requête invalide",
    403: "Accès refusé",
    404: "Page introuvable",
    405: "Méthode non autorisée",
    410: "Lien expiré",
    413: "Fichier ou formulaire trop volumineux",
    429: "Trop de tentatives",
    500: "Erreur interne",
    503: "Service indisponible",
}

DETAILS = {
    400: "La demande n'a pas pu être traitée. Rechargez la page et réessayez.",
    403: "Vous n'avez pas les droits nécessaires pour accéder à cette page.",
    404: "La page que vous cherchez n'existe pas ou n'est pas accessible avec votre compte.",
    405: "Cette adresse ne peut pas être utilisée ainsi.",
    413: "L'envoi dépasse la taille autorisée (30 Mo par envoi). Réduisez la taille des "
    "fichiers et réessayez.",
    429: "Trop de tentatives en peu de temps. Patientez quelques minutes avant de réessayer.",
    500: "Une erreur inattendue s'est produite. L'équipe technique a été prévenue.",
    503: "Le service est momentanément indisponible. Réessayez dans quelques instants.",
}


def _wants_json():
    return request.path.startswith("/api/")


def _csrf_message(error):
    from flask_wtf.csrf import CSRFError

    if isinstance(error, CSRFError):
        return (
            "Le formulaire a expiré ou n'a pas été envoyé depuis Passerelle. Rechargez la page "
            "et réessayez."
        )
    return None


def handle_http_error(error):
    status = error.code or 500
    if _wants_json():
        fields = None
        data = getattr(error, "data", None)
        if isinstance(data, dict) and "messages" in data:
            fields = data["messages"]
            # webargs nests messages by location ("json", "query"...): flatten one level.
            if isinstance(fields, dict) and len(fields) == 1:
                fields = next(iter(fields.values()))
        message = None
        if status == 429 and error.description:
            message = str(error.description)
        body = error_body(status, message=message, fields=fields)
        if fields:
            names = ", ".join(sorted(str(k) for k in fields)) if isinstance(fields, dict) else ""
            body["error"]["message"] = f"La requête est invalide : vérifiez {names}." if names else body["error"]["message"]
        response = jsonify(body)
        response.status_code = status
        return response
    message = _csrf_message(error) or DETAILS.get(status)
    if status == 429 and error.description and "Trop" in str(error.description):
        message = str(error.description)
    return (
        render_template(
            "errors/error.html",
            status=status,
            title=TITLES.get(status, "Erreur"),
            message=message or "Une erreur s'est produite.",
        ),
        status,
    )


def handle_unexpected_error(error):
    from flask import current_app

    if isinstance(error, HTTPException):
        return handle_http_error(error)
    incident = uuid.uuid4().hex[:12]
    current_app.logger.exception("incident %s", incident)
    try:
        from app.extensions import db

        db.session.rollback()
    except Exception:  # noqa: BLE001 - the error page must render even without a database
        current_app.logger.warning("rollback failed while handling incident %s", incident)
    if _wants_json():
        body = error_body(500, message=f"Erreur interne (incident {incident}).")
        body["error"]["incident"] = incident  # what to quote to the support team; the trace stays in the log
        return jsonify(body), 500
    return (
        render_template(
            "errors/error.html",
            status=500,
            title=TITLES[500],
            message=DETAILS[500],
            incident=incident,
        ),
        500,
    )


def handle_database_error(error):
    """A database that refuses a statement or a commit answers 503: nothing half-written stays."""
    from flask import current_app

    from app.extensions import db

    current_app.logger.error("database unavailable: %s", type(error).__name__)
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the error page must render even without a database
        current_app.logger.warning("rollback failed after a database error")
    if _wants_json():
        return jsonify(error_body(503)), 503
    return (
        render_template("errors/error.html", status=503, title=TITLES[503], message=DETAILS[503]),
        503,
    )


def register_error_handlers(app):
    from sqlalchemy.exc import DBAPIError, OperationalError

    app.register_error_handler(OperationalError, handle_database_error)
    app.register_error_handler(DBAPIError, handle_database_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(InternalServerError, handle_unexpected_error)
    app.register_error_handler(Exception, handle_unexpected_error)
