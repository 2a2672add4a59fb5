"""The lesson format as typed, frozen value objects.

This module is the single definition of what a lesson file may contain. The validator checks YAML
against it, the JSON Schema for editors is generated from it, and every compiler reads it.
Text fields hold the author's Markdown as written; `leaderdeck.markdown.render` turns it to HTML.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
CLOZE_PATTERN = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)


def _not_blank(text: str) -> str:
    if not text.strip():
        raise ValueError("empty text")
    return text


Slug = Annotated[
    str,
    StringConstraints(pattern=SLUG_PATTERN, max_length=80),
    Field(description="A stable id: lowercase words joined by hyphens. Never change it once published."),
]
Text = Annotated[str, AfterValidator(_not_blank), Field(description="Plain text, not empty.")]
Markdown = Annotated[
    str, AfterValidator(_not_blank), Field(description="Markdown, rendered as sanitized HTML.")
]
SourceName = Annotated[str, Field(description="A source file name declared in the course file.")]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Concept(_Frozen):
    """One idea a lesson teaches."""

    id: Slug
    title: Text
    body: Markdown = Field(description="Markdown that teaches the idea in our own words.")


class _ItemBase(_Frozen):
    id: Slug
    concept: Slug = Field(description="The id of the concept (in this lesson) this item tests.")
    source: SourceName = Field(description="The source file this item draws on.")
    explanation: Markdown = Field(description="Why the answer is right: teach, do not restate.")

    def card_ordinals(self) -> tuple[int, ...]:
        """Anki card ordinals this item produces; (item id, ordinal) keys progress everywhere."""
        return (0,)


class Flashcard(_ItemBase):
    kind: Literal["flashcard"]
    front: Markdown
    back: Markdown
    reverse: bool = Field(False, description="Also ask back → front as a second card.")

    def card_ordinals(self) -> tuple[int, ...]:
        return (0, 1) if self.reverse else (0,)


class Cloze(_ItemBase):
    kind: Literal["cloze"]
    text: Markdown = Field(
        description="Text with numbered deletions in Anki's syntax: {{c1::answer}} or {{c1::answer::hint}}."
    )

    def deletions(self) -> dict[int, list[tuple[str, str | None]]]:
        """Deletion number → its (answer, hint) pairs, in text order."""
        found: dict[int, list[tuple[str, str | None]]] = {}
        for match in CLOZE_PATTERN.finditer(self.text):
            found.setdefault(int(match.group(1)), []).append((match.group(2), match.group(3)))
        return dict(sorted(found.items()))

    def card_ordinals(self) -> tuple[int, ...]:
        return tuple(number - 1 for number in self.deletions())


class Option(_Frozen):
    id: Slug = Field(description="Stable id of the option, used by `correct`.")
    text: Markdown
    feedback: Markdown = Field(description="Shown when this option is chosen: why it is right or wrong.")


class Choice(_ItemBase):
    """A multiple-choice question; with `scenario` it is a situational-judgement item."""

    kind: Literal["choice"]
    scenario: Markdown | None = Field(None, description="A situation to judge, shown before the question.")
    question: Markdown
    options: list[Option] = Field(min_length=2)
    correct: list[Slug] = Field(min_length=1, description="Ids of the correct options.")
    multi: bool = Field(False, description="Select all that apply: right only when exactly the correct set is chosen.")

    @property
    def is_scenario(self) -> bool:
        return self.scenario is not None


class Order(_ItemBase):
    kind: Literal["order"]
    prompt: Markdown
    steps: list[Text] = Field(description="The steps in their correct order.")


class Reflection(_ItemBase):
    kind: Literal["reflection"]
    prompt: Markdown = Field(description="Ask the learner to apply the idea to their own work.")
    model_answer: Markdown = Field(description="A strong answer the learner compares theirs against.")


Item = Annotated[Flashcard | Cloze | Choice | Order | Reflection, Field(discriminator="kind")]
ITEM_KINDS: tuple[str, ...] = ("flashcard", "cloze", "choice", "order", "reflection")


class Lesson(_Frozen):
    id: Slug
    title: Text
    summary: Markdown
    sources: list[SourceName] = Field(min_length=1, description="Source files this lesson draws on.")
    concepts: list[Concept] = Field(min_length=1)
    items: list[Item] = Field(min_length=1)

    def concept(self, concept_id: str) -> Concept:
        return next(c for c in self.concepts if c.id == concept_id)


class Source(_Frozen):
    file: Text = Field(description="The file name, for example 004_b00dfeef1080fada.txt.")
    title: Text = Field(description="What the source is, as shown to learners.")


class CourseFile(_Frozen):
    """The contents of `lessons/course.yaml`."""

    id: Slug
    title: Text
    deck: Text = Field(description="Root deck name in Anki, for example Leadership.")
    description: Markdown
    sources: list[Source] = Field(min_length=1)
    lessons: list[Slug] = Field(min_length=1, description="Lesson ids in teaching order.")


class Course(BaseModel):
    """A validated course: the course file plus its lessons in order."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    info: CourseFile
    lessons: tuple[Lesson, ...]
    lessons_dir: Path = Field(description="The folder the course was loaded from; media resolve here.")

    @property
    def id(self) -> str:
        return self.info.id

    def lesson(self, lesson_id: str) -> Lesson:
        return next(lesson for lesson in self.lessons if lesson.id == lesson_id)

    def source_title(self, file: str) -> str:
        return next((s.title for s in self.info.sources if s.file == file), file)
