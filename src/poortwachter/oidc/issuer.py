"""The issuer of an organisation, `<public URL>/<slug>`, and its discovery document.
Every URL is built from the configured public URL, never from the request's Host."""

from django.conf import settings

from poortwachter.oidc import keys
from poortwachter.oidc.registration import SCOPES

ID_TOKEN_ALGS = list(keys.ALGORITHMS)
CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"]
ASSERTION_ALGS = ["ES256", "RS256", "PS256", "EdDSA"]


def issuer(organisation) -> str:
    return f"{settings.PUBLIC_URL}/{organisation.slug}"


def endpoint(organisation, name: str) -> str:
    return f"{issuer(organisation)}/oidc/{name}"


def discovery(organisation) -> dict:
    base = issuer(organisation)
    return {
        "issuer": base,
        "authorization_endpoint": endpoint(organisation, "authorize"),
        "token_endpoint": endpoint(organisation, "token"),
        "userinfo_endpoint": endpoint(organisation, "userinfo"),
        "jwks_uri": f"{base}/.well-known/jwks.json",
        "revocation_endpoint": endpoint(organisation, "revoke"),
        "introspection_endpoint": endpoint(organisation, "introspect"),
        "end_session_endpoint": endpoint(organisation, "logout"),
        "scopes_supported": list(SCOPES),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ID_TOKEN_ALGS,
        "userinfo_signing_alg_values_supported": ["none"],
        "token_endpoint_auth_methods_supported": CLIENT_AUTH_METHODS,
        "token_endpoint_auth_signing_alg_values_supported": ASSERTION_ALGS,
        "revocation_endpoint_auth_methods_supported": CLIENT_AUTH_METHODS,
        "introspection_endpoint_auth_methods_supported": CLIENT_AUTH_METHODS,
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "sid", "amr", "acr",
                             "azp", "email", "email_verified", "name", "preferred_username", "roles"],
        "prompt_values_supported": ["none", "login"],
        "claims_parameter_supported": False,
        "request_parameter_supported": False,
        "request_uri_parameter_supported": False,
        "authorization_response_iss_parameter_supported": True,
        "backchannel_logout_supported": True,
        "backchannel_logout_session_supported": True,
        "frontchannel_logout_supported": False,
        "ui_locales_supported": ["nl", "en"],
    }
