"""A real OpenID provider for the tests, on 127.0.0.1, built with Authlib's server side.

It behaves as ProConnect does where Passerelle depends on it: discovery document, JWKS, an
authorisation endpoint that refuses unknown parameters and a state or nonce shorter than 32
characters, a login form listing the test users, a token endpoint (client_secret_post, PKCE
S256 required), a userinfo endpoint answering a signed JWT (application/jwt), and an end-session
endpoint (id_token_hint, state, post_logout_redirect_uri). Its own session is a cookie named
op_session, so that signing out really ends something.

`fault` makes it misbehave for the negative tests: "expired" (ID token already expired),
"bad_signature" (ID token signed by another key under the published kid), "unknown_kid" (signed
by a key the JWKS does not hold), "replay_nonce" (the ID token carries the nonce of the previous
sign-in), "userinfo_bad_signature".
"""
import html
import secrets
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector
from authlib.oauth2.rfc6749 import AuthorizationCodeMixin, ClientMixin, TokenMixin, grants
from authlib.oauth2.rfc6749.errors import OAuth2Error
from authlib.oauth2.rfc6750 import BearerTokenValidator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo, UserInfoEndpoint
from authlib.oidc.core.grants import OpenIDCode
from flask import Flask, Response, redirect, request, session
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from werkzeug.serving import make_server

CLIENT_ID = "passerelle-test-client"
CLIENT_SECRET = "passerelle-test-secret"  # noqa: S105 - a test provider's client secret
AUTHORIZE_PARAMETERS = {
    "response_type", "client_id", "redirect_uri", "scope", "state", "nonce", "acr_values",
    "claims", "prompt", "idp_hint", "login_hint", "code_challenge", "code_challenge_method",
}
KID = "op-key-1"


@dataclass
class TestUser:
    key: str
    email: str
    given_name: str
    usual_name: str
    siret: str
    uid: str
    acr: str = "eidas1"
    amr: list = field(default_factory=lambda: ["pwd"])

    @property
    def sub(self):
        return f"sub-{self.key}"

    def get_user_id(self):
        return self.sub


DEFAULT_USERS = [
    TestUser("camille", "camille.nouvelle@fs-demo.example", "Camille", "Nouvelle", "12345678900007", "uid-camille"),
    TestUser("ines", "ines.inconnue@ailleurs.example", "Inès", "Inconnue", "99999999999999", "uid-ines"),
    TestUser("amina", "agent.fs@passerelle.example", "Amina", "Agent-Renommée", "12345678900007", "uid-amina"),
    TestUser("rachid", "rh.fs@passerelle.example", "Rachid", "RH", "12345678900007", "uid-rachid"),
    TestUser("aline", "aline.forte@fs-demo.example", "Aline", "Forte", "12345678900007", "uid-aline",
             acr="eidas2", amr=["pwd", "totp", "mfa"]),
]


class Client(ClientMixin):
    def __init__(self):
        self.client_id = CLIENT_ID
        self.client_secret = CLIENT_SECRET
        self.redirect_uris = []
        self.post_logout_redirect_uris = []
        self.client_metadata = {"userinfo_signed_response_alg": "RS256"}

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return self.redirect_uris[0] if self.redirect_uris else None

    def get_allowed_scope(self, scope):
        return scope

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret):
        return secrets.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method, endpoint):
        return method == "client_secret_post" if endpoint == "token" else True

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type == "authorization_code"


@dataclass
class Code(AuthorizationCodeMixin):
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: TestUser
    nonce: str
    code_challenge: str
    code_challenge_method: str
    auth_time: int

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce

    def get_auth_time(self):
        return self.auth_time

    def get_acr(self):
        return self.user.acr

    def get_amr(self):
        return self.user.amr


@dataclass
class Token(TokenMixin):
    access_token: str
    client: Client
    user: TestUser
    scope: str
    issued_at: int
    expires_in: int

    def check_client(self, client):
        return client.client_id == self.client.client_id

    def get_scope(self):
        return self.scope

    def get_expires_in(self):
        return self.expires_in

    def is_expired(self):
        return time.time() > self.issued_at + self.expires_in

    def is_revoked(self):
        return False

    def get_user(self):
        return self.user

    def get_client(self):
        return self.client


