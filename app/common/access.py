"""Access rules: every view declares who may reach it, and the rule is enforced centrally.

A view without a rule is refused (fail closed) and reported by `unguarded_endpoints`, which
a test runs over the whole URL map.
"""
from flask import abort, current_app, g, request
from flask_login import current_user

PUBLIC = "public"
LOGGED_IN = "logged_in"
# A rule kind (bearer-token JSON API), not a secret.
TOKEN = "token"  # noqa: S105  # nosec B105

# Endpoints registered by extensions, with the rule that applies to them.
EXTENSION_RULES = {
    "static": PUBLIC,
    "api-docs.openapi_json": PUBLIC,
}


def _mark(view, rule):
    view.access_rule = rule
    return view


def public(view):
    """Anyone may reach this view."""
    return _mark(view, (PUBLIC,))


def logged_in(view):
    """Any logged-in, active user may reach this view."""
    return _mark(view, (LOGGED_IN,))


def roles(*allowed):
    """Only logged-in users with one of these roles may reach this view."""

    def decorator(view):
        return _mark(view, (LOGGED_IN, *allowed))

    return decorator


def api_token(*allowed):
    """JSON API view: bearer token required; optional role restriction."""

    def decorator(view):
        return _mark(view, (TOKEN, *allowed))

    return decorator


def rule_for(app, endpoint):
    """The access rule declared for an endpoint, or None."""
    if endpoint in EXTENSION_RULES:
        return (EXTENSION_RULES[endpoint],)
    view = app.view_functions.get(endpoint)
    if view is None:
        return None
    rule = getattr(view, "access_rule", None)
    if rule is None and hasattr(view, "view_class"):
        rule = getattr(view.view_class, "access_rule", None)
    return rule


def unguarded_endpoints(app):
    """Endpoints of the URL map that declare no access rule."""
    return sorted(
        {r.endpoint for r in app.url_map.iter_rules() if rule_for(app, r.endpoint) is None}
    )


_token_checker = None  # function(allowed roles) -> the caller, or aborts (registered by app.api)


def register_token_checker(function):
    """The JSON API says how a bearer token is checked (common never imports the API)."""
    global _token_checker
    _token_checker = function


def enforce_access_rule():
    """before_request hook: apply the rule of the matched endpoint."""
    endpoint = request.endpoint
    if endpoint is None:
        return None  # 404 / 405 raised by routing, handled by the error pages
    rule = rule_for(current_app, endpoint)
    if rule is None:
        current_app.logger.error("endpoint without access rule: %s", endpoint)
        abort(403)
    kind, allowed = rule[0], rule[1:]
    if kind == PUBLIC:
        return None
    if kind == TOKEN:
        if _token_checker is None:
            abort(403)  # no API registered: fail closed
        g.api_user = _token_checker(allowed)
        return None
    user = current_user._get_current_object()  # one proxy lookup: this runs on every request
    if not user.is_authenticated:
        from app.extensions import login_manager

        return login_manager.unauthorized()
    if allowed and user.role not in allowed:
        abort(403)
    return None


def forbid_caching(response):
    """after_request: pages behind sign-in and API answers are never stored by the browser.

    On a shared reception PC the Back button would otherwise show personal data after logout.
    """
    endpoint = request.endpoint
    if endpoint == "static":
        return response
    rule = rule_for(current_app, endpoint) if endpoint else None
    is_public = rule is not None and rule[0] == PUBLIC
    if is_public and not request.path.startswith("/api/") and not current_user.is_authenticated:
        return response  # a public page seen anonymously keeps its own caching rule (JWKS)
    if "no-store" not in response.headers.get("Cache-Control", ""):
        response.headers["Cache-Control"] = "no-store"
    return response
