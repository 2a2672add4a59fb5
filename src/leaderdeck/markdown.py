"""Lesson Markdown → sanitized HTML. The only place this happens; notebooks and decks both use it.

Lesson files are untrusted: cmark-gfm (GitHub's CommonMark, with tables and strikethrough)
renders them, then nh3 keeps only a small allowlist of tags and attributes, so scripts, event
handlers, iframes and `javascript:` URLs never survive, whatever an author writes.
"""

from __future__ import annotations

import base64
import mimetypes
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options

ALLOWED_TAGS = {
    "p", "br", "hr", "em", "strong", "del", "code", "pre", "kbd", "sub", "sup", "blockquote",
    "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "a", "img",
    "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"style"}, "td": {"style"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}

_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=ALLOWED_SCHEMES,
    link_rel="noopener noreferrer",
    filter_style_properties={"text-align"},
)

# Of GitHub's extensions only tables and strikethrough: autolink, tagfilter and tasklist would
# change what lesson text means. Strikethrough is `~~x~~` only (`~x~` stays text), and a column's
# alignment is a style attribute, the one the sanitizer keeps on cells. Raw HTML goes through
# (UNSAFE): the sanitizer, not the renderer, decides what is safe.
_EXTENSIONS = ("table", "strikethrough")
_OPTIONS = Options.CMARK_OPT_STRIKETHROUGH_DOUBLE_TILDE | Options.CMARK_OPT_TABLE_PREFER_STYLE_ATTRIBUTES
# The extensions can only act on text with a pipe, a tilde, or a table delimiter row without
# pipes (`:-`, `-:`; cmark also reads \v and \f as its blanks). Other text renders the same
# through plain cmark (a property test holds them equal), which is four times faster and keeps
# memory flat: the binding's extension path never frees its syntax tree, about 1.4 KB a call.
_NEEDS_EXTENSIONS = re.compile(r"[|~\v\f]|:-|-:")


def _cmark(text: str, *, unsafe: bool = True) -> str:
    options = _OPTIONS | Options.CMARK_OPT_UNSAFE if unsafe else _OPTIONS
    if _NEEDS_EXTENSIONS.search(text):
        return cmarkgfm.markdown_to_html_with_extensions(text, options=options, extensions=_EXTENSIONS)
    return cmarkgfm.markdown_to_html(text, options=options)


def sanitize(html: str) -> str:
    return _CLEANER.clean(html)


def has_html_or_links(text: str) -> bool:
    """Whether the Markdown holds raw HTML, a link or an image.

    cmark's safe mode replaces raw HTML by a marker comment; text cannot produce that or a tag,
    as cmark escapes its `<`. `<!` is counted too: cmark-gfm follows CommonMark 0.29, where
    `<!X>` is not yet a declaration, but newer readers (notebook viewers) take it as HTML.
    """
    html = _cmark(text, unsafe=False)
    return "<!" in text or "<!-- raw HTML omitted -->" in html or "<a " in html or "<img " in html


# Lines with no character Markdown gives a meaning to, no block marker at their start and no
# blank line between them render as themselves in one paragraph. Most option texts, steps and
# feedback are like this, and skipping the parser for them makes large builds several times
# faster. A property test holds this path equal to the parser's output.
# A line's characters: none Markdown gives a meaning to, no control character, and no white space
# but the plain space (the parser treats tabs and Unicode spaces specially). SOLID: not even a space.
_TEXT = r"[^\\`*_\[\]!<>&~|\#\x00-\x1f\x7f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
_SOLID = r"[^\s\\`*_\[\]!<>&~|\#\x00-\x1f\x7f]"
_PLAIN_LINE = rf"(?![-+=]|\d+[.)]){_SOLID}(?:{_TEXT}*{_SOLID})?"  # no list, heading underline or rule
_PLAIN_BODY = re.compile(rf"{_PLAIN_LINE}(?:\n{_PLAIN_LINE})*")  # and no blank line between lines


def _plain_body(text: str) -> str | None:
    """The text without its trailing newlines, if the fast path applies to it; else None."""
    body = text.rstrip("\n")
    if _PLAIN_BODY.fullmatch(body) and ":-" not in body and "-:" not in body:
        return body  # (":-" and "-:" can make a one-column table's delimiter row)
    return None


@lru_cache(maxsize=8192)
def render(text: str) -> str:
    """Markdown → safe HTML block(s)."""
    body = _plain_body(text)
    if body is not None:
        return f"<p>{body}</p>"  # nothing to escape or sanitize: the fast path excludes & < >
    return _block_html(text)


