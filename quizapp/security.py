"""Response headers that make the browser refuse what quizapp never does itself."""

from __future__ import annotations

from flask import Flask, abort, request

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


NUL_MESSAGE = "The request contains a NUL character, which quizapp never accepts."


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


def init_app(app: Flask) -> None:
    @app.before_request
    def refuse_nul_characters():
        if has_nul(request):
            abort(400, NUL_MESSAGE)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response
