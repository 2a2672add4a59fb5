"""The lock file beside the deck: what each note looked like, and since when.

Per note: its GUID, its id (first added), a hash of its content and the time that content last
changed, which becomes the note's `mod`. Anki updates a note only when the incoming `mod` is newer,
so a rebuild with no edits changes nothing (byte-identical), and an edit moves exactly one `mod`.
Per note type: the schema fingerprint (a change forks the type in learners' collections, so it is
refused unless allowed) and the style fingerprint with its own `mod`. Removed notes stay as
tombstones so their ids are never reused. `now` is always passed in: this module reads no clock.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import LeaderdeckError, display_path

LOCK_VERSION = 1
# Note ids are "added" timestamps in ms; each note owns a block so card id = note id + ordinal.
ID_STRIDE = 1000


@dataclass(frozen=True)
class NoteEntry:
    guid: str
    id: int
    hash: str
    mod: int
    cards: tuple[int, ...] = (0,)  # the card ordinals released, to warn when one disappears


@dataclass(frozen=True)
class TypeEntry:
    schema: str
    style: str
    mod: int


@dataclass(frozen=True)
class Tombstone:
    guid: str
    id: int
    removed: int


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
        data = {
            "version": LOCK_VERSION,
            "decks": dict(sorted(self.decks.items())),
            "note_types": {k: vars(v) for k, v in sorted(self.note_types.items())},
            "notes": {k: _note_json(v) for k, v in sorted(self.notes.items())},
            "tombstones": {k: vars(v) for k, v in sorted(self.tombstones.items())},
        }
        # json.dump into a buffer, not json.dumps: with an indent, dumps first collects millions of
        # small chunks in a list, which for a 50,000-note course costs more memory than the build.
        buffer = io.StringIO()
        json.dump(data, buffer, indent=1, sort_keys=True, ensure_ascii=False)
        buffer.write("\n")
        return buffer.getvalue()

    @classmethod
    def from_json(cls, text: str, where: str = "lock file") -> Lock:
        try:
            data = json.loads(text)
            if data.get("version") != LOCK_VERSION:
                raise ValueError(f"unsupported version {data.get('version')!r}")
            return cls(notes={k: _note_entry(v) for k, v in data["notes"].items()},
                       note_types={k: TypeEntry(**v) for k, v in data["note_types"].items()},
                       tombstones={k: Tombstone(**v) for k, v in data["tombstones"].items()},
                       decks={str(k): str(v) for k, v in data.get("decks", {}).items()})
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise LeaderdeckError(f"{where}: not a valid leaderdeck lock file ({error}); restore it "
                                  "from git: it holds the identity of every published note") from None


def _note_json(entry: NoteEntry) -> dict:
    """Only notes with several cards list them: a note's first card can never go away (a cloze
    always has c1), and a large course's lock stays small."""
    values = vars(entry)
    return values if len(entry.cards) > 1 else {k: v for k, v in values.items() if k != "cards"}


def _note_entry(values: dict) -> NoteEntry:
    return NoteEntry(**{**values, "cards": tuple(values.get("cards", (0,)))})


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
