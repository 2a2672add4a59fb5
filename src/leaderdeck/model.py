"""The lesson format as typed, frozen value objects.

This module is the single definition of what a lesson file may contain. The JSON Schema is
generated from it (msgspec), the validator checks YAML against that schema, and every compiler
reads these objects. msgspec rather than pydantic: it imports in a fraction of the time, which
keeps `leaderdeck check` and the first quiz in a notebook fast.
Text fields hold the author's Markdown as written; `leaderdeck.markdown.render` turns it to HTML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import msgspec

# `(?!\n)`: Python's `$` also matches before a final newline, JSON Schema's (ECMA) does not; msgspec
# (Python) and the schema (jsonschema-rs) must refuse "id\n" alike.
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$(?!\n)"
NOT_BLANK_PATTERN = r"\S"  # at least one character that is not white space
# [0-9], not \d: Python's \d also matches other scripts' digits ("c١"), which Anki reads differently.
CLOZE_PATTERN = re.compile(r"\{\{c([0-9]+)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)
_CLOZE_NUMBER = re.compile(r"\{\{c([0-9]+)::.*?\}\}", re.DOTALL)  # the same matches as CLOZE_PATTERN, numbers only
# A cloze makes one card per number, and the deck lock gives each item 1,000 card ids (ID_STRIDE).
MAX_CLOZE_NUMBER = 1000


def _text(description: str) -> Any:
    # "Not blank" is in the JSON Schema, which the validator checks first, but not enforced by
    # msgspec itself: a regex on every text field was a fifth of loading a large course, and the
    # schema, which every file passes first, already refuses blank text.
    return msgspec.Meta(min_length=1, extra_json_schema={"pattern": NOT_BLANK_PATTERN}, description=description)


Slug = Annotated[str, msgspec.Meta(
    pattern=SLUG_PATTERN, max_length=80,
    description="A stable id: lowercase words joined by hyphens. Never change it once published.")]
Text = Annotated[str, _text("Plain text, not empty.")]
Markdown = Annotated[str, _text("Markdown, rendered as sanitized HTML.")]
SourceName = Annotated[str, _text("A source file name declared in the course file.")]


def _doc(kind: Any, description: str) -> Any:
    """A field type with a description for the JSON Schema (editors show it on hover)."""
    return Annotated[kind, msgspec.Meta(description=description)]


class _Frozen(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    pass


MAX_QUOTE_LENGTH = 300


class Evidence(_Frozen):
    """What backs an answer: a short quote from the source, or why the answer is the course's own synthesis."""

    # Absent is "" rather than None: a plain (not optional) type keeps the schema's messages exact
    # ("too long", "empty text") where a union would only say that no branch matched.
    quote: _doc(Annotated[str, msgspec.Meta(max_length=MAX_QUOTE_LENGTH,
                                            extra_json_schema={"pattern": NOT_BLANK_PATTERN})],
                "Words copied exactly from the cited source (… marks a cut); `check` finds them there.") = ""
    speaker: _doc(Text, "Who says the quoted words, when a person is quoted.") = ""
    synthesis: _doc(Text, "Instead of a quote: why the answer is the course's own synthesis.") = ""


class Concept(_Frozen):
    """One idea a lesson teaches."""

    id: Slug
    title: Text
    body: _doc(Markdown, "Markdown that teaches the idea in our own words.")
    evidence: _doc(Evidence | None, "A short quote from one of the lesson's sources that backs the text.") = None


REVIEW_OF_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*/[a-z0-9]+(?:-[a-z0-9]+)*$(?!\n)"


ItemRef = Annotated[str, msgspec.Meta(pattern=REVIEW_OF_PATTERN, description="lesson-id/item-id")]


class LintSettings(_Frozen):
    """Per-item settings for `leaderdeck lint`."""

    # The reason may be empty or null here on purpose: `lint` reports a silence without a reason.
    ignore: _doc(dict[str, str | None],
                 "Rule id (for example LD101) → why the rule does not apply to this item.") = {}


class _ItemBase(_Frozen, tag_field="kind"):
    id: Slug
    concept: _doc(Slug, "The id of the concept (in this lesson) this item tests.")
    source: _doc(SourceName, "The source file this item draws on.")
    explanation: _doc(Markdown, "Why the answer is right: teach, do not restate.")
    review_of: _doc(ItemRef | None, "An earlier item this one deliberately tests again.") = None
    lint: _doc(LintSettings | None, "Settings for `leaderdeck lint`, such as rules to silence.") = None
    evidence: _doc(Evidence | None, "A short quote from the cited source that backs the answer.") = None

    @property
    def kind(self) -> str:
        return self.__struct_config__.tag

    def card_ordinals(self) -> tuple[int, ...]:
        """Anki card ordinals this item produces; (item id, ordinal) keys progress everywhere."""
        return (0,)


