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
    for forbidden in ("<script", "onerror=", "onload=", '="javascript:', "<iframe", "<svg", "<object", "<form", "style="):
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
