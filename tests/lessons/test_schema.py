"""The JSON Schemas editors use are generated from the model and kept in sync with it."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema_rs
import yaml

from leaderdeck.course import lesson_files
from leaderdeck.kinds import KINDS
from leaderdeck.schema import SCHEMA_DIR, render, schemas

REPO = Path(__file__).resolve().parents[2]
LESSONS = REPO / "lessons"


def test_committed_schemas_match_the_model():
    for name, schema in schemas().items():
        committed = (LESSONS / SCHEMA_DIR / name).read_text(encoding="utf-8")
        assert committed == render(schema), f"lessons/schema/{name} is stale: run `leaderdeck schema`"


def test_every_shipped_lesson_names_the_schema_and_satisfies_it():
    validator = jsonschema_rs.validator_for(json.loads((LESSONS / SCHEMA_DIR / "lesson.schema.json").read_text()))
    for path in lesson_files(LESSONS):
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# yaml-language-server: $schema=schema/lesson.schema.json\n"), path.name
        assert validator.is_valid(yaml.safe_load(text)), path.name


def test_schema_describes_every_item_kind_for_autocomplete():
    lesson = schemas()["lesson.schema.json"]
    items = lesson["$defs"]["Lesson"]["properties"]["items"]["items"]
    assert sorted(items["discriminator"]["mapping"]) == sorted(KINDS)
    assert lesson["$defs"]["Flashcard"]["additionalProperties"] is False
    assert "description" in lesson["$defs"]["Choice"]["properties"]["scenario"]
