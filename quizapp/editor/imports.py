"""Imports of what teachers already have: CSV/TSV tables and Anki packages.

An upload is read (`domain.importers`), staged server-side (`services.user_decks`)
and shown for confirmation (a CSV: its columns to map; an Anki package: what it
became); only the confirmation creates the deck. Same blueprint as `editor.views`.
"""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from quizapp.domain import facts as facts_domain
from quizapp.domain import importers
from quizapp.domain.questions import preview_deck
from quizapp.editor import forms
from quizapp.editor.views import bp, read_upload, set_visibility, today, upload_limit
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


@bp.route("/import/csv/<token>", methods=["GET", "POST"])
def map_csv(token: str):
    pending = service.pending_import(current_user, token, "csv")
    table = importers.read_table(pending.payload["text"].encode(), pending.filename)
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
                {"deck": imported.data, "notices": list(imported.notices)},
            )
            return redirect(url_for("editor.confirm_anki", token=token))
    status = 400 if request.method == "POST" else 200
    return render_template("editor/import_anki.html", form=form, problems=problems), status


def _limits() -> importers.Limits:
    return current_app.config.get("IMPORT_LIMITS") or importers.DEFAULT_LIMITS


@bp.route("/import/anki/<token>", methods=["GET", "POST"])
def confirm_anki(token: str):
    pending = service.pending_import(current_user, token, "anki")
    data = pending.payload["deck"]
    deck = facts_domain.Deck.from_dict(data, filename=pending.filename)
    form = forms.ConfirmImportForm()
    set_visibility(form)
    problems: list[str] = []
    if form.validate_on_submit():
        data = {**data, "deck": {**data["deck"]}}
        data["deck"]["key"] = service.unique_key(data["deck"]["title"], current_user)
        try:
            row = service.finish_import(
                current_user,
                token,
                "anki",
                data,
                form.visibility.data,
                f"Imported from {pending.filename}",
            )
        except service.DeckProblems as error:
            problems = error.problems
        else:
            flash(f"Imported {len(deck.facts)} facts from {pending.filename}.", "success")
            return redirect(url_for("decks.show", key=row.key))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "editor/confirm_anki.html",
        form=form,
        pending=pending,
        notices=pending.payload.get("notices", []),
        preview=preview_deck(deck, PREVIEW_FACTS),
        title=deck.title,
        problems=problems,
    ), status
