"""Imports of what teachers already have: CSV/TSV tables, Quizlet sets, Kahoot
spreadsheets and Anki packages.

An upload is read (`domain.importers`), staged server-side (`services.user_decks`)
and shown for confirmation (a table or a Quizlet set: its columns to map; a Kahoot
sheet or an Anki package: what it became); only the confirmation creates the deck.
Same blueprint as `editor.views`.
"""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from quizapp.domain import facts as facts_domain
from quizapp.domain import importers
from quizapp.domain.questions import preview_deck
from quizapp.editor import forms
from quizapp.editor.views import bp, read_upload, set_visibility, today, upload_limit
from quizapp.services import deck_images
from quizapp.services import user_decks as service

PREVIEW_FACTS = 5  # facts of an imported deck shown with their questions before saving

# --- imports: CSV / TSV -----------------------------------------------------------------------


@bp.route("/import/csv", methods=["GET", "POST"])
@upload_limit
def import_csv():
    form = forms.CsvUploadForm()
    problems: list[str] = []
    if form.validate_on_submit():
        data, filename = read_upload(form)
        try:
            importers.read_table(data, filename)
        except importers.ImportRefused as error:
            problems = error.problems
        else:
            text = data.decode("utf-8-sig")
            token = service.stage_import(current_user, "csv", filename, {"text": text})
            return redirect(url_for("editor.map_csv", token=token))
    status = 400 if request.method == "POST" else 200
    return render_template("editor/import_csv.html", form=form, problems=problems), status


def _meta(title: str, source: str) -> importers.DeckMeta:
    return importers.DeckMeta(
        key=service.unique_key(title, current_user),
        title=title,
        source=source,
        as_of=today(),
    )


def _staged_table(pending) -> importers.Table:
    """The table of a staged CSV upload or Quizlet set, read again as it was checked."""
    payload = pending.payload
    if "between" in payload:
        return importers.read_quizlet(payload["text"], payload["between"], payload["rows"])[0]
    return importers.read_table(payload["text"].encode(), pending.filename)


@bp.route("/import/quizlet", methods=["GET", "POST"])
@upload_limit
def import_quizlet():
    form = forms.QuizletForm()
    problems: list[str] = []
    if form.validate_on_submit():
        between = importers.separator(form.between.data, form.between_custom.data or "")
        rows = importers.separator(form.rows.data, form.rows_custom.data or "")
        try:
            text = _quizlet_text(form)
            if between is None or rows is None:
                raise importers.ImportRefused("Type the custom separator (1 to 10 characters).")
            _table, notices = importers.read_quizlet(text, between, rows)
        except importers.ImportRefused as error:
            problems = error.problems
        else:
            for notice in notices:
                flash(notice, "warning")
            payload = {"text": text, "between": between, "rows": rows}
            token = service.stage_import(current_user, "csv", "Quizlet set", payload)
            return redirect(url_for("editor.map_csv", token=token))
    status = 400 if request.method == "POST" else 200
    return render_template("editor/import_quizlet.html", form=form, problems=problems), status


def _quizlet_text(form) -> str:
    """The set's text: the uploaded file if there is one, else what was pasted."""
    storage = form.file.data
    if storage is not None and getattr(storage, "filename", ""):
        data = storage.read(forms.MAX_PASTE * 4 + 1)
        if len(data) > forms.MAX_PASTE * 4:
            raise importers.ImportRefused("The file is over 8 MB: that is not a Quizlet set.")
        return importers.decode_text(data, "file")
    if not (form.text.data or "").strip():
        raise importers.ImportRefused("Paste the exported set, or upload it as a file.")
    return form.text.data


@bp.route("/import/csv/<token>", methods=["GET", "POST"])
def map_csv(token: str):
    pending = service.pending_import(current_user, token, "csv")
    table = _staged_table(pending)
    form = forms.CsvMapForm()
    set_visibility(form)
    form.set_columns(importers.column_names(table, table.header_guess))
    if request.method == "GET":
        form.fill(importers.guess_mapping(table), pending.filename)
    problems: list[str] = []
    notices: list[str] = []
    shown = None
    if form.validate_on_submit():
        mapping = form.mapping()
        meta = _meta(form.title.data, f"Imported from {pending.filename}")
        try:
            imported = importers.table_to_deck(table, mapping, meta)
        except importers.ImportRefused as error:
            problems = error.problems
        else:
            notices = list(imported.notices)
            if form.submit.data:
                try:
                    deck = service.finish_import(
                        current_user,
                        token,
                        "csv",
                        imported.data,
                        form.visibility.data,
                        f"Imported from {pending.filename}",
                    )
                except service.DeckProblems as error:
                    problems = error.problems
                else:
                    for notice in notices:
                        flash(notice, "warning")
                    flash(f"Imported {len(imported.deck.facts)} facts.", "success")
                    return redirect(url_for("decks.show", key=deck.key))
            else:
                shown = preview_deck(imported.deck, PREVIEW_FACTS)
    status = 400 if request.method == "POST" and (problems or form.errors) else 200
    return render_template(
        "editor/map_csv.html",
        form=form,
        table=table,
        sample=table.rows[:6],
        as_imported=importers.mapped_rows(table, form.mapping()),
        delimiter=importers.delimiter_name(table.delimiter),
        problems=problems,
        notices=notices,
        preview=shown,
        token=token,
    ), status


# --- imports: Anki ----------------------------------------------------------------------------


