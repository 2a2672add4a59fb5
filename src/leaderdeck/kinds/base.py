"""What every item kind is built from: the shared text types, the item base, and the `Kind` spec.

A kind module (`flashcard.py`, `cloze.py`, ...) holds everything one kind of item needs and ends
with `KIND = Kind(...)`, naming each part; `leaderdeck.kinds` is the registry that lists them.
This module imports nothing of leaderdeck at run time, so the model, the validator and the
compilers can all read the registry without an import cycle.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Annotated, Any, Generic, Literal, TypeVar

import msgspec

if TYPE_CHECKING:
    from ..load import KeyPath, Loaded

# `(?!\n)`: Python's `$` also matches before a final newline, JSON Schema's (ECMA) does not; msgspec
# (Python) and the schema (jsonschema-rs) must refuse "id\n" alike.
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$(?!\n)"
NOT_BLANK_PATTERN = r"\S"  # at least one character that is not white space


def _optional_text(description: str) -> msgspec.Meta:
    """`Text` in the schema, but "" (absent) allowed to msgspec."""
    return msgspec.Meta(extra_json_schema={"minLength": 1, "pattern": NOT_BLANK_PATTERN}, description=description)


def _text(description: str) -> msgspec.Meta:
    # "Not blank" is in the JSON Schema, which the validator checks first, but not enforced by
    # msgspec itself: a regex on every text field was a fifth of loading a large course, and the
    # schema, which every file passes first, already refuses blank text.
    return msgspec.Meta(min_length=1, extra_json_schema={"pattern": NOT_BLANK_PATTERN}, description=description)


def doc(description: str) -> msgspec.Meta:
    """A field's description for the JSON Schema (editors show it on hover): `Annotated[T, doc(...)]`."""
    return msgspec.Meta(description=description)


Slug = Annotated[str, msgspec.Meta(
    pattern=SLUG_PATTERN, max_length=80,
    description="A stable id: lowercase words joined by hyphens. Never change it once published.")]
Text = Annotated[str, _text("Plain text, not empty.")]
Markdown = Annotated[str, _text("Markdown, rendered as sanitized HTML.")]
SourceName = Annotated[str, _text("A source file name declared in the course file.")]


class Frozen(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    pass


REVIEW_OF_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*/[a-z0-9]+(?:-[a-z0-9]+)*$(?!\n)"


ItemRef = Annotated[str, msgspec.Meta(pattern=REVIEW_OF_PATTERN, description="lesson-id/item-id")]


class LintSettings(Frozen, frozen=True):
    """Per-item settings for `leaderdeck lint`."""

    # The reason may be empty or null here on purpose: `lint` reports a silence without a reason.
    ignore: Annotated[dict[str, str | None],
                      doc("Rule id (for example LD101) → why the rule does not apply to this item.")] = {}


MAX_QUOTE_LENGTH = 300


class Evidence(Frozen, frozen=True):
    """What backs an answer: a short quote from the source, or why the answer is the course's own synthesis."""

    # Absent is "" rather than None: a plain (not optional) type keeps the schema's messages exact
    # ("too long", "empty text") where a union would only say that no branch matched.
    quote: Annotated[str, msgspec.Meta(
        max_length=MAX_QUOTE_LENGTH, extra_json_schema={"pattern": NOT_BLANK_PATTERN},
        description="Words copied exactly from the cited source (… marks a cut); `check` finds them there.")] = ""
    # Optional texts: blank is refused by the schema (minLength, pattern), not by msgspec, whose
    # own check would refuse the "" default when a compiled course (the browser edition) is decoded.
    speaker: Annotated[str, _optional_text("Who says the quoted words, when a person is quoted.")] = ""
    synthesis: Annotated[str, _optional_text("Instead of a quote: why the answer is the course's own synthesis.")] = ""


Level = Literal["recall", "apply", "connect"]


class ItemBase(Frozen, tag_field="kind", frozen=True):
    id: Slug
    concept: Annotated[Slug, doc("The id of the concept (in this lesson) this item tests.")]
    source: Annotated[SourceName, doc("The source file this item draws on.")]
    explanation: Annotated[Markdown, doc("Why the answer is right: teach, do not restate.")]
    review_of: Annotated[ItemRef | None, doc("An earlier item this one deliberately tests again.")] = None
    moved_from: Annotated[Slug | None, doc(
        "The lesson this item was first published in, when it has since moved to this one: its "
        "identity (Anki note, learners' progress) stays that lesson's, so nobody loses history.")] = None
    lint: Annotated[LintSettings | None, doc("Settings for `leaderdeck lint`, such as rules to silence.")] = None
    evidence: Annotated[Evidence | None, doc("A short quote from the cited source that backs the answer.")] = None
    level: Annotated[Level | None, doc(
        "What the item asks of the learner: recall a fact, apply an idea to a case, or connect ideas.")] = None
    anki: Annotated[bool, doc(
        "Put this item in the Anki deck (default true; reflections default false): false keeps it "
        "notebook-only, and a note already published is kept for learners, tagged retired.")] = True

    @property
    def kind(self) -> str:
        return str(self.__struct_config__.tag)

    def card_ordinals(self) -> tuple[int, ...]:
        """Anki card ordinals this item produces; (item id, ordinal) keys progress everywhere."""
        return (0,)


@dataclass(frozen=True)
class NoteSpec:
    """A kind's Anki note type as data; `leaderdeck.decks.notetypes` turns it into ids and JSON.

    Anki forks a note type whose fields or templates change: choose these once (the build's lock
    file refuses a change unless told otherwise)."""

    number: int  # fixes the note type's id: never renumber a published type
    fields: tuple[str, ...]  # the kind's own fields, between "Uid" and the shared ones
    templates: tuple[tuple[str, str], ...]  # (card name, file stem in decks/assets/templates/)
    sort_field: str
    cloze: bool = False  # Anki's cloze model type: one card per deletion number


ItemT = TypeVar("ItemT", bound=ItemBase)


@dataclass(frozen=True)
class Kind(Generic[ItemT]):
    """Every part of one item kind. `tests/kinds/test_conformance.py` checks each kind has all."""

    model: type[ItemT]  # the msgspec struct, tagged with the kind's name
    rules: Callable[[Loaded, ItemT, KeyPath], None]  # rules across its fields, after the schema
    markdown_fields: tuple[str, ...]  # its own Markdown fields, checked to show something once rendered
    note: NoteSpec  # its Anki note type
    fields: Callable[[ItemT, str], dict[str, str]]  # item, uid → its own note fields as HTML
    example: str  # its part of `leaderdeck new`'s skeleton; "{source}" is filled in
    # The quiz is being rebuilt elsewhere: these name its code ("module:attribute") rather than hold it.
    grading: str  # step, answer..., shown_at, now → Outcome
    view: str  # the widget view class that asks it

    @property
    def name(self) -> str:
        return str(self.model.__struct_config__.tag)

    def grader(self) -> Any:
        return resolve(self.grading)

    def view_class(self) -> Any:
        return resolve(self.view)


def resolve(reference: str) -> Any:
    """"package.module:attribute" → the attribute, importing its module on first use."""
    module, _, attribute = reference.partition(":")
    return getattr(import_module(module), attribute)


def no_rules(loaded: Loaded, item: Any, at: KeyPath) -> None:
    """For a kind whose fields the schema checks completely."""
