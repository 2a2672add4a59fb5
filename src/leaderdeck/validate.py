"""Stage 2, validate: loaded data → typed `Lesson` / `CourseFile`, or every problem with its place.

Shape and types are checked by the pydantic model; pydantic's errors are translated into messages
an author understands, placed at the YAML node they are about. Rules that span fields (references,
correct answers, cloze numbering, media paths) are checked here, after the shape is known good.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import Problem
from .load import KeyPath, Loaded
from .model import CLOZE_PATTERN, ITEM_KINDS, Choice, Cloze, CourseFile, Lesson, Order

T = TypeVar("T", bound=BaseModel)

_TYPE_NAMES = {
    str: "text", int: "a whole number", float: "a number", bool: "true or false",
    list: "a list", dict: "a mapping of keys to values", type(None): "nothing",
}
_EXPECTED = {
    "string_type": "text", "bool_type": "true or false", "list_type": "a list",
    "model_type": "a mapping of keys to values", "dict_type": "a mapping of keys to values",
    "model_attributes_type": "a mapping of keys to values", "int_type": "a whole number",
}


def validate_model(loaded: Loaded, model: type[T]) -> T | None:
    """Validate the document against `model`; on failure add problems to `loaded` and return None."""
    try:
        return model.model_validate(loaded.data)
    except ValidationError as error:
        for detail in error.errors(include_url=False):
            loaded.problems.append(_translate(loaded, model, detail))
        return None


def _translate(loaded: Loaded, model: type[BaseModel], detail: dict[str, Any]) -> Problem:
    raw_loc = tuple(detail["loc"])
    key_path = _data_path(loaded.data, raw_loc)
    kind = detail["type"]
    if kind == "missing":
        return loaded.problem(key_path[:-1], f"required key '{key_path[-1]}' is missing")
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, raw_loc[:-1])
        message = f"unknown key '{key_path[-1]}'" + did_you_mean(str(key_path[-1]), allowed)
        return loaded.problem(key_path, message, key=True)
    if kind == "union_tag_invalid":
        kind_value = detail["input"].get("kind") if isinstance(detail["input"], dict) else None
        message = f"unknown kind {kind_value!r}" + did_you_mean(str(kind_value), ITEM_KINDS)
        return loaded.problem((*key_path, "kind"), message + f"; expected one of: {', '.join(ITEM_KINDS)}")
    if kind == "union_tag_not_found":
        return loaded.problem(key_path, f"required key 'kind' is missing; one of: {', '.join(ITEM_KINDS)}")
    return loaded.problem(key_path, _value_message(kind, detail))


def _value_message(kind: str, detail: dict[str, Any]) -> str:
    value = detail.get("input")
    if kind in _EXPECTED:
        return f"expected {_EXPECTED[kind]}, got {_describe(value)}"
    if kind == "string_pattern_mismatch":
        return f"{value!r} is not a valid id: use lowercase letters, digits and single hyphens"
    if kind == "too_short":
        return "the list is empty" if not value else f"needs at least {detail['ctx']['min_length']} entries"
    if kind == "value_error" and "empty text" in detail["msg"]:
        return "empty text"
    if kind == "string_too_long":
        return f"too long: at most {detail['ctx']['max_length']} characters"
    return str(detail["msg"])


def _describe(value: Any) -> str:
    name = _TYPE_NAMES.get(type(value), type(value).__name__)
    return name if isinstance(value, (list, dict, type(None))) else f"{name} ({value!r})"


def did_you_mean(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" — did you mean '{close[0]}'?" if close else ""


def _data_path(data: Any, loc: tuple[Any, ...]) -> KeyPath:
    """Drop the discriminator tags pydantic inserts into locations for tagged unions."""
    path: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            path.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            path.append(part)
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and part in ITEM_KINDS:
            continue  # the union's tag, not a key in the file
        else:
            path.append(part)
            node = None
    return tuple(path)


def _allowed_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    from . import model as models

    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if part in ITEM_KINDS:
            current = {"flashcard": models.Flashcard, "cloze": models.Cloze, "choice": models.Choice,
                       "order": models.Order, "reflection": models.Reflection}[part]
            continue
        annotation = current.model_fields[part].annotation
        current = _inner_model(annotation) or current
    return list(current.model_fields)


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    for candidate in (annotation, *getattr(annotation, "__args__", ())):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


# --- rules that span fields -------------------------------------------------------------------

_MEDIA = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)")
_HTML_SRC = re.compile(r"""<img\b[^>]*?\bsrc\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
_WORDS = re.compile(r"[^\w]+")


def check_lesson_rules(loaded: Loaded, lesson: Lesson, known_sources: set[str], lessons_dir: Path) -> None:
    concept_ids = _unique_in(loaded, [c.id for c in lesson.concepts], ("concepts",), "id", "concept id")
    _unique_in(loaded, [item.id for item in lesson.items], ("items",), "id", "item id")
    for index, source in enumerate(lesson.sources):
        if source not in known_sources:
            loaded.problems.append(loaded.problem(("sources", index), _unknown("source", source, known_sources)))
    declared = set(lesson.sources)
    for index, item in enumerate(lesson.items):
        at: KeyPath = ("items", index)
        if item.concept not in concept_ids:
            loaded.problems.append(loaded.problem((*at, "concept"), _unknown("concept", item.concept, concept_ids)))
        if item.source not in declared:
            message = _unknown("source", item.source, declared) + " (list it under the lesson's 'sources')"
            loaded.problems.append(loaded.problem((*at, "source"), message))
        if isinstance(item, Choice):
            _check_choice(loaded, item, at)
        elif isinstance(item, Cloze):
            _check_cloze(loaded, item.text, (*at, "text"))
        elif isinstance(item, Order):
            _check_order(loaded, item, at)
    _check_media(loaded, lessons_dir)


