"""pylti1p3 bound to quizapp: the OIDC login and the validated launch.

pylti1p3 does the protocol (state cookie, nonce, the platform's JWKS, signature,
deployment, message type). What quizapp changes, and why:

- The launch storage is the database (`services.lti.storage`), not the session: the
  launch is a cross-site POST and quizapp's session cookie is SameSite=Lax.
- The state cookie is SameSite=None; Secure (on HTTPS) and scoped to /lti/, so the
  rest of the app keeps its Lax cookies.
- The audience is checked (pylti1p3 turns PyJWT's audience check off) and the token
  must carry exp and iat.
- The signature is checked before the nonce is used up: a forged token changes nothing
  in the database.
"""

from __future__ import annotations

import hashlib

import jwt
from flask import url_for
from pylti1p3.contrib.flask import FlaskCookieService, FlaskMessageLaunch, FlaskOIDCLogin
from pylti1p3.contrib.flask import FlaskRequest as _FlaskRequest
from pylti1p3.exception import LtiException, OIDCException

from quizapp.services.lti.connect import TimeoutSession
from quizapp.services.lti.platforms import DatabaseToolConf
from quizapp.services.lti.storage import DatabaseLaunchStorage

COOKIE_PATH = "/lti/"
LEEWAY_SECONDS = 30  # clock skew between the platform and this server
# A platform's JWKS is fetched once per this many seconds, not on every launch; a token
# naming a key the cached set lacks fetches it again at once.
KEY_SET_CACHE_SECONDS = 300


class Refused(Exception):
    """A login or launch refused; the message is for the person in front of the screen."""


class FlaskRequest(_FlaskRequest):
    def get_param(self, key):
        # pylti1p3 reads parameters as-is; a list or an over-long value is nobody's.
        value = super().get_param(key)
        return value if isinstance(value, str) and len(value) <= 20_000 else None


class CookieService(FlaskCookieService):
    """pylti1p3's state cookie on the LTI path only, SameSite=None; Secure on HTTPS."""

    def update_response(self, response):
        secure = bool(self._request.is_secure())
        for key, data in self._cookie_data_to_set.items():
            response.set_cookie(
                key,
                data["value"],
                max_age=data["exp"],
                path=COOKIE_PATH,
                secure=secure,
                httponly=True,
                # Without HTTPS (development, tests) None would be refused by browsers.
                samesite="None" if secure else "Lax",
            )


class MessageLaunch(FlaskMessageLaunch):
    def validate(self):
        if self._restored:
            raise LtiException("Can't validate restored launch")
        self._validated = True
        try:
            return (
                self.validate_state()
                .validate_jwt_format()
                .validate_registration()
                .validate_jwt_signature()
                .validate_nonce()
                .validate_deployment()
                .validate_message()
                .save_launch_data()
            )
        except Exception:
            self._validated = False
            raise

    def get_public_key(self):
        """The platform's key for this token, from the cached JWKS, fetched again once
        when the token names a key the cache lacks (the platform rotated its keys)."""
        try:
            return super().get_public_key()
        except LtiException as exc:
            cache = self._public_key_cache_data_storage
            if cache is None or not str(exc).startswith("Unable to find public key"):
                raise
            url = self._registration.get_key_set_url()
            cache.set_value(_key_set_cache_key(url), None, 1)
            self._registration.set_key_set(None)
            return super().get_public_key()

    def validate_jwt_signature(self):
        public_key, key_alg = self.get_public_key()
        jwt.decode(
            self._get_id_token(),
            public_key,
            algorithms=[key_alg],
            audience=self._registration.get_client_id(),
            issuer=self._registration.get_issuer(),
            leeway=LEEWAY_SECONDS,
            options={"require": ["exp", "iat", "aud", "iss", "nonce"]},
        )
        return self


def _key_set_cache_key(url: str) -> str:
    # pylti1p3's own cache key for a JWKS URL (MessageLaunch.fetch_public_key).
    return "key-set-url-" + hashlib.md5(url.encode("utf-8")).hexdigest()


def _parts():
    request = FlaskRequest()
    return request, DatabaseToolConf(), CookieService(request), DatabaseLaunchStorage()


def login_redirect():
    """The redirect to the platform's auth URL for an OIDC login initiation.

    Raises:
        Refused: No issuer or login hint, or a platform that is not registered.
    """
    request, conf, cookies, storage = _parts()
    login = FlaskOIDCLogin(request, conf, cookie_service=cookies, launch_data_storage=storage)
    try:
        return login.redirect(url_for("lti.launch", _external=True))
    except OIDCException as exc:
        raise Refused(_login_message(str(exc))) from None


def validated_launch() -> tuple[str, dict]:
    """Validate the launch this request carries.

    Returns:
        (launch id, the validated id_token body).

    Raises:
        Refused: Anything wrong with the token, with the reason in words.
    """
    request, conf, cookies, storage = _parts()
    message = MessageLaunch(
        request,
        conf,
        cookie_service=cookies,
        launch_data_storage=storage,
        requests_session=TimeoutSession(),
    )
    message.set_public_key_caching(storage, cache_lifetime=KEY_SET_CACHE_SECONDS)
    try:
        body = message.get_launch_data()
    except jwt.ExpiredSignatureError:
        raise Refused("This launch has expired. Open the link from your course again.") from None
    except jwt.InvalidAudienceError:
        raise Refused("This launch was meant for another tool, not for quizapp.") from None
    except jwt.InvalidIssuerError:
        raise Refused("This launch comes from another platform than the one it names.") from None
    except jwt.InvalidSignatureError:
        raise Refused(
            "This launch is not signed by the platform's key. Ask the administrator to "
            "check the platform's JWKS URL in quizapp."
        ) from None
    except jwt.InvalidTokenError as exc:
        raise Refused(f"The launch token is not valid ({exc}).") from None
    except (LtiException, AssertionError) as exc:
        raise Refused(_launch_message(str(exc))) from None
    return message.get_launch_id(), body


_LAUNCH_MESSAGES = {
    "Missing state param": "This launch did not come through quizapp's login step.",
    "State not found": (
        "This launch did not start in this browser, or took more than five minutes. "
        "Open the link from your course again."
    ),
    "Invalid Nonce": "This launch was already used. Open the link from your course again.",
    '"nonce" is empty': "This launch carries no nonce.",
    "Registration not found.": (
        "This launch was meant for another tool: no platform registered with quizapp has "
        "its issuer and client id (audience)."
    ),
    "Client id not registered for this issuer": "This launch was meant for another tool.",
    "Unable to find deployment": (
        "This deployment of quizapp is not registered for the platform. Ask the "
        "administrator to add its deployment id."
    ),
    "Unable to find public key": "The platform's keys do not include the one this launch names.",
    "Missing id_token": "The launch carries no id_token.",
}


def _launch_message(detail: str) -> str:
    for known, message in _LAUNCH_MESSAGES.items():
        if detail.startswith(known):
            return message
    return f"The launch could not be checked: {detail[:200]}"


def _login_message(detail: str) -> str:
    if detail == "Could not find registration details":
        return "This platform is not registered with quizapp; an administrator adds it first."
    return f"The login request is incomplete: {detail[:200]}."
