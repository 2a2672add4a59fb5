"""Tiny fixture courses for the lint rules: one concept per lesson, the items each test writes."""

from __future__ import annotations

import textwrap
from pathlib import Path

from leaderdeck.course import load_course
from leaderdeck.lint import Finding, lint_course

SOURCE = "s.txt"
SOURCE_TEXT = """The best negotiations reward every party at the table over the long run.
A cut-throat win tends to be short-lived and often pyrrhic for the side that claims it.
"""

COURSE = """\
id: fixture
title: Lint fixture
deck: Fixture
description: A small course for lint tests.
sources_dir: sources
sources:
  - file: s.txt
    title: A source
lessons:
{lessons}
"""

LESSON = """\
id: {id}
title: Lesson {id}
summary: A lesson for lint tests.
sources:
  - s.txt
concepts:
  - id: c
    title: {title}
    body: Something to teach about the idea, written for the test.
items:
{items}
"""


class Fixture:
    def __init__(self, root: Path):
        self.lessons_dir = root / "lessons"
        self.sources_dir = root / "lessons" / "sources"

    def write(self, *lessons: str, title: str = "An idea", sources: str | None = SOURCE_TEXT) -> Path:
        """Each lesson is the YAML of its items; lessons are named l1, l2, ..."""
        self.lessons_dir.mkdir(parents=True, exist_ok=True)
        ids = [f"l{n}" for n in range(1, len(lessons) + 1)]
        listed = "\n".join(f"  - {lesson_id}" for lesson_id in ids)
        (self.lessons_dir / "course.yaml").write_text(COURSE.format(lessons=listed), encoding="utf-8")
        for lesson_id, items in zip(ids, lessons, strict=True):
            text = LESSON.format(id=lesson_id, title=title, items=textwrap.indent(textwrap.dedent(items), "  "))
            (self.lessons_dir / f"{lesson_id}.yaml").write_text(text, encoding="utf-8")
        if sources is not None:
            self.sources_dir.mkdir(exist_ok=True)
            (self.sources_dir / SOURCE).write_text(sources, encoding="utf-8")
        return self.lessons_dir

    def lint(self, *lessons: str, **options) -> list[Finding]:
        return lint_course(load_course(self.write(*lessons, **options)))

    def rules(self, *lessons: str, **options) -> list[str]:
        return [finding.rule for finding in self.lint(*lessons, **options)]


SYNTHESIS = '  evidence: {synthesis: "a fixture written for a lint test"}\n'


def item(kind: str, body: str, item_id: str = "i", extra: str = "", evidence: str | None = SYNTHESIS) -> str:
    """One item of `kind` on concept c, citing the source; `body` holds its kind's keys. `evidence`
    is the item's evidence line (by default a synthesis, which satisfies LD701 but not LD401)."""
    head = f"- id: {item_id}\n  kind: {kind}\n  concept: c\n  source: s.txt\n"
    head += "  explanation: Why the answer is right, explained for the learner.\n" + (evidence or "")
    return head + textwrap.indent(textwrap.dedent(body).strip("\n"), "  ") + "\n" + extra
