"""JSON Schemas for lesson and course files, generated from the model.

Editors with the YAML language server read them through the modeline at the top of each lesson
(`# yaml-language-server: $schema=schema/lesson.schema.json`) and offer completion and checks.
A test keeps the committed files equal to what the model generates.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .model import CourseFile, Lesson

SCHEMA_DIR = "schema"


def schemas() -> dict[str, dict[str, Any]]:
    return {
        "lesson.schema.json": _schema(Lesson, "A leaderdeck lesson"),
        "course.schema.json": _schema(CourseFile, "A leaderdeck course file (lessons/course.yaml)"),
    }


def _schema(model: type, title: str) -> dict[str, Any]:
    import msgspec

    schema = msgspec.json.schema(model)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": title, **schema}


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_schemas(lessons_dir: Path | None = None, *, check: bool = False) -> list[Path]:
    """Write the schemas into `lessons/schema/`; return the files that changed (or would)."""
    from .course import find_lessons_dir

    folder = (lessons_dir or find_lessons_dir()) / SCHEMA_DIR
    changed = []
    for name, schema in schemas().items():
        path = folder / name
        text = render(schema)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            changed.append(path)
            if not check:
                folder.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
    return changed
