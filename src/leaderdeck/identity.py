"""Authored identity: one key per card, shared by Anki notes, notebook quizzes and the store.

A note is identified by (course id, lesson id, item id); a card by that plus its Anki ordinal
(the cloze number minus one; 1 for a flashcard's reverse card; otherwise 0). Nothing here is
derived from content, so rewording, reordering or moving an item never changes its identity.
"""

from __future__ import annotations

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


def note_key_text(course: str, lesson: str, item: str) -> str:
    """`str(NoteKey(course, lesson, item))` without making the key: the deck compiler needs only
    the text, for every item of a course."""
    return f"{course}/{lesson}/{item}"


@dataclass(frozen=True, order=True)
class CardKey:
    note: NoteKey
    ordinal: int = 0

    def __str__(self) -> str:
        return f"{self.note}#{self.ordinal}"

    @classmethod
    def parse(cls, text: str) -> CardKey:
        note, _, ordinal = text.rpartition("#")
        return cls(NoteKey.parse(note), int(ordinal))