@bp.route("/import/anki", methods=["GET", "POST"])
@upload_limit
def import_anki():
    form = forms.AnkiUploadForm()
    problems: list[str] = []
    if form.validate_on_submit():
        data, filename = read_upload(form)
        meta = importers.DeckMeta(
            key="anki-import",  # the final, unique key is chosen when it is saved
            title=form.title.data or None,
            source=f"Anki package {filename}",
            as_of=today(),
        )
        try:
            imported = importers.read_apkg(data, filename, meta, _limits())
        except importers.ImportRefused as error:
            problems = error.problems
        else:
            token = service.stage_import(
                current_user,
                "anki",
                filename,
                {
                    "deck": imported.data,
                    "notices": list(imported.notices),
                    "origins": {k: list(v) for k, v in imported.origins.items()},
                    "images": deck_images.to_payload(imported.images),
                },
            )
            return redirect(url_for("editor.confirm_anki", token=token))
    status = 400 if request.method == "POST" else 200
    return render_template("editor/import_anki.html", form=form, problems=problems), status


def _limits() -> importers.Limits:
    return current_app.config.get("IMPORT_LIMITS") or importers.DEFAULT_LIMITS


# --- imports: Kahoot -------------------------------------------------------------------------


@bp.route("/import/kahoot", methods=["GET", "POST"])
@upload_limit
def import_kahoot():
    form = forms.KahootUploadForm()
    problems: list[str] = []
    if form.validate_on_submit():
        data, filename = read_upload(form)
        meta = importers.DeckMeta(
            key="kahoot-import",  # the final, unique key is chosen when it is saved
            title=form.title.data or None,
            source="",
            as_of=today(),
        )
        limits = current_app.config.get("XLSX_LIMITS") or importers.XLSX_LIMITS
        try:
            imported = importers.read_kahoot(data, filename, meta, limits)
        except importers.ImportRefused as error:
            problems = error.problems
        else:
            token = service.stage_import(
                current_user,
                "kahoot",
                filename,
                {"deck": imported.data, "notices": list(imported.notices)},
            )
            return redirect(url_for("editor.confirm_kahoot", token=token))
    status = 400 if request.method == "POST" else 200
    return render_template("editor/import_kahoot.html", form=form, problems=problems), status


# --- confirming a staged deck (Anki, Kahoot) --------------------------------------------------

_CONFIRM_BACK = {
    "anki": ("editor.import_anki", "Import an Anki deck"),
    "kahoot": ("editor.import_kahoot", "Import a Kahoot"),
}


@bp.route("/import/anki/<token>", methods=["GET", "POST"])
def confirm_anki(token: str):
    return _confirm(token, "anki")


@bp.route("/import/kahoot/<token>", methods=["GET", "POST"])
def confirm_kahoot(token: str):
    return _confirm(token, "kahoot")


def _confirm(token: str, kind: str):
    """Show a staged deck with its questions; create it (or restore into its source) on
    confirmation."""
    pending = service.pending_import(current_user, token, kind)
    restoration, own = service.restoration_of(
        current_user, pending.payload["deck"], pending.payload.get("origins", {})
    )
    data = restoration.data
    deck = facts_domain.Deck.from_dict(data, filename=pending.filename)
    form = forms.ConfirmImportForm()
    set_visibility(form)
    form.offer_restore(own.title if own is not None else None, len(restoration.missing))
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            if own is not None and form.into.data == "update":
                row, added = service.restore_into(current_user, token, kind, own.key, restoration)
                flash(f"{added} fact(s) put back into {row.title}.", "success")
                return redirect(url_for("decks.show", key=row.key))
            data = {**data, "deck": {**data["deck"]}}
            data["deck"]["key"] = service.unique_key(data["deck"]["title"], current_user)
            row = service.finish_import(
                current_user,
                token,
                kind,
                data,
                form.visibility.data,
                f"Imported from {pending.filename}",
                deck_images.from_payload(pending.payload.get("images")),
            )
        except service.DeckProblems as error:
            problems = error.problems
        else:
            flash(f"Imported {len(deck.facts)} facts from {pending.filename}.", "success")
            return redirect(url_for("decks.show", key=row.key))
    status = 400 if request.method == "POST" else 200
    back_endpoint, back_label = _CONFIRM_BACK[kind]
    preview = preview_deck(deck, PREVIEW_FACTS)
    return render_template(
        "editor/confirm_import.html",
        form=form,
        pending=pending,
        notices=[*_restore_notices(restoration, own), *pending.payload.get("notices", [])],
        preview=preview,
        pictures=deck_images.data_urls(
            deck_images.from_payload(pending.payload.get("images")),
            (item["fact"].image for item in preview["sample"] if item["fact"].image),
        ),
        title=deck.title,
        problems=problems,
        back_url=url_for(back_endpoint),
        back_label=back_label,
    ), status


def _restore_notices(restoration, own) -> list[str]:
    if not restoration.restored:
        if restoration.source is None:
            return []
        return [
            "This package was exported by quizapp, from a deck you cannot see here: "
            "each fact comes back as one question and its answer."
        ]
    notices = [
        f"This package was exported by quizapp: its {len(restoration.restored)} facts are "
        "restored as they were (one fact per fact, not one per Anki note)."
    ]
    if own is not None:
        notices.append(
            f"They come from your deck “{own.title}”, which "
            + (
                f"no longer has {len(restoration.missing)} of them."
                if restoration.missing
                else "still has all of them."
            )
        )
    return notices
