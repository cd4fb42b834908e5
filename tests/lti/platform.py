"""A test LTI 1.3 platform on a loopback HTTP server: what Canvas or Moodle would be.

It has its own RSA key and serves its JWKS, an OAuth2 token endpoint (client_credentials
with a JWT assertion, checked against the tool's JWKS), names-and-roles membership,
AGS line items and scores, an OIDC auth endpoint and a deep-linking return. Every
request to a service is recorded, so tests assert what the platform received.

Not a mock: quizapp talks to it over HTTP with pylti1p3's own requests, exactly as to
a real platform; only the platform's side is small.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from html import escape
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LINEITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
RESULT_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly"
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"


def new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


# A platform keeps its signing key for months: each flavour signs with one key per test
# run (a 2,048-bit key costs 50 to 100 ms to make, and a hundred tests start a platform).
# A rotation, or a key of "someone else", is a fresh one.
_FLAVOUR_KEYS: dict[str, Any] = {}


def flavour_key(flavour: str):
    if flavour not in _FLAVOUR_KEYS:
        _FLAVOUR_KEYS[flavour] = new_key()
    return _FLAVOUR_KEYS[flavour]


def private_pem(key) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def public_jwk(key, kid: str) -> dict:
    jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    jwk.update(kid=kid, alg="RS256", use="sig")
    return jwk


@dataclass
class Person:
    sub: str
    name: str
    role: str  # INSTRUCTOR / LEARNER
    status: str = "Active"

    @property
    def given(self) -> str:
        return self.name.split()[0]


@dataclass
class Link:
    """A resource link in the platform's course (made from a deep-link content item)."""

    id: str
    title: str
    custom: dict
    lineitem_id: str | None


@dataclass
class Received:
    tokens: list[dict] = field(default_factory=list)
    scores: list[dict] = field(default_factory=list)
    lineitems_created: list[dict] = field(default_factory=list)
    membership_reads: int = 0
    jwks_fetches: int = 0
    registrations: list[dict] = field(default_factory=list)
    deep_link_returns: list[dict] = field(default_factory=list)


