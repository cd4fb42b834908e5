"""LTI Dynamic Registration: the platform registers quizapp itself.

An administrator makes a one-time registration link on /lti/platforms and pastes it
into the platform ("add a tool by URL"). The platform opens it with its
`openid_configuration` URL and a `registration_token`; quizapp reads the platform's
configuration, posts its own (login, launch and JWKS URLs, the services it uses) to the
platform's registration endpoint, and stores the client id and deployment id the
platform answers. The link works once and expires after a day; without one, nobody can
register a platform (a registered platform's instructors become quizapp teachers).
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from urllib.parse import urlsplit

import requests

from quizapp.domain.lti import origin
from quizapp.models import LtiPlatform
from quizapp.services import NotFound, ServiceError
from quizapp.services.lti import storage
from quizapp.services.lti.connect import TimeoutSession, describe
from quizapp.services.lti.platforms import PlatformSpec, ensure_tool_key, register_platform

LINK_LIFETIME = timedelta(days=1)
_LINK = "dynreg-"
TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
PLATFORM_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-platform-configuration"
SCOPES = (
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
)
CONFIG_MAX_BYTES = 100_000


class RegistrationFailed(ServiceError):
    status = 400


def new_link() -> str:
    """A one-time registration token (the admin hands its URL to the platform)."""
    token = secrets.token_urlsafe(24)
    storage.write(_LINK + token, True, LINK_LIFETIME)
    return token


def check_link(token: str) -> None:
    if not isinstance(token, str) or len(token) > 64 or storage.read(_LINK + token) is None:
        raise NotFound("This registration link is unknown, used or expired; make a new one.")


def register(
    token: str, config_url: str, registration_token: str | None, tool: dict
) -> LtiPlatform:
    """Register with the platform whose configuration is at `config_url`.

    Args:
        token: The one-time link's token.
        config_url: The platform's `openid_configuration` parameter.
        registration_token: The platform's `registration_token` parameter (if any).
        tool: quizapp's URLs: login, launch, jwks.

    Raises:
        NotFound: The link is unknown, used or expired.
        RegistrationFailed: A bad configuration URL, or the platform refused.
    """
    check_link(token)
    if not isinstance(config_url, str) or origin(config_url) is None or len(config_url) > 500:
        raise RegistrationFailed("The platform sent no usable openid_configuration URL.")
    http = TimeoutSession()
    try:
        config = _json(http.get(config_url))
        issuer = config.get("issuer")
        if not isinstance(issuer, str) or not config_url.startswith(issuer.rstrip("/")):
            raise RegistrationFailed("The platform's configuration names another issuer.")
        endpoints = [
            config.get(k)
            for k in (
                "authorization_endpoint",
                "token_endpoint",
                "jwks_uri",
                "registration_endpoint",
            )
        ]
        if not all(isinstance(e, str) and origin(e) for e in endpoints):
            raise RegistrationFailed(
                "The platform's configuration lacks an endpoint quizapp needs."
            )
        auth_url, token_url, jwks_url, registration_url = endpoints
        ensure_tool_key()  # the platform may read /lti/jwks as soon as it answers
        headers = {"Authorization": f"Bearer {registration_token}"} if registration_token else {}
        answer = _json(http.post(registration_url, json=_tool_configuration(tool), headers=headers))
    except (requests.RequestException, ValueError) as exc:
        raise RegistrationFailed(f"Registration with the platform failed: {describe(exc)}") from exc
    client_id = answer.get("client_id")
    deployment = (answer.get(TOOL_CONFIGURATION) or {}).get("deployment_id")
    if not isinstance(client_id, str) or not isinstance(deployment, str | int):
        raise RegistrationFailed("The platform's answer has no client id or deployment id.")
    product = (config.get(PLATFORM_CONFIGURATION) or {}).get("product_family_code")
    platform = register_platform(
        PlatformSpec(
            name=f"{product or urlsplit(issuer).hostname} (dynamic registration)"[:120],
            issuer=issuer,
            client_id=client_id,
            auth_login_url=auth_url,
            auth_token_url=token_url,
            key_set_url=jwks_url,
            deployment_ids=(str(deployment),),
        )
    )
    storage.take(_LINK + token)
    return platform


def _json(response: requests.Response) -> dict:
    response.raise_for_status()
    if len(response.content) > CONFIG_MAX_BYTES:
        raise ValueError("the platform's answer is too large")
    data = response.json()
    if not isinstance(data, dict):
        raise ValueError("the platform's answer is not a JSON object")
    return data


def _tool_configuration(tool: dict) -> dict:
    return {
        "application_type": "web",
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": tool["login"],
        "redirect_uris": [tool["launch"]],
        "client_name": "quizapp",
        "jwks_uri": tool["jwks"],
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": " ".join(SCOPES),
        TOOL_CONFIGURATION: {
            "domain": urlsplit(tool["launch"]).netloc,
            "target_link_uri": tool["launch"],
            "claims": ["iss", "sub", "name", "given_name", "family_name"],
            "messages": [
                {
                    "type": "LtiDeepLinkingRequest",
                    "target_link_uri": tool["launch"],
                    "label": "quizapp assignment",
                }
            ],
        },
    }
