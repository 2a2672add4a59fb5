"""Cards that suit Anki (issue 14), checked on the shipped course and the fixture course after a
real import with the official `anki` package: choice options stored in a shuffled order with the
answer anywhere, the choice back short (the answer first, the rest folded), order cards far from
the answer, no hint that repeats the prompt, a cue on reverse cards."""

from __future__ import annotations

import re
import statistics
from collections import Counter
from html import unescape
from pathlib import Path

import pytest

from leaderdeck.course import load_course
from leaderdeck.decks import build_decks
from leaderdeck.identity import item_key_text

from .conftest import T0, build_project, import_package, package_of

ROOT = Path(__file__).resolve().parents[2]


def _text(html: str) -> str:
    html = re.sub(r"<style>.*?</style>|<script>.*?</script>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def _markup(html: str) -> str:
    return re.sub(r"<style>.*?</style>|<script>.*?</script>", "", html, flags=re.S)


def _items(html: str) -> list[str]:
    return [_text(li) for li in re.findall(r"<li\b[^>]*>(.*?)</li>", html, flags=re.S)]


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    """The shipped course, built and imported into a fresh collection: (course, collection)."""
    pytest.importorskip("anki")
    import anki.lang
    from anki.collection import Collection

    anki.lang.set_lang("en")
    root = tmp_path_factory.mktemp("shipped")
    course = load_course(ROOT / "lessons")
    build_decks(course, root, T0)
    collection = Collection(str(root / "collection.anki2"))
    import_package(collection, root / "decks" / f"{course.id}.apkg")
    yield course, collection
    collection.close()


def _notes(collection, kind: str):
    return [collection.get_note(n) for n in collection.find_notes(f'note:"leaderdeck {kind}"')]


def test_choice_options_are_stored_shuffled_with_the_answer_anywhere(shipped):
    """Authors write the correct option first; the Options field (what shows without scripts and
    in Anki's browser) must not keep it there."""
    course, collection = shipped
    items = {item_key_text(course.id, lesson.id, item.id, item.moved_from): item
             for lesson in course.lessons for item in lesson.items}
    positions: Counter[int] = Counter()
    multi_first_k = 0
    notes = _notes(collection, "choice")
    assert len(notes) >= 50
    for note in notes:
        item = items[note["Uid"]]
        shown = _items(note["Options"])
        texts = {o.id: _text(o.text) for o in item.options}
        correct = [shown.index(texts[answer]) for answer in item.correct]
        assert sorted(shown) == sorted(texts.values())
        if item.multi:
            multi_first_k += sorted(correct) == list(range(len(correct)))
        else:
            positions[correct[0]] += 1
        card = note.cards()[0]
        assert "ld-correct" not in _markup(card.question()) and "Correct" not in _text(card.question())
    singles = sum(positions.values())
    print(f"correct option's stored position (single answer, 1-based): "
          f"{ {p + 1: n for p, n in sorted(positions.items())} } of {singles}")
    assert len(positions) >= 3 and max(positions.values()) <= 0.5 * singles
    assert positions[0] <= 0.45 * singles
    assert multi_first_k <= max(1, 0.5 * (len(notes) - singles))


def test_choice_back_shows_the_answer_first_and_folds_the_rest(shipped):
    _, collection = shipped
    for note in _notes(collection, "choice"):
        answer = _markup(note.cards()[0].answer())
        first, _, folded = answer.partition('<details class="ld-others">')
        assert folded, f"{note['Uid']}: the other options are not folded"
        assert "ld-correct" in first and "ld-wrong" not in first
        assert "ld-correct" not in folded and "ld-wrong" in folded
        assert 'class="ld-summary" hidden' in answer  # filled by the script, hidden without it
        assert "ld-choices" in note.cards()[0].question()  # the tappable list


def test_order_cards_are_far_from_the_answer(shipped):
    """Not one swap from correct, half the pairs swapped at least, the first step not first."""
    course, collection = shipped
    items = {item_key_text(course.id, lesson.id, item.id, item.moved_from): item
             for lesson in course.lessons for item in lesson.items}
    notes = _notes(collection, "order")
    assert notes
    first_first = 0
    for note in notes:
        steps = [_text(s) for s in items[note["Uid"]].steps]
        shown = [steps.index(s) for s in _items(note["Steps"])]
        count = len(steps)
        assert _inversions(shown) >= count * (count - 1) / 4 and _inversions(shown) > 1, (note["Uid"], shown)
        first_first += shown[0] == 0
    assert first_first == 0


def test_no_hint_repeats_the_prompt(shipped):
    _, collection = shipped
    for note in _notes(collection, "order"):
        front = _text(note.cards()[0].question()).lower()
        assert front.count("in order") <= 1, note["Uid"]
    for note in _notes(collection, "choice"):
        front = _text(note.cards()[0].question()).lower()
        assert "select all that apply" not in front and front.count("all that apply") <= 1, note["Uid"]
        assert not re.search(r'class="ld-hint">\s*Choose one', note.cards()[0].question())


def test_hints_join_prompts_that_do_not_say_it(project, anki_collection):
    import msgspec

    from leaderdeck.kinds.choice import Choice
    from leaderdeck.kinds.choice import fields as choice_fields
    from leaderdeck.kinds.order import Order
    from leaderdeck.kinds.order import fields as order_fields

    base = {"id": "x", "concept": "c", "source": "s.txt", "explanation": "e"}
    order = msgspec.convert({**base, "kind": "order", "prompt": "Sort these.", "steps": ["a", "b", "c"]}, Order)
    assert "Put these steps in order." in order_fields(order, "u")["Prompt"]
    options = [{"id": "a", "text": "A", "feedback": "f"}, {"id": "b", "text": "B", "feedback": "f"},
               {"id": "c", "text": "C", "feedback": "f"}]
    multi = msgspec.convert({**base, "kind": "choice", "question": "Which?", "options": options,
                             "correct": ["a", "b"], "multi": True}, Choice)
    assert "Choose all that apply." in choice_fields(multi, "u")["Question"]
    said = msgspec.structs.replace(multi, question="Which? Choose all that apply.")
    assert "ld-hint" not in choice_fields(said, "u")["Question"]


def test_reverse_card_front_has_a_cue(project, anki_collection):
    build_project(project, T0)
    import_package(anki_collection, package_of(project))
    [note_id] = anki_collection.find_notes('"Uid:testcourse/first-lesson/reverse-card"')
    reverse = next(c for c in anki_collection.get_note(note_id).cards() if c.ord == 1)
    front = _text(reverse.question())
    assert "First lesson" in front and "what is this the answer to?" in front
    assert "A decision you cannot undo." in front


def test_choice_back_text_without_scripts_is_short(shipped):
    """What a phone shows without scripts: the answer and its feedback; the rest is folded away.
    Measured in words of the visible part before the explanation (the review: median 178 words)."""
    _, collection = shipped
    words = []
    for note in _notes(collection, "choice"):
        answer = note.cards()[0].answer()
        shown = re.sub(r'<details class="ld-others">.*?</details>', "", answer, flags=re.S)
        shown = shown.split('<div class="ld-explanation">')[0]
        words.append(len(_text(shown).split()))
    print(f"choice back words before the explanation: median {statistics.median(words)}, max {max(words)}")
    assert statistics.median(words) <= 80


def _inversions(order: list[int]) -> int:
    """Kendall tau distance from the correct order: pairs of steps shown swapped."""
    return sum(a > b for i, a in enumerate(order) for b in order[i + 1:])
