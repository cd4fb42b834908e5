"""Decks owned by users: create, edit with a live preview, version, download.

Thin views: forms parse, `services.user_decks` saves (validation, versions,
access), `domain.importers` reads fact files (CSV and Anki: `editor.imports`). A
refused upload or edit renders the form again with the problems and a 400;
nothing is saved.
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from quizapp.domain import deck_edits, images, importers
from quizapp.domain import facts as facts_domain
from quizapp.domain.questions import generate, preview_fact
from quizapp.editor import forms
from quizapp.extensions import limiter
from quizapp.services import user_decks as service

bp = Blueprint("editor", __name__, url_prefix="/decks")


@bp.before_request
def _login_first():
    """Every page here is for a logged-in user (downloads and images of public decks excepted)."""
    if request.endpoint in ("editor.download", "editor.image") or current_user.is_authenticated:
        return None
    return current_app.login_manager.unauthorized()


def today() -> str:
    return datetime.datetime.now(datetime.UTC).date().isoformat()


def set_visibility(form, default: str = "private") -> None:
    forms.set_visibility_choices(
        form.visibility,
        service.allowed_visibilities(current_user),
        service.class_reach(current_user),
    )
    if not form.visibility.data:
        form.visibility.data = default


def read_upload(form) -> tuple[bytes, str]:
    storage = form.file.data
    return storage.read(), (storage.filename or "upload")[:200]


# --- my decks, new, upload --------------------------------------------------------------------


@bp.get("/mine")
def mine():
    return render_template("editor/mine.html", decks=service.user_decks(current_user))


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = forms.DeckForm()
    set_visibility(form)
    if request.method == "GET":
        form.as_of.data = form.as_of.data or today()
    problems: list[str] = []
    if form.validate_on_submit():
        key = form.key.data or service.unique_key(form.title.data, current_user)
        header = {
            "key": key,
            "title": form.title.data,
            "source": form.source.data,
            "as_of": form.as_of.data,
            "language": form.language.data,
        }
        if form.description.data:
            header["description"] = form.description.data
        try:
            deck = service.create_deck(
                current_user,
                {"deck": header, "relations": {}, "entities": {}, "facts": []},
                visibility=form.visibility.data,
                summary="Created empty",
            )
        except service.DeckProblems as error:
            problems = error.problems
        else:
            flash("Deck created. Add relations, entities and facts.", "success")
            return redirect(url_for("editor.edit", key=deck.key))
    status = 400 if request.method == "POST" else 200
    return render_template("editor/new.html", form=form, problems=problems), status


# Every upload (fact file, replacement, CSV, Anki) counts against one limit per user:
# a parse is the most expensive thing a user can ask of a worker, and staged uploads
# take space.
UPLOAD_LIMIT = "30 per hour"
upload_limit = limiter.shared_limit(
    UPLOAD_LIMIT,
    scope="uploads",
    key_func=lambda: f"user:{current_user.id}",
    methods=["POST"],
)


@bp.route("/upload", methods=["GET", "POST"])
@upload_limit
def upload():
    form = forms.UploadForm()
    set_visibility(form)
    problems: list[str] = []
    if form.validate_on_submit():
        data, filename = read_upload(form)
        try:
            imported = importers.read_fact_file(data, filename)
            content = imported.data
            if form.key.data:
                content["deck"]["key"] = form.key.data
            if form.title.data:
                content["deck"]["title"] = form.title.data
            deck = service.create_deck(
                current_user,
                content,
                visibility=form.visibility.data,
                summary=f"Uploaded {filename}",
            )
        except importers.ImportRefused as error:
            problems = error.problems
        except service.DeckProblems as error:
            problems = error.problems
        else:
            for notice in imported.notices:
                flash(notice, "warning")
            flash(f"Deck created from {filename}.", "success")
            return redirect(url_for("decks.show", key=deck.key))
    status = 400 if request.method == "POST" else 200
    return render_template("editor/upload.html", form=form, problems=problems), status


# --- the editor -------------------------------------------------------------------------------


def _editor_page(key: str, status: int = 200, **forms_and_problems: Any):
    deck = service.editable_deck(current_user, key)
    content = deck.content
    settings = forms_and_problems.pop("settings", None) or forms.DeckForm(
        formdata=None,
        title=deck.title,
        key=deck.key,
        description=deck.description,
        source=deck.source,
        as_of=deck.as_of,
        language=deck.language,
    )
    visibility = forms_and_problems.pop("visibility", None) or forms.VisibilityForm(
        formdata=None, visibility=deck.visibility
    )
    set_visibility(visibility, deck.visibility)
    replace = forms_and_problems.pop("replace", None) or forms.ReplaceForm(formdata=None)
    warnings = []
    dropped = 0
    domain = None
    try:
        domain = facts_domain.Deck.from_dict(content, filename=key)
        warnings = [f"{w.where}: {w.message}" for w in domain.warnings]
        dropped = len(generate(domain).dropped)
    except facts_domain.FactFileError:
        pass
    from quizapp.editor.text_forms import PresetForm

    return render_template(
        "editor/edit.html",
        deck=deck,
        preset_form=PresetForm(formdata=None),
        content=content,
        fact_lines=deck_edits.fact_lines(content, domain),
        settings=settings,
        visibility_form=visibility,
        replace=replace,
        warnings=warnings,
        dropped=dropped,
        problems=forms_and_problems.pop("problems", []),
    ), status


@bp.get("/<key>/edit")
def edit(key: str):
    return _editor_page(key)


@bp.post("/<key>/edit/settings")
def settings(key: str):
    service.editable_deck(current_user, key)
    form = forms.DeckForm()
    del form.visibility
    if not form.validate_on_submit():
        return _editor_page(key, 400, settings=form)

    def change(data: dict[str, Any]) -> dict[str, Any]:
        header = {
            "key": key,
            "title": form.title.data,
            "source": form.source.data,
            "as_of": form.as_of.data,
            "language": form.language.data,
        }
        if form.description.data:
            header["description"] = form.description.data
        return {**data, "deck": header}

    try:
        service.change_deck(current_user, key, change, "Changed the deck's details")
    except service.DeckProblems as error:
        return _editor_page(key, 400, settings=form, problems=error.problems)
    flash("Saved.", "success")
    return redirect(url_for("editor.edit", key=key))


@bp.post("/<key>/edit/visibility")
def visibility(key: str):
    deck = service.editable_deck(current_user, key)
    form = forms.VisibilityForm()
    set_visibility(form, deck.visibility)
    if not form.validate_on_submit():
        return _editor_page(key, 400, visibility=form)
    service.set_visibility(current_user, key, form.visibility.data)
    flash("Visibility saved.", "success")
    return redirect(url_for("editor.edit", key=key))


@bp.post("/<key>/edit/replace")
@upload_limit
def replace(key: str):
    service.editable_deck(current_user, key)
    form = forms.ReplaceForm()
    if not form.validate_on_submit():
        return _editor_page(key, 400, replace=form)
    data, filename = read_upload(form)
    try:
        imported = importers.read_fact_file(data, filename)
        service.change_deck(
            current_user, key, lambda _old: imported.data, f"Replaced by {filename}"
        )
    except (importers.ImportRefused, service.DeckProblems) as error:
        return _editor_page(key, 400, replace=form, problems=error.problems)
    flash(f"The deck now holds the content of {filename}.", "success")
    return redirect(url_for("editor.edit", key=key))


# --- entities and relations -------------------------------------------------------------------

_PIECES = {
    "entity": (forms.EntityForm, "entities", "name"),
    "relation": (forms.RelationForm, "relations", "label"),
}


def _piece(key: str, kind: str, item_key: str | None):
    """Add (item_key None) or edit an entity or relation."""
    form_class, section, name_field = _PIECES[kind]
    deck = service.editable_deck(current_user, key)
    current = deck.content.get(section, {})
    if item_key is not None and item_key not in current:
        abort(404, f"This deck has no {kind} '{item_key}'.")
    if request.method == "GET" and item_key is not None:
        form = form_class(formdata=None, **form_class.values_of(current[item_key]))
    else:
        form = form_class()
    if item_key is not None:
        del form.key
    problems: list[str] = []
    if form.validate_on_submit():
        new_key = item_key or deck_edits.new_key(
            kind, form.key.data, getattr(form, name_field).data
        )
        item = form.to_item()
        verb = "Added" if item_key is None else "Edited"
        try:
            service.change_deck(
                current_user,
                key,
                lambda data: deck_edits.put(data, kind, new_key, item, new=item_key is None),
                f"{verb} {kind} '{new_key}'",
            )
        except service.DeckProblems as error:
            problems = error.problems
        else:
            flash(f"{verb} {kind} '{new_key}'.", "success")
            return redirect((request.args.get("next_fact") and _fact_url(key)) or _edit_url(key))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "editor/piece.html", deck=deck, form=form, kind=kind, item_key=item_key, problems=problems
    ), status


def _edit_url(key: str) -> str:
    return url_for("editor.edit", key=key)


def _fact_url(key: str) -> str:
    return url_for("editor.new_fact", key=key)


def _remove(key: str, kind: str, item_key: str):
    service.editable_deck(current_user, key)
    try:
        service.change_deck(
            current_user,
            key,
            lambda data: deck_edits.remove(data, kind, item_key),
            f"Removed {kind} '{item_key}'",
        )
    except service.DeckProblems as error:
        flash(" ".join(error.problems), "error")
        return redirect(_edit_url(key)), 303
    flash(f"Removed {kind} '{item_key}'.", "success")
    return redirect(_edit_url(key)), 303


@bp.route("/<key>/edit/entities/new", methods=["GET", "POST"])
def new_entity(key: str):
    return _piece(key, "entity", None)


@bp.route("/<key>/edit/entities/<item_key>", methods=["GET", "POST"])
def edit_entity(key: str, item_key: str):
    return _piece(key, "entity", item_key)


@bp.post("/<key>/edit/entities/<item_key>/delete")
def delete_entity(key: str, item_key: str):
    return _remove(key, "entity", item_key)


@bp.route("/<key>/edit/relations/new", methods=["GET", "POST"])
def new_relation(key: str):
    return _piece(key, "relation", None)


@bp.route("/<key>/edit/relations/<item_key>", methods=["GET", "POST"])
def edit_relation(key: str, item_key: str):
    return _piece(key, "relation", item_key)


@bp.post("/<key>/edit/relations/<item_key>/delete")
def delete_relation(key: str, item_key: str):
    return _remove(key, "relation", item_key)


# --- facts, with the preview ------------------------------------------------------------------


def try_answer() -> str:
    """The answer typed in the preview's "Try an answer" box ("" for none)."""
    return " ".join(request.form.get("try_answer", "").split())[: facts_domain.MAX_NAME]


