"""The course's Anki deck, compiled at build time, for `export-anki` in the browser.

The browser cannot compile the deck (that renders Markdown), so the site build compiles it
exactly as `leaderdeck export-anki` does (`decks.compile`, the committed lock file read, never
written) and ships the result beside the compiled course (`deck.msgpack` in the course wheel).
In the browser, `personal_package` decodes it and hands it to the same writer as the desktop
(`exchange.export.write_with_progress`): the learner's scheduling and review history go onto the
published deck's notes, GUIDs and ids, and the package is written in Pyodide.
"""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

import msgspec

from ..decks.package import CardRow, NoteRow, PackageContents
from ..errors import LeaderdeckError
from ..model import Course
from ..progress.store import ProgressStore
from .course_file import decode_compiled

FORMAT = 1
FILE_NAME = "deck.msgpack"  # beside the compiled course (`course_file.ENV_VAR` names that)


class CompiledDeck(msgspec.Struct, frozen=True, kw_only=True):
    format: int
    course: str  # the course id, for the package's name
    models: list[dict[str, Any]]
    decks: list[dict[str, Any]]
    notes: list[NoteRow]
    cards: list[CardRow]
    media: dict[str, bytes]
    mod: int
    preset: dict[str, Any] | None
    retired_preset: dict[str, Any] | None
    note_keys: dict[int, str]  # note id → its note key (the GUID's source), tombstones' too

    @property
    def package_name(self) -> str:
        return f"{self.course}-with-progress.apkg"


def encode(course: Course, now: int) -> bytes:
    """The deck of `course` as `export-anki` compiles it (authoring side: it renders Markdown)."""
    from ..exchange.export import compiled_deck

    contents, keys = compiled_deck(course, now)
    deck = CompiledDeck(format=FORMAT, course=course.id, models=list(contents.models), decks=list(contents.decks),
                        notes=list(contents.notes), cards=list(contents.cards),
                        media={name: path.read_bytes() for name, path in sorted(contents.media.items())},
                        mod=contents.mod, preset=contents.preset, retired_preset=contents.retired_preset,
                        note_keys=keys)
    return msgspec.msgpack.encode(deck)


def decode(data: bytes, where: str) -> CompiledDeck:
    return decode_compiled(data, CompiledDeck, FORMAT, where, "deck")


def shipped_deck() -> CompiledDeck:
    """The deck the site shipped beside its compiled course."""
    from .course_file import ENV_VAR

    course = os.environ.get(ENV_VAR)
    if not course:
        raise LeaderdeckError(f"no compiled course (${ENV_VAR}): the Anki package is built in the site only")
    path = Path(course).with_name(FILE_NAME)
    try:
        return decode(path.read_bytes(), str(path))
    except OSError as error:
        raise LeaderdeckError(f"{path}: {error.strerror}; rebuild the site") from None


def personal_package(deck: CompiledDeck, store: ProgressStore, now: datetime) -> tuple[str, bytes]:
    """The learner's Anki package: `deck` carrying `store`'s progress; (file name, bytes).
    `now` is in the learner's zone (Anki numbers days in it)."""
    from ..exchange.export import write_with_progress

    offset = now.utcoffset()
    with tempfile.TemporaryDirectory(prefix="leaderdeck-export-") as folder:
        media = {}
        for index, (name, data) in enumerate(deck.media.items()):
            media[name] = Path(folder, f"media-{index}")
            media[name].write_bytes(data)
        contents = PackageContents(models=deck.models, decks=deck.decks, notes=deck.notes, cards=list(deck.cards),
                                   media=media, mod=deck.mod, preset=deck.preset, retired_preset=deck.retired_preset)
        out = Path(folder, deck.package_name)
        write_with_progress(contents, deck.note_keys, store, out, int(offset.total_seconds()) if offset else 0)
        return deck.package_name, out.read_bytes()
