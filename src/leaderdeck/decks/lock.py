"""The lock file beside the deck: what each note looked like, and since when.

Per note: its GUID, its id (first added), a hash of its content and the time that content last
changed, which becomes the note's `mod`. Anki updates a note only when the incoming `mod` is newer,
so a rebuild with no edits changes nothing (byte-identical), and an edit moves exactly one `mod`.
Per note type: the schema fingerprint (a change forks the type in learners' collections, so it is
refused unless allowed) and the style fingerprint with its own `mod`. Removed notes stay as
tombstones so their ids are never reused, each with the note as last released (`RetiredNote`).
`now` is always passed in: this module reads no clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from ..errors import LeaderdeckError, display_path

LOCK_VERSION = 1
# Note ids are "added" timestamps in ms; each note owns a block so card id = note id + ordinal.
ID_STRIDE = 1000


_FIRST_CARD_ONLY = (0,)


# msgspec structs: a large course builds one entry per note, and they encode straight to JSON.
class NoteEntry(msgspec.Struct, frozen=True, omit_defaults=True):
    guid: str
    id: int
    hash: str
    mod: int
    # The card ordinals released, to warn when one disappears. Only notes with several cards list
    # them (omit_defaults): a note's first card can never go away (a cloze always has c1), and a
    # large course's lock stays small.
    cards: tuple[int, ...] = _FIRST_CARD_ONLY

    def __post_init__(self) -> None:
        # msgspec omits a value only when it *is* the default object, not when it merely equals it
        if self.cards == _FIRST_CARD_ONLY and self.cards is not _FIRST_CARD_ONLY:
            msgspec.structs.force_setattr(self, "cards", _FIRST_CARD_ONLY)


class TypeEntry(msgspec.Struct, frozen=True):
    schema: str
    style: str
    mod: int


class RetiredNote(msgspec.Struct, frozen=True):
    """A removed item's note as it was last released: the package keeps it, tagged
    `leaderdeck::retired`, so learners can find it and delete it with one search."""

    type: int  # the note type's id
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    cards: tuple[int, ...]  # card ordinals


class Tombstone(msgspec.Struct, frozen=True, omit_defaults=True):
    guid: str
    id: int
    removed: int
    note: RetiredNote | None = None  # None: removed before notes were kept, or never released
    # The item is still in the course, notebook-only (`anki: false`): its id is not free, and
    # `anki: true` again brings the same note (GUID and id) back.
    notebook: bool = False


class _LockFile(msgspec.Struct):
    version: int
    notes: dict[str, NoteEntry]
    note_types: dict[str, TypeEntry]
    tombstones: dict[str, Tombstone]
    decks: dict[str, str] = {}


@dataclass(frozen=True)
class Lock:
    notes: dict[str, NoteEntry] = field(default_factory=dict)
    note_types: dict[str, TypeEntry] = field(default_factory=dict)
    tombstones: dict[str, Tombstone] = field(default_factory=dict)
    decks: dict[str, str] = field(default_factory=dict)  # lesson id → its deck name when published

    def next_note_id(self, now: int) -> int:
        """A fresh note id after every id ever handed out, and no earlier than `now` (seconds)."""
        used = [e.id for e in self.notes.values()] + [t.id for t in self.tombstones.values()]
        return max([now * 1000, *(i + ID_STRIDE for i in used)])

    def to_json(self) -> str:
        """Sorted keys, one-space indent, UTF-8 as is: the bytes `json.dump(indent=1,
        sort_keys=True, ensure_ascii=False)` wrote before, so committed locks stay as they are."""
        data = _LockFile(version=LOCK_VERSION, notes=self.notes, note_types=self.note_types,
                         tombstones=self.tombstones, decks=self.decks)
        return msgspec.json.format(_ENCODER.encode(data), indent=1).decode() + "\n"

    @classmethod
    def from_json(cls, text: str, where: str = "lock file") -> Lock:
        try:
            data = msgspec.json.decode(text, type=_LockFile)
            if data.version != LOCK_VERSION:
                raise ValueError(f"unsupported version {data.version!r}")
            return cls(notes=data.notes, note_types=data.note_types, tombstones=data.tombstones, decks=data.decks)
        except ValueError as error:  # msgspec's decode and validation errors are ValueErrors
            raise LeaderdeckError(f"{where}: not a valid leaderdeck lock file ({error}); restore it "
                                  "from git: it holds the identity of every published note") from None


_ENCODER = msgspec.json.Encoder(order="sorted")  # sorted dict keys and struct fields


def read_lock(path: Path) -> Lock:
    """The lock at `path`, or an empty lock when there is none yet (the first build)."""
    if not path.is_file():
        return Lock()
    return Lock.from_json(path.read_text(encoding="utf-8"), display_path(path))


def update_note(lock_notes: dict[str, NoteEntry], key: str, guid: str, content_hash: str,
                now: int, next_id: int, cards: tuple[int, ...] = (0,)) -> NoteEntry:
    """The entry for a note after this build: unchanged, re-stamped, or new."""
    old = lock_notes.get(key)
    if old is None:
        return NoteEntry(guid=guid, id=next_id, hash=content_hash, mod=now, cards=cards)
    if old.hash == content_hash:
        return old if old.cards == cards else NoteEntry(old.guid, old.id, old.hash, old.mod, cards)
    # `mod` must strictly increase or Anki ignores the edit ("update if newer").
    return NoteEntry(old.guid, old.id, content_hash, max(now, old.mod + 1), cards)


def update_type(old: TypeEntry | None, schema: str, style: str, now: int) -> TypeEntry:
    if old is not None and old.schema == schema and old.style == style:
        return old
    return TypeEntry(schema=schema, style=style, mod=max(now, old.mod + 1) if old else now)
