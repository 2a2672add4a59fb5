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


def test_strikethrough_needs_two_tildes():
    assert render("a ~~gone~~ b") == "<p>a <del>gone</del> b</p>"
    assert render("about ~5 minutes, ~10 at most") == "<p>about ~5 minutes, ~10 at most</p>"


def test_table_alignment_survives_as_a_style():
    html = render("| a | b |\n|:-|-:|\n| 1 | 2 |")
    assert '<th style="text-align:left">a</th>' in html and '<td style="text-align:right">2</td>' in html


@pytest.mark.parametrize(("text", "expected"), [
    ("1. foo", "1. foo"),
    ("10) foo", "10) foo"),
    ("1986. A good year", "1986. A good year"),
    ("# foo", "# foo"),
    ("###### foo", "###### foo"),
    ("- foo", "- foo"),
    ("* foo", "* foo"),
    ("+ foo", "+ foo"),
    ("> foo", "&gt; foo"),
    ("---", "---"),
    ("* * *", "* * *"),
    ("___", "___"),
    ("    indented", "indented"),
    ("\tindented", "indented"),
    ("foo\n===", "foo\n==="),
    ("foo\n---", "foo\n---"),
    ("| a | b |\n| - | - |\n| 1 | 2 |", "| a | b |\n| - | - |\n| 1 | 2 |"),
    ("a\n:-", "a\n:-"),
    ("```python", "```python"),
    ("~~~", "~~~"),
    ("[ref]: https://example.com", "[ref]: https://example.com"),
])
def test_inline_block_markers_stay_text(text: str, expected: str):
    assert render_inline(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("1. **Decide** fast", "1. <strong>Decide</strong> fast"),
    ("- see [docs](https://example.com)",
     '- see <a href="https://example.com" rel="noopener noreferrer">docs</a>'),
    ("*Why* it matters", "<em>Why</em> it matters"),
    ("**Bold** start", "<strong>Bold</strong> start"),
    ("#hashtag and 2.5%", "#hashtag and 2.5%"),
    ("first *line*\nsecond", "first <em>line</em>\nsecond"),
    ("one\n- two\n3. three", "one\n- two\n3. three"),
    ("**a**\n\n*b*", "<strong>a</strong>\n\n<em>b</em>"),
    ("a\r\n\r\n`b`", "a\n\n<code>b</code>"),
    ("  padded *text*  \n", "padded <em>text</em>"),
])
def test_inline_markdown_and_lines(text: str, expected: str):
    assert render_inline(text) == expected


def test_inline_output_stays_sanitized():
    for text in HOSTILE:
        html = render_inline(text).lower().replace(" ", "")
        assert "<script" not in html and "onerror=" not in html and '="javascript:' not in html


# --- one route: every text meets the sanitizer ----------------------------------------------------

from hypothesis import assume, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from leaderdeck import markdown as md  # noqa: E402

LINE = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)
MARKDOWNISH = st.text(alphabet=st.sampled_from(list("ab 1.):-*_#>+=`[]()!\\&\n\t\r\v\f")), max_size=40)


def test_there_is_no_plain_text_fast_path():
    """Style habit 18: no shortcut for text that "cannot" hold HTML (the removed fast paths)."""
    assert not hasattr(md, "_plain_body") and not hasattr(md, "_safe_html") and not hasattr(md, "has_html_or_links")


@settings(max_examples=300, deadline=None)
@given(st.one_of(LINE, MARKDOWNISH))
def test_rendered_text_is_a_fixed_point_of_the_sanitizer(text: str):
    for html in (md._render.__wrapped__(text), md._render_inline.__wrapped__(text), md.render_text(text)):
        assert md.sanitize(html) == html


# --- plain cmark stands in for the extensions only where they cannot act ------------------------

import cmarkgfm  # noqa: E402


@settings(max_examples=1000, deadline=None)
@given(st.one_of(LINE, MARKDOWNISH))
def test_extensions_skipped_only_where_they_change_nothing(text: str):
    assume(not md._NEEDS_EXTENSIONS.search(text))
    for options in (md._options(), md._options() | cmarkgfm.cmark.Options.CMARK_OPT_UNSAFE):
        with_extensions = cmarkgfm.markdown_to_html_with_extensions(text, options=options, extensions=md._EXTENSIONS)
        assert cmarkgfm.markdown_to_html(text, options=options) == with_extensions


# --- inline text never becomes a block ------------------------------------------------------------

BLOCK_TAGS = ("<p>", "<ol", "<ul", "<li", "<h1", "<h2", "<h3", "<h4", "<h5", "<h6", "<blockquote", "<pre",
              "<hr", "<table")


@settings(max_examples=1000, deadline=None)
@given(st.one_of(MARKDOWNISH, st.text(alphabet=st.sampled_from(list("ab 1.)-*_#>+=~|:`[]\n\t")), max_size=30)))
def test_inline_never_makes_blocks(text: str):
    html = md._render_inline.__wrapped__(text)
    assert not any(tag in html for tag in BLOCK_TAGS), html


@pytest.mark.parametrize("text", ["Alpha</li><li>Injected", "a</div><div>b", "<ul><li>x</li></ul>", "<p>a</p><p>b</p>",
                                  "<table><tr><td>x</td></tr></table>", "<div>\n\n# heading\n\n</div>",
                                  "x<blockquote>q</blockquote>", "<pre>p</pre>", "<h1>h</h1>", "a<hr>b"])
def test_inline_raw_html_cannot_open_blocks(text: str):
    html = render_inline(text)
    assert not any(tag in html for tag in BLOCK_TAGS), html
