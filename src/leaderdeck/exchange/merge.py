"""Anki → notebook: reviews from an Anki file merged into the progress store.

A card is matched by its note's GUID (derived from the authored `NoteKey`, exactly as the deck
compiler derives it) and its ordinal; Anki's card ids mean nothing here. Reviews of other notes
are left alone and counted as unmatched.

The schedule comes from replaying the reviews through our FSRS in time order, not from Anki's
stored memory state: the store's review log is the truth and its card states must stay
rebuildable from it; Anki may schedule with SM-2 (no memory state at all) or with parameters of
its own; and replaying Anki's answers through the same FSRS-6 defaults Anki uses gives the same
memory Anki computed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..decks.compile import note_guid
from ..errors import display_path
from ..events import Answer, Rating
from ..identity import CardKey, NoteKey
from ..model import Course
from ..progress.scheduler import from_ms
from ..progress.store import ProgressStore
from .anki_read import AnkiFileError, AnkiHistory, AnkiReview, read_anki_history


@dataclass(frozen=True)
class OurNote:
    key: NoteKey
    kind: str
    ordinals: frozenset[int]


@dataclass(frozen=True)
class Matched:
    answers: tuple[Answer, ...]
    unmatched: int  # reviews of cards that are not this course's
    skipped: int  # log entries that are not answers (rescheduled, reset, set due date)


@dataclass(frozen=True)
class ImportSummary:
    source: Path
    added: int
    present: int
    unmatched: int
    skipped: int

    def report(self) -> list[str]:
        lines = [f"{display_path(self.source)}: added {self.added} reviews, {self.present} already present, "
                 f"{self.unmatched} unmatched (cards not in this course, left alone)"]
        if self.skipped:
            lines.append(f"  {self.skipped} log entries were not answers (rescheduled or reset in Anki) "
                         "and were skipped")
        if not (self.added or self.present):
            lines.append("  no reviews of this course's cards: in Anki, export with 'Include scheduling "
                         "information' (a deck, .apkg) or export the whole collection (.colpkg)")
        return lines


def our_notes(course: Course) -> dict[str, OurNote]:
    """GUID → the course's note, for every item of every lesson."""
    notes = {}
    for lesson in course.lessons:
        for item in lesson.items:
            key = NoteKey(course.id, lesson.id, item.id)
            notes[note_guid(key)] = OurNote(key, item.kind, frozenset(item.card_ordinals()))
    return notes


def match_reviews(reviews: Iterable[AnkiReview], notes: dict[str, OurNote]) -> Matched:
    answers, unmatched, skipped = [], 0, 0
    for review in reviews:
        note = notes.get(review.guid) if review.guid is not None else None
        if note is None or review.ordinal not in note.ordinals:
            unmatched += 1
        elif review.ease not in (1, 2, 3, 4):
            skipped += 1
        else:
            answers.append(_answer(note, review))
    return Matched(tuple(answers), unmatched, skipped)


def _answer(note: OurNote, review: AnkiReview) -> Answer:
    return Answer(CardKey(note.key, review.ordinal), note.kind, correct=review.ease > 1,
                  rating=Rating(review.ease), duration_ms=review.duration_ms,
                  answered_at=from_ms(review.reviewed_at_ms))


def reviews_for_course(path: Path, course: Course) -> Matched:
    """The reviews of `course`'s cards in the Anki file at `path`; raises `AnkiFileError` for a
    file that is not Anki's or holds none of the course's notes. Reads only."""
    history = read_anki_history(path)
    notes = our_notes(course)
    _require_our_notes(history, notes, course)
    return match_reviews(history.reviews, notes)


def merge_matched(path: Path, matched: Matched, store: ProgressStore) -> ImportSummary:
    added, present = store.import_reviews(matched.answers, origin="anki")
    return ImportSummary(path, added, present, matched.unmatched, matched.skipped)


def import_anki(path: Path, course: Course, store: ProgressStore) -> ImportSummary:
    """Merge the reviews of `course`'s cards found in the Anki file at `path` into `store`.
    Everything is read and checked before the store is written, so a bad file changes nothing."""
    return merge_matched(path, reviews_for_course(path, course), store)


def _require_our_notes(history: AnkiHistory, notes: dict[str, OurNote], course: Course) -> None:
    if not history.guids.isdisjoint(notes):
        return
    raise AnkiFileError(
        f"{display_path(history.source)} holds none of the notes of the course '{course.id}' "
        f"({len(history.guids)} notes, read from {history.entry}): export the profile or deck where "
        "you study this course's deck")
