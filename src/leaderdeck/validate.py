"""Stage 2, validate: loaded data → typed `Lesson` / `CourseFile`, or every problem with its place.

Shape and types are checked against the JSON Schema generated from the model (the same schema
editors use), with jsonschema-rs, which reports every violation rather than the first. Its errors
are translated into messages an author understands and placed at the YAML node they are about.
Rules that span fields (references, correct answers, cloze numbering, media) are checked after.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import jsonschema_rs
import msgspec

from .errors import Problem
from .evidence import Sources, check_evidence
from .kinds import KINDS
from .load import KeyPath, Loaded
from .model import CLOZE_PATTERN, ITEM_KINDS, ITEM_TYPES, NOT_BLANK_PATTERN, Concept, CourseFile, Item, Lesson
from .rules import did_you_mean, unique_in, unknown

__all__ = ["did_you_mean", "validate_course_file", "validate_lesson", "validate_model"]

T = TypeVar("T")

_TYPE_NAMES = {
    str: "text", int: "a whole number", float: "a number", bool: "true or false",
    list: "a list", dict: "a mapping of keys to values", type(None): "nothing",
}
_SCHEMA_TYPE_NAMES = {
    "string": "text", "boolean": "true or false", "array": "a list", "object": "a mapping of keys to values",
    "integer": "a whole number", "number": "a number", "null": "nothing",
}


def validate_model(loaded: Loaded, model: type[T]) -> T | None:
    """Check the document against `model`'s schema; on failure add every problem and return None."""
    before = len(loaded.problems)
    if not isinstance(loaded.data, dict):
        message = f"expected a mapping of keys to values, got {_describe(loaded.data)}"
        loaded.problems.append(loaded.problem((), message))
        return None
    if model is Lesson:
        _check_items(loaded)
    _check_against(loaded, _validator(model.__name__), loaded.data, ())
    if len(loaded.problems) > before:
        return None
    try:
        return msgspec.convert(loaded.data, model)
    except msgspec.ValidationError as error:
        if loaded.complete and not loaded.reported:  # else the schema's silence was ours
            loaded.problems.append(loaded.problem((), str(error)))  # a bug: the schema should have caught it
        return None


def _check_items(loaded: Loaded) -> None:
    """Items are a tagged union: check `kind` first, then the item against its kind's schema."""
    items = loaded.data.get("items")
    if not isinstance(items, list):
        return
    for index, item in enumerate(items):
        at: KeyPath = ("items", index)
        if not isinstance(item, dict):
            continue  # the lesson schema reports the wrong type
        kind = item.get("kind")
        if loaded.already_reported((*at, "kind")):
            continue
        if kind is None and "kind" not in item:
            if loaded.complete:
                message = f"required key 'kind' is missing; one of: {', '.join(ITEM_KINDS)}"
                loaded.problems.append(loaded.problem(at, message))
        elif not isinstance(kind, str):
            message = f"expected one of: {', '.join(ITEM_KINDS)}; got {_describe(kind)}"
            loaded.problems.append(loaded.problem((*at, "kind"), message))
        elif kind not in ITEM_TYPES:
            message = f"unknown kind {kind!r}" + did_you_mean(str(kind), ITEM_KINDS)
            loaded.problems.append(loaded.problem((*at, "kind"), message + f" (kinds: {', '.join(ITEM_KINDS)})"))
        else:
            _check_against(loaded, _validator(ITEM_TYPES[kind].__name__), item, at)


def _check_against(loaded: Loaded, validator: Any, data: Any, at: KeyPath) -> None:
    for error in validator.iter_errors(data):
        key_path = (*at, *error.instance_path)
        if loaded.already_reported(key_path):
            continue  # its value was refused while loading, and is None here
        if not loaded.complete and error.kind.name in _UNKNOWABLE_WHEN_CUT:
            continue  # after a syntax error, what is missing may just be unread
        loaded.problems.append(_translate(loaded, validator, error, key_path))


_UNKNOWABLE_WHEN_CUT = {"required", "minItems"}


@cache
def _validator(name: str) -> Any:
    """A validator for one model, items left to `_check_items` so each is judged by its own kind."""
    schema = _schema_for(name)
    if name == "Lesson":
        schema["$defs"]["Lesson"]["properties"]["items"] = {"type": "array", "minItems": 1}
    return _Validator(jsonschema_rs.validator_for(schema), _allowed_keys(schema))


