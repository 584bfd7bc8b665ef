"""JSON errors: api_abort stops a request with the body app.common.errors builds."""
from flask import abort, jsonify, make_response

from app.common.errors import error_body


def api_abort(status, code=None, message=None, fields=None):
    """Stop the request with a JSON error."""
    response = make_response(jsonify(error_body(status, code, message, fields)), status)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="passerelle"'
    abort(response)
