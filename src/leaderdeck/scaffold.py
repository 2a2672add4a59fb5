"""`leaderdeck new`: a commented lesson skeleton with one example of every item kind.

The skeleton is valid as written (so `leaderdeck check` passes at once) and is added to the end of
the course's lesson list, with the next order number in its file name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml

from .course import COURSE_FILE, find_lessons_dir, lesson_files, load_course
from .errors import LeaderdeckError, display_path
from .kinds import KINDS, Kind

_NUMBERED = re.compile(r"^(\d+)-")
# Control characters (C0, DEL, C1), line and paragraph separators, and the invisible marks that
# reorder or hide text (bidi overrides and isolates, a byte order mark): no title holds them.
_REFUSED = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
_MAX_SLUG = 60


def slugify(title: str) -> str:
    """An id from the title's Latin letters and digits (accents dropped); "" when it has none."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:_MAX_SLUG].rstrip("-")


def usable_title(title: str) -> str:
    """The title without surrounding white space, or a clear refusal."""
    found = _REFUSED.search(title)
    if found:
        raise LeaderdeckError(f"the title {title!r} holds the control or invisible character "
                              f"U+{ord(found.group(0)):04X}: write it without one")
    if not title.strip():
        raise LeaderdeckError("the title is empty: give the lesson a title")
    return title.strip()


def new_lesson(title: str, lessons_dir: Path | None = None) -> Path:
    """Write `lessons/NN-<slug>.yaml` and list it last in the course. Returns the new file.

    Any title in any script works: the id comes from its Latin letters and digits, or is
    `lesson-NN` when it has none (Japanese, Greek); the title itself is written by a YAML emitter.
    """
    lessons_dir = lessons_dir or find_lessons_dir()
    course = load_course(lessons_dir)  # refuse to add to a course that is already broken
    title = usable_title(title)
    number = _next_number(lessons_dir)
    lesson_id = slugify(title) or _free_id(f"lesson-{number:02d}", course.info.lessons)
    if lesson_id in course.info.lessons:
        raise LeaderdeckError(f"the course already has a lesson with id '{lesson_id}'")
    course_file = lessons_dir / COURSE_FILE
    listed = _listed(course_file.read_bytes().decode("utf-8"), lesson_id, course_file)  # CRLF kept
    path = lessons_dir / f"{number:02d}-{lesson_id}.yaml"
    path.write_text(skeleton(lesson_id, title, course.info.sources[0].file), encoding="utf-8")
    course_file.write_bytes(listed.encode("utf-8"))
    return Path(display_path(path))


def _free_id(wanted: str, taken: Sequence[str]) -> str:
    candidate, suffix = wanted, 2
    while candidate in taken:
        candidate, suffix = f"{wanted}-{suffix}", suffix + 1
    return candidate


def _next_number(lessons_dir: Path) -> int:
    numbers = [int(m.group(1)) for p in lesson_files(lessons_dir) if (m := _NUMBERED.match(p.name))]
    return max(numbers, default=0) + 1


def _listed(text: str, lesson_id: str, course_file: Path) -> str:
    """The course file's text with the id added to the end of its `lessons` list, in the list's own
    style (block or flow), comments and everything else kept. The result is read back: if it does
    not hold exactly the old data plus the id, nothing is written."""
    lessons = _lessons_node(text, course_file)
    item = _scalar(lesson_id)
    if lessons.flow_style:  # after the last item (a trailing comma or comment stays after it)
        at = lessons.value[-1].end_mark.index if lessons.value else lessons.start_mark.index + 1
        updated = f"{text[:at]}{', ' if lessons.value else ''}{item}{text[at:]}"
    else:
        line_end = text.find("\n", lessons.value[-1].end_mark.index)
        at = len(text) if line_end < 0 else line_end + 1
        newline = "\r\n" if "\r\n" in text else "\n"
        head = text[:at] if line_end >= 0 else text + newline
        updated = f"{head}{' ' * lessons.start_mark.column}- {item}{newline}{text[at:]}"
    expected = yaml.safe_load(text)
    expected["lessons"] = [*expected["lessons"], lesson_id]
    if yaml.safe_load(updated) != expected:
        raise LeaderdeckError(f"{display_path(course_file)}: cannot add '{lesson_id}' to its 'lessons' list "
                              "safely; add it by hand")
    return updated


def _lessons_node(text: str, course_file: Path) -> yaml.SequenceNode:
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if key.value == "lessons" and isinstance(value, yaml.SequenceNode) and (value.flow_style or value.value):
                return value
    raise LeaderdeckError(f"{display_path(course_file)}: no top-level 'lessons:' list to add to")


def _scalar(value: str) -> str:
    """One YAML scalar, on one line, quoted only where YAML needs it (`yes`, `123`, `a: b`, `\\`)."""
    dumped = yaml.safe_dump(value, allow_unicode=True, width=10**6)
    return dumped.removesuffix("\n...\n").removesuffix("\n")


def skeleton(lesson_id: str, title: str, source: str, kinds: Iterable[Kind[Any]] | None = None) -> str:
    """The lesson header, then each kind's example (from its module in `leaderdeck.kinds`)."""
    source = _scalar(source)
    examples = "\n".join(kind.example.replace("{source}", source) for kind in (kinds or KINDS.values()))
    return _SKELETON.format(id=_scalar(lesson_id), title=_scalar(title), source=source) + examples


_SKELETON = """\
# yaml-language-server: $schema=schema/lesson.schema.json
# A new lesson. Every id is permanent once published: it keys the Anki note, the notebook quiz and
# the learner's progress. Reword freely; never reuse or rename an id. Guide: docs/authoring.md
id: {id}
title: {title}
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
  # Every item also needs `evidence:` with a `quote:` copied exactly from its source, which backs
  # the answer (`check` finds it there; `lint` reports an item without it, LD701).
"""