class OpenIDProvider:
    """The provider and its server thread: `start()`, then `url`, `discovery_url`, `stop()`."""

    def __init__(self, users=DEFAULT_USERS):
        self.users = {u.key: u for u in users}
        self.client = Client()
        self.key = RSAKey.generate_key(2048, parameters={"kid": KID, "use": "sig", "alg": "RS256"})
        self.rogue_key = RSAKey.generate_key(2048, parameters={"kid": KID, "alg": "RS256"})
        self.stranger_key = RSAKey.generate_key(2048, parameters={"kid": "unknown-kid", "alg": "RS256"})
        self.fault = None
        self.codes = {}
        self.tokens = {}
        self.last_nonce = None
        self.ended_sessions = []  # (sub, state) of each end-session request honoured
        self.authorize_requests = []  # query strings received, for the tests to read
        self.url = None
        self._server = None
        self._thread = None

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self):
        self._server = make_server("127.0.0.1", 0, self._wsgi, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self.app = self._build_app()
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _wsgi(self, environ, start_response):
        return self.app(environ, start_response)

    @property
    def issuer(self):
        return self.url + "/api/v2"

    @property
    def discovery_url(self):
        return self.issuer + "/.well-known/openid-configuration"

    def allow(self, redirect_uri, post_logout_redirect_uri):
        """Register the client's redirect URIs, as on ProConnect's partner space."""
        if redirect_uri not in self.client.redirect_uris:
            self.client.redirect_uris.append(redirect_uri)
        if post_logout_redirect_uri not in self.client.post_logout_redirect_uris:
            self.client.post_logout_redirect_uris.append(post_logout_redirect_uri)

    def reset(self):
        self.fault = None
        self.ended_sessions.clear()
        self.authorize_requests.clear()

    # --- signing -----------------------------------------------------------------------------

    def signing_key(self, purpose):
        if self.fault == "bad_signature" and purpose == "id_token":
            return self.rogue_key
        if self.fault == "userinfo_bad_signature" and purpose == "userinfo":
            return self.rogue_key
        if self.fault == "unknown_kid" and purpose == "id_token":
            return self.stranger_key
        return self.key

    # --- the Flask app -----------------------------------------------------------------------

    def _build_app(self):
        provider = self
        app = Flask("oidc_provider")
        app.config.update(
            SECRET_KEY=secrets.token_hex(16),
            SESSION_COOKIE_NAME="op_session",  # cookies ignore ports: keep clear of Passerelle's
            OAUTH2_TOKEN_EXPIRES_IN={"authorization_code": 60},
        )

        class CodeGrant(grants.AuthorizationCodeGrant):
            TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_post"]

            def save_authorization_code(self, code, request):
                nonce = request.payload.data.get("nonce")
                if provider.fault == "replay_nonce" and provider.last_nonce:
                    nonce = provider.last_nonce
                provider.last_nonce = request.payload.data.get("nonce")
                provider.codes[code] = Code(
                    code=code,
                    client_id=request.client.client_id,
                    redirect_uri=request.payload.redirect_uri,
                    scope=request.scope,
                    user=request.user,
                    nonce=nonce,
                    code_challenge=request.payload.data.get("code_challenge"),
                    code_challenge_method=request.payload.data.get("code_challenge_method"),
                    auth_time=int(time.time()),
                )

            def query_authorization_code(self, code, client):
                found = provider.codes.get(code)
                return found if found and found.client_id == client.client_id else None

            def delete_authorization_code(self, authorization_code):
                provider.codes.pop(authorization_code.code, None)

            def authenticate_user(self, authorization_code):
                return authorization_code.user

        class IDTokens(OpenIDCode):
            def exists_nonce(self, nonce, request):
                return False

            def resolve_client_private_key(self, client):
                return provider.signing_key("id_token")

            def get_client_algorithm(self, client):
                return "RS256"

            def get_encode_header(self, client):
                return {"alg": "RS256", "kid": provider.signing_key("id_token").kid}

            def get_client_claims(self, client):
                now = int(time.time())
                if provider.fault == "expired":
                    return {"iss": provider.issuer, "aud": [client.client_id], "iat": now - 7200, "exp": now - 3600}
                return {"iss": provider.issuer, "aud": [client.client_id], "iat": now, "exp": now + 60}

            def generate_user_info(self, user, scope):
                # As ProConnect: the ID token names the user (sub) and the IdP; the claims are in userinfo.
                return UserInfo(sub=user.sub, idp_id="test-idp")

        class SignedUserInfo(UserInfoEndpoint):
            def get_issuer(self):
                return provider.issuer

            def get_supported_algorithms(self):
                return ["RS256"]

            def resolve_private_key(self):
                return provider.signing_key("userinfo")

            def generate_user_info(self, user, scope):
                return UserInfo(
                    sub=user.sub, email=user.email, given_name=user.given_name,
                    usual_name=user.usual_name, siret=user.siret, uid=user.uid, idp_id="test-idp",
                )

        class Bearer(BearerTokenValidator):
            def authenticate_token(self, token_string):
                return provider.tokens.get(token_string)

        def save_token(token, request):
            provider.tokens[token["access_token"]] = Token(
                access_token=token["access_token"], client=request.client, user=request.user,
                scope=token.get("scope", ""), issued_at=int(time.time()),
                expires_in=int(token.get("expires_in", 60)),
            )

        server = AuthorizationServer(
            app,
            query_client=lambda cid: provider.client if cid == provider.client.client_id else None,
            save_token=save_token,
        )
        server.register_grant(CodeGrant, [IDTokens(require_nonce=True), CodeChallenge(required=True)])
        protector = ResourceProtector()
        protector.register_token_validator(Bearer())
        server.register_endpoint(SignedUserInfo(resource_protector=protector))

        @app.get("/api/v2/.well-known/openid-configuration")
        def discovery():
            base = provider.issuer
            return {
                "issuer": base,
                "authorization_endpoint": base + "/authorize",
                "token_endpoint": base + "/token",
                "userinfo_endpoint": base + "/userinfo",
                "end_session_endpoint": base + "/session/end",
                "jwks_uri": base + "/jwks",
                "response_types_supported": ["code"],
                "grant_types_supported": ["authorization_code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "userinfo_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["client_secret_post"],
                "code_challenge_methods_supported": ["S256"],
                "scopes_supported": ["openid", "email", "given_name", "usual_name", "siret", "uid", "idp_id"],
                "claims_supported": ["sub", "email", "given_name", "usual_name", "siret", "uid", "idp_id", "acr", "amr"],
                "acr_values_supported": ["eidas1", "eidas2", "eidas3"],
            }

        @app.get("/api/v2/jwks")
        def jwks():
            return KeySet([provider.key]).as_dict(private=False)

        @app.route("/api/v2/authorize", methods=["GET", "POST"])
        def authorize():
            provider.authorize_requests.append(request.query_string.decode())
            unknown = set(request.args) - AUTHORIZE_PARAMETERS
            if unknown:
                return f"Y000400 : Bad Request Exception (unknown parameters: {sorted(unknown)})", 400
            for name in ("state", "nonce"):
                if len(request.args.get(name, "")) < 32:
                    return f"Y000400 : Bad Request Exception ({name} shorter than 32 characters)", 400
            try:
                grant = server.get_consent_grant(end_user=None)
            except OAuth2Error as exc:
                return f"Bad authorisation request: {exc.error}", 400
            if request.method == "POST":
                if "refuser" in request.form:
                    return server.create_authorization_response(grant=grant, grant_user=None)
                user = provider.users.get(request.form.get("user", ""))
                if user is None:
                    return login_form(error="Choisissez un utilisateur de test."), 400
                session["op_user"] = user.key
                return server.create_authorization_response(grant=grant, grant_user=user)
            known = provider.users.get(session.get("op_user", ""))
            if known is not None and request.args.get("prompt") != "login":
                return server.create_authorization_response(grant=grant, grant_user=known)  # single sign-on
            return login_form()

        def login_form(error=None):
            options = "".join(
                f'<div><input type="radio" name="user" id="u-{u.key}" value="{u.key}">'
                f'<label for="u-{u.key}">{html.escape(u.given_name)} {html.escape(u.usual_name)} '
                f"({html.escape(u.email)}, SIRET {u.siret})</label></div>"
                for u in provider.users.values()
            )
            problem = f'<p role="alert">{html.escape(error)}</p>' if error else ""
            page = (
                '<!doctype html><html lang="fr"><head><meta charset="utf-8">'
                "<title>Fournisseur d'identité de test</title></head><body><main>"
                "<h1>Fournisseur d'identité de test</h1>" + problem
                + '<form method="post"><fieldset><legend>Utilisateur de test</legend>' + options
                + '</fieldset><button type="submit" name="connecter">Se connecter</button> '
                '<button type="submit" name="refuser">Refuser</button></form></main></body></html>'
            )
            return Response(page, mimetype="text/html")

        @app.post("/api/v2/token")
        def token():
            return server.create_token_response()

        @app.get("/api/v2/userinfo")
        def userinfo():
            return server.create_endpoint_response("userinfo")

        @app.get("/api/v2/session/end")
        def end_session():
            hint = request.args.get("id_token_hint", "")
            target = request.args.get("post_logout_redirect_uri", "")
            state = request.args.get("state", "")
            try:
                claims = jwt.decode(hint, provider.key).claims  # expiry does not matter for a hint
            except Exception:  # noqa: BLE001 - any bad hint is a bad request
                return "Bad id_token_hint", 400
            if target not in provider.client.post_logout_redirect_uris or not state:
                return "Bad post_logout_redirect_uri or state", 400
            session.pop("op_user", None)
            provider.ended_sessions.append((claims.get("sub"), state))
            return redirect(target + "?" + urlencode({"state": state}), code=303)

        return app
