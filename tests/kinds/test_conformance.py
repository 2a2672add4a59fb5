"""Every item kind provides every part, and the parts agree with each other.

A kind is one module in `leaderdeck.kinds` plus its line in the registry. These checks are what
keeps the parts from drifting apart silently: a note type field the builder never fills (Anki
would show it empty), a template naming a field that does not exist, an example that no longer
passes `check`. The last test registers a kind leaderdeck does not ship (`fake_kind.py`) and runs
these checks, a deck build and `leaderdeck new`'s skeleton with it: adding a kind touches only
its module and the registry (and its template files).
"""

from __future__ import annotations

import inspect
import os
import re
import subprocess
import sys
import typing
from pathlib import Path

import msgspec
import pytest

from leaderdeck.course import load_course
from leaderdeck.decks.compile import compile_course
from leaderdeck.decks.fields import LessonFields
from leaderdeck.decks.lock import Lock
from leaderdeck.decks.notetypes import NOTE_TYPES, template_html
from leaderdeck.identity import note_key_text
from leaderdeck.kinds import ITEM_KINDS, KINDS, Kind
from leaderdeck.kinds.base import ItemBase
from leaderdeck.model import Course, Item, Lesson
from leaderdeck.scaffold import skeleton

SOURCE = "000_d2a678475de70dfb.txt"
FAKE = os.environ.get("LEADERDECK_FAKE_KIND") == "1"
_COURSE = f"""\
id: conformance
title: Conformance
deck: Conformance
description: One lesson per kind, each holding only that kind's scaffold example.
sources:
  - file: {SOURCE}
    title: Newsletter
lessons: [{", ".join(f"example-{name}" for name in KINDS)}]
"""
# Fields Anki fills in itself; a template may name them without a note type field.
_ANKI_FIELDS = {"FrontSide", "Tags", "Type", "Deck", "Subdeck", "Card", "CardFlag"}
_REFERENCE = re.compile(r"\{\{([#^/]?)([^{}]+)\}\}")


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Course:
    """Each kind's example, alone in a lesson, loaded and validated by the real loader."""
    folder = tmp_path_factory.mktemp("kinds") / "lessons"
    folder.mkdir()
    (folder / "course.yaml").write_text(_COURSE, encoding="utf-8")
    for number, (name, kind) in enumerate(KINDS.items(), start=1):
        text = skeleton(f"example-{name}", f"Example {name}", SOURCE, kinds=[kind])
        (folder / f"{number:02d}-example-{name}.yaml").write_text(text, encoding="utf-8")
    return load_course(folder)


def _example(course: Course, name: str) -> tuple[Lesson, ItemBase]:
    lesson = course.lesson(f"example-{name}")
    (item,) = lesson.items
    return lesson, item


def test_the_registry_lists_kinds_in_teaching_order_and_the_model_reads_it():
    assert tuple(KINDS) == ITEM_KINDS
    assert typing.get_args(Item) == tuple(kind.model for kind in KINDS.values())
    assert list(NOTE_TYPES) == list(KINDS)
    numbers = [kind.note.number for kind in KINDS.values()]
    assert len(set(numbers)) == len(numbers), "each note type needs its own number (it fixes its id)"


def test_the_static_item_union_names_the_shipped_kinds():
    from leaderdeck import kinds

    shipped = typing.get_args(kinds.Item)
    assert shipped == tuple(kind.model for kind in KINDS.values())[:len(shipped)]


@pytest.mark.parametrize("name", KINDS)
def test_model_is_tagged_with_its_name(name: str):
    kind = KINDS[name]
    assert isinstance(kind, Kind) and kind.name == name
    assert issubclass(kind.model, ItemBase)
    assert kind.model.__struct_config__.tag_field == "kind"


@pytest.mark.parametrize("name", KINDS)
def test_rules_and_field_builder_are_callables_of_the_right_shape(name: str):
    kind = KINDS[name]
    assert len(inspect.signature(kind.rules).parameters) == 3  # loaded, item, key path
    assert len(inspect.signature(kind.fields).parameters) == 2  # item, uid


