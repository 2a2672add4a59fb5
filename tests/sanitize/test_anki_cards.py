"""The hostile course's deck in the official `anki` package: Anki's own markup stays text, and
option text cannot add options."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from leaderdeck.course import load_course
from leaderdeck.decks import build_decks

HOSTILE = Path(__file__).parent / "fixtures" / "lessons"
T0 = 1_750_000_000


@pytest.fixture
def hostile_collection(tmp_path: Path):
    pytest.importorskip("anki")
    import anki.lang
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    shutil.copytree(HOSTILE, tmp_path / "lessons")
    build_decks(load_course(tmp_path / "lessons"), tmp_path, T0)
    anki.lang.set_lang("en")
    (tmp_path / "anki").mkdir()
    collection = Collection(str(tmp_path / "anki" / "collection.anki2"))
    request = ImportAnkiPackageRequest(package_path=str(tmp_path / "decks" / "hostile.apkg"),
                                       options=ImportAnkiPackageOptions(with_scheduling=False))
    collection.import_anki_package(request)
    yield collection
    collection.close()


def _cards(collection, item_id: str):
    [note_id] = collection.find_notes(f'"Uid:hostile/*/{item_id}"')
    return collection.get_note(note_id).cards()


def test_no_card_plays_sound_speaks_or_typesets_latex(hostile_collection):
    cards = [hostile_collection.get_card(card_id) for card_id in hostile_collection.find_cards("")]
    assert len(cards) > 5
    for card in cards:
        question, answer = card.question(), card.answer()
        assert card.question_av_tags() == [] and card.answer_av_tags() == [], card.note().fields[0]
        for text in (question, answer):
            assert "[anki:play" not in text and "latex-" not in text and "<script>alert" not in text


def test_anki_markup_shows_as_written(hostile_collection):
    [card] = _cards(hostile_collection, "card")[:1]
    assert "&#91;sound:front.mp3]" in card.question()
    assert "&#91;latex]" in card.answer() and "&#91;$$]z&#91;/$$]" in card.answer()


@pytest.mark.parametrize(("item_id", "options", "first"), [("pick", 3, "AlphaInjected"), ("many", 3, "OneTwo")])
def test_option_text_cannot_add_options(hostile_collection, item_id: str, options: int, first: str):
    [card] = _cards(hostile_collection, item_id)
    front = re.sub(r"<script>.*?</script>|<style>.*?</style>", "", card.question(), flags=re.S)
    assert front.count("<li") == options, front
    assert re.search(rf'<li data-i="\d+">{first}</li>', front), front  # one whole option (stored shuffled)
