"""Stage 1, load: a YAML file → plain data plus the source position of every key and value.

Lesson files are untrusted. Only regular files are read, at most `MAX_FILE_BYTES` of them; the
YAML is read as a stream of parser events (PyYAML over libyaml, the one parser) and built into
dicts, lists and plain scalars without recursion, so neither nesting nor aliases can cost memory
or the stack. Each problem is recorded and loading goes on, so one file yields every problem it
has: after a syntax error, the data read so far is kept and marked incomplete. Positions are
1-based, as editors show them.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem, display_path

MAX_FILE_BYTES = 1024 * 1024
MAX_DEPTH = 50  # a lesson needs six levels; a deep file only costs the later stages
_MAX_NUMBER = 2**63
_TAB_INDENT = re.compile(r"^[ ]*\t", re.MULTILINE)
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# After unescaping ("\x1f", "\e", "\a"): C0 and C1 controls but tab and line feed, DEL, and the
# bidi overrides and isolates that make text read differently from what it holds. U+001F in any
# field breaks an Anki package (it separates fields); ESC reaches terminals.
FORBIDDEN_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

_TAG = "tag:yaml.org,2002:"
_STR_TAG = _TAG + "str"
_PLAIN_TAGS = {_TAG + name for name in ("null", "bool", "int", "float")}
_TEXT_TAGS = {_STR_TAG, "!", _TAG + "merge", _TAG + "value"}  # '<<' and '=' written as values are text
_COLLECTION_TAGS = {None, "!", _TAG + "seq", _TAG + "map"}

_NO_ANCHORS = "anchors and aliases are not allowed in lessons: write the text out"

KeyPath = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Position:
    line: int
    column: int


@dataclass
class Loaded:
    """A loaded document: its data, and where each key path's value and key start.

    `complete` is False when a syntax error stopped reading: the data holds what came before it,
    so missing keys are not worth reporting. `reported` holds the key paths whose value already
    has a problem (a date, an alias, nesting too deep): their value is None, and validation
    says nothing more about them.
    """

    path: str
    data: Any = None
    values: dict[KeyPath, Position] = field(default_factory=dict)
    keys: dict[KeyPath, Position] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    complete: bool = True
    reported: set[KeyPath] = field(default_factory=set)
    text: str | None = field(default=None, repr=False)  # kept to find positions when first asked

    def where(self, key_path: KeyPath, *, key: bool = False) -> Position:
        """The closest known position for a key path (walking up to its parents)."""
        if self.text is not None:  # positions are found only once a problem needs one
            found = Loaded(self.path)
            _Builder(found, self.text, positions=True).run()
            self.values, self.keys, self.text = found.values, found.keys, None
        table = self.keys if key else self.values
        for depth in range(len(key_path), -1, -1):
            at = table.get(key_path[:depth]) or self.values.get(key_path[:depth])
            if at:
                return at
        return Position(1, 1)

    def problem(self, key_path: KeyPath, message: str, *, key: bool = False) -> Problem:
        at = self.where(key_path, key=key)
        return Problem(self.path, at.line, at.column, format_key_path(key_path), message)

    def already_reported(self, key_path: KeyPath) -> bool:
        return bool(self.reported) and any(key_path[:depth] in self.reported for depth in range(len(key_path) + 1))


def format_key_path(key_path: KeyPath) -> str:
    """('items', 2, 'answer') → 'items[2].answer'."""
    text = ""
    for part in key_path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def load_yaml(path: Path) -> Loaded:
    """Read one YAML file; every problem found is in `.problems`, never raised."""
    loaded = Loaded(display_path(path))
    text = read_text(path, loaded)
    if text is None:
        return loaded
    try:
        _Builder(loaded, text, positions=False).run()
        loaded.text = text
    except _NeedPositions:  # a duplicate key, whose message names where the first one is
        loaded = Loaded(loaded.path)
        _Builder(loaded, text, positions=True).run()
    return loaded


class _NeedPositions(Exception):
    pass


class _AnyText:
    def __contains__(self, _: object) -> bool:
        return True


def read_text(path: Path, loaded: Loaded) -> str | None:
    """The file's text, or None with a problem recorded. Only regular files are opened (a FIFO
    would block, a device never ends), and at most one byte more than the limit is read."""
    problem = _not_a_regular_file(path)
    if problem is None:
        try:
            raw = read_at_most(path, MAX_FILE_BYTES + 1)
        except OSError as error:
            problem = f"cannot read the file: {error.strerror or error}"
    if problem is not None:
        loaded.problems.append(Problem(loaded.path, 1, 1, "", problem))
        return None
    if len(raw) > MAX_FILE_BYTES:
        message = f"the file is more than {MAX_FILE_BYTES:,} bytes; a lesson may be at most {MAX_FILE_BYTES:,} bytes"
        loaded.problems.append(Problem(loaded.path, 1, 1, "", message))
        return None
    return _decode(raw, loaded)


def _not_a_regular_file(path: Path) -> str | None:
    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        if error.errno == errno.ENOENT and os.path.islink(path):
            return "it is a symbolic link to a file that does not exist"
        return f"cannot read the file: {error.strerror or error}"
    except ValueError:  # a NUL in the name
        return "cannot read the file: its name holds a NUL character"
    if stat.S_ISDIR(mode):
        return "it is a folder, not a lesson file"
    if not stat.S_ISREG(mode):
        return "not a regular file (a device, pipe or socket): lessons must be plain files"
    size = os.stat(path).st_size
    if size > MAX_FILE_BYTES:
        return f"the file is {size:,} bytes; a lesson may be at most {MAX_FILE_BYTES:,} bytes"
    return None


def read_at_most(path: Path, limit: int) -> bytes:
    """At most `limit` bytes of a regular file, never blocking on a FIFO that replaced it."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags)
    with os.fdopen(descriptor, "rb") as file:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):  # swapped for something else since the check
            raise OSError(0, "not a regular file")
        return file.read(limit)


