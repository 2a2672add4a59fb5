"""Anki → notebook: reviews from an Anki file merged into the progress store.

A card is matched by its note's GUID (derived from the authored `NoteKey`, exactly as the deck
compiler derives it) and its ordinal; Anki's card ids do not identify cards here, though each
review keeps the one Anki logged (with its `ivl`, `lastIvl`, `factor` and `type`) so an export
writes Anki's rows back unchanged. Reviews of other notes are left alone and counted as unmatched.
Anki's "Forget" and "Set due date" entries are applied in the replay; a review card is due on the
day Anki logged (`ivl`: its fuzz and load balancing included).

The schedule comes from replaying the reviews through our FSRS in time order, not from Anki's
stored memory state: the store's review log is the truth and its card states must stay
rebuildable from it; Anki may schedule with SM-2 (no memory state at all) or with parameters of
its own; and replaying Anki's answers through the same FSRS-6 defaults Anki uses gives the same
memory Anki computed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby
from operator import attrgetter
from pathlib import Path
from typing import NamedTuple

from ..errors import display_path
from ..identity import card_key_text, guid_of, item_key_text
from ..model import Course
from ..progress.store import AnkiRow, Imported, ProgressStore, Reschedule
from .anki_read import AnkiCollection, AnkiFileError, AnkiReview, name, open_collection
from .anki_write import moved_reviews
from .progress_file import CLOCK_SKEW_MS, MAX_DURATION_MS

BATCH = 20_000  # answers per transaction (at least; whole cards): memory stays flat whatever the file
ANSWERS = range(1, 5)  # Anki's eases: Again, Hard, Good, Easy


class OurNote(NamedTuple):
    key: str  # the note key's text
    kind: str
    ordinals: frozenset[int]


class OurCard(NamedTuple):
    name: str  # the card key's text, as the store keys cards
    kind: str


@dataclass
class Tally:
    """What the import left out, counted as it streams by."""

    unmatched: int = 0  # reviews of cards that are not this course's
    skipped: int = 0  # log entries that are neither answers nor Forget / Set due date
    future: int = 0  # answers dated in the future beyond the clock skew
    rescheduled: int = 0  # "Forget" and "Set due date" entries, applied


@dataclass(frozen=True)
class ImportSummary:
    source: Path
    added: int
    present: int
    unmatched: int
    skipped: int
    future: int = 0
    rescheduled: int = 0

    def report(self) -> list[str]:
        lines = [f"{display_path(self.source)}: added {self.added} reviews, {self.present} already present, "
                 f"{self.unmatched} unmatched (cards not in this course, left alone)"]
        if self.rescheduled:
            lines.append(f"  {self.rescheduled} Forget / Set due date entries from Anki were applied")
        if self.skipped:
            lines.append(f"  {self.skipped} log entries were neither answers nor Forget / Set due date "
                         "and were skipped")
        if self.future:
            lines.append(f"  {self.future} reviews dated more than a day in the future were skipped: check "
                         "the clock of the device that made them")
        if not (self.added or self.present):
            lines.append("  no reviews of this course's cards: in Anki, export with 'Include scheduling "
                         "information' (a deck, .apkg) or export the whole collection (.colpkg)")
        return lines


def our_notes(course: Course) -> dict[str, OurNote]:
    """GUID → the course's note, for every item of every lesson."""
    notes = {}
    for lesson in course.lessons:
        for item in lesson.items:
            key = item_key_text(course.id, lesson.id, item.id, item.moved_from)
            notes[guid_of(key)] = OurNote(key, item.kind, frozenset(item.card_ordinals()))
    return notes


