"""A learner downloads a deck from its page and imports it into Anki."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.anki_tools import collection, import_apkg, notes


def open_export_menu(page):
    page.goto("/decks/chinese-ai-startups")
    page.get_by_text("Export", exact=True).click()


def test_download_the_deck_from_the_export_menu_and_import_it(page, builtin_decks, tmp_path):
    open_export_menu(page)
    expect(page.get_by_label("Format")).to_have_value("apkg")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download").click()
    download = info.value
    assert download.suggested_filename == "chinese-ai-startups.apkg"
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    n_facts = len(builtin_decks["chinese-ai-startups"].content["facts"])
    with collection(tmp_path / "anki.anki2") as col:
        log = import_apkg(col, path)
        fact_notes = notes(col, '"note:quizapp fact"')
        assert len(fact_notes) == n_facts
        assert len(log.new) == col.note_count() > n_facts
        names = {d.name for d in col.decks.all_names_and_ids()}
        assert "quizapp::Chinese AI startups beyond DeepSeek" in names
        # Importing the same download again adds nothing.
        import_apkg(col, path)
        assert len(notes(col, '"note:quizapp fact"')) == n_facts


def test_one_entity_as_csv(page, builtin_decks, tmp_path):
    open_export_menu(page)
    page.get_by_label("Format").select_option("csv")
    page.get_by_text("Only some entities").click()
    page.get_by_role("checkbox", name="Stepfun", exact=True).check()
    with page.expect_download() as info:
        page.get_by_role("button", name="Download").click()
    assert info.value.suggested_filename == "chinese-ai-startups-stepfun.csv"
    path = tmp_path / "stepfun.csv"
    info.value.save_as(path)
    assert "Who founded Stepfun?" in path.read_text(encoding="utf-8-sig")


def test_export_menu_fits_a_phone_in_dark_mode(new_page, builtin_decks):
    page = new_page(width=375, color_scheme="dark")
    open_export_menu(page)
    expect(page.get_by_role("button", name="Download")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375


def test_export_menu_works_with_the_keyboard(page, builtin_decks):
    page.goto("/decks/chinese-ai-startups")
    summary = page.locator("summary", has_text="Export")
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Format")).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Format")).to_be_focused()
