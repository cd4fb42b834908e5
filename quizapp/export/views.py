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


@bp.app_context_processor
def export_menu():
    def export_form(deck: Deck) -> ExportForm:
        """The form of the deck page's Export menu, with the deck's entities to pick."""
        form = ExportForm(formdata=None)
        form.entity.choices = deck_service.pickable_subjects(deck)
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
