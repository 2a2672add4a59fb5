"""The lesson format as typed, frozen value objects.

This module, with the item kinds it reads from the registry in `leaderdeck.kinds` (one module
per kind), is the single definition of what a lesson file may contain. The JSON Schema is
generated from it (msgspec), the validator checks YAML against that schema, and every compiler
reads these objects. msgspec rather than pydantic: it imports in a fraction of the time, which
keeps `leaderdeck check` and the first quiz in a notebook fast.
Text fields hold the author's Markdown as written; `leaderdeck.markdown.render` turns it to HTML.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Union

import msgspec

from .kinds import ITEM_KINDS, KINDS, Choice, Cloze, Flashcard, Option, Order, Reflection
from .kinds.base import (
    MAX_QUOTE_LENGTH,
    NOT_BLANK_PATTERN,
    REVIEW_OF_PATTERN,
    SLUG_PATTERN,
    Evidence,
    ItemBase,
    ItemRef,
    LintSettings,
    Markdown,
    Slug,
    SourceName,
    Text,
    doc,
)
from .kinds.base import Frozen as _Frozen
from .kinds.cloze import _CLOZE_NUMBER, CLOZE_PATTERN, MAX_CLOZE_NUMBER

if TYPE_CHECKING:
    from .kinds import Item
else:  # every registered kind, in teaching order (msgspec tells them apart by `kind`)
    Item = Union[tuple(kind.model for kind in KINDS.values())]  # noqa: UP007 (a union built at run time)

_ItemBase = ItemBase
ITEM_TYPES: dict[str, type[ItemBase]] = {name: kind.model for name, kind in KINDS.items()}

__all__ = [  # the item kinds live in `leaderdeck.kinds`; they are named here too, where they always were
    "CLOZE_PATTERN", "ITEM_KINDS", "ITEM_TYPES", "MAX_CLOZE_NUMBER", "NOT_BLANK_PATTERN", "REVIEW_OF_PATTERN",
    "SLUG_PATTERN", "ItemRef", "LintSettings", "Evidence", "MAX_QUOTE_LENGTH",
    "_CLOZE_NUMBER", "Choice", "Cloze", "Concept", "Course", "CourseFile", "Flashcard", "Item", "ItemBase",
    "Lesson", "Markdown", "Option", "Order", "Reflection", "Slug", "Source", "SourceName", "Text", "as_dict",
]


ConceptRef = Annotated[str, msgspec.Meta(pattern=REVIEW_OF_PATTERN, description="lesson-id/concept-id")]


class Concept(_Frozen, frozen=True):
    """One idea a lesson teaches."""

    id: Slug
    title: Text
    body: Annotated[Markdown, doc("Markdown that teaches the idea in our own words.")]
    evidence: Annotated[Evidence | None,
                        doc("A short quote from one of the lesson's sources that backs the text.")] = None
    see_also: Annotated[tuple[ConceptRef, ...], doc(
        "Concepts of other lessons this one connects to, as lesson-id/concept-id; the notebook shows "
        "each as 'Connects to lesson NN: <title>'.")] = ()


class Lesson(_Frozen, frozen=True):
    """A leaderdeck lesson: concepts that teach, and items that test them."""

    id: Slug
    title: Text
    summary: Markdown
    sources: Annotated[tuple[SourceName, ...],
                       msgspec.Meta(min_length=1, description="Source files this lesson draws on.")]
    concepts: Annotated[tuple[Concept, ...], msgspec.Meta(min_length=1)]
    items: Annotated[tuple[Item, ...], msgspec.Meta(min_length=1)]

    def concept(self, concept_id: str) -> Concept:
        return next(c for c in self.concepts if c.id == concept_id)


class Source(_Frozen, frozen=True):
    """A source document lessons may cite."""

    file: Annotated[Text, doc("The file name, for example 004_b00dfeef1080fada.txt.")]
    title: Annotated[Text, doc("What the source is, as shown to learners.")]


class CourseFile(_Frozen, frozen=True):
    """The contents of `lessons/course.yaml`."""

    id: Slug
    title: Text
    deck: Annotated[Text, doc("Root deck name in Anki, for example Leadership.")]
    description: Markdown
    sources: Annotated[tuple[Source, ...], msgspec.Meta(min_length=1)]
    lessons: Annotated[tuple[Slug, ...], msgspec.Meta(min_length=1, description="Lesson ids in teaching order.")]
    sources_dir: Annotated[Text | None,
                           doc("Folder holding the source files, relative to this file; `lint` compares lessons "
                               "to them.")] = None


@dataclass(frozen=True)
class Course:
    """A validated course: the course file plus its lessons in order."""

    info: CourseFile
    lessons: tuple[Lesson, ...]
    lessons_dir: Path  # the folder the course was loaded from; media resolve here
    # Why the evidence quotes could not be compared with the sources (no `sources_dir`, the
    # folder or a file not found), or None when they were: `check` prints it.
    unverified: str | None = None

    @property
    def id(self) -> str:
        return self.info.id

    def lesson(self, lesson_id: str) -> Lesson:
        return next(lesson for lesson in self.lessons if lesson.id == lesson_id)

    def source_title(self, file: str) -> str:
        return next((s.title for s in self.info.sources if s.file == file), file)


def as_dict(value: Any) -> Any:
    """A model object as plain data (dicts, lists, str, bool), including each item's `kind`."""
    return msgspec.to_builtins(value)
