"""The Source field on the back of every card: the source's title, and the evidence quote."""

from __future__ import annotations

import msgspec

from leaderdeck.course import load_course
from leaderdeck.decks.fields import LessonFields
from leaderdeck.model import Evidence

from .conftest import FIXTURES


def _source_field(evidence: Evidence | None) -> str:
    course = load_course(FIXTURES / "lessons")
    lesson = course.lessons[0]
    item = msgspec.structs.replace(lesson.items[0], evidence=evidence)
    return LessonFields(course, lesson).of(item, "uid")["Source"]


def test_the_source_shows_its_title_never_its_file_name():
    assert _source_field(None) == "Source A, a test text"


def test_the_quote_and_its_speaker_show_under_the_title_sanitized():
    field = _source_field(Evidence(quote="Doors <script>x()</script> open & close", speaker="Kara <b>Hurst</b>"))
    assert field.startswith("Source A, a test text<br><span class=\"ld-evidence\">“Doors ")
    assert "<script>" not in field and "<b>" not in field and "&amp; close”" in field
    assert field.endswith(" — Kara &lt;b&gt;Hurst&lt;/b&gt;</span>")
    assert "source-a.txt" not in field


def test_a_synthesis_is_labelled_as_the_course_s_own():
    field = _source_field(Evidence(synthesis="The source names it; the <i>link</i> is ours."))
    assert field == ("Source A, a test text<br><span class=\"ld-synthesis\">The course's own synthesis: "
                     "The source names it; the &lt;i&gt;link&lt;/i&gt; is ours.</span>")