def _unknown(what: str, value: str, known: set[str]) -> str:
    return f"unknown {what} '{value}'" + (did_you_mean(value, sorted(known)) or f"; known: {', '.join(sorted(known))}")


def _check_choice(loaded: Loaded, item: Choice, at: KeyPath) -> None:
    option_ids = _unique_in(loaded, [o.id for o in item.options], (*at, "options"), "id", "option id")
    _unique_in(loaded, [_normalise(o.text) for o in item.options], (*at, "options"), "text", "option text")
    for index, answer in enumerate(item.correct):
        if answer not in option_ids:
            loaded.problems.append(loaded.problem((*at, "correct", index), _unknown("option", answer, option_ids)))
    if len(set(item.correct)) < len(item.correct):
        loaded.problems.append(loaded.problem((*at, "correct"), "an option is listed as correct twice"))
    if len(set(item.correct)) > 1 and not item.multi:
        loaded.problems.append(loaded.problem((*at, "correct"), "several correct options need 'multi: true'"))
    if set(item.correct) >= option_ids:
        loaded.problems.append(loaded.problem((*at, "correct"), "every option is correct: add a wrong one"))


def _unique_in(loaded: Loaded, values: list[str], at: KeyPath, key: str, what: str) -> set[str]:
    seen: dict[str, int] = {}
    for index, value in enumerate(values):
        if value in seen:
            named = f" '{value}'" if what.endswith(" id") else ""
            message = f"duplicate {what}{named} (same as {at[-1]}[{seen[value]}])"
            loaded.problems.append(loaded.problem((*at, index, key) if key else (*at, index), message))
        seen.setdefault(value, index)
    return set(seen)


def _normalise(text: str) -> str:
    return _WORDS.sub(" ", text.casefold()).strip()


def _check_cloze(loaded: Loaded, text: str, at: KeyPath) -> None:
    numbers = sorted({int(m.group(1)) for m in CLOZE_PATTERN.finditer(text)})
    if text.count("{{") != text.count("}}"):
        loaded.problems.append(loaded.problem(at, "unbalanced braces: every '{{' needs a matching '}}'"))
    elif not numbers:
        loaded.problems.append(loaded.problem(at, "no deletion: mark an answer as {{c1::answer}}"))
    elif numbers != list(range(1, len(numbers) + 1)):
        missing = sorted(set(range(1, numbers[-1] + 1)) - set(numbers))
        loaded.problems.append(loaded.problem(at, f"deletions must be numbered from c1 without gaps; missing c{missing[0]}"))
    for match in CLOZE_PATTERN.finditer(text):
        if "{{" in match.group(2) or not match.group(2).strip():
            loaded.problems.append(loaded.problem(at, f"deletion c{match.group(1)} is empty or nested"))


def _check_order(loaded: Loaded, item: Order, at: KeyPath) -> None:
    if len(item.steps) < 2:
        loaded.problems.append(loaded.problem((*at, "steps"), "an order item needs at least two steps"))
    _unique_in(loaded, [_normalise(step) for step in item.steps], (*at, "steps"), "", "step")


def _check_media(loaded: Loaded, lessons_dir: Path) -> None:
    """Every image must be a file inside the lessons folder: no URLs, no escaping the folder."""
    for key_path, value in _strings(loaded.data, ()):
        for match in (*_MEDIA.finditer(value), *_HTML_SRC.finditer(value)):
            problem = media_problem(match.group(1), lessons_dir)
            if problem:
                loaded.problems.append(loaded.problem(key_path, problem))


def media_problem(reference: str, lessons_dir: Path) -> str | None:
    """Why a media reference is refused, or None when it names a file inside `lessons_dir`."""
    if re.match(r"^[a-z][a-z0-9+.-]*:", reference, re.IGNORECASE) or reference.startswith("//"):
        return f"media '{reference}' must be a file in the lessons folder, not a URL"
    relative = PurePosixPath(reference)
    if relative.is_absolute() or ".." in relative.parts:
        return f"media path '{reference}' leaves the lessons folder"
    if not (lessons_dir / relative).is_file():
        return f"media file '{reference}' does not exist in {lessons_dir.name}/"
    return None


def _strings(data: Any, key_path: KeyPath):
    if isinstance(data, str):
        yield key_path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, (*key_path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, (*key_path, index))


def duplicate_prompts(lesson: Lesson) -> Counter[str]:
    """How often each normalised prompt occurs; used by the curriculum checks."""
    return Counter(_normalise(_prompt(item)) for item in lesson.items)


def _prompt(item: Any) -> str:
    for name in ("front", "text", "question", "prompt"):
        if hasattr(item, name):
            return getattr(item, name)
    return item.id


def validate_course_file(loaded: Loaded) -> CourseFile | None:
    course = validate_model(loaded, CourseFile)
    if course:
        _unique_in(loaded, [s.file for s in course.sources], ("sources",), "file", "source file")
        _unique_in(loaded, course.lessons, ("lessons",), "", "lesson id")
    return course
