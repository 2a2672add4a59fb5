"""Course + lock + now → package contents, the next lock, and what changed. Pure: no clock, no I/O
except reading media files.

Identity comes only from `NoteKey(course, lesson, item)`: the GUID is a hash of its string (both
built in `leaderdeck.identity`), so rewording or reordering an item keeps its note, review
history and scheduling.
"""

from __future__ import annotations

import hashlib
import html
import json
from dataclasses import dataclass, field
from typing import Any

from ..errors import LeaderdeckError
from ..identity import NoteKey, concept_tags, guid_of, item_key_text
from ..identity import note_guid as note_guid  # where exchange/merge.py has imported it from
from ..markdown import render
from ..model import Course, Lesson
from .fields import Item, LessonFields
from .lock import ID_STRIDE, Lock, NoteEntry, RetiredNote, Tombstone, TypeEntry, update_note, update_type
from .media import MediaPacker
from .notetypes import NOTE_TYPES, model_json
from .package import PRESET_RETENTION, CardRow, NoteRow, PackageContents, deck_json, deck_preset, retired_preset


@dataclass
class LessonChanges:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    notebook_only: list[str] = field(default_factory=list)  # published items now notebook-only (anki: false)
    lost_cards: list[str] = field(default_factory=list)  # "item-id card 2": a card learners have lost

    def __bool__(self) -> bool:
        return bool(self.added or self.updated or self.removed or self.notebook_only)


@dataclass(frozen=True)
class Compiled:
    contents: PackageContents
    lock: Lock
    changes: dict[str, LessonChanges]  # lesson id → changes, in course order
    note_types_changed: tuple[str, ...]
    renamed_decks: tuple[tuple[str, str], ...] = ()  # retitled lessons: (the kept deck name, the title's)
    notebook_only: int = 0  # items left out of the deck (anki: false)


def deck_name(course: Course, number: int, lesson: Lesson) -> str:
    return f"{course.info.deck}::{number:02d} {lesson.title.replace('::', ':')}"


RETIRED_TAG = "leaderdeck::retired"
RETIRED_DECK = "Retired"


def compile_course(course: Course, lock: Lock, now: int, *, allow_schema_change: bool = False,
                   allow_id_change: bool = False, retiring: dict[str, RetiredNote] | None = None) -> Compiled:
    """Everything the package and the next lock hold; raises `LeaderdeckError` on refused changes.
    `retiring`: GUID → the note as last released, for items removed in this build (kept in the
    package, tagged `leaderdeck::retired`, their cards in the course's `Retired` subdeck)."""
    types = _check_note_types(lock, now, allow_schema_change)
    _check_tombstones(course, lock)
    builder = _Builder(course, lock, now)
    for number, lesson in enumerate(course.lessons, start=1):
        builder.add_lesson(number, lesson)
    removed = builder.remove_missing(retiring or {})
    gone = {key for key, tombstone in removed.items() if not tombstone.notebook}
    if gone and not allow_id_change:  # an id can only look renamed when some note went away
        _check_renamed_ids(gone, set(builder.entries) - set(lock.notes) - set(lock.tombstones))
    tombstones = {key: t for key, t in {**lock.tombstones, **removed}.items() if key not in builder.entries}
    builder.add_retired(tombstones)
    root = deck_json(_deck_id(course.info.deck), course.info.deck, render(course.info.description))
    models = [model_json(nt, types[kind].mod, root["id"]) for kind, nt in NOTE_TYPES.items()]
    preset = deck_preset(_deck_id(f"preset:{course.id}"), course.info.deck, PRESET_RETENTION)
    contents = PackageContents(models=models, decks=[root, *builder.decks], notes=builder.notes,
                               cards=builder.cards, media=builder.media.packed,
                               mod=max([e.mod for e in builder.entries.values()] + [t.mod for t in types.values()]
                                       + [t.removed for t in tombstones.values() if t.note]),
                               preset=preset, retired_preset=builder.retired_preset)
    decks = {lesson.id: lock.decks.get(lesson.id) or deck_name(course, n, lesson)
             for n, lesson in enumerate(course.lessons, start=1)}
    next_lock = Lock(notes=builder.entries, note_types=types, tombstones=tombstones,
                     decks=decks)
    changed_types = tuple(k for k in NOTE_TYPES if k in lock.note_types and lock.note_types[k] != types[k])
    titled = {lesson.id: deck_name(course, n, lesson) for n, lesson in enumerate(course.lessons, start=1)}
    renamed = tuple((name, titled[k]) for k, name in decks.items() if titled[k] != name)
    return Compiled(contents, next_lock, builder.changes, changed_types, renamed, len(builder.notebook_only))


