"""Flask-Talisman with what it recomputed on every request computed once per endpoint.

Talisman rebuilds each view's options (a dict of eight defaults) three to five times a request and joins the
Content-Security-Policy and Permissions-Policy texts again on every response. Here both are kept per
endpoint: a view's options (`talisman_view_options`) are set when the view is defined and never change while
the app runs, and a policy text depends only on the policy unless a CSP nonce is in use. The headers sent
are the same, byte for byte; what depends on the request (HTTPS redirect, HSTS, a nonce) is still decided
per request by Talisman itself.
"""
import flask
from flask_talisman import Talisman


class CachedTalisman(Talisman):
    def init_app(self, app, **kwargs):
        self._endpoint_options = {}
        self._policy_texts = {}
        super().init_app(app, **kwargs)

    def _get_local_options(self):
        endpoint = flask.request.endpoint
        options = self._endpoint_options.get(endpoint)
        if options is None:
            options = self._endpoint_options[endpoint] = super()._get_local_options()
        return options

    def _parse_policy(self, policy):
        if getattr(flask.request, "csp_nonce", None):
            return super()._parse_policy(policy)  # the nonce changes with every request
        cached = self._policy_texts.get(id(policy))
        if cached is None or cached[0] is not policy:  # the policy object is kept: its id stays its own
            cached = self._policy_texts[id(policy)] = (policy, super()._parse_policy(policy))
        return cached[1]