@pytest.mark.parametrize("name", KINDS)
def test_markdown_fields_are_fields_of_the_model(name: str):
    kind = KINDS[name]
    names = set(kind.model.__struct_fields__)
    assert set(kind.markdown_fields) <= names and "explanation" in kind.markdown_fields


@pytest.mark.parametrize("name", KINDS)
def test_scaffold_example_loads_and_validates(course: Course, name: str):
    _, item = _example(course, name)
    assert item.kind == name
    assert item.card_ordinals() and all(ordinal >= 0 for ordinal in item.card_ordinals())


@pytest.mark.parametrize("name", KINDS)
def test_note_type_fields_are_exactly_what_the_field_builder_returns(course: Course, name: str):
    kind = KINDS[name]
    lesson, item = _example(course, name)
    uid = note_key_text(course.id, lesson.id, item.id)
    assert tuple(kind.fields(item, uid)) == kind.note.fields
    assert set(LessonFields(course, lesson).of(item, uid)) == set(NOTE_TYPES[name].field_names)
    assert kind.note.sort_field in kind.note.fields


@pytest.mark.parametrize("name", KINDS)
def test_templates_exist_and_name_only_fields_of_their_note_type(name: str):
    note_type = NOTE_TYPES[name]
    known = set(note_type.field_names) | _ANKI_FIELDS
    used: set[str] = set()
    for template in note_type.templates:
        for side in template_html(template):  # reads the asset files: a missing one raises
            for _, reference in _REFERENCE.findall(side):
                field = reference.split(":")[-1].strip()
                assert field in known, f"{template.name}: {{{{{reference}}}}} is not a field of {name}"
                used.add(field)
    unused = set(KINDS[name].note.fields) - used
    assert not unused, f"fields no template shows or tests: {sorted(unused)}"


@pytest.mark.parametrize("name", KINDS)
def test_grading_and_view_references_resolve(name: str):
    kind = KINDS[name]
    assert callable(kind.grader())
    view = kind.view_class()
    assert inspect.isclass(view) and getattr(view, "kind", name) == name


@pytest.mark.parametrize("name", KINDS)
def test_a_deck_builds_with_every_kind(course: Course, name: str):
    compiled = compile_course(course, Lock(), 1_800_000_000)
    lesson, item = _example(course, name)
    if not item.anki:  # a notebook-only kind by default (reflection): no note, unless the item asks
        assert note_key_text(course.id, lesson.id, item.id) not in compiled.lock.notes
        return
    entry = compiled.lock.notes[note_key_text(course.id, lesson.id, item.id)]
    assert entry.cards == item.card_ordinals()
    note = next(n for n in compiled.contents.notes if n.guid == entry.guid)
    assert note.mid == NOTE_TYPES[name].id


@pytest.mark.skipif(not FAKE, reason="runs in the subprocess of the test below")
def test_the_registered_kind_goes_through_every_stage(course: Course, tmp_path: Path):
    assert ITEM_KINDS[-1] == "statement"
    assert "kind: statement" in skeleton("x", "X", SOURCE)
    bad = skeleton("example-statement", "X", SOURCE, kinds=[KINDS["statement"]]).replace(
        "every decision.", "every decision?")
    (tmp_path / "01-example-statement.yaml").write_text(bad, encoding="utf-8")
    from leaderdeck.course import check_files
    from leaderdeck.errors import LessonError

    with pytest.raises(LessonError, match="a statement is a claim, not a question"):
        check_files([tmp_path / "01-example-statement.yaml"])
    statement = msgspec.convert({"kind": "statement", "id": "a", "concept": "c", "source": "s",
                                 "explanation": "e", "claim": "x", "true": True}, Item)
    assert KINDS["statement"].grader()(statement, True)


@pytest.mark.skipif(FAKE, reason="this is that run")
def test_a_new_kind_needs_only_its_module_and_the_registry():
    """Run this file again with the fake kind registered: every check above holds for it too."""
    env = {**os.environ, "LEADERDECK_FAKE_KIND": "1"}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", "not needs_only", __file__]
    result = subprocess.run(command,
                            capture_output=True, text=True, env=env, cwd=Path(__file__).parent, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    summary = result.stdout.strip().splitlines()[-1]
    assert "skipped" not in summary, summary