class _Validator:
    def __init__(self, engine: Any, allowed_keys: dict[tuple[str, ...], list[str]]):
        self.iter_errors = engine.iter_errors
        self.allowed_keys = allowed_keys


def _schema_for(name: str) -> dict[str, Any]:
    model = {"Lesson": Lesson, "CourseFile": CourseFile, **{cls.__name__: cls for cls in ITEM_TYPES.values()}}[name]
    schema = msgspec.json.schema(model)
    return {"$ref": f"#/$defs/{name}", "$defs": schema["$defs"]} if "$defs" in schema else schema


def _allowed_keys(schema: dict[str, Any]) -> dict[tuple[str, ...], list[str]]:
    """schema path of each object schema → its keys, for did-you-mean on unknown keys."""
    return {("$defs", name): list(definition.get("properties", {}))
            for name, definition in schema["$defs"].items()}


def _translate(loaded: Loaded, validator: Any, error: Any, key_path: KeyPath) -> Problem:
    kind = error.kind
    if kind.name == "required":
        return loaded.problem(key_path, f"required key '{kind.property}' is missing")
    if kind.name == "additionalProperties":
        allowed = _keys_at(validator, error.schema_path)
        first, *rest = kind.unexpected
        for extra in rest:
            loaded.problems.append(_unknown_key(loaded, (*key_path, extra), allowed))
        return _unknown_key(loaded, (*key_path, first), allowed)
    if kind.name == "anyOf" and error.instance is not None:
        branch = _only_branch(kind.context)  # `X | None` given something: say what is wrong with the X
        if branch:
            root = key_path[:len(key_path) - len(error.instance_path)]  # branch errors hold whole paths
            first, *rest = branch
            for other in rest:
                loaded.problems.append(_translate(loaded, validator, other, (*root, *other.instance_path)))
            return _translate(loaded, validator, first, (*root, *first.instance_path))
    return loaded.problem(key_path, _value_message(kind, _value_at(loaded.data, key_path, error.instance)))


def _only_branch(branches: list[list[Any]]) -> list[Any] | None:
    """The errors of the one branch of an optional value that is not `null`, if it is only one."""
    rest = [b for b in branches if not (len(b) == 1 and b[0].kind.name == "type"
                                        and _as_list(b[0].kind.types) == ["null"])]
    return rest[0] if len(rest) == 1 else None


def _unknown_key(loaded: Loaded, key_path: KeyPath, allowed: list[str]) -> Problem:
    hint = did_you_mean(str(key_path[-1]), allowed) or f" (allowed: {', '.join(allowed)})"
    return loaded.problem(key_path, f"unknown key '{key_path[-1]}'{hint}", key=True)


def _keys_at(validator: _Validator, schema_path: list[Any]) -> list[str]:
    refs = [str(part) for part in schema_path]
    for name in reversed([refs[i + 1] for i, part in enumerate(refs[:-1]) if part == "$defs"]):
        return validator.allowed_keys.get(("$defs", name), [])
    return next(iter(validator.allowed_keys.values()), [])


def _value_at(data: Any, key_path: KeyPath, fallback: Any) -> Any:
    """The loaded value at `key_path`. The validator sees a JSON copy, in which YAML's `.inf` and
    `.nan` have become null, so its own copy of the value would say "got nothing"."""
    for key in key_path:
        try:
            data = data[key]
        except (KeyError, IndexError, TypeError):
            return fallback
    return data


def _value_message(kind: Any, value: Any) -> str:
    name = kind.name
    if name == "type":
        wanted = [_SCHEMA_TYPE_NAMES.get(t, t) for t in _as_list(kind.types)]
        message = f"expected {' or '.join(wanted)}, got {_describe(value)}"
        if "text" in wanted and not isinstance(value, (list, dict, type(None))):
            message += "; put it in quotes to keep it as text"  # YAML reads yes, 1.5, ~, .inf, 12:30 as other types
        return message
    if name == "pattern":
        if kind.pattern == NOT_BLANK_PATTERN:
            return "empty text"
        return f"{value!r} is not a valid id: use lowercase letters, digits and single hyphens"
    if name == "minLength":
        return "empty text"
    if name == "maxLength":
        return f"too long: at most {kind.limit} characters"
    if name == "minItems":
        return "the list is empty" if not value else f"needs at least {kind.limit} entries"
    if name == "enum":
        return f"{value!r} is not allowed here"
    return str(kind.name)