class _LessonDeck:
    """What the notes of one lesson share, worked out once per lesson rather than per note."""

    def __init__(self, course: Course, number: int, lesson: Lesson, published: str | None = None):
        self.lesson = lesson
        # A lesson's deck keeps the name it was first released under: Anki matches decks by name
        # and never moves cards, so a new title (or place) would split the lesson in two. A new
        # title shows at the top of the deck's description instead.
        titled = deck_name(course, number, lesson)
        self.name = published or titled
        summary = render(lesson.summary)
        self.description = summary if self.name == titled else f"<h3>{html.escape(lesson.title)}</h3>{summary}"
        self.id = _deck_id(self.name)
        self.fields = LessonFields(course, lesson)
        self.tags = {concept.id: concept_tags(course.id, lesson.id, concept.id) for concept in lesson.concepts}
        self.hash_tails = {concept: _hash_tail(tags, self.name) for concept, tags in self.tags.items()}


def content_hash(type_id: int, fields: tuple[str, ...], tags: tuple[str, ...], deck: str) -> str:
    """The lock's hash of a note's content. Its definition is fixed: SHA-256 of
    `json.dumps([type_id, fields, tags, deck])`; other bytes would move every published note's mod."""
    return _content_hash(type_id, fields, _hash_tail(tags, deck))


def _hash_tail(tags: tuple[str, ...], deck: str) -> str:
    return f", {json.dumps(tags)}, {json.dumps(deck)}]"


def _content_hash(type_id: int, fields: tuple[str, ...], tail: str) -> str:
    # The same bytes as json.dumps (with its own C string encoder), without its per-call set-up.
    text = f"[{type_id}, [{', '.join(map(_json_string, fields))}]{tail}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


_json_string = json.encoder.encode_basestring_ascii


