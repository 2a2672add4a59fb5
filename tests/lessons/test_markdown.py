"""Lesson Markdown is untrusted: what survives rendering is safe HTML and nothing else."""

from __future__ import annotations

import pytest

from leaderdeck.markdown import render, render_inline

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src="x.png" onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    '<iframe src="https://example.com"></iframe>',
    "<svg onload=alert(1)>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<object data='x.swf'></object>",
    "<ScRiPt>alert(1)</sCrIpT>",
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    "<form action='https://evil'><input></form>",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_markup_never_survives(text: str):
    html = render(text).lower().replace(" ", "")
    forbidden_markup = ("<script", "onerror=", "onload=", '="javascript:', "<iframe", "<svg", "<object",
                        "<form", "style=")
    for forbidden in forbidden_markup:
        assert forbidden not in html


def test_ordinary_markdown_renders():
    html = render("Be **bold**, *curious* and `precise`.\n\n- one\n- two\n\n[docs](https://example.com)")
    assert "<strong>bold</strong>" in html and "<em>curious</em>" in html and "<code>precise</code>" in html
    assert "<li>one</li>" in html
    assert '<a href="https://example.com" rel="noopener noreferrer">docs</a>' in html


def test_inline_has_no_paragraph_and_images_keep_their_alt():
    assert render_inline("a **b**") == "a <strong>b</strong>"
    assert render("![door](media/door.png)") == '<p><img src="media/door.png" alt="door"></p>'


def test_tables_render():
    assert "<table>" in render("| a | b |\n| - | - |\n| 1 | 2 |")


# --- the plain-text fast path must give exactly what the parser gives ---------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from leaderdeck import markdown as md  # noqa: E402

LINE = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)
PLAIN_ISH = st.text(alphabet=st.sampled_from(list("abc XYZ019.,;:'\"?()/@%$^{}=+-\u00a0é—")), max_size=40)


def _slow(text: str) -> str:
    return md.sanitize(md._renderer().render(text)).strip()


def _slow_inline(text: str) -> str:
    return md.sanitize(md._renderer().renderInline(text)).strip()


@settings(max_examples=500, deadline=None)
@given(st.one_of(LINE, PLAIN_ISH, st.lists(PLAIN_ISH, max_size=4).map("\n".join),
                 st.lists(PLAIN_ISH, max_size=3).map(lambda lines: "\n" + "\n".join(lines) + "\n\n"),
                 st.lists(PLAIN_ISH, max_size=3).map(lambda lines: "\n".join(lines) + "\n")))
def test_fast_path_equals_the_parser(text: str):
    assert md.render.__wrapped__(text) == _slow(text)
    assert md.render_inline.__wrapped__(text) == _slow_inline(text)
