"""Stage 1, load: a YAML file → plain data plus the source position of every key and value.

Lesson files are untrusted. We only *compose* YAML (never construct arbitrary objects), refuse
aliases, duplicate keys and tab indentation, and cap the file size, so a hostile file can cost
neither memory nor surprises. Positions are 1-based, as editors show them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem, display_path

MAX_FILE_BYTES = 1024 * 1024
_TAB_INDENT = re.compile(r"^[ ]*\t", re.MULTILINE)
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Cheap test for text that may hold an anchor (&a) or alias (*a); the parser then decides.
_MAYBE_ANCHOR = re.compile(r"(?:^|[\s\[{,])[&*][^\s\[\]{},*]+(?=\s|$|[\]},])", re.MULTILINE)
_STR_TAG = "tag:yaml.org,2002:str"

KeyPath = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Position:
    line: int
    column: int


@dataclass
class Loaded:
    """A loaded document: its data, and where each key path's value and key start."""

    path: str
    data: Any = None
    values: dict[KeyPath, Position] = field(default_factory=dict)
    keys: dict[KeyPath, Position] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def where(self, key_path: KeyPath, *, key: bool = False) -> Position:
        """The closest known position for a key path (walking up to its parents)."""
        table = self.keys if key else self.values
        for depth in range(len(key_path), -1, -1):
            found = table.get(key_path[:depth]) or self.values.get(key_path[:depth])
            if found:
                return found
        return Position(1, 1)

    def problem(self, key_path: KeyPath, message: str, *, key: bool = False) -> Problem:
        at = self.where(key_path, key=key)
        return Problem(self.path, at.line, at.column, format_key_path(key_path), message)


def format_key_path(key_path: KeyPath) -> str:
    """('items', 2, 'answer') → 'items[2].answer'."""
    text = ""
    for part in key_path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def load_yaml(path: Path) -> Loaded:
    shown = display_path(path)
    loaded = Loaded(shown)
    text = _read_text(path, loaded)
    if text is None:
        return loaded
    tabs = [m.end() for m in _TAB_INDENT.finditer(text)]
    for offset in tabs:
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1)
        loaded.problems.append(
            Problem(shown, line, column, "", "tab character in indentation: indent with spaces")
        )
    if tabs:
        return loaded
    if _MAYBE_ANCHOR.search(text):
        anchors = _anchor_problems(shown, text)
        if anchors:
            loaded.problems += anchors
            return loaded
    try:
        documents = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.YAMLError as error:
        loaded.problems.append(_syntax_problem(shown, error, text))
        return loaded
    if len(documents) != 1 or documents[0] is None:
        what = "is empty" if not documents or documents[0] is None else "holds several YAML documents"
        loaded.problems.append(Problem(shown, 1, 1, "", f"the file {what}: write exactly one mapping"))
        return loaded
    loaded.data = _Converter(loaded).convert(documents[0], ())
    return loaded


def _read_text(path: Path, loaded: Loaded) -> str | None:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            message = f"the file is {size:,} bytes; a lesson may be at most {MAX_FILE_BYTES:,} bytes"
            loaded.problems.append(Problem(loaded.path, 1, 1, "", message))
            return None
        raw = path.read_bytes()
    except OSError as error:
        loaded.problems.append(Problem(loaded.path, 1, 1, "", f"cannot read the file: {error.strerror}"))
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        message = f"not UTF-8 (byte 0x{raw[error.start]:02x}): save the file as UTF-8"
        loaded.problems.append(Problem(loaded.path, line, column, "", message))
        return None


def _anchor_problems(shown: str, text: str) -> list[Problem]:
    """Anchors and aliases let a small file expand into a huge one, and lessons never need them."""
    problems = []
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                mark = event.start_mark
                problems.append(Problem(shown, mark.line + 1, mark.column + 1, "",
                                        "anchors and aliases are not allowed in lessons: write the text out"))
    except yaml.YAMLError:
        pass  # composing reports the syntax error with its position
    return problems


def _syntax_problem(shown: str, error: yaml.YAMLError, text: str) -> Problem:
    if isinstance(error, yaml.reader.ReaderError):  # a character YAML forbids, found before parsing
        offset = error.position
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        code = error.character if isinstance(error.character, int) else ord(error.character)
        return Problem(shown, line, column, "", f"control character U+{code:04X} is not allowed in YAML")
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    parts = (getattr(error, "context", None), getattr(error, "problem", None))
    message = " ".join(part for part in parts if part) or str(error)
    return Problem(shown, line, column, "", f"YAML syntax error: {message}")


