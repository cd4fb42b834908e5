"""Friendly error pages: a person reads words, never a traceback.

Three layers: handlers for what views raise (HTTP errors, service errors, storage
that cannot be written, anything else); an error page that falls back to plain
HTML when it cannot render (its template asks for the user, and so the database);
and `LastResort`, the outermost WSGI layer, for whatever still escapes Flask, so
that no response goes out as the server's bare page without the security headers.
"""

from __future__ import annotations

import logging
from html import escape

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException, InternalServerError

from quizapp.extensions import db
from quizapp.security import SECURITY_HEADERS
from quizapp.services import ServiceError

STORAGE_MESSAGE = (
    "The server cannot save right now (its storage is full or read-only). Nothing was "
    "lost: everything saved before is safe. Try again in a moment."
)
# SQLite's result codes and PostgreSQL's SQLSTATEs for storage that cannot take a write.
_SQLITE_STORAGE = {"SQLITE_FULL", "SQLITE_READONLY", "SQLITE_IOERR", "SQLITE_CANTOPEN"}
_PG_STORAGE = ("53", "25006", "58030")  # insufficient resources, read-only, I/O error

MESSAGES = {
    400: "The request could not be understood. Check what you entered and try again.",
    401: "Please log in first.",
    403: "You don't have access to this page.",
    404: "There is no page at this address.",
    405: "This page can't be used that way.",
    409: "That conflicts with something that already exists.",
    413: "The upload is too large.",
    415: "This address can't read what was sent.",
    429: "Too many attempts. Please wait a minute and try again.",
    500: "Something went wrong on our side. Nothing you entered was saved twice; try again.",
}


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def render_error(code: int, message: str | None = None):
    message = message or MESSAGES.get(code, "Something went wrong.")
    if wants_json():
        return jsonify(error=message, status=code), code
    try:
        return render_template("errors/error.html", code=code, message=message), code
    except Exception:  # the page itself failed (it loads the user): say it plainly
        logging.getLogger("quizapp").exception("The error page could not be rendered")
        db.session.rollback()
        return plain_page(code, message), code


def plain_page(code: int, message: str) -> str:
    return (
        '<!doctype html><html lang="en"><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Error {code} - quizapp</title><h1>Error {code}</h1><p>{escape(message)}</p>"
        '<p><a href="/">quizapp home</a></p></html>'
    )


def is_storage_failure(exc: BaseException) -> bool:
    """Whether a database error means the storage cannot take a write (full, read-only)."""
    orig = getattr(exc, "orig", None)
    name = str(getattr(orig, "sqlite_errorname", "") or "")
    if any(name == code or name.startswith(code + "_") for code in _SQLITE_STORAGE):
        return True  # SQLITE_IOERR_WRITE and the other extended codes too
    return str(getattr(orig, "sqlstate", "") or "").startswith(_PG_STORAGE)


class LastResort:
    """The outermost WSGI layer: a plain 500 page, with the security headers, for
    anything that escapes Flask (an error handler that failed)."""

    def __init__(self, wsgi_app) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        try:
            return self.wsgi_app(environ, start_response)
        except Exception:
            logging.getLogger("quizapp").exception("Error outside the error handlers")
            body = plain_page(500, MESSAGES[500]).encode()
            headers = [
                ("Content-Type", "text/html; charset=utf-8"),
                ("Content-Length", str(len(body))),
                ("Cache-Control", "no-store"),
                *SECURITY_HEADERS,
            ]
            # No exc_info: nothing was sent yet (Flask had not started a response).
            start_response("500 Internal Server Error", headers)
            return [body]


def init_app(app: Flask) -> None:
    app.wsgi_app = LastResort(app.wsgi_app)

    @app.errorhandler(DBAPIError)
    def database_error(exc: DBAPIError):
        db.session.rollback()
        if is_storage_failure(exc):
            app.logger.error("Storage cannot take a write: %s", exc.orig)
            response, code = render_error(503, STORAGE_MESSAGE)
            return response, code, {"Retry-After": "30"}
        return unexpected_error(exc)

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return render_error(
            400, "This form has expired or was not sent from quizapp. Reload the page and retry."
        )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = exc.code or 500
        if code == 413:
            limit_mb = (app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024)
            return render_error(413, f"The upload is too large: the limit is {limit_mb} MB.")
        if code == 429:
            # Flask-Limiter's description is the limit itself ("10 per 1 minute").
            return render_error(429)
        # abort(404, "No such deck.") carries words for the user; werkzeug's defaults
        # are written for developers, so those get our own wording.
        custom = exc.description and exc.description != type(exc).description
        return render_error(code, exc.description if custom else None)

    @app.errorhandler(ServiceError)
    def service_error(exc: ServiceError):
        db.session.rollback()
        return render_error(exc.status, str(exc))

    @app.errorhandler(Exception)
    def unexpected_error(exc: Exception):
        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return render_error(InternalServerError.code)
