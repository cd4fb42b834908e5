"""Downloading a deck for Anki, spreadsheets and other quiz tools."""

from __future__ import annotations

import io

from flask import Blueprint, request, send_file
from flask_login import current_user

from quizapp.domain.anki import NOTE_TYPES
from quizapp.export.forms import ExportForm
from quizapp.models import Deck
from quizapp.services import decks as deck_service
from quizapp.services import exports

bp = Blueprint("export", __name__, url_prefix="/export")
PICKABLE_ENTITIES = 60  # the Export menu lists entities to pick up to this many


@bp.app_context_processor
def export_menu():
    def export_form(deck: Deck) -> ExportForm:
        """The form of the deck page's Export menu, with the deck's entities.

        Past `PICKABLE_ENTITIES` no list is offered (a page must not grow with the
        deck: 1,600 checkboxes weighed 300 KB); the export then holds them all.
        """
        form = ExportForm(formdata=None)
        subjects = deck_service.deck_subjects(deck, limit=PICKABLE_ENTITIES + 1)
        form.entity.choices = subjects if len(subjects) <= PICKABLE_ENTITIES else []
        return form

    return {"export_form": export_form}


@bp.get("/<key>")
def download(key: str):
    form = ExportForm(formdata=request.args)
    selection = exports.Selection(
        entities=tuple(dict.fromkeys(form.entity.data or ())),
        only=form.only.data or "all",
        # Unticking every box sends nothing, which reads the same as a bare link: all.
        note_types=frozenset(form.notes.data or NOTE_TYPES),
        subdecks=bool(form.subdecks.data),
    )
    export = exports.prepare_export(current_user, key, form.format.data or "apkg", selection)
    buffer = io.BytesIO()
    export.write(buffer)
    buffer.seek(0)
    response = send_file(
        buffer,
        mimetype=export.mimetype,
        as_attachment=True,
        download_name=export.filename,
        max_age=0,
    )
    if export.personal:
        response.headers["Cache-Control"] = "private, no-store"
    return response
