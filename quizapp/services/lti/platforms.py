"""Registered platforms, the tool's key pair, and the pylti1p3 tool configuration that
reads both from the database.

An administrator registers a platform (the admin page or `quizapp lti register`) with
what the platform's LTI settings show: issuer, client id, the OIDC auth URL, the token
URL, the JWKS URL and the deployment ids. The first registration makes the tool's RSA
key pair, kept in the database and published (public half only) at /lti/jwks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pylti1p3.deployment import Deployment
from pylti1p3.registration import Registration
from pylti1p3.tool_config import ToolConfAbstract
from sqlalchemy import select

from quizapp.domain.lti import ID_MAX, origin
from quizapp.extensions import db
from quizapp.models import LtiPlatform, LtiToolKey
from quizapp.models.lti import URL_MAX
from quizapp.services import NotFound, ServiceError, write_transaction

KEY_BITS = 2048
DEPLOYMENTS_MAX = 50


@dataclass(frozen=True)
class PlatformSpec:
    """What an administrator copies from the platform's LTI settings."""

    name: str
    issuer: str
    client_id: str
    auth_login_url: str
    auth_token_url: str
    key_set_url: str
    deployment_ids: tuple[str, ...]
    auth_audience: str = ""
    frame_origins: tuple[str, ...] = field(default=())


def _check(spec: PlatformSpec) -> None:
    if not spec.name.strip() or len(spec.name.strip()) > 120:
        raise ServiceError("Give the platform a name of at most 120 characters.")
    for label, url in (
        ("issuer", spec.issuer),
        ("OIDC auth URL", spec.auth_login_url),
        ("token URL", spec.auth_token_url),
        ("JWKS URL", spec.key_set_url),
    ):
        if not url or len(url) > URL_MAX or origin(url) is None:
            raise ServiceError(
                f"The {label} must be an http(s) URL of at most {URL_MAX} characters."
            )
    if spec.auth_audience and len(spec.auth_audience) > URL_MAX:
        raise ServiceError(f"The token audience has at most {URL_MAX} characters.")
    if not spec.client_id.strip() or len(spec.client_id) > ID_MAX:
        raise ServiceError(f"The client id is required, at most {ID_MAX} characters.")
    if not spec.deployment_ids:
        raise ServiceError("Give at least one deployment id (the platform shows it).")
    if len(spec.deployment_ids) > DEPLOYMENTS_MAX or any(
        len(d) > ID_MAX for d in spec.deployment_ids
    ):
        raise ServiceError(f"At most {DEPLOYMENTS_MAX} deployment ids of {ID_MAX} characters.")
    if any(origin(o) is None for o in spec.frame_origins):
        raise ServiceError("Each frame origin is an http(s) address like https://school.example.")


def register_platform(spec: PlatformSpec) -> LtiPlatform:
    """Add a platform (or update the one with the same issuer and client id).

    Raises:
        ServiceError: A URL that is not http(s), a missing client or deployment id.
    """
    _check(spec)
    with write_transaction() as session:
        platform = session.scalar(
            select(LtiPlatform).where(
                LtiPlatform.issuer == spec.issuer.strip(),
                LtiPlatform.client_id == spec.client_id.strip(),
            )
        )
        if platform is None:
            platform = LtiPlatform(issuer=spec.issuer.strip(), client_id=spec.client_id.strip())
            session.add(platform)
        platform.name = spec.name.strip()
        platform.auth_login_url = spec.auth_login_url.strip()
        platform.auth_token_url = spec.auth_token_url.strip()
        platform.auth_audience = spec.auth_audience.strip()
        platform.key_set_url = spec.key_set_url.strip()
        platform.deployment_ids = list(spec.deployment_ids)
        platform.frame_origins = list(spec.frame_origins)
        if session.scalar(select(LtiToolKey.id).limit(1)) is None:
            session.add(new_tool_key())
    return platform


def list_platforms() -> list[LtiPlatform]:
    return list(db.session.scalars(select(LtiPlatform).order_by(LtiPlatform.name, LtiPlatform.id)))


