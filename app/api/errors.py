"""JSON error bodies: {"error": {"code": "...", "message": "..."}} with French messages."""
from flask import abort, jsonify, make_response

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


def api_abort(status, code=None, message=None, fields=None):
    """Stop the request with a JSON error."""
    response = make_response(jsonify(error_body(status, code, message, fields)), status)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="passerelle"'
    abort(response)
