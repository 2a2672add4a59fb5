"""The browser edition's runtime imports with only the runtime set: no YAML, Markdown, schema or
sanitizer (they have no Pyodide build), and renders from the compiled course alone."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from leaderdeck import markdown
from leaderdeck.course import load_course
from leaderdeck.site import course_file
from leaderdeck.site.prerender import rendered_table

LESSONS = Path(__file__).parent.parent / "notebooks" / "fixtures" / "lessons"
AUTHORING = ("yaml", "cmarkgfm", "jsonschema_rs", "nh3", "nbformat", "matplotlib", "zstandard")

# Run in a fresh interpreter where importing any authoring package fails, as in Pyodide.
RUNTIME_SCRIPT = f"""
import sys
for name in {AUTHORING!r}:
    sys.modules[name] = None
import leaderdeck
from leaderdeck.quizzes import cached_course
from leaderdeck.progress.api import load_catalog
from leaderdeck.site import browser
course = cached_course()
_, catalog = load_catalog()
for lesson in course.lessons:
    view = leaderdeck.quiz(lesson.id)
    while view.card is not None:  # every card answered (wrongly where it can be), as a learner would
        state = view.card.state()
        if state["kind"] in ("flashcard", "reflection"):
            view.act("reveal")
            view.act("rate", rating=1)
        elif state["kind"] == "choice":
            view.act("check", chosen=[state["options"][0]["id"]])
        else:
            view.act("check", **({{"typed": ["zz"] * len(state["blanks"])}} if state["kind"] == "cloze" else {{}}))
        view.act("next")
    assert view.state()["summary"]["total"]
review = leaderdeck.review()
board = leaderdeck.dashboard()._repr_html_()
assert "<svg" in board
print(len(catalog), "cards")
"""


@pytest.fixture(scope="module")
def compiled(tmp_path_factory) -> Path:
    course = load_course(LESSONS)
    path = tmp_path_factory.mktemp("site") / "course.msgpack"
    path.write_bytes(course_file.encode(course, rendered_table(course)))
    return path


def test_runtime_imports_and_quizzes_without_the_authoring_set(compiled: Path, tmp_path: Path):
    env = {**os.environ, "LEADERDECK_COURSE": str(compiled), "LEADERDECK_HOME": str(tmp_path),
           "PYTHONPATH": str(Path(markdown.__file__).parent.parent)}
    done = subprocess.run([sys.executable, "-c", RUNTIME_SCRIPT], env=env, capture_output=True, text=True,
                          cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "no pre-rendered HTML" not in done.stderr
    assert done.stdout.strip().endswith("cards")


def test_compiled_course_round_trips_and_is_deterministic(compiled: Path):
    course = load_course(LESSONS)
    again = course_file.encode(course, rendered_table(course))
    assert again == compiled.read_bytes()
    decoded = course_file.decode(again, "x")
    assert (decoded.info, decoded.lessons) == (course.info, course.lessons)


def test_compiled_html_is_the_sanitizers_output(compiled: Path):
    table = course_file.decode(compiled.read_bytes(), "x").table()
    for (function, text), html in table.items():
        assert html == markdown.inline_images(markdown.RENDERERS[function](text), LESSONS)


def test_a_text_the_build_did_not_foresee_is_shown_as_text(capsys):
    markdown.use_rendered({})
    try:
        assert markdown.render("<script>x</script> **b**") == "&lt;script&gt;x&lt;/script&gt; **b**"
    finally:
        markdown.use_rendered(None)
    assert "no pre-rendered HTML" in capsys.readouterr().err


def test_not_a_compiled_course_is_refused():
    with pytest.raises(course_file.LeaderdeckError, match="not a compiled leaderdeck course"):
        course_file.decode(b"\x00junk", "bad.msgpack")


def test_the_real_course_compiles_and_decodes():
    course = load_course(Path(__file__).parents[2] / "lessons")
    data = course_file.encode(course, {})
    assert course_file.decode(data, "course.msgpack").lessons == course.lessons
