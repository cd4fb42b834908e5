"""Response headers that make the browser refuse what quizapp never does itself."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Flask, Response, abort, request
from werkzeug.routing.converters import IntegerConverter

from quizapp.models.types import DB_INT_MAX

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)


# Every response carries these (Flask's after_request, the live fast path, and the
# last-resort page of `errors.LastResort` alike).
SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
)

# A picture runs nothing: no script, no style, no frame, and never as a page.
IMAGE_POLICY = "default-src 'none'; sandbox"


def image_response(image, cache: str = "private, max-age=86400") -> Response:
    """A deck's picture (a `DeckImage`), so that it can only ever be shown as a picture.

    Served as the type its bytes were sniffed as when it was stored (never SVG: see
    `domain.images`), with `nosniff`, a sandboxing CSP of its own and as an inline
    attachment.
    """
    response = Response(image.data, mimetype=image.content_type)
    response.headers["Content-Security-Policy"] = IMAGE_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = f'inline; filename="{image.name}"'
    response.headers["Cache-Control"] = cache
    return response


NUL_MESSAGE = "The request contains a NUL character, which quizapp never accepts."
JSON_MESSAGE = "This address takes a form, not JSON."
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def takes_json(view):
    """Mark a view that reads a JSON body itself (every other view gets forms only)."""
    view.takes_json = True
    return view


def json_to_a_form(app: Flask, request) -> bool:
    """Whether a JSON body is sent to a view that reads forms.

    Flask-WTF reads a JSON body as form data when no form was sent: a body that is not
    an object (``true``, ``[1]``) fails inside it with a TypeError, and nested values
    reach field filters that expect text. No form of quizapp is meant to be sent as
    JSON, so such a request is refused up front with a 415.
    """
    if request.method not in WRITE_METHODS or not request.is_json:
        return False
    view = app.view_functions.get(request.endpoint)
    return view is not None and not getattr(view, "takes_json", False)


def has_nul(request) -> bool:
    """Whether any part of the request a view might read holds a NUL character.

    PostgreSQL can't store NUL in text and no person types one: refusing it up front
    gives one clear 400 instead of a database error deep inside a view.
    """
    texts = [request.path, *_pairs(request.args)]
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        texts += _pairs(request.form)
    if any("\x00" in text for text in texts):
        return True
    if request.is_json:
        data = request.get_data(cache=True)
        return b"\x00" in data or b"\\u0000" in data
    return False


def _pairs(multidict) -> list[str]:
    return [text for pair in multidict.items(multi=True) for text in pair]


_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,18}")


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` in routes: ASCII digits up to `DB_INT_MAX`; anything larger is a 404."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False) -> None:
        super().__init__(map, fixed_digits, min, DB_INT_MAX if max is None else max, signed=signed)


def form_int(text: str | None, *, low: int = -DB_INT_MAX, high: int = DB_INT_MAX) -> int | None:
    """A whole number from a form field, or None if it isn't one within [low, high].

    Only ASCII digits: ``str.isdigit`` accepts "²", which ``int`` then refuses.
    """
    text = (text or "").strip()
    if not _WHOLE_NUMBER.fullmatch(text):
        return None
    value = int(text)
    return value if low <= value <= high else None


def http_url(url: str | None) -> str:
    """The URL if it is an http(s) link, else "" (a `javascript:` source stays unlinked).

    Sources of facts are typed by users; templates link them through this filter.
    """
    url = (url or "").strip()
    if urlsplit(url).scheme.lower() in ("http", "https") and "//" in url[:8]:
        return url
    return ""


def _frames_allowed(response) -> bool:
    """A page that set its own frame-ancestors (the LTI pages a course platform frames)
    gets no X-Frame-Options: DENY would forbid what its policy allows."""
    policy = response.headers.get("Content-Security-Policy", "")
    return "frame-ancestors" in policy and "frame-ancestors 'none'" not in policy


def _logged_in() -> bool:
    from flask_login import current_user

    return bool(current_user and current_user.is_authenticated)


def init_app(app: Flask) -> None:
    # Before any blueprint adds its routes: rules look their converters up when added.
    app.url_map.converters["int"] = BoundedIntConverter
    app.add_template_filter(http_url)

    @app.before_request
    def refuse_nul_characters():
        if has_nul(request):
            abort(400, NUL_MESSAGE)
        if json_to_a_form(app, request):
            abort(415, JSON_MESSAGE)

    @app.after_request
    def security_headers(response):
        if request.endpoint != "static" and _logged_in():
            # A shared classroom computer: after log-out, Back must not bring the last
            # student's pages out of the browser's cache.
            response.headers.setdefault("Cache-Control", "no-store")
        for name, value in SECURITY_HEADERS:
            if name == "X-Frame-Options" and _frames_allowed(response):
                continue
            response.headers.setdefault(name, value)
        return response