def _as_list(types: Any) -> list[str]:
    return [types] if isinstance(types, str) else list(types)


def _describe(value: Any) -> str:
    name = _TYPE_NAMES.get(type(value), type(value).__name__)
    return name if isinstance(value, (list, dict, type(None))) else f"{name} ({value!r})"


# --- rules that span fields -------------------------------------------------------------------


def validate_lesson(loaded: Loaded, known_sources: set[str], lessons_dir: Path,
                    sources: Sources | None = None) -> Lesson | None:
    """Shape, then the rules that span fields. When parts of the lesson are malformed, the rules
    still run on every part that is whole, so an author sees every problem in one pass.
    `sources` holds the source texts that evidence quotes are checked against."""
    lesson = validate_model(loaded, Lesson)
    parts = _Parts.of(lesson) if lesson is not None else _Parts.salvaged(loaded.data)
    if parts is not None:
        check_lesson_rules(loaded, parts, known_sources=known_sources, lessons_dir=lessons_dir)
        check_evidence(loaded, parts.items, parts.concepts, parts.sources or (), sources)
    return lesson if lesson is not None and not loaded.problems else None


@dataclass
class _Parts:
    """What the rules read of a lesson: each item and concept that is whole, with its position
    in the file; `concept_ids` and `item_ids` hold every id written, even in broken entries."""

    concepts: list[tuple[int, Concept]]
    concept_ids: list[tuple[int, str]] | None
    items: list[tuple[int, Item]]
    item_ids: list[tuple[int, str]]
    sources: tuple[str, ...] | None
    summary: str | None

    @classmethod
    def of(cls, lesson: Lesson) -> _Parts:
        concepts, items = list(enumerate(lesson.concepts)), list(enumerate(lesson.items))
        return cls(concepts, [(i, c.id) for i, c in concepts], items, [(i, item.id) for i, item in items],
                   lesson.sources, lesson.summary)

    @classmethod
    def salvaged(cls, data: Any) -> _Parts | None:
        if not isinstance(data, dict):
            return None
        raw_concepts, raw_items, sources = data.get("concepts"), data.get("items"), data.get("sources")
        summary = data.get("summary")
        return cls(_whole(raw_concepts, Concept), _ids(raw_concepts) if isinstance(raw_concepts, list) else None,
                   _whole(raw_items, Item), _ids(raw_items),
                   tuple(sources) if isinstance(sources, list) and all(isinstance(x, str) for x in sources) else None,
                   summary if isinstance(summary, str) else None)


def _whole(entries: Any, model: Any) -> list[tuple[int, Any]]:
    whole = []
    for index, entry in enumerate(entries if isinstance(entries, list) else ()):
        with contextlib.suppress(msgspec.ValidationError):  # the schema reports why
            whole.append((index, msgspec.convert(entry, model)))
    return whole


def _ids(entries: Any) -> list[tuple[int, str]]:
    return [(index, entry["id"]) for index, entry in enumerate(entries if isinstance(entries, list) else ())
            if isinstance(entry, dict) and isinstance(entry.get("id"), str)]


def check_lesson_rules(loaded: Loaded, parts: _Parts, *, known_sources: set[str], lessons_dir: Path) -> None:
    """Rules across fields, on every part of the lesson that is whole."""
    concept_ids = None
    if parts.concept_ids is not None:
        indices, ids = zip(*parts.concept_ids, strict=True) if parts.concept_ids else ((), ())
        concept_ids = unique_in(loaded, list(ids), ("concepts",), "id", "concept id", list(indices))
    if parts.item_ids:
        indices, ids = zip(*parts.item_ids, strict=True)
        unique_in(loaded, list(ids), ("items",), "id", "item id", list(indices))
    for index, source in enumerate(parts.sources or ()):
        if source not in known_sources:
            loaded.problems.append(loaded.problem(("sources", index), unknown("source", source, known_sources)))
    for index, item in parts.items:
        _check_item(loaded, item, ("items", index), concept_ids, parts.sources)
    text = _all_text_lowercased(loaded.data)  # one scan tells which of the costlier rules can apply
    if text is None or b"![" in text or b"<img" in text:
        _check_media(loaded, lessons_dir)
        if parts.summary is not None:
            _check_no_image(loaded, parts.summary, ("summary",), "a lesson summary")
    if text is None or b"<" in text or b"&" in text or b"[" in text:
        _check_rendered(loaded, parts)


