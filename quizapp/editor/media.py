"""The images of decks, served to anyone who may see the deck (same blueprint as views).

An image is served as the type its bytes were sniffed as (never SVG), with
`nosniff`, a sandboxing CSP of its own and as an inline attachment, so it can
only ever be shown as a picture (`security.image_response`, which a live game's
pictures share).
"""

from __future__ import annotations

from flask_login import current_user

from quizapp.editor.views import bp
from quizapp.security import image_response
from quizapp.services import deck_images


@bp.get("/<key>/images/<name>")
def image(key: str, name: str):
    return image_response(deck_images.image_of(current_user, key, name))
