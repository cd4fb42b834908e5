"""The images of decks, served to anyone who may see the deck (same blueprint as views).

An image is served as the type its bytes were sniffed as (never SVG), with
`nosniff`, a sandboxing CSP of its own and as an inline attachment, so it can
only ever be shown as a picture.
"""

from __future__ import annotations

from flask import Response
from flask_login import current_user

from quizapp.editor.views import bp
from quizapp.services import deck_images

# A picture runs nothing: no script, no style, no frame, and never as a page.
IMAGE_POLICY = "default-src 'none'; sandbox"


@bp.get("/<key>/images/<name>")
def image(key: str, name: str):
    row = deck_images.image_of(current_user, key, name)
    response = Response(row.data, mimetype=row.content_type)
    response.headers["Content-Security-Policy"] = IMAGE_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = f'inline; filename="{row.name}"'
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response