def _check_item(loaded: Loaded, item: Item, at: KeyPath, concept_ids: set[str] | None,
                sources: tuple[str, ...] | None) -> None:
    if concept_ids is not None and item.concept not in concept_ids:
        loaded.problems.append(loaded.problem((*at, "concept"), unknown("concept", item.concept, concept_ids)))
    if sources is not None and item.source not in sources:
        message = unknown("source", item.source, set(sources)) + " (list it under the lesson's 'sources')"
        loaded.problems.append(loaded.problem((*at, "source"), message))
    KINDS[item.kind].rules(loaded, item, at)


def _check_media(loaded: Loaded, lessons_dir: Path) -> None:
    """Every image the renderer produces must be a file inside the lessons folder."""
    from .markdown import media_problems

    for key_path, value in _strings(loaded.data, ()):
        for problem in media_problems(value, lessons_dir):
            loaded.problems.append(loaded.problem(key_path, problem))


def _check_no_image(loaded: Loaded, text: str, at: KeyPath, what: str) -> None:
    """A summary becomes an Anki deck description, and Anki only imports media that notes use."""
    from .markdown import media_references

    if media_references(text):
        message = (f"{what} cannot hold images: it becomes an Anki deck description, and Anki does not "
                   "import images used only there; put the image in a concept")
        loaded.problems.append(loaded.problem(at, message))


def _all_text_lowercased(data: Any) -> bytes | None:
    """All of the document's text in one lowercased JSON string, to test for markers in one scan
    rather than walking every string (most lessons hold no media and no HTML); None when it
    holds a value JSON cannot, and the rules must walk it."""
    try:
        return msgspec.json.encode(data).lower()
    except (TypeError, msgspec.EncodeError):
        return None


_TAGS = re.compile(r"<[^>]*>")


def _check_rendered(loaded: Loaded, parts: _Parts) -> None:
    """Text that the sanitizer empties (only a comment, a <style>, a script) would make a blank
    card or question; a cloze deletion hidden in markup (a comment, a link's address or title)
    would make a card Anki cannot show."""
    from .markdown import render

    def check(text: str | None, at: KeyPath) -> None:
        is_cloze = at[-1] == "text" and at[0] == "items" and len(at) == 3
        if text is None or not ("<" in text or "&" in text or (is_cloze and "[" in text)):
            return  # plain Markdown always shows something
        html = render(text)
        shown = _TAGS.sub("", html)
        if not shown.strip() and "<img" not in html:
            loaded.problems.append(loaded.problem(at, "shows nothing once unsafe or invisible markup is removed"))
        elif is_cloze and CLOZE_PATTERN.search(text):
            written = {m.group(1) for m in CLOZE_PATTERN.finditer(text)}
            in_html = {m.group(1) for m in CLOZE_PATTERN.finditer(html)}
            for number in sorted(written - in_html, key=int):
                loaded.problems.append(loaded.problem(at, f"deletion c{number} is inside markup that is removed"))
            for number in sorted(in_html - {m.group(1) for m in CLOZE_PATTERN.finditer(shown)}, key=int):
                message = f"deletion c{number} is inside a link's address or title, or an HTML attribute"
                loaded.problems.append(loaded.problem(at, message))

    for index, concept in parts.concepts:
        check(concept.body, ("concepts", index, "body"))
    for index, item in parts.items:
        for name in KINDS[item.kind].markdown_fields:
            check(getattr(item, name, None), ("items", index, name))
        for number, option in enumerate(getattr(item, "options", ())):
            check(option.text, ("items", index, "options", number, "text"))
            check(option.feedback, ("items", index, "options", number, "feedback"))


def _strings(data: Any, key_path: KeyPath) -> Iterator[tuple[KeyPath, str]]:
    if isinstance(data, str):
        yield key_path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, (*key_path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, (*key_path, index))


def validate_course_file(loaded: Loaded) -> CourseFile | None:
    course = validate_model(loaded, CourseFile)
    if course:
        _check_no_image(loaded, course.description, ("description",), "the course description")
        unique_in(loaded, [s.file for s in course.sources], ("sources",), "file", "source file")
        unique_in(loaded, course.lessons, ("lessons",), "", "lesson id")
    return course