def delete_platform(platform_id: int) -> str:
    """Remove a registration; its courses' classes and assignments stay in quizapp."""
    with write_transaction() as session:
        platform = session.get(LtiPlatform, platform_id)
        if platform is None:
            raise NotFound("There is no such platform.")
        name = platform.name
        session.delete(platform)
    return name


def find_platform(issuer: str, client_id: str | None) -> LtiPlatform | None:
    """The registration for an issuer and client id (client id optional if only one)."""
    query = select(LtiPlatform).where(LtiPlatform.issuer == issuer)
    if client_id:
        return db.session.scalar(query.where(LtiPlatform.client_id == client_id))
    found = list(db.session.scalars(query.limit(2)))
    return found[0] if len(found) == 1 else None


def frame_origins() -> list[str]:
    """Every origin that may frame quizapp's LTI pages: each platform's issuer, auth URL
    and listed frame origins."""
    origins: list[str] = []
    for platform in list_platforms():
        for url in (platform.issuer, platform.auth_login_url, *platform.frame_origins):
            found = origin(url)
            if found and found not in origins:
                origins.append(found)
    return origins


# --- the tool's key ----------------------------------------------------------------------


def new_tool_key() -> LtiToolKey:
    """A fresh RSA key pair (not yet added to the session)."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    private_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )
    return LtiToolKey(
        kid=Registration.get_jwk(public_pem)["kid"], private_pem=private_pem, public_pem=public_pem
    )


def ensure_tool_key() -> None:
    """Make the tool's key pair if there is none yet."""
    with write_transaction() as session:
        if session.scalar(select(LtiToolKey.id).limit(1)) is None:
            session.add(new_tool_key())


def tool_key() -> LtiToolKey | None:
    """The newest key pair: it signs; older ones stay published until removed."""
    return db.session.scalar(select(LtiToolKey).order_by(LtiToolKey.id.desc()).limit(1))


def tool_jwks() -> dict:
    keys = db.session.scalars(select(LtiToolKey).order_by(LtiToolKey.id))
    return {"keys": [Registration.get_jwk(key.public_pem) for key in keys]}


# --- pylti1p3 ------------------------------------------------------------------------------


def registration(platform: LtiPlatform) -> Registration:
    """The pylti1p3 registration of a platform, signing with the tool's key."""
    key = tool_key()
    if key is None:
        raise ServiceError("The tool has no key yet; register the platform again.")
    reg = (
        Registration()
        .set_issuer(platform.issuer)
        .set_client_id(platform.client_id)
        .set_key_set_url(platform.key_set_url)
        .set_auth_login_url(platform.auth_login_url)
        .set_auth_token_url(platform.auth_token_url)
        # The loaded key, not its PEM: loading (and checking) an RSA key costs ~40 ms,
        # and PyJWT signs with either.
        .set_tool_private_key(_private_key(key.kid, key.private_pem))
        .set_tool_public_key(key.public_pem)
    )
    if platform.auth_audience:
        reg.set_auth_audience(platform.auth_audience)
    return reg


@lru_cache(maxsize=8)
def _private_key(kid: str, pem: str):
    return serialization.load_pem_private_key(pem.encode("ascii"), password=None)


class DatabaseToolConf(ToolConfAbstract):
    """pylti1p3's tool configuration, read from `lti_platforms` (many clients per issuer)."""

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def find_registration_by_issuer(self, iss, *args, **kwargs):
        return self.find_registration_by_params(iss, None)

    def find_registration_by_params(self, iss, client_id, *args, **kwargs):
        platform = find_platform(iss, client_id) if isinstance(iss, str) else None
        return registration(platform) if platform is not None else None

    def find_deployment(self, iss, deployment_id):
        return self.find_deployment_by_params(iss, deployment_id, None)

    def find_deployment_by_params(self, iss, deployment_id, client_id, *args, **kwargs):
        platform = find_platform(iss, client_id) if isinstance(iss, str) else None
        if platform is None or deployment_id not in platform.deployment_ids:
            return None
        return Deployment().set_deployment_id(deployment_id)
