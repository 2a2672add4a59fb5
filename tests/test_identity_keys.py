"""Identity in one place: every key built from ids comes from `leaderdeck.identity`."""

from __future__ import annotations

import json
import re
from pathlib import Path

from leaderdeck.identity import (
    CardKey,
    NoteKey,
    card_key_text,
    concept_tags,
    guid_of,
    note_guid,
    note_key_text,
    note_of_card,
    split_card_key,
)

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src/leaderdeck"


def test_guids_are_those_of_the_published_deck():
    lock = json.loads((ROOT / "decks/leadership.lock.json").read_text(encoding="utf-8"))
    assert lock["notes"]
    for key, entry in lock["notes"].items():
        assert guid_of(key) == entry["guid"] == note_guid(NoteKey.parse(key))


def test_a_known_guid_never_changes():
    key = NoteKey("leadership", "authentic-leadership", "adaptive-taproot-cloze")
    assert note_guid(key) == "ld3b9128314c57c5ea3518"


def test_keys_round_trip_through_their_text():
    note = NoteKey("course", "lesson", "item")
    card = CardKey(note, 3)
    assert str(note) == note_key_text("course", "lesson", "item") == "course/lesson/item"
    assert str(card) == card_key_text(str(note), 3) == "course/lesson/item#3"
    assert CardKey.parse(str(card)) == card and NoteKey.parse(str(note)) == note
    assert split_card_key(str(card)) == ("course/lesson/item", 3)
    assert note_of_card(str(card)) == str(note)
    assert note.lesson_key == "course/lesson"


def test_tags_place_a_note_under_course_lesson_and_concept():
    assert concept_tags("leadership", "door-decisions", "two-way-door") == (
        "leadership", "leadership::door-decisions", "leadership::door-decisions::two-way-door")


# Building a key by hand elsewhere is how two modules come to disagree about identity.
_HAND_BUILT = re.compile(r'\}#\{|rpartition\("#"\)|split\("#"\)|"ld" \+|\.split\("/"\)\s*$')
_NOT_KEYS = {("kinds/order.py", 'f"{seed}#{index}"')}  # a shuffle seed, never stored or compared


def test_no_module_but_identity_builds_keys():
    found = []
    for path in sorted(SRC.rglob("*.py")):
        name = path.relative_to(SRC).as_posix()
        if name == "identity.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if _HAND_BUILT.search(line) and not any(name == n and text in line for n, text in _NOT_KEYS):
                found.append(f"{name}:{number}: {line.strip()}")
    assert not found, "build keys with leaderdeck.identity:\n" + "\n".join(found)
