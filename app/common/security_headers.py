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
from werkzeug.datastructures import Headers


class CachedTalisman(Talisman):
    def init_app(self, app, **kwargs):
        self._endpoint_options = {}
        self._policy_texts = {}
        self._endpoint_headers = {}
        super().init_app(app, **kwargs)

    def _force_https(self):
        if not self._get_local_options()["force_https"]:
            # What Talisman does then: the secure-cookie setting only (its criteria decide nothing without force_https).
            if self.session_cookie_secure and not self.app.debug:
                self.app.config["SESSION_COOKIE_SECURE"] = True
            return None
        return super()._force_https()

    def _set_response_headers(self, response):
        """The same headers, in the same order, as Talisman's own method: computed once per endpoint (and per
        HTTPS state when HSTS is on), then appended when the response has none of them yet (else Talisman
        replaces them itself); a request with a CSP nonce is left to Talisman."""
        if getattr(flask.request, "csp_nonce", None):
            return super()._set_response_headers(response)
        secure = self.strict_transport_security and (
            flask.request.is_secure or flask.request.headers.get("X-Forwarded-Proto", "http") == "https")
        key = (flask.request.endpoint, bool(secure))
        pairs = self._endpoint_headers.get(key)
        if pairs is None:
            probe = flask.Response()
            probe.headers.clear()
            super()._set_response_headers(probe)
            pairs = tuple(probe.headers.to_wsgi_list())
            pairs = self._endpoint_headers[key] = (pairs, frozenset(name.lower() for name, _ in pairs))
        pairs, names = pairs
        headers = response.headers
        if type(headers) is Headers and names.isdisjoint([name.lower() for name in headers.keys()]):
            headers.extend(pairs)  # appended in order: what setting each absent header does
        else:
            for name, value in pairs:
                headers[name] = value
        return response

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
