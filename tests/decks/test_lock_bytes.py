"""The lock's content hash is fixed bytes: the hash decides every published
note's `mod`, and it must not change when the code that computes it gets faster."""

from __future__ import annotations

import hashlib
import json

from hypothesis import given
from hypothesis import strategies as st

from leaderdeck.decks.compile import compile_course, content_hash
from leaderdeck.decks.lock import Lock

from .conftest import FIXTURES, T0

texts = st.text(max_size=40)  # any code point: accents, emoji, control characters, lone surrogates


def reference_hash(type_id: int, fields: tuple[str, ...], tags: tuple[str, ...], deck: str) -> str:
    """The definition every published lock was written with."""
    return hashlib.sha256(json.dumps([type_id, fields, tags, deck]).encode()).hexdigest()[:16]


@given(st.integers(min_value=0, max_value=2**62), st.lists(texts, min_size=1, max_size=9).map(tuple),
       st.lists(texts, max_size=3).map(tuple), texts)
def test_content_hash_is_sha256_of_the_json_it_was_defined_with(type_id, fields, tags, deck):
    assert content_hash(type_id, fields, tags, deck) == reference_hash(type_id, fields, tags, deck)


def test_compiled_notes_carry_the_defined_hash():
    from leaderdeck.course import load_course

    course = load_course(FIXTURES / "lessons")
    compiled = compile_course(course, Lock(), T0)
    decks = {card.nid: card.did for card in compiled.contents.cards}
    names = {deck["id"]: deck["name"] for deck in compiled.contents.decks}
    hashes = {entry.id: entry.hash for entry in compiled.lock.notes.values()}
    for note in compiled.contents.notes:
        expected = reference_hash(note.mid, note.fields, note.tags, names[decks[note.id]])
        assert hashes[note.id] == expected
