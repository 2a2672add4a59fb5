"""Notebook → Anki: the course's deck, carrying the learner's scheduling and review history.

The deck is compiled exactly as `leaderdeck build` compiles it (same GUIDs, note ids, note types
and deck names, read from the committed lock file, which is never written here), then each card
the learner has studied gets its scheduling and its reviews. Such a package is personal: it goes
to `build/` (or wherever the learner says), never over the published deck in `decks/`.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, replace
from pathlib import Path
from typing import cast

from .._gc import without_gc
from ..decks import deck_paths
from ..decks.lock import read_lock
from ..decks.package import COLLECTION_CREATED, PackageContents, RevlogRow, write_package
from ..errors import LeaderdeckError, display_path
from ..identity import card_key_text
from ..model import Course
from ..progress.store import CardProgress, LoggedReview, ProgressStore
from .anki_write import AnkiDays, revlog_rows, scheduled_card

OUTPUT_DIR = "build"

IMPORT_ADVICE = """\
Import it in Anki (File → Import) with:
  Import any learning progress: ON    Import deck presets: ON
  Update notes: "If newer"    Update note types: "If newer"    Merge note types: off
Then turn FSRS on (Deck options → FSRS; it is off in a new profile), or Anki schedules with its
old algorithm and the imported memory goes unused. The course preset sets desired retention.
Anki never changes the scheduling of cards it already has: in a profile that has this deck,
first bring its reviews here (`leaderdeck import-anki`), then delete the deck there (its review
history stays in Anki and rejoins the cards) and import this file."""


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
    if out.resolve() == (course.lessons_dir.parent / deck_paths(course)[0]).resolve():
        raise LeaderdeckError(f"{display_path(out)} is the published deck; a deck with your progress is "
                              f"personal: write it elsewhere (the default is {OUTPUT_DIR}/)")
    # The package replaces `out` whole. Checked by its path first: opening the store would drop SQLite's locks.
    if _store_file(out, store.path):
        raise LeaderdeckError(f"{display_path(out)} is your progress store (or one of its files): write "
                              f"the deck elsewhere (the default is {OUTPUT_DIR}/)")
    if not _replaceable(out):  # Anki's own collection.anki2, a lesson: never replaced by a package
        raise LeaderdeckError(f"{display_path(out)} exists and is not an Anki package: export-anki replaces "
                              "only a package; give a new file name ending in .apkg")
    contents, keys = compiled_deck(course, now)
    return write_with_progress(contents, keys, store, out, utc_offset_s)


def _store_file(out: Path, store: Path) -> bool:
    """Whether `out` names the store, its `-wal` or its `-shm` (by any path, or as the same file)."""
    where = out.parent.resolve() / out.name
    for file in (store, Path(f"{store}-wal"), Path(f"{store}-shm")):
        if where == file.parent.resolve() / file.name:
            return True
        with suppress(OSError):
            if os.path.samefile(out, file):
                return True
    return False


def _replaceable(out: Path) -> bool:
    """Whether `out` is absent, empty or a zip (a package written before), so writing over it loses
    nothing. A pipe or device is not (replaced, `--out /dev/null` run as root would lose the device)."""
    try:
        found = os.stat(out)
    except OSError:
        return True  # nothing there (or unreachable: the package writer says why)
    if stat.S_ISDIR(found.st_mode) or (stat.S_ISREG(found.st_mode) and not found.st_size):
        return True  # a folder gets the usual file name in it
    if not stat.S_ISREG(found.st_mode):
        return False
    with out.open("rb") as existing:
        return existing.read(4) in (b"PK\x03\x04", b"PK\x05\x06")


def compiled_deck(course: Course, now: int) -> tuple[PackageContents, dict[int, str]]:
    """The course's deck as `leaderdeck build` compiles it (the committed lock file read, never
    written) and note id → note key for every note the lock knows, tombstones included. The
    browser edition ships both, compiled at build time (`leaderdeck.site.deck_file`)."""
    from ..decks.compile import compile_course  # renders Markdown: authoring side only

    compiled = compile_course(course, read_lock(course.lessons_dir.parent / deck_paths(course)[1]), now)
    keys = ({entry.id: key for key, entry in compiled.lock.notes.items()}
            | {tombstone.id: key for key, tombstone in compiled.lock.tombstones.items()})
    return compiled.contents, keys


def write_with_progress(contents: PackageContents, note_keys: dict[int, str], store: ProgressStore, out: Path,
                        utc_offset_s: int) -> ExportSummary:
    """Write the compiled deck `contents` with the store's progress to `out` (on the desktop and in
    the browser alike). Its cards are replaced in place."""
    days = AnkiDays(COLLECTION_CREATED, utc_offset_s)
    contents = with_progress(contents, note_keys, store.progress_of, store.iter_review_log(replaced=True), days,
                             store.scheduling.desired_retention)
    if contents.preset is not None:  # the learner's desired retention (import-anki saves theirs)
        contents = replace(contents, preset={**contents.preset, "desiredRetention": store.scheduling.desired_retention})
    revlog = _Counted(contents.revlog)
    # The package writer reads the revlog once, in order: a stream, though its field says Sequence.
    write_package(out, replace(contents, revlog=cast("Sequence[RevlogRow]", revlog)))
    return ExportSummary(out, len(contents.cards), sum(c.reps > 0 for c in contents.cards), revlog.count)


def with_progress(contents: PackageContents, note_keys: dict[int, str],
                  progress_of: Callable[[Sequence[str]], Mapping[str, tuple[CardProgress | None, int | None]]],
                  review_log: Iterable[LoggedReview], days: AnkiDays, retention: float) -> PackageContents:
    """`contents` with every studied card scheduled and the reviews of every card (`review_log`,
    in time order) logged; the rest stay new. `progress_of` gives, for a batch of card keys, each
    studied card's progress and the id Anki logged it under. The cards are replaced in place and
    the revlog is lazy (written as the log is read): a large store is never held whole.
    Cards are matched by their note's key (the GUID's source) and ordinal, never by card id; a
    card Anki logged under an id of its own keeps that id, so the review-log rows Anki kept when
    its deck was deleted rejoin the card when this package is imported there."""
    cards = contents.cards if isinstance(contents.cards, list) else list(contents.cards)
    card_ids: dict[str, int] = {}  # card key → Anki card id
    used = {card.id for card in cards}
    for start in range(0, len(cards), _BATCH):
        keys = [card_key_text(note_keys[card.nid], card.ord) for card in cards[start:start + _BATCH]]
        found = progress_of(keys)
        for index, key in enumerate(keys, start=start):
            card = cards[index]
            progress, theirs = found.get(key, (None, None))
            if theirs is not None and theirs not in used:
                used.add(theirs)
                card = card._replace(id=theirs)
            cards[index] = scheduled_card(card, progress, days, retention) if progress is not None else card
            card_ids[key] = card.id
    revlog = revlog_rows(review_log, card_ids, days)  # lazy, as above
    return replace(contents, cards=cards, revlog=cast("Sequence[RevlogRow]", revlog))


_BATCH = 500  # cards whose progress is read at once


class _Counted:
    """Rows passed through once, counted on the way (the revlog is streamed, not held)."""

    def __init__(self, rows: Iterable[RevlogRow]) -> None:
        self._rows = rows
        self.count = 0

    def __iter__(self) -> Iterator[RevlogRow]:
        for row in self._rows:
            self.count += 1
            yield row
