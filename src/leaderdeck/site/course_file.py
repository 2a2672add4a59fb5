"""The compiled course: what the browser reads instead of YAML and Markdown.

One msgpack file holds the course file, every lesson as the typed model, and the HTML of every
text the quizzes show (rendered and sanitized at build time by `leaderdeck.markdown`). Decoding it
needs only msgspec. `compiled_course()` is the runtime's seam: when `$LEADERDECK_COURSE` names such
a file, the quizzes, review and dashboard take the course (and its HTML) from it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol, TypeVar

import msgspec

from ..errors import LeaderdeckError
from ..model import Course, CourseFile, Lesson

FORMAT = 1
ENV_VAR = "LEADERDECK_COURSE"


class CompiledCourse(msgspec.Struct, frozen=True, kw_only=True):
    format: int
    info: CourseFile
    lessons: tuple[Lesson, ...]
    rendered: tuple[tuple[str, str, str], ...]  # (function, text, html), sorted

    def course(self, folder: Path) -> Course:
        return Course(info=self.info, lessons=self.lessons, lessons_dir=folder)

    def table(self) -> dict[tuple[str, str], str]:
        return {(function, text): html for function, text, html in self.rendered}


def encode(course: Course, rendered: dict[tuple[str, str], str]) -> bytes:
    """Deterministic bytes: the same course and table always encode alike."""
    rows = tuple(sorted((function, text, html) for (function, text), html in rendered.items()))
    return msgspec.msgpack.encode(CompiledCourse(format=FORMAT, info=course.info, lessons=course.lessons,
                                                 rendered=rows))


def decode(data: bytes, where: str) -> CompiledCourse:
    return decode_compiled(data, CompiledCourse, FORMAT, where, "course")


class _Compiled(Protocol):
    @property
    def format(self) -> int: ...


C = TypeVar("C", bound=_Compiled)


def decode_compiled(data: bytes, kind: type[C], expected: int, where: str, what: str) -> C:
    """A compiled file the site ships (the course, the deck): decoded as `kind`, of format `expected`."""
    try:
        compiled = msgspec.msgpack.decode(data, type=kind)
    except msgspec.DecodeError as error:
        raise LeaderdeckError(f"{where}: not a compiled leaderdeck {what} ({error})") from None
    if compiled.format != expected:
        raise LeaderdeckError(f"{where}: compiled {what} format {compiled.format}; this leaderdeck reads {expected}")
    return compiled


_loaded: tuple[tuple[str, int], Course] | None = None


def compiled_course() -> Course | None:
    """The course in `$LEADERDECK_COURSE` (read once per change of the file), or None when unset.
    Loading it also makes `leaderdeck.markdown` serve that course's HTML."""
    global _loaded
    name = os.environ.get(ENV_VAR)
    if not name:
        return None
    path = Path(name)
    try:
        stamp = (str(path), path.stat().st_mtime_ns)
    except OSError as error:
        raise LeaderdeckError(f"{ENV_VAR}={name}: {error.strerror}") from None
    if _loaded is None or _loaded[0] != stamp:
        from .. import markdown

        compiled = decode(path.read_bytes(), str(path))
        markdown.use_rendered(compiled.table())
        _loaded = (stamp, compiled.course(path.parent))
    return _loaded[1]
