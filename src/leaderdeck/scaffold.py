"""`leaderdeck new`: a commented lesson skeleton with one example of every item kind.

The skeleton is valid as written (so `leaderdeck check` passes at once) and is added to the end of
the course's lesson list, with the next order number in its file name.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from .course import COURSE_FILE, find_lessons_dir, lesson_files, load_course
from .errors import LeaderdeckError, display_path

_NUMBERED = re.compile(r"^(\d+)-")


def slugify(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    if not slug:
        raise LeaderdeckError(f"cannot make an id from the title {title!r}: use some letters or digits")
    return slug[:60].rstrip("-")


def new_lesson(title: str, lessons_dir: Path | None = None) -> Path:
    """Write `lessons/NN-<slug>.yaml` and list it last in the course. Returns the new file."""
    lessons_dir = lessons_dir or find_lessons_dir()
    course = load_course(lessons_dir)  # refuse to add to a course that is already broken
    lesson_id = slugify(title)
    if lesson_id in course.info.lessons:
        raise LeaderdeckError(f"the course already has a lesson with id '{lesson_id}'")
    path = lessons_dir / f"{_next_number(lessons_dir):02d}-{lesson_id}.yaml"
    source = course.info.sources[0].file
    path.write_text(skeleton(lesson_id, title.strip(), source), encoding="utf-8")
    _append_to_course(lessons_dir / COURSE_FILE, lesson_id)
    return Path(display_path(path))


def _next_number(lessons_dir: Path) -> int:
    numbers = [int(m.group(1)) for p in lesson_files(lessons_dir) if (m := _NUMBERED.match(p.name))]
    return max(numbers, default=0) + 1


def _append_to_course(course_file: Path, lesson_id: str) -> None:
    """Add the id after the last entry of the top-level `lessons:` list, keeping comments intact."""
    lines = course_file.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.startswith("lessons:")), None)
    if start is None:
        raise LeaderdeckError(f"{display_path(course_file)}: no top-level 'lessons:' list to add to")
    last = start
    for index in range(start + 1, len(lines)):
        stripped = lines[index].strip()
        if stripped.startswith("- "):
            last = index
        elif stripped and not stripped.startswith("#"):
            break
    indent = re.match(r"\s*", lines[last]).group(0) if last > start else "  "
    if not lines[last].endswith("\n"):
        lines[last] += "\n"
    lines.insert(last + 1, f"{indent}- {lesson_id}\n")
    course_file.write_text("".join(lines), encoding="utf-8")


def skeleton(lesson_id: str, title: str, source: str) -> str:
    return _SKELETON.format(id=lesson_id, title=title.replace('"', "'"), source=source)


_SKELETON = """\
# yaml-language-server: $schema=schema/lesson.schema.json
# A new lesson. Every id is permanent once published: it keys the Anki note, the notebook quiz and
# the learner's progress. Reword freely; never reuse or rename an id. Guide: docs/authoring.md
id: {id}
title: "{title}"
summary: |
  One or two sentences: what the learner will be able to recognise and do after this lesson.
# The source files (listed in course.yaml) this lesson draws on. Write in your own words.
sources:
  - {source}

concepts:
  - id: main-idea
    title: The main idea
    body: |
      Teach the idea here in a few short paragraphs of **Markdown**. Explain what it is, why it
      matters, and what a leader does differently because of it.

items:
  # flashcard: a question and its answer; `reverse: true` also asks the answer → the question.
  - id: define-main-idea
    kind: flashcard
    concept: main-idea
    source: {source}
    front: What is the main idea, in one sentence?
    back: The idea, stated in one sentence.
    reverse: false
    explanation: Why this answer is right, and what it connects to.

  # cloze: numbered deletions in Anki's syntax, {{{{c1::answer}}}} or {{{{c1::answer::hint}}}}.
  - id: main-idea-cloze
    kind: cloze
    concept: main-idea
    source: {source}
    text: A leader who applies the main idea {{{{c1::acts first::what do they do?}}}} and {{{{c2::learns}}}}.
    explanation: Why each hidden word is the right one.

  # choice: `scenario` (optional) makes it a situational-judgement item. `correct` lists option
  # ids; with several correct options set `multi: true` (select all that apply).
  - id: main-idea-scenario
    kind: choice
    concept: main-idea
    source: {source}
    scenario: |
      A short situation a leader might face, with enough detail to judge it.
    question: What should the leader do?
    options:
      - id: best
        text: The response the idea recommends.
        feedback: Right. Say why this works.
      - id: tempting
        text: A plausible but weaker response.
        feedback: Say why this falls short, so the learner learns from choosing it.
    correct: [best]
    explanation: The principle behind the right answer.

  # order: steps listed in their correct order; learners see them shuffled.
  - id: main-idea-steps
    kind: order
    concept: main-idea
    source: {source}
    prompt: Put these steps in order.
    steps:
      - The first step.
      - The second step.
      - The third step.
    explanation: Why the order matters.

  # reflection: the learner applies the idea to their own work, then compares with a model answer.
  - id: main-idea-at-work
    kind: reflection
    concept: main-idea
    source: {source}
    prompt: Where could you apply the main idea in your own work this week?
    model_answer: |
      A concrete, first-person example of a strong answer.
    explanation: What makes the model answer strong.
"""