def _decode(raw: bytes, loaded: Loaded) -> str | None:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        message = f"not UTF-8 (byte 0x{raw[error.start]:02x}): save the file as UTF-8"
        loaded.problems.append(Problem(loaded.path, line, column, "", message))
        return None


_EXPECTING_KEY = object()
_SKIPPING_KEY = object()  # a key that is a list or mapping, being skipped; its value goes too
_SKIP_VALUE = object()


@dataclass(slots=True)
class _Frame:
    container: dict[Any, Any] | list[Any]
    key_path: KeyPath
    key: Any  # in a mapping: the key whose value comes next, or what to do with the next node


class _Builder:
    """Parser events → data, an explicit stack instead of recursion. Problems are recorded and
    the event stream goes on; what cannot be kept is skipped whole (`skipping` counts the
    collections still open inside a skipped node)."""

    def __init__(self, loaded: Loaded, text: str, *, positions: bool):
        self.positions = positions  # record every key's and value's position (only when asked)
        self.loaded = loaded
        self.text = text
        self.stack: list[_Frame] = []
        self.skipping = 0
        self.documents = 0
        self.scalars = _Loader("")
        # YAML reads a plain scalar as a number, date, bool or null only by its first character
        resolvers = self.scalars.yaml_implicit_resolvers
        self.typed_first_characters = _AnyText() if None in resolvers else {"", *resolvers}
        self.tab_lines = self._tab_problems()

    def run(self) -> None:
        parser = None
        try:
            parser = _Loader(self.text)
            while (event := parser.get_event()) is not None and self._take(event):
                pass
        except yaml.YAMLError as error:
            self.loaded.complete = False
            problem = _syntax_problem(self.loaded.path, error, self.text)
            if problem.line not in self.tab_lines:  # a tab in the indentation is reported already
                self.loaded.problems.append(problem)
        finally:
            if parser is not None:
                parser.dispose()
        loaded = self.loaded
        if self.documents == 0 or (loaded.data is None and loaded.complete and () not in loaded.reported):
            loaded.problems.append(Problem(loaded.path, 1, 1, "", "the file is empty: write exactly one mapping"))

    def _tab_problems(self) -> set[int]:
        lines = set()
        for match in _TAB_INDENT.finditer(self.text):
            offset = match.end()
            line = self.text.count("\n", 0, offset) + 1
            column = offset - (self.text.rfind("\n", 0, offset) + 1)
            self.loaded.problems.append(
                Problem(self.loaded.path, line, column, "", "tab character in indentation: indent with spaces"))
            lines.add(line)
        return lines

    def _take(self, event: yaml.Event) -> bool:
        """Handle one event; False to stop reading."""
        kind = type(event)
        if self.skipping:
            self.skipping += (kind in (yaml.MappingStartEvent, yaml.SequenceStartEvent)) - (
                kind in (yaml.MappingEndEvent, yaml.SequenceEndEvent))
            if not self.skipping:
                self._place(None)
        elif kind in (yaml.MappingEndEvent, yaml.SequenceEndEvent):
            self.stack.pop()
        elif kind is yaml.DocumentStartEvent:
            self.documents += 1
            if self.documents > 1:
                self._report(event, (), "the file holds several YAML documents: write exactly one mapping")
                return False
        elif isinstance(event, yaml.NodeEvent):
            self._node(event)
        return True

    def _node(self, event: yaml.NodeEvent) -> None:
        frame = self.stack[-1] if self.stack else None
        if frame is not None and frame.key is _EXPECTING_KEY:
            self._key(frame, event)
            return
        if frame is not None and frame.key is _SKIP_VALUE:
            if isinstance(event, yaml.CollectionStartEvent):
                self.skipping = 1
            else:
                self._place(None)
            return
        key_path = self._child_path(frame)
        if self.positions:
            self.loaded.values[key_path] = _position(event)
        if isinstance(event, yaml.AliasEvent):
            self._refuse(event, key_path, _NO_ANCHORS)
            return
        if event.anchor is not None:  # reported, and the node is kept: it is all there
            self._report(event, key_path, _NO_ANCHORS)
        if isinstance(event, yaml.ScalarEvent):
            self._place(self._scalar(event, key_path))
        elif len(self.stack) >= MAX_DEPTH:
            self._refuse(event, key_path, f"nested more than {MAX_DEPTH} levels deep: lessons need a handful")
        elif not isinstance(event, yaml.CollectionStartEvent):  # no other node events exist
            raise TypeError(f"unexpected YAML event {event!r}")
        elif event.tag not in _COLLECTION_TAGS:
            self._refuse(event, key_path, f"unsupported YAML tag {event.tag!r}: write a plain list or mapping")
        else:
            container: dict[Any, Any] | list[Any] = {} if isinstance(event, yaml.MappingStartEvent) else []
            self._place(container)
            self.stack.append(_Frame(container, key_path, _EXPECTING_KEY if container == {} else None))

    def _key(self, frame: _Frame, event: yaml.NodeEvent) -> None:
        if not isinstance(event, yaml.ScalarEvent):
            self._report(event, frame.key_path, "keys must be plain words")
            if isinstance(event, yaml.AliasEvent):
                frame.key = _SKIP_VALUE
            else:
                frame.key, self.skipping = _SKIPPING_KEY, 1
            return
        if event.anchor is not None:
            self._report(event, frame.key_path, _NO_ANCHORS)
        key = event.value
        child = (*frame.key_path, key)
        if key in frame.container:
            if not self.positions:
                raise _NeedPositions
            first = self.loaded.keys[child]
            self._report(event, child, f"duplicate key (first set on line {first.line})")
            frame.key = _SKIP_VALUE
            return
        if self.positions:
            self.loaded.keys[child] = _position(event)
        frame.key = key

    def _child_path(self, frame: _Frame | None) -> KeyPath:
        if frame is None:
            return ()
        if isinstance(frame.container, list):
            return (*frame.key_path, len(frame.container))
        return (*frame.key_path, frame.key)

    def _place(self, value: Any) -> None:
        """Put a finished value where it belongs: the document, a list, or under its key."""
        if not self.stack:
            if self.documents == 1:
                self.loaded.data = value
            return
        frame = self.stack[-1]
        if isinstance(frame.container, list):
            frame.container.append(value)
        elif frame.key is _SKIP_VALUE:
            frame.key = _EXPECTING_KEY
        elif frame.key is _SKIPPING_KEY:
            frame.key = _SKIP_VALUE
        else:
            frame.container[frame.key] = value
            frame.key = _EXPECTING_KEY

    def _refuse(self, event: yaml.NodeEvent, key_path: KeyPath, message: str) -> None:
        """Report the node, keep None in its place, and skip whatever it holds."""
        self._report(event, key_path, message)
        self.loaded.reported.add(key_path)
        if isinstance(event, yaml.CollectionStartEvent):
            self.skipping = 1
        else:
            self._place(None)

    def _scalar(self, event: yaml.ScalarEvent, key_path: KeyPath) -> Any:
        tag = event.tag
        if tag is None:
            value = event.value
            plain_may_be_typed = event.implicit[0] and value[:1] in self.typed_first_characters
            tag = self.scalars.resolve(yaml.ScalarNode, value, event.implicit) if plain_may_be_typed else _STR_TAG
        if tag in _TEXT_TAGS:
            found = FORBIDDEN_CHARACTERS.search(event.value)
            if found:
                message = f"control or bidi character U+{ord(found.group()):04X} is not allowed in text"
                self._report(event, key_path, message)
            return event.value
        if tag in _PLAIN_TAGS:
            return self._plain(event, tag, key_path)
        if tag == _TAG + "timestamp":
            message = f"{event.value} reads as a date or time: put it in quotes to make it text"
            return self._bad(event, key_path, message)
        return self._bad(event, key_path, f"unsupported YAML tag {tag!r}: write a plain value")

    def _plain(self, event: yaml.ScalarEvent, tag: str, key_path: KeyPath) -> Any:
        if event.tag is not None and not self._reads_as(event.value, tag):  # '!!int x', '!!bool maybe'
            return self._bad(event, key_path, f"{event.value[:40]!r} is not a valid {tag.rsplit(':', 1)[-1]}")
        try:
            value = self.scalars.construct_object(yaml.ScalarNode(tag, event.value))
        except ValueError:  # more digits than Python converts
            return self._bad(event, key_path, "the number is too large")
        if isinstance(value, int) and not isinstance(value, bool) and not -_MAX_NUMBER < value < _MAX_NUMBER:
            return self._bad(event, key_path, "the number is too large")
        return value

    def _reads_as(self, value: str, tag: str) -> bool:
        """Whether `value` written plain would read with `tag` (a whole number passes as a float):
        PyYAML's constructors fail in their own ways (KeyError, IndexError) on anything else."""
        implied = self.scalars.resolve(yaml.ScalarNode, value, (True, False))
        return implied == tag or (tag == _TAG + "float" and implied == _TAG + "int")

    def _bad(self, event: yaml.ScalarEvent, key_path: KeyPath, message: str) -> None:
        self._report(event, key_path, message)
        self.loaded.reported.add(key_path)
        return None

    def _report(self, event: yaml.Event, key_path: KeyPath, message: str) -> None:
        at = _position(event)
        self.loaded.problems.append(Problem(self.loaded.path, at.line, at.column, format_key_path(key_path), message))


