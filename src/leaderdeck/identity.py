"""Authored identity: one key per card, shared by Anki notes, notebook quizzes and the store.

A note is identified by (course id, lesson id, item id); a card by that plus its Anki ordinal
(the cloze number minus one; 1 for a flashcard's reverse card; otherwise 0). Nothing here is
derived from content, so rewording, reordering or moving an item never changes its identity
(an item moved to another lesson names its first lesson in `moved_from`, see `item_key_text`).

Every key built from ids is built here and nowhere else: the note key text
`course/lesson/item`, the card key text `course/lesson/item#ordinal`, the Anki GUID (a hash of
the note key text) and the tags that place a note under its course, lesson and concept.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class NoteKey:
    course: str
    lesson: str
    item: str

    def __str__(self) -> str:
        return note_key_text(self.course, self.lesson, self.item)

    @classmethod
    def parse(cls, text: str) -> NoteKey:
        course, lesson, item = text.split("/")
        return cls(course, lesson, item)

    @property
    def lesson_key(self) -> str:
        """`course/lesson`: the part of the key a renamed lesson or course id changes."""
        return lesson_key_text(self.course, self.lesson)


def note_key_text(course: str, lesson: str, item: str) -> str:
    """`str(NoteKey(course, lesson, item))` without making the key: the deck compiler needs only
    the text, for every item of a course."""
    return f"{course}/{lesson}/{item}"


def item_key_text(course: str, lesson: str, item: str, moved_from: str | None = None) -> str:
    """An item's note key text. An item that moved to another lesson (`moved_from`) keeps the key
    of the lesson it was first published in: its GUID and its learners' progress go with it."""
    return note_key_text(course, moved_from or lesson, item)


def item_key(course: str, lesson: str, item: str, moved_from: str | None = None) -> NoteKey:
    """`item_key_text` as a `NoteKey`."""
    return NoteKey(course, moved_from or lesson, item)


def lesson_key_text(course: str, lesson: str) -> str:
    return f"{course}/{lesson}"


@dataclass(frozen=True, order=True)
class CardKey:
    note: NoteKey
    ordinal: int = 0

    def __str__(self) -> str:
        return card_key_text(str(self.note), self.ordinal)

    @classmethod
    def parse(cls, text: str) -> CardKey:
        note, ordinal = split_card_key(text)
        return cls(NoteKey.parse(note), ordinal)


def card_key_text(note_key: str, ordinal: int) -> str:
    """`str(CardKey(...))` from a note key's text and an ordinal."""
    return f"{note_key}#{ordinal}"


def split_card_key(text: str) -> tuple[str, int]:
    """A card key's text → (its note key's text, its ordinal)."""
    note, _, ordinal = text.rpartition("#")
    return note, int(ordinal)


def note_of_card(text: str) -> str:
    """The note key text of a card key text (siblings share it)."""
    return text.rpartition("#")[0]


def note_guid(key: NoteKey) -> str:
    """The Anki GUID: a hash of the authored identity only, never of content."""
    return guid_of(str(key))


def guid_of(note_key: str) -> str:
    """`note_guid` from the note key's text. Its definition is fixed: published notes carry it."""
    return "ld" + hashlib.sha256(note_key.encode()).hexdigest()[:20]


def concept_tags(course: str, lesson: str, concept: str) -> tuple[str, str, str]:
    """A note's Anki tags: its course, `course::lesson` and `course::lesson::concept`."""
    lesson_tag = f"{course}::{lesson}"
    return course, lesson_tag, f"{lesson_tag}::{concept}"
