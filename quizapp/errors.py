"""Friendly error pages: a person reads words, never a traceback."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from quizapp.extensions import db
from quizapp.services import ServiceError

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
    return render_template("errors/error.html", code=code, message=message), code


def init_app(app: Flask) -> None:
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
