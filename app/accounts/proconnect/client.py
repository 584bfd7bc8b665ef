"""The OpenID Connect client for ProConnect, built with Authlib from the PROCONNECT_* settings."""
import secrets

from authlib.integrations.flask_client import OAuth
from flask import current_app
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

NAME = "proconnect"
# ProConnect refuses a state or nonce shorter than 32 characters: 43 URL-safe characters here.
RANDOM_BYTES = 32
# Authentication context values that mean two factors were used (ProConnect's eIDAS levels).
MFA_ACR_VALUES = {"eidas1-mfa", "eidas0-mfa", "eidas2", "eidas3"}
MFA_AMR_VALUES = {"mfa", "totp", "pop"}


class ProviderError(Exception):
    """The provider's answer was refused; `reason` names why for the log (never a token)."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def is_enabled(app=None):
    config = (app or current_app).config
    return bool(
        config.get("PROCONNECT_DISCOVERY_URL")
        and config.get("PROCONNECT_CLIENT_ID")
        and config.get("PROCONNECT_CLIENT_SECRET")
    )


def random_value():
    return secrets.token_urlsafe(RANDOM_BYTES)


def client():
    """This app's Authlib client, rebuilt when the settings change (discovery is read lazily)."""
    app = current_app._get_current_object()
    config = app.config
    settings = (
        config["PROCONNECT_DISCOVERY_URL"],
        config["PROCONNECT_CLIENT_ID"],
        config["PROCONNECT_CLIENT_SECRET"],
        config["PROCONNECT_SCOPES"],
    )
    cached = app.extensions.get("proconnect_client")
    if cached is not None and cached[0] == settings:
        return cached[1]
    oauth = OAuth(app)
    remote = oauth.register(
        NAME,
        client_id=settings[1],
        client_secret=settings[2],
        server_metadata_url=settings[0],
        client_kwargs={
            "scope": settings[3],
            "code_challenge_method": "S256",
            # ProConnect authenticates clients with the secret in the request body.
            "token_endpoint_auth_method": "client_secret_post",  # nosec B105 - a method name
            "timeout": 10,
            # ProConnect's access tokens live 60 seconds: Authlib's default 60-second margin would
            # call them expired at once, before the userinfo request.
            "leeway": 5,
        },
    )
    app.extensions["proconnect_client"] = (settings, remote)
    return remote


def authorize_redirect(redirect_uri):
    """The redirect to the provider: code flow with PKCE (S256), long state and nonce."""
    extra = {}
    if current_app.config.get("PROCONNECT_ACR_VALUES"):
        extra["acr_values"] = current_app.config["PROCONNECT_ACR_VALUES"]
    return client().authorize_redirect(
        redirect_uri, state=random_value(), nonce=random_value(), **extra
    )


def _decode_userinfo(remote, raw):
    """Verify the userinfo JWT with the provider's keys (refetched once for an unknown kid)."""
    metadata = remote.load_server_metadata()
    algorithms = metadata.get("userinfo_signing_alg_values_supported") or ["RS256", "ES256"]
    registry = JWSRegistry(algorithms=algorithms)
    try:
        try:
            token = jwt.decode(raw, KeySet.import_key_set(remote.fetch_jwk_set()), registry=registry)
        except InvalidKeyIdError:
            token = jwt.decode(
                raw, KeySet.import_key_set(remote.fetch_jwk_set(force=True)), registry=registry
            )
    except InvalidKeyIdError as exc:
        raise ProviderError("userinfo_unknown_kid") from exc
    except (JoseError, ValueError) as exc:
        raise ProviderError("userinfo_bad_signature") from exc
    claims = token.claims
    if claims.get("iss") not in (None, metadata.get("issuer")):
        raise ProviderError("userinfo_wrong_issuer")
    audience = claims.get("aud")
    if audience is not None and remote.client_id not in (audience if isinstance(audience, list) else [audience]):
        raise ProviderError("userinfo_wrong_audience")
    return claims


def complete_authorization():
    """Exchange the code, check the ID token (signature, nonce, expiry) and read the signed userinfo.

    Returns (id_token_claims, userinfo_claims, raw_id_token, nonce); raises ProviderError.
    """
    from authlib.integrations.base_client import MismatchingStateError, OAuthError
    from flask import request, session
    from joserfc.errors import ExpiredTokenError, InvalidClaimError, MissingClaimError

    remote = client()
    state = request.args.get("state", "")
    state_data = remote.framework.get_state_data(session, state) if state else None
    nonce = (state_data or {}).get("nonce")
    try:
        token = remote.authorize_access_token()
    except MismatchingStateError as exc:
        raise ProviderError("bad_state") from exc
    except OAuthError as exc:
        raise ProviderError(f"provider_error:{exc.error or 'unknown'}") from exc
    except InvalidKeyIdError as exc:
        raise ProviderError("id_token_unknown_kid") from exc
    except ExpiredTokenError as exc:
        raise ProviderError("id_token_expired") from exc
    except (InvalidClaimError, MissingClaimError) as exc:
        name = getattr(exc, "claim", "")
        raise ProviderError("id_token_bad_nonce" if name == "nonce" else f"id_token_bad_claim:{name}") from exc
    except JoseError as exc:
        raise ProviderError("id_token_bad_signature") from exc
    except Exception as exc:  # noqa: BLE001 - network or protocol failure: one refusal, logged by name
        raise ProviderError(f"exchange_failed:{type(exc).__name__}") from exc
    id_claims = token.get("userinfo")
    if not id_claims or not nonce:
        raise ProviderError("id_token_missing")
    metadata = remote.load_server_metadata()
    try:
        response = remote.get(metadata["userinfo_endpoint"], token=token)
    except Exception as exc:  # noqa: BLE001 - same as above
        raise ProviderError(f"userinfo_failed:{type(exc).__name__}") from exc
    if response.status_code != 200:
        raise ProviderError(f"userinfo_status:{response.status_code}")
    if not response.headers.get("Content-Type", "").startswith("application/jwt"):
        raise ProviderError("userinfo_not_jwt")
    userinfo = _decode_userinfo(remote, response.text.strip())
    if userinfo.get("sub") != id_claims.get("sub"):
        raise ProviderError("userinfo_sub_mismatch")
    return dict(id_claims), dict(userinfo), token["id_token"], nonce


def provider_met_two_factors(id_claims):
    """Whether the provider says it used two factors (acr level or amr methods)."""
    amr = id_claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    return id_claims.get("acr") in MFA_ACR_VALUES or bool(MFA_AMR_VALUES & set(amr))


def logout_redirect(id_token, post_logout_redirect_uri):
    """The redirect to the provider's end_session_endpoint (the state is checked on return)."""
    return client().logout_redirect(
        post_logout_redirect_uri=post_logout_redirect_uri,
        id_token_hint=id_token,
        state=random_value(),
    )


def validate_logout_return():
    from authlib.integrations.base_client import OAuthError

    try:
        client().validate_logout_response()
    except OAuthError as exc:
        raise ProviderError("logout_bad_state") from exc