# Text with no `<` (so no raw HTML, no autolink), no `[` (so no link, no image) and nothing for the
# extensions can only become tags cmark itself writes, with no URL and no attribute but a list's
# start number and a code block's language. For it cmark's safe mode is sanitizer enough, and nh3,
# the costliest step of a large build, is skipped; its output is then written the way nh3 writes
# it, so both paths give the same bytes (a property test holds them equal).
_NEEDS_SANITIZER = re.compile(r"[<\[|~\v\f]|:-|-:")
_CMARK_ONLY_ATTRIBUTE = re.compile(r'<(ol) start="\d+">|<(code) class="language-[^"]*">')


def _safe_html(text: str) -> str | None:
    """cmark's own (safe mode) HTML as nh3 would write it, for text that needs no sanitizer; else None."""
    if _NEEDS_SANITIZER.search(text):
        return None
    return _as_sanitizer_writes(_cmark_safe(text))


def _as_sanitizer_writes(html: str) -> str:
    if "<ol start" in html or "<code class" in html:
        html = _CMARK_ONLY_ATTRIBUTE.sub(r"<\1\2>", html)
    return html.replace("&quot;", '"').replace("\xa0", "&nbsp;").replace(" />", ">")


def _block_html(text: str) -> str:
    html = _safe_html(text)
    return (html if html is not None else sanitize(_cmark(text))).strip()


@lru_cache(maxsize=8192)
def render_inline(text: str) -> str:
    """Markdown → safe HTML without the surrounding paragraph, for options, steps and titles.

    The text is inline only: a line that would start a list, heading, quote, rule, table or code
    block shows as written, and a blank line is kept as white space, not a new paragraph.
    """
    body = _plain_body(text)
    if body is not None:
        return body
    return _inline_html(text)


# A backslash before a block marker makes it text (an escaped punctuation character renders as
# itself). Only what would really start a block is escaped, as a backslash inside a code span
# that runs over lines would show. Lines lose their indent, which would make code. A line that
# starts with block-level raw HTML (`<div>`, `<!--`) still starts an HTML block, as in `render`.
_NEWLINE = re.compile(r"\r\n?")
_BLANK_LINES = re.compile(r"\n[ \t]*\n[ \t\n]*")
_MAYBE_BLOCK_START = re.compile(r"^[ \t\d#>+*_=|:`~\[-]", re.MULTILINE)  # most inline text has none
_LINE_INDENT = re.compile(r"^[ \t]+", re.MULTILINE)
_ORDERED_ITEM = re.compile(r"^(\d{1,9})(?=[.)](?:[ \t]|$))", re.MULTILINE)
_BLOCK_MARKER = re.compile(r"""^(?=
    \#{1,6}(?:[ \t]|$)                                          # heading
  | >                                                           # quote
  | [-+*](?:[ \t]|$)                                            # bullet
  | ([-*_])(?:[ \t]*\1){2,}[ \t]*$ | =+[ \t]*$                  # rule, heading underline
  | \|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$    # table delimiter row
  | `{3,}[^`]*$ | ~{3,}                                         # code fence
  | \[(?:[^\]\\]|\\.)+\]:                                       # link reference definition
)""", re.VERBOSE | re.MULTILINE)


_OTHER_BLANKS = str.maketrans("\v\f", "  ")  # blanks to cmark's block syntax: as spaces, the patterns see them


def _inline_html(text: str) -> str:
    runs = _BLANK_LINES.split(_NEWLINE.sub("\n", text).translate(_OTHER_BLANKS).strip(" \t\n"))
    if _NEEDS_SANITIZER.search(text):
        return sanitize("\n\n".join(_inline_run(run, _cmark) for run in runs)).strip()
    return _as_sanitizer_writes("\n\n".join(_inline_run(run, _cmark_safe) for run in runs)).strip()


def _cmark_safe(text: str) -> str:
    return cmarkgfm.markdown_to_html(text, options=_OPTIONS)


def _inline_run(text: str, to_html: Callable[[str], str]) -> str:
    """One run of lines without a blank one → HTML, unwrapped from the paragraph cmark makes."""
    if _MAYBE_BLOCK_START.search(text):
        text = _BLOCK_MARKER.sub(r"\\", _ORDERED_ITEM.sub(r"\1\\", _LINE_INDENT.sub("", text)))
    html = to_html(text)
    if html.startswith("<p>") and html.endswith("</p>\n") and html.count("</p>") == 1:
        return html[3:-5]
    return html


_IMG_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]+)(")')


def inline_images(html: str, media_root: Path) -> str:
    """Embed images that name files under `media_root` as data URIs, for views (widgets) that
    cannot load files from the lessons folder. Anything else is left alone; the validator has
    already reported references that are missing or leave the folder."""
    root = media_root.resolve()

    def embed(match: re.Match[str]) -> str:
        target = (root / match.group(2)).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            return match.group(0)
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        data = base64.b64encode(target.read_bytes()).decode("ascii")
        return f"{match.group(1)}data:{kind};base64,{data}{match.group(3)}"

    return _IMG_SRC.sub(embed, html) if "<img" in html else html