class TestPlatform:
    """One platform (flavour "canvas" or "moodle") with one course."""

    __test__ = False  # not a pytest class

    def __init__(self, flavour: str = "canvas") -> None:
        self.flavour = flavour
        self.key = flavour_key(flavour)
        self.kid = f"{flavour}-key-{uuid.uuid4().hex[:8]}"
        self.client_id = "10000000000042" if flavour == "canvas" else "moodle-client-7Hk2"
        self.deployment_id = "1:abc123" if flavour == "canvas" else "3"
        self.context_id = f"{flavour}-course-101"
        self.people: dict[str, Person] = {}
        self.links: dict[str, Link] = {}
        self.lineitems: list[dict] = []
        self.tool_jwks: dict = {"keys": []}
        self.received = Received()
        self.tokens: set[str] = set()
        self.fail_scores = False
        self.score_delay = 0.0  # seconds the score endpoint waits before answering
        self.pending_launches: dict[str, dict] = {}  # lti_message_hint -> what to launch
        self.last_auth: dict[str, str] = {}
        self._server = make_server("127.0.0.1", 0, self._wsgi, threaded=True)
        self.base = f"http://127.0.0.1:{self._server.server_port}"
        self.issuer = "https://canvas.instructure.com" if flavour == "canvas" else self.base
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    # --- lifecycle --------------------------------------------------------------------------

    def start(self) -> TestPlatform:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)
        self._server.server_close()

    def registration(self) -> dict:
        """What the administrator copies into quizapp."""
        return {
            "name": f"Test {self.flavour.title()}",
            "issuer": self.issuer,
            "client_id": self.client_id,
            "auth_login_url": self.base + "/auth",
            "auth_token_url": self.base + "/token",
            "key_set_url": self.base + "/jwks",
            "deployment_ids": (self.deployment_id,),
        }

    def add_person(self, sub: str, name: str, role: str) -> Person:
        self.people[sub] = self.people.get(sub) or Person(sub, name, role)
        return self.people[sub]

    # --- id_tokens --------------------------------------------------------------------------

    def claims(self, person: Person, nonce: str, *, link: Link | None = None, deep_link=False):
        """An id_token body as this platform's flavour writes it."""
        now = int(time.time())
        body: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.client_id if self.flavour == "canvas" else [self.client_id],
            "sub": person.sub,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            "name": person.name,
            "given_name": person.given,
            "family_name": person.name.split()[-1],
            "email": f"{person.given.lower()}@school.example",
            LTI + "version": "1.3.0",
            LTI + "deployment_id": self.deployment_id,
            LTI + "roles": [person.role],
            LTI + "context": {
                "id": self.context_id,
                "label": "HIST101",
                "title": f"History 101 ({self.flavour})",
                "type": ["http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"],
            },
            "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice": {
                "context_memberships_url": f"{self.base}/nrps/{self.context_id}",
                "service_versions": ["2.0"],
            },
        }
        if self.flavour == "canvas":
            body["azp"] = self.client_id
            body[LTI + "roles"].append(
                "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Student"
                if person.role == LEARNER
                else "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Instructor"
            )
            body["https://www.instructure.com/placement"] = "assignment_selection"
            body[LTI + "lis"] = {"person_sourcedid": None, "course_offering_sourcedid": None}
            body[LTI + "tool_platform"] = {"product_family_code": "canvas", "version": "cloud"}
        else:
            body[LTI + "ext"] = {"user_username": person.given.lower(), "lms": "moodle-2"}
            body[LTI + "tool_platform"] = {"product_family_code": "moodle", "version": "2024"}
            body[LTI + "launch_presentation"] = {"locale": "en", "document_target": "window"}
        if deep_link:
            body[LTI + "message_type"] = "LtiDeepLinkingRequest"
            body["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"] = {
                "deep_link_return_url": f"{self.base}/deep-link-return",
                "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["iframe", "window"],
                "accept_multiple": False,
                "data": "opaque-platform-data",
            }
        else:
            body[LTI + "message_type"] = "LtiResourceLinkRequest"
            body[LTI + "resource_link"] = {"id": link.id, "title": link.title}
            body[LTI + "custom"] = dict(link.custom)
            body["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"] = {
                "scope": [LINEITEM_SCOPE, RESULT_SCOPE, SCORE_SCOPE],
                "lineitems": f"{self.base}/lineitems/{self.context_id}",
                **({"lineitem": link.lineitem_id} if link.lineitem_id else {}),
            }
        return body

    def rotate_key(self) -> None:
        """A new signing key; the old one is no longer published."""
        self.key = new_key()
        self.kid = f"{self.flavour}-key-{uuid.uuid4().hex[:8]}"

    def sign(self, body: dict, key=None, kid: str | None = None) -> str:
        return jwt.encode(
            body, key or self.key, algorithm="RS256", headers={"kid": kid or self.kid}
        )

    # --- the browser's side of a launch ----------------------------------------------------------

    def login_params(self, person: Person, hint: str, target_link_uri: str) -> dict:
        return {
            "iss": self.issuer,
            "login_hint": person.sub,
            "target_link_uri": target_link_uri,
            "lti_message_hint": hint,
            "client_id": self.client_id,
            "lti_deployment_id": self.deployment_id,
        }

    def expect_launch(self, person: Person, *, link: Link | None = None, deep_link=False) -> str:
        hint = secrets.token_urlsafe(8)
        self.pending_launches[hint] = {"person": person, "link": link, "deep_link": deep_link}
        return hint

    def authorize(self, location: str, **tamper) -> tuple[str, dict]:
        """The OIDC auth endpoint: from quizapp's redirect, the form the browser posts.

        `tamper` changes the token: body fields to override, or key=/kid= to sign with.
        """
        query = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
        assert query["response_type"] == "id_token" and query["scope"] == "openid"
        assert query["client_id"] == self.client_id
        self.last_auth = query
        launch = self.pending_launches[query["lti_message_hint"]]
        person = launch["person"]
        assert query["login_hint"] == person.sub
        body = self.claims(
            person, query["nonce"], link=launch["link"], deep_link=launch["deep_link"]
        )
        key, kid = tamper.pop("key", None), tamper.pop("kid", None)
        for name, value in tamper.items():
            if value is None:
                body.pop(name, None)
            else:
                body[name] = value
        return query["redirect_uri"], {
            "id_token": self.sign(body, key, kid),
            "state": query["state"],
        }

    # --- the loopback server -------------------------------------------------------------------

    def _wsgi(self, environ, start_response):
        request = Request(environ)
        try:
            response = self._route(request)
        except Exception as exc:  # shown in the test's failure, not swallowed
            response = Response(f"platform error: {exc!r}", status=500)
        return response(environ, start_response)

    def _json(self, data, status=200, content_type="application/json") -> Response:
        return Response(json.dumps(data), status=status, content_type=content_type)

    def _route(self, request: Request) -> Response:
        path = request.path
        if path == "/jwks":
            self.received.jwks_fetches += 1
            return self._json({"keys": [public_jwk(self.key, self.kid)]})
        if path == "/token" and request.method == "POST":
            return self._token(request)
        if path == "/auth":
            return self._auth_page(request)
        if path == "/deep-link-return" and request.method == "POST":
            return self._deep_link_return(request)
        if path == "/.well-known/openid-configuration":
            return self._json(self.openid_configuration())
        if path == "/register" and request.method == "POST":
            return self._dynamic_registration(request)
        if path.startswith("/course/"):
            return self._course_page(path.removeprefix("/course/"))
        if path.startswith("/framed/"):  # the course page showing the tool in a frame
            src = escape("/course/" + path.removeprefix("/framed/"))
            html = f"<h1>Course</h1><iframe title='quizapp' src='{src}' height='600'></iframe>"
            return Response(html, content_type="text/html")
        scopes = self._bearer(request)
        if scopes is None:
            return self._json({"error": "invalid_token"}, 401)
        if path == f"/nrps/{self.context_id}":
            if NRPS_SCOPE not in scopes:
                return self._json({"error": "insufficient_scope"}, 403)
            self.received.membership_reads += 1
            return self._json(
                self._memberships(),
                content_type="application/vnd.ims.lti-nrps.v2.membershipcontainer+json",
            )
        if path == f"/lineitems/{self.context_id}":
            if request.method == "POST":
                return self._create_lineitem(json.loads(request.get_data(as_text=True)))
            return self._json(self.lineitems)
        if path.endswith("/scores") and request.method == "POST":
            if SCORE_SCOPE not in scopes:
                return self._json({"error": "insufficient_scope"}, 403)
            if self.fail_scores:
                return Response("gradebook is down for maintenance", status=503)
            if self.score_delay:
                time.sleep(self.score_delay)
                return Response("too late", status=504)
            assert request.content_type == "application/vnd.ims.lis.v1.score+json"
            lineitem = self.base + path.removesuffix("/scores")
            assert any(item["id"] == lineitem for item in self.lineitems), lineitem
            self.received.scores.append(
                {"lineitem": lineitem, **json.loads(request.get_data(as_text=True))}
            )
            return Response("", status=204)
        return Response("not found", status=404)

    def _token(self, request: Request) -> Response:
        form = request.form
        if (
            form.get("grant_type") != "client_credentials"
            or form.get("client_assertion_type")
            != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
        ):
            return self._json({"error": "unsupported_grant_type"}, 400)
        assertion = form.get("client_assertion", "")
        try:
            kid = jwt.get_unverified_header(assertion).get("kid")
            jwk = next(k for k in self.tool_jwks["keys"] if k.get("kid") == kid)
            claims = jwt.decode(
                assertion,
                RSAAlgorithm.from_jwk(json.dumps(jwk)),
                algorithms=["RS256"],
                audience=self.base + "/token",
            )
        except (StopIteration, jwt.InvalidTokenError) as exc:
            return self._json({"error": "invalid_client", "detail": str(exc)}, 401)
        if claims["iss"] != self.client_id or claims["sub"] != self.client_id:
            return self._json({"error": "invalid_client"}, 401)
        token = secrets.token_urlsafe(16)
        scopes = form.get("scope", "").split()
        self.tokens.add(token + " " + " ".join(scopes))
        self.received.tokens.append({"claims": claims, "scopes": scopes})
        return self._json(
            {
                "access_token": token,
                "token_type": "Bearer",
                "expires_in": 3600,
                "scope": " ".join(scopes),
            }
        )

    def _bearer(self, request: Request) -> list[str] | None:
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ")
        for granted in self.tokens:
            value, _, scopes = granted.partition(" ")
            if value == token:
                return scopes.split()
        return None

    registration_token = "platform-registration-token"

    def openid_configuration(self) -> dict:
        """LTI Dynamic Registration: what the platform publishes about itself."""
        return {
            "issuer": self.base,
            "authorization_endpoint": self.base + "/auth",
            "token_endpoint": self.base + "/token",
            "jwks_uri": self.base + "/jwks",
            "registration_endpoint": self.base + "/register",
            "scopes_supported": ["openid", SCORE_SCOPE, LINEITEM_SCOPE, NRPS_SCOPE],
            "https://purl.imsglobal.org/spec/lti-platform-configuration": {
                "product_family_code": self.flavour,
                "version": "test",
            },
        }

    def _dynamic_registration(self, request: Request) -> Response:
        if request.headers.get("Authorization") != f"Bearer {self.registration_token}":
            return self._json({"error": "invalid_token"}, 401)
        body = json.loads(request.get_data(as_text=True))
        self.received.registrations.append(body)
        tool = "https://purl.imsglobal.org/spec/lti-tool-configuration"
        return self._json(
            {
                **body,
                "client_id": self.client_id,
                tool: {**body[tool], "deployment_id": self.deployment_id},
            }
        )

    def _memberships(self) -> dict:
        return {
            "id": f"{self.base}/nrps/{self.context_id}",
            "context": {"id": self.context_id, "title": "History 101"},
            "members": [
                {
                    "status": p.status,
                    "name": p.name,
                    "given_name": p.given,
                    "user_id": p.sub,
                    "roles": [p.role],
                }
                for p in self.people.values()
            ],
        }

    def _create_lineitem(self, item: dict) -> Response:
        item = dict(item, id=f"{self.base}/lineitems/{self.context_id}/{len(self.lineitems) + 1}")
        self.lineitems.append(item)
        self.received.lineitems_created.append(item)
        return self._json(item, 201, "application/vnd.ims.lis.v2.lineitem+json")

    def _deep_link_return(self, request: Request) -> Response:
        token = request.form.get("JWT", "")
        kid = jwt.get_unverified_header(token).get("kid")
        jwk = next(k for k in self.tool_jwks["keys"] if k.get("kid") == kid)
        claims = jwt.decode(
            token,
            RSAAlgorithm.from_jwk(json.dumps(jwk)),
            algorithms=["RS256"],
            audience=self.issuer,
        )
        assert claims["iss"] == self.client_id
        assert claims[LTI + "message_type"] == "LtiDeepLinkingResponse"
        assert claims[LTI + "deployment_id"] == self.deployment_id
        self.received.deep_link_returns.append(claims)
        links = []
        for item in claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]:
            lineitem_id = None
            if item.get("lineItem"):  # as Canvas and Moodle do: a gradebook column per link
                lineitem_id = self._create_lineitem(
                    dict(item["lineItem"], label=item["lineItem"].get("label", item["title"]))
                ).get_json()["id"]
            link = Link(
                f"link-{len(self.links) + 1}", item["title"], item.get("custom") or {}, lineitem_id
            )
            self.links[link.id] = link
            links.append(link.id)
        return Response(
            f"<p id='saved'>Saved {escape(', '.join(links))}</p>", content_type="text/html"
        )

    # --- pages for a real browser -------------------------------------------------------------

    def _course_page(self, rest: str) -> Response:
        """The course page a person clicks: starts the OIDC login at the tool."""
        hint = rest
        launch = self.pending_launches[hint]
        params = self.login_params(launch["person"], hint, self.tool_launch_url)
        inputs = "".join(
            f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">'
            for k, v in params.items()
        )
        html = (
            "<h1>Course page</h1>"
            f"<form id='launch' method='post' action='{escape(self.tool_login_url)}'>"
            f"{inputs}<button type='submit'>Open the quizapp assignment</button></form>"
        )
        return Response(html, content_type="text/html")

    tool_login_url = ""
    tool_launch_url = ""

    def _auth_page(self, request: Request) -> Response:
        """OIDC auth: answers with the self-posting form of a real platform."""
        url = request.url
        redirect_uri, form = self.authorize(url)
        inputs = "".join(
            f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">' for k, v in form.items()
        )
        html = (
            f"<form id='post' method='post' action='{escape(redirect_uri)}'>{inputs}"
            "<button type='submit'>Continue</button></form>"
            "<script>document.getElementById('post').submit()</script>"
        )
        return Response(html, content_type="text/html")


def query_of(location: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


__all__ = ["INSTRUCTOR", "LEARNER", "TestPlatform", "query_of", "urlencode"]