class _Converter:
    """Walks composed nodes into dicts, lists and scalars, recording positions and problems."""

    def __init__(self, loaded: Loaded):
        self.loaded = loaded
        self.scalars = _Loader("")

    def convert(self, node: yaml.Node, key_path: KeyPath) -> Any:
        self.loaded.values[key_path] = _position(node)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, key_path)
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(child, (*key_path, i)) for i, child in enumerate(node.value)]
        if node.tag == _STR_TAG:
            return node.value  # the common case, without the constructor's dispatch
        return self._scalar(node, key_path)

    def _scalar(self, node: yaml.Node, key_path: KeyPath) -> Any:
        try:
            return self.scalars.construct_object(node)
        except yaml.YAMLError:  # an explicit or unknown tag: lessons only hold plain values
            self._report(node, key_path, f"unsupported YAML tag {node.tag!r}: write a plain value")
            return None

    def _mapping(self, node: yaml.MappingNode, key_path: KeyPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self._report(key_node, key_path, "keys must be plain words")
                continue
            key = key_node.value if key_node.tag == _STR_TAG else str(self._scalar(key_node, key_path))
            child = (*key_path, key)
            if key in result:
                first = self.loaded.keys[child]
                self._report(key_node, child, f"duplicate key (first set on line {first.line})")
                continue
            self.loaded.keys[child] = _position(key_node)
            result[key] = self.convert(value_node, child)
        return result

    def _report(self, node: yaml.Node, key_path: KeyPath, message: str) -> None:
        at = _position(node)
        self.loaded.problems.append(
            Problem(self.loaded.path, at.line, at.column, format_key_path(key_path), message)
        )


def _position(node: yaml.Node) -> Position:
    return Position(node.start_mark.line + 1, node.start_mark.column + 1)


# --- the fast path ---------------------------------------------------------------------------
# Composing with positions costs about 100 µs per item, which dominates large builds, yet the
# positions are only ever read to place a problem. So a build first reads each file with
# yaml-rs (a Rust parser, ~10x faster, no positions) and validates that; only when something is
# wrong anywhere does it load again through `load_yaml`, whose messages are the authoritative
# ones. yaml-rs reads YAML 1.2 and PyYAML YAML 1.1, so the fast path takes only files on which
# the two cannot differ, and hands everything else to `load_yaml`.

# Characters on which the two parsers (or our refusals) differ: tabs, CR, line breaks YAML 1.1 has
# and 1.2 lacks, a stray BOM, and the controls PyYAML refuses. Plain str/bytes scans: a regex over
# a large course costs more than parsing it.
_DIFFERING_CHARACTERS = "\t\r\x85\u2028\u2029\ufeff"
_ASCII_CONTROLS = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_OTHER_CONTROLS = re.compile("[\x80-\x84\x86-\x9f\ufffe\uffff]")
_NODE_START = " \n[{,"  # an anchor or tag can only follow one of these


def _outside_fast_subset(text: str) -> bool:
    """True for text that holds anything the fast path leaves to `load_yaml`: the characters
    above, anchors and tags, document markers and directives, or no final newline."""
    if not text.endswith("\n") or any(character in text for character in _DIFFERING_CHARACTERS):
        return True  # (without a final newline, yaml-rs adds one to a last block scalar)
    raw = text.encode()
    if len(raw.translate(None, _ASCII_CONTROLS)) != len(raw) or (not text.isascii() and _OTHER_CONTROLS.search(text)):
        return True
    if text.startswith(("---", "...", "%", "&", "!")) or "\n---" in text or "\n..." in text or "\n%" in text:
        return True
    return _marks_a_node(text, "&") or _marks_a_node(text, "!")


def _marks_a_node(text: str, mark: str) -> bool:
    """Does `mark` appear where it would start an anchor ('&name') or a tag ('!')?"""
    at = text.find(mark, 1)
    while at != -1:
        if text[at - 1] in _NODE_START and (mark == "!" or text[at + 1:at + 2] not in ("", *_NODE_START, "]", "}")):
            return True
        at = text.find(mark, at + 1)
    return False


# A plain scalar starting with a letter is non-text for PyYAML only as one of these words; yaml-rs
# reads the 1.1-only ones (yes, no, on, off) as text. Anything starting with a digit, sign, dot,
# '~', '<' or '=' goes through PyYAML's own resolver.
_PYYAML_WORDS = frozenset({
    "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
    "true", "True", "TRUE", "false", "False", "FALSE", "null", "Null", "NULL",
})
_RESOLVER = _Loader("")
_RESOLVED_BY_FIRST_CHAR = frozenset("0123456789+-.~<=")


def load_plain(path: Path) -> Any:
    """The file's data without positions, or None when it is not in the subset where this is
    exactly what `load_yaml` would give; the caller then uses `load_yaml`. The data holds no
    empty or blank text (which the model's schema refuses anyway): validation relies on that."""
    text = _read_text(path, Loaded(""))
    if text is None or _outside_fast_subset(text):
        return None
    import yaml_rs

    try:
        data = yaml_rs.loads(text, parse_datetime=False)
    except yaml_rs.YAMLDecodeError:  # syntax, duplicate keys, unknown tags: load_yaml explains
        return None
    return data if isinstance(data, dict) and _same_in_yaml_1_1(data) else None


def _same_in_yaml_1_1(data: dict) -> bool:
    """Only text, true/false and null (which both YAML versions spell alike), no key but text, and no
    text that PyYAML would read as another type. (Collects the strings first, then checks them
    with set and map operations: this runs over every string of a course.)"""
    strings: list[Any] = []
    pending: list[Any] = [data]
    while pending:
        node = pending.pop()
        kind = type(node)
        if kind is str:
            strings.append(node)
        elif kind is dict:
            strings += node  # the keys
            pending += node.values()
        elif kind is list:
            pending += node
        elif kind is not bool and node is not None:
            return False  # numbers: 0o17, 010 and 1e3 differ between the versions (lessons hold none)
    if not all(map(isinstance, strings, repeat(str))) or not _PYYAML_WORDS.isdisjoint(strings):
        return False
    if "" in strings or any(map(str.isspace, strings)):
        return False  # blank text, which validation counts on; also, yaml-rs reads an empty block scalar as "\n"
    suspects = [text for text in strings if text[0] in _RESOLVED_BY_FIRST_CHAR]
    return all(_RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == _STR_TAG for text in suspects)