def course_cards(collection: AnkiCollection, course: Course) -> dict[int, OurCard]:
    """Anki card id → the course's card, for the course's cards in `collection`; raises
    `AnkiFileError` when it holds none of the course's notes."""
    notes, found, cards = our_notes(course), False, {}
    for card_id, guid, ordinal in collection.cards():
        note = notes.get(guid)
        found = found or note is not None
        if note is not None and ordinal in note.ordinals:
            cards[card_id] = OurCard(card_key_text(note.key, ordinal), note.kind)
    if not found:
        raise AnkiFileError(
            f"{name(collection.source)} holds none of the notes of the course '{course.id}' "
            f"({collection.note_count()} notes, read from {collection.entry}): export the profile or deck "
            "where you study this course's deck")
    return cards


MANUAL, RESCHEDULED = 4, 5  # Anki's revlog types of entries that are not answers
MAX_IVL = 100_000  # days: Anki's maximum interval is 36,500


def answers(reviews: Iterable[AnkiReview], cards: dict[int, OurCard], moved: dict[tuple[str, int], int],
            now_ms: int, tally: Tally) -> Iterator[Imported | Reschedule]:
    """The answers among `reviews` to the course's `cards`, each at its own time with what Anki
    logged for it, and Anki's "Forget" and "Set due date" entries: a review our export wrote one
    ms later (`moved`) is the review it was. The rest is counted in `tally`."""
    latest = now_ms + CLOCK_SKEW_MS
    card_of = cards.get
    for at, card_id, ease, duration, ivl, last_ivl, factor, type_ in reviews:  # a million times: kept lean
        card = card_of(card_id)
        if card is None:
            tally.unmatched += 1
            continue
        if at > latest:
            tally.future += 1
            continue
        duration = 0 if duration < 0 else MAX_DURATION_MS if duration > MAX_DURATION_MS else duration
        anki = AnkiRow(card_id, ivl if ivl is not None and ivl <= MAX_IVL else 0, last_ivl or 0, factor or 0,
                       type_ or 0)
        if ease in ANSWERS:
            if moved:
                at = moved.get((card.name, at), at)
            yield Imported(card.name, card.kind, at, ease, ease > 1, duration, "", anki)
        elif ease == 0 and type_ in (MANUAL, RESCHEDULED) and ivl is not None and 0 <= ivl <= MAX_IVL:
            tally.rescheduled += 1
            yield Reschedule(card.name, at, duration, anki)
        else:
            tally.skipped += 1


def merge(collection: AnkiCollection, cards: dict[int, OurCard], store: ProgressStore, now_ms: int) -> ImportSummary:
    """Merge the answers to `cards` into `store`, a batch (one transaction) at a time. A card's
    answers come together, and a batch merged is never merged again: stopped halfway, a second
    import adds the rest."""
    moved = moved_reviews(store.iter_review_log(replaced=True))
    tally, added, present = Tally(), 0, 0
    for batch in _whole_cards(answers(collection.reviews(), cards, moved, now_ms, tally), BATCH):
        reviews = [entry for entry in batch if isinstance(entry, Imported)]
        reschedules = [entry for entry in batch if isinstance(entry, Reschedule)]
        new, old = store.import_reviews(reviews, origin="anki", reschedules=reschedules)
        added, present = added + new, present + old
    return ImportSummary(collection.source, added, present, tally.unmatched, tally.skipped, tally.future,
                         tally.rescheduled)


def _whole_cards(entries: Iterable[Imported | Reschedule], size: int) -> Iterator[list[Imported | Reschedule]]:
    """`entries` (a card's together) in lists of at least `size` that never split a card: a card
    merged in two batches is read back and replayed again in the second, so one card with a
    very long history made the import quadratic."""
    batch: list[Imported | Reschedule] = []
    for _, same_card in groupby(entries, key=attrgetter("card")):
        batch.extend(same_card)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def import_anki(path: Path, course: Course, store: ProgressStore, *, now_ms: int) -> ImportSummary:
    """Merge the reviews of `course`'s cards found in the Anki file at `path` into `store`.
    The file is checked whole before the store is written, so a bad file changes nothing."""
    with open_collection(path) as collection:
        return merge(collection, course_cards(collection, course), store, now_ms)