def _syntax_problem(shown: str, error: yaml.YAMLError, text: str) -> Problem:
    if isinstance(error, yaml.reader.ReaderError):  # a character YAML forbids, found before parsing
        line, column = _clamp(text, text.count("\n", 0, error.position) + 1,
                              error.position - (text.rfind("\n", 0, error.position) + 1) + 1)
        code = error.character if isinstance(error.character, int) else ord(error.character)
        return Problem(shown, line, column, "", f"control character U+{code:04X} is not allowed in YAML")
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    line, column = _clamp(text, mark.line + 1, mark.column + 1) if mark else (1, 1)
    parts = (getattr(error, "context", None), getattr(error, "problem", None))
    message = " ".join(part for part in parts if part) or str(error)
    return Problem(shown, line, column, "", f"YAML syntax error: {message}")


def _clamp(text: str, line: int, column: int) -> tuple[int, int]:
    """A position inside the file: the parser places an error at the end of the stream one line
    past the last when the file has no final line break."""
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    if line > len(lines):
        line, column = max(len(lines), 1), len(lines[-1]) + 1 if lines else 1
    return line, min(column, len(lines[line - 1]) + 1 if lines else 1)


def _position(event: yaml.Event) -> Position:
    mark = event.start_mark
    return Position(mark.line + 1, mark.column + 1) if mark is not None else Position(1, 1)
