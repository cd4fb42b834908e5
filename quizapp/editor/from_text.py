"""New deck from text, and Add from text: paste, review the suggestions, save the accepted.

Nothing is saved until the teacher presses "Save accepted facts": the review page
carries every proposal in its form (and, for a new deck, the deck's details), so
"Preview again" and "Save" are plain posts of what the teacher sees. The
suggestions come from `domain.suggest`, the draft from `domain.suggest.build_draft`,
the questions of each from the editor's own preview. Same blueprint as `editor.views`.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from quizapp.domain import facts as facts_domain
from quizapp.domain import suggest as suggesting
from quizapp.domain.facts.presets import PRESETS, add_presets
from quizapp.domain.questions import preview_of
from quizapp.editor import text_forms
from quizapp.editor.views import bp, set_visibility, today, upload_limit
from quizapp.services import user_decks as service

# --- a new deck -------------------------------------------------------------------------------


@bp.route("/new/from-text", methods=["GET", "POST"])
@upload_limit
def new_from_text():
    form = text_forms.NewFromTextForm()
    set_visibility(form)
    if request.method == "GET":
        form.as_of.data = form.as_of.data or today()
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            found = suggesting.suggest(form.text.data)
        except suggesting.TextRefused as error:
            problems = [str(error)]
        else:
            rows = [text_forms.Row(p, True) for p in suggesting.proposals(found)]
            return _review(rows, _new_base(form), form, None)
    status = 400 if request.method == "POST" else 200
    return render_template("editor/from_text.html", form=form, deck=None, problems=problems), status


@bp.post("/new/from-text/review")
def new_from_text_review():
    form = text_forms.DeckDetailsForm()
    set_visibility(form)
    if not form.validate_on_submit():
        problems = [f"{form[n].label.text}: {' '.join(e)}" for n, e in form.errors.items()]
        return _review([], _new_base(form), form, None, problems, 400)
    rows, problems = text_forms.read_rows(request.form, set(PRESETS))
    base = _new_base(form)
    if problems or request.form.get("action") != "save":
        return _review(rows, base, form, None, problems, 400 if problems else 200)
    accepted = [row.proposal for row in rows if row.accepted]
    try:
        draft = suggesting.build_draft(accepted, base)
        if not draft.added:
            return _review(rows, base, form, None, ["Accept at least one suggestion."], 400)
        deck = service.create_deck(
            current_user,
            draft.data,
            visibility=form.visibility.data,
            summary=f"Created from pasted text ({len(draft.added)} facts)",
        )
    except (facts_domain.FactFileError, service.DeckProblems) as error:
        return _review(rows, base, form, None, _problems(error), 400)
    flash(f"Deck created with {len(draft.added)} facts from your text.", "success")
    return redirect(url_for("decks.show", key=deck.key))


def _new_base(form: text_forms.DeckDetailsForm) -> dict[str, Any]:
    key = form.key.data or service.unique_key(form.title.data or "deck", current_user)
    return {"deck": form.header(key), "relations": {}, "entities": {}, "facts": []}


# --- an existing deck -------------------------------------------------------------------------


@bp.route("/<key>/edit/from-text", methods=["GET", "POST"])
@upload_limit
def add_from_text(key: str):
    deck = service.editable_deck(current_user, key)
    form = text_forms.AddFromTextForm()
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            found = suggesting.suggest(form.text.data, _domain_deck(deck.content, key))
        except suggesting.TextRefused as error:
            problems = [str(error)]
        else:
            rows = [text_forms.Row(p, not p.duplicate) for p in suggesting.proposals(found)]
            return _review(rows, deck.content, text_forms.ReviewForm(), deck)
    status = 400 if request.method == "POST" else 200
    return render_template("editor/from_text.html", form=form, deck=deck, problems=problems), status


@bp.post("/<key>/edit/from-text/review")
def add_from_text_review(key: str):
    deck = service.editable_deck(current_user, key)
    form = text_forms.ReviewForm()
    if not form.validate_on_submit():
        problems = ["The form expired; paste the text again."]
        return _review([], deck.content, form, deck, problems, 400)
    relations = set(PRESETS) | set(deck.content.get("relations", {}))
    rows, problems = text_forms.read_rows(request.form, relations)
    if problems or request.form.get("action") != "save":
        return _review(rows, deck.content, form, deck, problems, 400 if problems else 200)
    accepted = [row.proposal for row in rows if row.accepted]
    if not accepted:
        return _review(rows, deck.content, form, deck, ["Accept at least one suggestion."], 400)
    added: list[str] = []

    def change(current: dict[str, Any]) -> dict[str, Any]:
        draft = suggesting.build_draft(accepted, current)
        added[:] = draft.added
        return draft.data

    try:
        service.change_deck(current_user, key, change, "Added facts from pasted text")
    except (facts_domain.FactFileError, service.DeckProblems) as error:
        return _review(rows, deck.content, form, deck, _problems(error), 400)
    flash(f"Added {len(added)} facts from your text.", "success")
    return redirect(url_for("editor.edit", key=key))


@bp.post("/<key>/edit/presets")
def add_preset_relations(key: str):
    """Add relations from the presets ("founded by" picked from a list), templates and all."""
    service.editable_deck(current_user, key)
    form = text_forms.PresetForm()
    if not form.validate_on_submit():
        flash("Choose relations from the list.", "error")
        return redirect(url_for("editor.edit", key=key)), 303
    added: list[str] = []

    def change(current: dict[str, Any]) -> dict[str, Any]:
        data, keys = add_presets(current, [form.preset.data])
        added[:] = keys
        return data

    service.change_deck(current_user, key, change, f"Added preset relations ({form.preset.data})")
    if added:
        flash(f"Added relation(s): {', '.join(added)}. Their templates can be edited.", "success")
    else:
        flash("The deck already has those relations.", "warning")
    return redirect(url_for("editor.edit", key=key)), 303


def _domain_deck(content: dict[str, Any], key: str) -> facts_domain.Deck | None:
    try:
        return facts_domain.Deck.from_dict(content, filename=key)
    except facts_domain.FactFileError:
        return None


# --- the review page --------------------------------------------------------------------------


def _problems(error: Exception) -> list[str]:
    if isinstance(error, facts_domain.FactFileError):
        return [f"{p.where}: {p.message}" for p in error.problems]
    return list(getattr(error, "problems", [str(error)]))


def _review(rows, base, form, deck, problems=(), status=200):
    """The review page: every proposal with its decision, and the questions it makes."""
    accepted = [row.proposal for row in rows if row.accepted]
    problems = list(problems)
    try:
        draft = suggesting.build_draft(accepted, base)
    except facts_domain.FactFileError as error:
        draft, problems = None, problems + _problems(error)
    outcomes = iter(draft.outcomes if draft else [])
    previews: dict[str, dict] = {}
    items = []
    for number, row in enumerate(rows):
        fact_key, reason = next(outcomes) if row.accepted and draft else (None, None)
        if fact_key and fact_key not in previews:
            previews[fact_key] = preview_of(draft.deck, fact_key)
        items.append(
            {
                "number": number,
                "row": row,
                "fact_key": fact_key,
                "reason": reason,
                "preview": previews.get(fact_key),
            }
        )
    relations = {k: dict(v) for k, v in PRESETS.items()}
    relations.update(base.get("relations", {}))
    action = (
        url_for("editor.add_from_text_review", key=deck.key)
        if deck
        else url_for("editor.new_from_text_review")
    )
    return render_template(
        "editor/review.html",
        form=form,
        deck=deck,
        items=items,
        relations=relations,
        action=action,
        problems=problems,
        accepted=len(accepted),
    ), status
