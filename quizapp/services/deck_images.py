"""Images of decks: staged with an import, saved with its deck, served to who may see it.

Every image was accepted by `domain.images` (its bytes sniffed, its size capped,
its name its hash). Staged images travel base64-encoded in the pending import's
JSON and are accepted again when they are saved, so a staged row can never
smuggle in other bytes. A deck keeps only the images its facts name (a picture
no fact names is dropped at the next save), within a count and size cap.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Mapping

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from quizapp.domain import facts as facts_domain
from quizapp.domain import images as images_domain
from quizapp.extensions import db
from quizapp.models import Deck, DeckImage, User
from quizapp.services import NotFound
from quizapp.services import decks as deck_service


def to_payload(images: Mapping[str, images_domain.Image]) -> dict[str, str]:
    """Images as JSON values for a pending import: name -> base64 of the bytes."""
    return {name: base64.b64encode(image.data).decode("ascii") for name, image in images.items()}


def from_payload(payload: Mapping[str, str] | None) -> list[images_domain.Image]:
    """The images of a pending import, each accepted again (anything else is dropped)."""
    kept = []
    for name, encoded in (payload or {}).items():
        try:
            data = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError, TypeError):
            continue
        image = images_domain.accept(data)
        if isinstance(image, images_domain.Image) and image.name == name:
            kept.append(image)
    return kept


# A preview page stays light: pictures past this are named, not embedded.
MAX_PREVIEW_PICTURE = 48 * 1024


def data_urls(images: Iterable[images_domain.Image], names: Iterable[str]) -> dict[str, str]:
    """name -> a data: URL, to preview staged images (the CSP allows data:).

    Only the pictures named (those of the facts shown) and small enough to keep the page
    light are embedded; a page embeds at most a few of them.
    """
    wanted = set(names)
    return {
        image.name: f"data:{image.content_type};base64,"
        + base64.b64encode(image.data).decode("ascii")
        for image in images
        if image.name in wanted and len(image.data) <= MAX_PREVIEW_PICTURE
    }


def save(
    session: Session,
    row: Deck,
    deck: facts_domain.Deck,
    images: Iterable[images_domain.Image],
) -> str | None:
    """Store the images the deck's facts name, and drop those no fact names any more.

    A deck keeps at most `images.MAX_IMAGES` pictures of `images.MAX_DECK_IMAGES` bytes
    together; past that nothing is stored and the problem is returned (the caller
    refuses the save, so nothing of it is written).

    Returns:
        None, or what is wrong, in words for the author.
    """
    named = {fact.image for fact in deck.facts if fact.image}
    stored = {
        name: size
        for name, size in session.execute(
            select(DeckImage.name, DeckImage.size).where(DeckImage.deck_id == row.id)
        )
    }
    unnamed = [name for name in stored if name not in named]
    if unnamed:
        session.execute(
            delete(DeckImage).where(DeckImage.deck_id == row.id, DeckImage.name.in_(unnamed))
        )
    kept = {name: size for name, size in stored.items() if name in named}
    new = {image.name: image for image in images if image.name in named and image.name not in kept}
    total = sum(kept.values()) + sum(len(image.data) for image in new.values())
    if len(kept) + len(new) > images_domain.MAX_IMAGES or total > images_domain.MAX_DECK_IMAGES:
        return (
            f"A deck holds at most {images_domain.MAX_IMAGES} pictures of "
            f"{images_domain.MAX_DECK_IMAGES // (1024 * 1024)} MB together; this one would be "
            "over that."
        )
    for image in new.values():
        session.add(
            DeckImage(
                deck_id=row.id,
                name=image.name,
                content_type=image.content_type,
                size=len(image.data),
                data=image.data,
            )
        )
    return None


def image_of(user: User | None, key: str, name: str) -> DeckImage:
    """An image of a deck the user may see.

    Raises:
        NotFound: No such deck (or one the user may not see), or no such image.
    """
    if images_domain.content_type(name) is None:
        raise NotFound("There is no such image.")
    deck = deck_service.get_deck(user, key)
    image = db.session.scalar(
        select(DeckImage).where(DeckImage.deck_id == deck.id, DeckImage.name == name)
    )
    if image is None:
        raise NotFound("There is no such image.")
    return image