def _fact_form(deck, item_key: str | None):
    content = deck.content
    if request.method == "GET" and item_key is not None:
        fact = next((f for f in content.get("facts", []) if f.get("key") == item_key), None)
        if fact is None:
            abort(404, f"This deck has no fact '{item_key}'.")
        form = forms.FactForm(formdata=None)
        form.set_deck(content)
        form.fill(fact, content.get("relations", {}).get(fact.get("relation")))
    else:
        form = forms.FactForm()
        form.set_deck(content)
    if item_key is not None:
        del form.key
    return form


def _picture(form) -> images.Image | None:
    """The picture uploaded with a fact, if it is one (else an error on the field)."""
    data = form.picture_bytes(images.MAX_IMAGE)
    if data is None:
        return None
    accepted = images.accept(data)
    if isinstance(accepted, str):
        form.picture.errors = [*form.picture.errors, f"This file {accepted}."]
        return None
    return accepted


def _fact_page(key: str, item_key: str | None):
    deck = service.editable_deck(current_user, key)
    if item_key is not None and item_key not in {f.get("key") for f in deck.content["facts"]}:
        abort(404, f"This deck has no fact '{item_key}'.")
    form = _fact_form(deck, item_key)
    problems: list[str] = []
    shown = None
    # validate() clears field errors, so the picture is checked after it
    valid = request.method == "POST" and form.validate()
    picture = _picture(form) if valid else None
    if valid and not form.picture.errors:
        typed = form.to_input()
        if picture is not None:
            typed = dataclasses.replace(typed, picture=picture.name)
        edit = deck_edits.put_fact(deck.content, typed, item_key)
        form.show_problems(edit.field_problems)
        problems = list(edit.problems)
        if edit.ok and form.preview.data:
            shown = preview_fact(edit.data, edit.key, try_answer())
            problems = shown["problems"]
        elif edit.ok:
            verb = "Added" if item_key is None else "Edited"
            try:
                # Put again on the content as it is inside the transaction: a refusal
                # there means the deck changed under the form.
                service.change_deck(
                    current_user,
                    key,
                    lambda current: deck_edits.put_fact(current, typed, item_key),
                    f"{verb} fact '{edit.key}'",
                    images=[picture] if picture is not None else [],
                )
            except service.DeckProblems as error:
                problems = error.problems
            else:
                flash(f"{verb} fact '{edit.key}'.", "success")
                if request.form.get("then") == "another":
                    return redirect(url_for("editor.new_fact", key=key))
                return redirect(_edit_url(key))
    status = 400 if request.method == "POST" and not shown and problems else 200
    if request.method == "POST" and form.errors:
        status = 400
    relations = {
        k: {"value": r["value"], "many": r.get("many", False), "subject": r["subject"]}
        for k, r in deck.content.get("relations", {}).items()
    }
    return render_template(
        "editor/fact.html",
        deck=deck,
        form=form,
        item_key=item_key,
        problems=problems,
        preview=shown,
        relations=relations,
        picture=_stored_picture(deck.content, item_key),
    ), status


