"""Notebook → Anki: the course's deck, carrying the learner's scheduling and review history.

The deck is compiled exactly as `leaderdeck build` compiles it (same GUIDs, note ids, note types
and deck names, read from the committed lock file, which is never written here), then each card
the learner has studied gets its scheduling and its reviews. Such a package is personal: it goes
to `build/` (or wherever the learner says), never over the published deck in `decks/`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from .._gc import without_gc
from ..decks import deck_paths
from ..decks.compile import compile_course
from ..decks.lock import read_lock
from ..decks.package import COLLECTION_CREATED, CardRow, PackageContents, write_package
from ..errors import LeaderdeckError, display_path
from ..identity import card_key_text
from ..model import Course
from ..progress.store import CardProgress, LoggedReview, ProgressStore
from .anki_write import AnkiDays, revlog_rows, scheduled_card

OUTPUT_DIR = "build"

IMPORT_ADVICE = """\
Import it in Anki (File → Import) into a profile that does not have this deck yet, with:
  Import any learning progress: ON    Update notes: "If newer"    Update note types: "If newer"
Anki never changes the scheduling of cards it already has: for a profile that has the deck,
first bring its reviews here (`leaderdeck import-anki`), then delete the deck there and import."""


@dataclass(frozen=True)
class ExportSummary:
    path: Path
    cards: int
    studied: int
    reviews: int

    def report(self) -> list[str]:
        return [f"wrote {display_path(self.path)}: {self.cards} cards, {self.studied} with progress, "
                f"{self.reviews} reviews", *IMPORT_ADVICE.splitlines()]


def default_export_path(course: Course) -> Path:
    return course.lessons_dir.parent / OUTPUT_DIR / f"{course.id}-with-progress.apkg"


@without_gc
def export_with_progress(course: Course, store: ProgressStore, out: Path, now: int,
                         utc_offset_s: int) -> ExportSummary:
    """Write the course's deck with the store's progress to `out`. `now` (seconds) stamps notes
    the lock file does not know yet; `utc_offset_s` is the learner's, for Anki's day numbers."""
    package_rel, lock_rel = deck_paths(course)
    root = course.lessons_dir.parent
    if out.resolve() == (root / package_rel).resolve():
        raise LeaderdeckError(f"{display_path(out)} is the published deck; a deck with your progress is "
                              f"personal: write it elsewhere (the default is {OUTPUT_DIR}/)")
    compiled = compile_course(course, read_lock(root / lock_rel), now)
    keys = {entry.id: key for key, entry in compiled.lock.notes.items()}
    days = AnkiDays(COLLECTION_CREATED, utc_offset_s)
    contents = with_progress(compiled.contents, keys, {c.card: c for c in store.cards()},
                             store.iter_review_log(), days, store.scheduling.desired_retention)
    revlog = _Counted(contents.revlog)
    write_package(out, replace(contents, revlog=revlog))
    return ExportSummary(out, len(contents.cards), sum(c.reps > 0 for c in contents.cards), revlog.count)


def with_progress(contents: PackageContents, note_keys: dict[int, str], progress: dict[str, CardProgress],
                  review_log: Iterable[LoggedReview], days: AnkiDays, retention: float) -> PackageContents:
    """`contents` with every studied card scheduled and its reviews (`review_log`, in time order)
    logged; the rest stay new. The revlog is lazy: written as the log is read. Cards are matched
    by their note's key (the GUID's source) and ordinal, never by card id."""
    cards: list[CardRow] = []
    studied: dict[str, int] = {}  # card key → Anki card id
    for card in contents.cards:
        key = card_key_text(note_keys[card.nid], card.ord)
        if key in progress:
            cards.append(scheduled_card(card, progress[key], days, retention))
            studied[key] = card.id
        else:
            cards.append(card)
    return replace(contents, cards=cards, revlog=revlog_rows(review_log, studied))


class _Counted:
    """Rows passed through once, counted on the way (the revlog is streamed, not held)."""

    def __init__(self, rows: Iterable) -> None:
        self._rows = rows
        self.count = 0

    def __iter__(self) -> Iterator:
        for row in self._rows:
            self.count += 1
            yield row