class _Builder:
    def __init__(self, course: Course, lock: Lock, now: int):
        self.course, self.lock, self.now = course, lock, now
        self.next_id = lock.next_note_id(now)
        self.media = MediaPacker(course.lessons_dir)
        self.entries: dict[str, NoteEntry] = {}
        self.notes: list[NoteRow] = []
        self.cards: list[CardRow] = []
        self.decks: list[dict[str, Any]] = []
        self.changes: dict[str, LessonChanges] = {}
        self.retired_preset: dict[str, Any] | None = None
        self.notebook_only: set[str] = set()  # note keys of items left out of the deck (anki: false)

    def add_lesson(self, number: int, lesson: Lesson) -> None:
        deck = _LessonDeck(self.course, number, lesson, self.lock.decks.get(lesson.id))
        self.decks.append(deck_json(deck.id, deck.name, deck.description))
        self.changes[lesson.id] = LessonChanges()
        for item in lesson.items:
            if item.anki:
                self._add_item(deck, item)
            else:
                self.notebook_only.add(item_key_text(self.course.id, lesson.id, item.id, item.moved_from))

    def _add_item(self, deck: _LessonDeck, item: Item) -> None:
        lesson = deck.lesson
        key_text = item_key_text(self.course.id, lesson.id, item.id, item.moved_from)
        note_type = NOTE_TYPES[item.kind]
        values = deck.fields.of(item, key_text)
        fields = tuple([values.get(name, "") for name in note_type.field_names])
        if "<img" in "".join(fields):
            where = f"lesson '{lesson.id}', item '{item.id}'"
            fields = tuple([self.media.rewrite(value, where) for value in fields])
        content = _content_hash(note_type.id, fields, deck.hash_tails[item.concept])
        ordinals = item.card_ordinals()
        old = self.lock.notes.get(key_text) or self._revived(key_text)
        entry = update_note(self.lock.notes, key_text, guid_of(key_text), content, self.now, self.next_id, ordinals)
        self._record_change(lesson.id, item.id, old, entry)
        if old is not None and old.cards != ordinals:
            lost = sorted(set(old.cards) - set(ordinals))
            self.changes[lesson.id].lost_cards += [f"{item.id} card {ordinal + 1}" for ordinal in lost]
        self.entries[key_text] = entry
        self.notes.append(NoteRow(entry.id, entry.guid, note_type.id, entry.mod, deck.tags[item.concept], fields,
                                  values[note_type.sort_field]))
        if max(ordinals, default=0) >= ID_STRIDE:
            raise LeaderdeckError(f"lesson '{lesson.id}', item '{item.id}': at most {ID_STRIDE} cards per item")
        due = len(self.notes)
        for ordinal in ordinals:
            self.cards.append(CardRow(entry.id + ordinal, entry.id, deck.id, ordinal, entry.mod, due=due))

    def _revived(self, key_text: str) -> NoteEntry | None:
        """A notebook-only item put back in the deck: the same note (GUID and id) as published,
        newer than its retired copy so an update gives learners the current fields and tags."""
        tombstone = self.lock.tombstones.get(key_text)
        if tombstone is None or not tombstone.notebook:
            return None
        cards = tombstone.note.cards if tombstone.note else (0,)
        return NoteEntry(tombstone.guid, tombstone.id, "", tombstone.removed, cards)

    def _record_change(self, lesson_id: str, item_id: str, old: NoteEntry | None, new: NoteEntry) -> None:
        if old is None:
            self.changes[lesson_id].added.append(item_id)
            self.next_id += ID_STRIDE
        elif old.mod != new.mod:
            self.changes[lesson_id].updated.append(item_id)

    def remove_missing(self, retiring: dict[str, RetiredNote]) -> dict[str, Tombstone]:
        removed = {}
        for key, entry in sorted(self.lock.notes.items()):
            if key not in self.entries:
                notebook = key in self.notebook_only
                removed[key] = Tombstone(guid=entry.guid, id=entry.id, removed=max(self.now, entry.mod + 1),
                                         note=retiring.get(entry.guid), notebook=notebook)
                note = NoteKey.parse(key)
                changes = self.changes.setdefault(note.lesson, LessonChanges())
                (changes.notebook_only if notebook else changes.removed).append(note.item)
        return removed


    def add_retired(self, tombstones: dict[str, Tombstone]) -> None:
        """Removed items' notes as last released, tagged `leaderdeck::retired` and newer than
        before (so an update gives learners the tag; Anki never moves their cards), their cards
        suspended in the `Retired` subdeck (where a profile without them gets them)."""
        retired = [(t, t.note) for _, t in sorted(tombstones.items()) if t.note is not None]
        if not retired:
            return
        name = f"{self.course.info.deck}::{RETIRED_DECK}"
        deck_id = _deck_id(name)
        self.retired_preset = retired_preset(_deck_id(f"retired preset:{self.course.id}"), name, PRESET_RETENTION)
        deck = deck_json(deck_id, name, "<p>Items removed from the course, never given to study. Delete them "
                                        f"in the Browse window with the search <code>tag:{RETIRED_TAG}</code>.</p>")
        self.decks.append({**deck, "conf": self.retired_preset["id"]})
        by_id = {nt.id: nt for nt in NOTE_TYPES.values()}
        for tombstone, note in retired:
            note_type = by_id.get(note.type)
            if note_type is None or len(note.fields) != len(note_type.field_names):
                continue  # a note type since changed beyond recognition: the learner keeps the old note as is
            tags = tuple(sorted({*note.tags, RETIRED_TAG}))
            sort_field = note.fields[note_type.field_names.index(note_type.sort_field)]
            self.notes.append(NoteRow(tombstone.id, tombstone.guid, note.type, tombstone.removed, tags, note.fields,
                                      sort_field))
            due = len(self.notes)
            for ordinal in note.cards:
                self.cards.append(CardRow(tombstone.id + ordinal, tombstone.id, deck_id, ordinal, tombstone.removed,
                                          queue=-1, due=due))