def _stored_picture(content: dict[str, Any], item_key: str | None) -> str:
    fact = next((f for f in content.get("facts", []) if f.get("key") == item_key), {})
    return str(fact.get("image") or "")


@bp.route("/<key>/edit/facts/new", methods=["GET", "POST"])
def new_fact(key: str):
    return _fact_page(key, None)


@bp.route("/<key>/edit/facts/<item_key>", methods=["GET", "POST"])
def edit_fact(key: str, item_key: str):
    return _fact_page(key, item_key)


@bp.post("/<key>/edit/facts/<item_key>/delete")
def delete_fact(key: str, item_key: str):
    return _remove(key, "fact", item_key)


@bp.post("/<key>/edit/preview")
def live_preview(key: str):
    """JSON for the editor's script: the questions of the fact being typed."""
    deck = service.editable_deck(current_user, key)
    item_key = request.form.get("editing") or None
    if item_key is not None and item_key not in {f.get("key") for f in deck.content["facts"]}:
        item_key = None
    form = forms.FactForm()
    form.set_deck(deck.content)
    if item_key is not None:
        del form.key
    form.validate()
    edit = deck_edits.put_fact(deck.content, form.to_input(), item_key)
    if not edit.ok:
        form.show_problems(edit.field_problems)
        errors = [f"{form[name].label.text}: {' '.join(e)}" for name, e in form.errors.items()]
        problems = [*edit.problems, *errors] or ["Fill in the fact."]
        return jsonify(ok=False, problems=problems, questions=[], dropped=[])
    return jsonify(preview_fact(edit.data, edit.key, try_answer()))


# --- history and downloads --------------------------------------------------------------------


def _toml_response(text: str, name: str) -> Response:
    return Response(
        text,
        mimetype="application/toml",
        headers={"Content-Disposition": f'attachment; filename="{name}.toml"'},
    )


@bp.get("/<key>/versions")
def versions(key: str):
    deck, rows = service.versions(current_user, key)
    return render_template("editor/versions.html", deck=deck, versions=rows)


@bp.get("/<key>/versions/<int:number>.toml")
def version_download(key: str, number: int):
    return _toml_response(service.version_toml(current_user, key, number), f"{key}-v{number}")


@bp.get("/<key>/download.toml")
def download(key: str):
    """The deck as a fact file, for anyone who may see it (no login for public decks)."""
    return _toml_response(service.deck_toml(current_user, key), key)


# The import views (CSV/TSV, Quizlet, Kahoot, Anki), "from text" and deck images register
# on the same blueprint.
from quizapp.editor import from_text, imports, media  # noqa: E402, F401