class Flashcard(_ItemBase, tag="flashcard", kw_only=True):
    """A question and answer; `reverse: true` also asks back → front as a second card."""

    front: Markdown
    back: Markdown
    reverse: _doc(bool, "Also ask back → front as a second card.") = False

    def card_ordinals(self) -> tuple[int, ...]:
        return (0, 1) if self.reverse else (0,)


class Cloze(_ItemBase, tag="cloze", kw_only=True):
    """Text with numbered deletions in Anki's own syntax."""

    text: _doc(Markdown, "Deletions as {{c1::answer}} or {{c1::answer::hint}}, numbered from c1.")

    def deletions(self) -> dict[int, list[tuple[str, str | None]]]:
        """Deletion number → its (answer, hint) pairs, in text order."""
        found: dict[int, list[tuple[str, str | None]]] = {}
        for match in CLOZE_PATTERN.finditer(self.text):
            found.setdefault(int(match.group(1)), []).append((match.group(2), match.group(3)))
        return dict(sorted(found.items()))

    def card_ordinals(self) -> tuple[int, ...]:
        # Only the numbers: cheaper than `deletions()`, which large builds would run for every cloze.
        return tuple(sorted({int(number) - 1 for number in _CLOZE_NUMBER.findall(self.text)}))


class Option(_Frozen):
    """One answer of a choice item, with the feedback a learner sees on choosing it."""

    id: _doc(Slug, "Stable id of the option, used by `correct`.")
    text: Markdown
    feedback: _doc(Markdown, "Shown when this option is chosen: why it is right or wrong.")


class Choice(_ItemBase, tag="choice", kw_only=True):
    """A multiple-choice question; with `scenario` it is a situational-judgement item."""

    question: Markdown
    options: Annotated[tuple[Option, ...], msgspec.Meta(min_length=2)]
    correct: Annotated[tuple[Slug, ...], msgspec.Meta(min_length=1, description="Ids of the correct options.")]
    scenario: _doc(Markdown | None, "A situation to judge, shown before the question.") = None
    multi: _doc(bool, "Select all that apply: right only when exactly the correct set is chosen.") = False

    @property
    def is_scenario(self) -> bool:
        return self.scenario is not None


class Order(_ItemBase, tag="order", kw_only=True):
    """Steps the learner puts in their correct order."""

    prompt: Markdown
    steps: _doc(tuple[Text, ...], "The steps in their correct order.")


class Reflection(_ItemBase, tag="reflection", kw_only=True):
    """A prompt to apply an idea to one's own work, with a model answer to compare against."""

    prompt: _doc(Markdown, "Ask the learner to apply the idea to their own work.")
    model_answer: _doc(Markdown, "A strong answer the learner compares theirs against.")


Item = Flashcard | Cloze | Choice | Order | Reflection
ITEM_TYPES: dict[str, type[_ItemBase]] = {
    cls.__struct_config__.tag: cls for cls in (Flashcard, Cloze, Choice, Order, Reflection)
}
ITEM_KINDS: tuple[str, ...] = tuple(ITEM_TYPES)


class Lesson(_Frozen):
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


class Source(_Frozen):
    """A source document lessons may cite."""

    file: _doc(Text, "The file name, for example 004_b00dfeef1080fada.txt.")
    title: _doc(Text, "What the source is, as shown to learners.")


class CourseFile(_Frozen):
    """The contents of `lessons/course.yaml`."""

    id: Slug
    title: Text
    deck: _doc(Text, "Root deck name in Anki, for example Leadership.")
    description: Markdown
    sources: Annotated[tuple[Source, ...], msgspec.Meta(min_length=1)]
    lessons: Annotated[tuple[Slug, ...], msgspec.Meta(min_length=1, description="Lesson ids in teaching order.")]
    sources_dir: _doc(Text | None,
                      "Folder holding the source files, relative to this file; `lint` compares lessons to them.") = None


@dataclass(frozen=True)
class Course:
    """A validated course: the course file plus its lessons in order."""

    info: CourseFile
    lessons: tuple[Lesson, ...]
    lessons_dir: Path  # the folder the course was loaded from; media resolve here

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