def _check_note_types(lock: Lock, now: int, allow_schema_change: bool) -> dict[str, TypeEntry]:
    changed = [kind for kind, nt in NOTE_TYPES.items()
               if kind in lock.note_types and lock.note_types[kind].schema != nt.schema_fingerprint()]
    if changed and not allow_schema_change:
        raise LeaderdeckError(
            f"the fields or templates of note type(s) {', '.join(changed)} changed since the last release. "
            "Learners who import this deck would get a second note type (named with a '+'), and their "
            "existing notes would NOT be updated; avoiding that needs 'Merge note types', which forces a "
            "one-way full sync of their whole collection. Undo the change to the note type, or rebuild "
            "with --allow-schema-change if this release really must change it.")
    return {kind: update_type(lock.note_types.get(kind), nt.schema_fingerprint(), nt.style_fingerprint(), now)
            for kind, nt in NOTE_TYPES.items()}


def id_problems(course: Course, lock: Lock) -> list[str]:
    """What `compile_course` refuses about the course's ids against the released `lock` (an id of a
    removed item reused, ids that look renamed), so that `leaderdeck check` refuses it first."""
    current = {item_key_text(course.id, lesson.id, item.id, item.moved_from): item.anki
               for lesson in course.lessons for item in lesson.items}
    gone = set(lock.notes) - set(current)  # a notebook-only item is not gone: its note is kept
    added = {key for key, anki in current.items() if anki} - set(lock.notes) - set(lock.tombstones)
    problems = []
    try:
        _check_tombstones(course, lock)
    except LeaderdeckError as error:
        problems.append(str(error))
    try:
        if gone:
            _check_renamed_ids(gone, added)
    except LeaderdeckError as error:
        problems.append(str(error))
    return problems


def _check_tombstones(course: Course, lock: Lock) -> None:
    if not lock.tombstones:
        return
    reused = [(lesson, item) for lesson in course.lessons for item in lesson.items
              if (t := lock.tombstones.get(item_key_text(course.id, lesson.id, item.id, item.moved_from)))
              and not t.notebook]
    if reused:
        lines = [f"lesson '{lesson.id}': item id '{item.id}' belonged to an item removed in an earlier "
                 "release; learners may still have that note, so ids are never reused: choose a new id"
                 for lesson, item in reused]
        lines.append("(if that removal was a mistake that was never released, restore the lock file from "
                     "git, for example `git checkout -- decks/`, and build again)")
        raise LeaderdeckError("\n".join(lines))


def _check_renamed_ids(removed: set[str], added: set[str]) -> None:
    """An item that vanishes from one lesson (or course) id while an item with its id appears
    under another is almost always a renamed lesson or course id: for learners, every such note
    would be a duplicate, and its review history would stay with the old one."""
    added_by_item: dict[str, list[NoteKey]] = {}
    for key in added:
        note = NoteKey.parse(key)
        added_by_item.setdefault(note.item, []).append(note)
    moves = sorted({(old.lesson_key, new.lesson_key)
                    for old in map(NoteKey.parse, removed) for new in added_by_item.get(old.item, ())})
    if moves:
        renames = ", ".join(f"'{old}' → '{new}'" for old, new in moves)
        raise LeaderdeckError(
            f"ids look renamed ({renames}): notes are identified by course, lesson and item id, so "
            "learners would get every moved item as a new, duplicate note and its review history "
            "would stay with the old one. Keep the old id (change the title instead); for an item "
            "that moved to another lesson, write `moved_from: <its first lesson>` on it; or rebuild "
            "with --allow-id-change if this release really must move them.")


def _deck_id(name: str) -> int:
    # Anki matches decks by name and ignores these ids; they only need to be stable and unique.
    return int(hashlib.sha256(name.encode()).hexdigest()[:12], 16) + 1_000_000
