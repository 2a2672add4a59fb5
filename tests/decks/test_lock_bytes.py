"""The lock's content hash and file format are fixed bytes: the hash decides every published
note's `mod`, and the committed lock must not change when the code that writes it gets faster."""

from __future__ import annotations

import hashlib
import json

from hypothesis import given
from hypothesis import strategies as st

from leaderdeck.decks.compile import compile_course, content_hash
from leaderdeck.decks.lock import Lock, NoteEntry, Tombstone, TypeEntry

from .conftest import FIXTURES, T0

texts = st.text(max_size=40)  # any code point: accents, emoji, control characters, lone surrogates


def reference_hash(type_id: int, fields: tuple[str, ...], tags: tuple[str, ...], deck: str) -> str:
    """The definition every published lock was written with."""
    return hashlib.sha256(json.dumps([type_id, fields, tags, deck]).encode()).hexdigest()[:16]


def reference_lock_json(lock: Lock) -> str:
    """How every published lock file was written."""
    def entry(value, omit_single_card=False):
        data = {name: getattr(value, name) for name in value.__struct_fields__}
        if omit_single_card and len(value.cards) == 1:
            del data["cards"]
        if data.get("note", 0) is None:  # a tombstone without its note (every one before notes were kept)
            del data["note"]
        if data.get("notebook", 0) is False:  # a removed item (every one before notebook-only items)
            del data["notebook"]
        return data

    data = {"version": 1, "decks": lock.decks,
            "note_types": {k: entry(v) for k, v in lock.note_types.items()},
            "notes": {k: entry(v, omit_single_card=True) for k, v in lock.notes.items()},
            "tombstones": {k: entry(v) for k, v in lock.tombstones.items()}}
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


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


keys = st.text(min_size=1, max_size=12)
ints = st.integers(min_value=0, max_value=2**53)
note_entries = st.builds(NoteEntry, guid=texts, id=ints, hash=texts, mod=ints,
                         cards=st.sampled_from([(0,), (0, 1), (0, 1, 2)]))
locks = st.builds(
    Lock,
    notes=st.dictionaries(keys, note_entries, max_size=5),
    note_types=st.dictionaries(keys, st.builds(TypeEntry, schema=texts, style=texts, mod=ints), max_size=3),
    tombstones=st.dictionaries(keys, st.builds(Tombstone, guid=texts, id=ints, removed=ints, notebook=st.booleans()),
                               max_size=3),
    decks=st.dictionaries(keys, texts, max_size=3),
)


@given(locks)
def test_lock_file_bytes_are_those_json_dump_wrote(lock):
    assert lock.to_json() == reference_lock_json(lock)
    assert Lock.from_json(lock.to_json()) == lock


def test_the_committed_lock_is_written_back_unchanged():
    committed = (FIXTURES.parents[2] / "decks" / "leadership.lock.json").read_text(encoding="utf-8")
    assert Lock.from_json(committed).to_json() == committed
