"""Lesson text → sanitized HTML. The only place this happens; notebooks, widgets and decks use it.

Lesson files are untrusted: cmark-gfm (GitHub's CommonMark, with tables and strikethrough)
renders them, then nh3 keeps only a small allowlist of tags and attributes, so scripts, event
handlers, iframes and `javascript:` URLs never survive, whatever an author writes. Every piece of
lesson text takes this one route, plain text too (`render_text`): no text is trusted to hold no
markup. Images must be files in the lessons folder: the sanitizer drops any other `src`, and
`media_references` tells validation what the renderer produced. Anki's own markup (`[sound:…]`,
`[latex]…`) is written as text, so Anki shows it rather than playing or typesetting it.

The browser edition (`leaderdeck site`) has neither renderer nor sanitizer: its build calls these
functions for every text the quizzes show and ships the results, and `use_rendered` makes
`render`, `render_inline` and `render_plain` look them up there. So cmark-gfm, nh3 and the YAML
loader are imported only when something is really rendered.
"""

from __future__ import annotations

import base64
import html
import mimetypes
import re
import sys
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import unquote

if TYPE_CHECKING:
    import nh3

INLINE_TAGS = {"em", "strong", "del", "code", "kbd", "sub", "sup", "a", "img", "br"}
ALLOWED_TAGS = INLINE_TAGS | {
    "p", "hr", "pre", "blockquote", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"style"}, "td": {"style"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}

# Image sources the sanitizer refused, while `media_references` listens; None otherwise.
_REFUSED_MEDIA: ContextVar[list[str] | None] = ContextVar("refused_media", default=None)


def is_local_media(reference: str) -> bool:
    """Whether an image source, as the renderer wrote it, is a relative path that stays inside the
    folder it is resolved from: no scheme, no absolute path, no `..`, no backslash or control
    character (browsers read `\\` as `/` and drop tabs and newlines from URLs)."""
    path = unquote(reference)
    if not path or path != path.strip() or re.search(r"[\x00-\x1f\x7f\\:]", path) or path.startswith("/"):
        return False
    return all(part not in ("", ".", "..") for part in path.split("/"))


def _keep_attribute(element: str, attribute: str, value: str) -> str | None:
    if element == "img" and attribute == "src" and not is_local_media(value):
        refused = _REFUSED_MEDIA.get()
        if refused is not None:
            refused.append(value)
        return None
    return value


@lru_cache(maxsize=2)
def _cleaner(inline: bool) -> nh3.Cleaner:
    # Option texts, steps and titles sit inside our own `<li>` or `<div>`: with block tags gone,
    # `Alpha</li><li>Injected` stays one option.
    import nh3

    tags = INLINE_TAGS if inline else ALLOWED_TAGS
    return nh3.Cleaner(tags=tags, attributes={t: a for t, a in ALLOWED_ATTRIBUTES.items() if t in tags},
                       url_schemes=ALLOWED_SCHEMES, link_rel="noopener noreferrer",
                       filter_style_properties={"text-align"}, attribute_filter=_keep_attribute)

# Anki reads these in any field, wherever they are: it plays `[sound:x]`, speaks `[anki:tts]`, and
# runs LaTeX on `[latex]`, `[$]` and `[$$]`. A character reference for the bracket shows the same.
_ANKI_MARKUP = re.compile(r"\[(?=sound:|/?anki:|/?latex\]|/?\$\$?\])", re.IGNORECASE)


def sanitize(html_text: str, *, inline: bool = False) -> str:
    """HTML → HTML with only allowlisted tags, attributes and URLs, and Anki's markup as text."""
    clean = _cleaner(inline).clean(html_text)
    return _ANKI_MARKUP.sub("&#91;", clean) if "[" in clean else clean


# Of GitHub's extensions only tables and strikethrough: autolink, tagfilter and tasklist would
# change what lesson text means. Strikethrough is `~~x~~` only (`~x~` stays text), and a column's
# alignment is a style attribute, the one the sanitizer keeps on cells. Raw HTML goes through
# (UNSAFE): the sanitizer, not the renderer, decides what is safe.
_EXTENSIONS = ("table", "strikethrough")
# The extensions can only act on text with a pipe, a tilde, or a table delimiter row without
# pipes (`:-`, `-:`; cmark also reads \v and \f as its blanks). Other text renders the same
# through plain cmark (a property test holds them equal), and the binding's extension path never
# frees its syntax tree (about 1.4 KB a call). Either way the HTML then meets the sanitizer.
_NEEDS_EXTENSIONS = re.compile(r"[|~\v\f]|:-|-:")


@lru_cache(maxsize=1)
def _options() -> int:
    from cmarkgfm.cmark import Options

    options: int = Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_STRIKETHROUGH_DOUBLE_TILDE \
        | Options.CMARK_OPT_TABLE_PREFER_STYLE_ATTRIBUTES  # cmarkgfm ships no types
    return options


def _cmark(text: str) -> str:
    import cmarkgfm

    html_text: str  # cmarkgfm ships no types
    if _NEEDS_EXTENSIONS.search(text):
        html_text = cmarkgfm.markdown_to_html_with_extensions(text, options=_options(), extensions=_EXTENSIONS)
    else:
        html_text = cmarkgfm.markdown_to_html(text, options=_options())
    return html_text


# (function name, text) → HTML rendered at build time; None: render here (see the module doc).
_RENDERED: Mapping[tuple[str, str], str] | None = None


def use_rendered(table: Mapping[tuple[str, str], str] | None) -> None:
    """Serve `render`, `render_inline` and `render_plain` from `table`, keyed by (function name,
    text); a mapping with `__missing__` can compute and keep what it is asked (the site build
    records that way). None goes back to rendering."""
    global _RENDERED
    _RENDERED = table


def _lookup(function: str, text: str) -> str:
    if _RENDERED is None:
        return RENDERERS[function](text)
    try:
        return _RENDERED[function, text]
    except KeyError:  # a text the build did not foresee: shown as text, never as markup
        if function != "render_text":  # a count or a date on the dashboard is text by design
            print(f"leaderdeck: no pre-rendered HTML for {text[:60]!r}; showing it as text", file=sys.stderr)
        return html.escape(text)


def render(text: str) -> str:
    """Markdown → safe HTML block(s)."""
    return _lookup("render", text)


def render_inline(text: str) -> str:
    """Markdown → safe inline HTML (see `_render_inline`)."""
    return _lookup("render_inline", text)


def render_plain(text: str) -> str:
    """Inline Markdown → the plain text it shows, for labels that cannot hold HTML (radio buttons)."""
    return _lookup("render_plain", text)


@lru_cache(maxsize=8192)
def _render(text: str) -> str:
    return sanitize(_cmark(text)).strip()


@lru_cache(maxsize=8192)
def _render_inline(text: str) -> str:
    """Markdown → safe inline HTML (no paragraph, list or other block), for options, steps and titles.

    The text is inline only: a line that would start a list, heading, quote, rule, table or code
    block shows as written, and a blank line is kept as white space, not a new paragraph. Block
    tags written as raw HTML are removed, keeping their text.
    """
    runs = _BLANK_LINES.split(_NEWLINE.sub("\n", text).translate(_OTHER_BLANKS).strip(" \t\n"))
    return sanitize("\n\n".join(_inline_run(run) for run in runs), inline=True).strip()


def render_text(plain: str) -> str:
    """Plain text (a title, a file name) → safe HTML that shows exactly that text."""
    return _lookup("render_text", plain)


def _render_text(plain: str) -> str:
    return sanitize(html.escape(plain, quote=False), inline=True)


# What a Markdown reader could take as syntax in a line of text (emphasis, code, links, images,
# math, a heading's closing #), and line breaks, after which a line could start a block.
_MARKDOWN_SYNTAX = re.compile(r"(&(?:#\d+|#x[0-9a-f]+|[a-z]+);)|([\\`*_\[\]()<>!#~|$^{}\n\r\x85\u2028\u2029])",
                              re.IGNORECASE)


def markdown_text(plain: str) -> str:
    """Plain text → Markdown for one line that shows exactly that text: the sanitized HTML text,
    with each character a Markdown reader could take as syntax written as a character reference."""
    return _MARKDOWN_SYNTAX.sub(lambda m: m.group(1) or f"&#{ord(m.group(2))};", render_text(plain))


# A backslash before a block marker makes it text (an escaped punctuation character renders as
# itself). Only what would really start a block is escaped, as a backslash inside a code span
# that runs over lines would show. Lines lose their indent, which would make code. A line that
# starts with block-level raw HTML (`<div>`, `<!--`) still starts an HTML block, whose block tags
# the inline sanitizer then removes.
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


def _render_plain(text: str) -> str:
    import nh3

    return html.unescape(nh3.clean(_render_inline(text), tags=set()))


# What `use_rendered` tables are keyed by: the public name → the function that really renders.
RENDERERS: dict[str, Callable[[str], str]] = {
    "render": _render, "render_inline": _render_inline, "render_plain": _render_plain, "render_text": _render_text}


def _inline_run(text: str) -> str:
    """One run of lines without a blank one → HTML, unwrapped from the paragraph cmark makes."""
    if _MAYBE_BLOCK_START.search(text):
        text = _BLOCK_MARKER.sub(r"\\", _ORDERED_ITEM.sub(r"\1\\", _LINE_INDENT.sub("", text)))
    html_text = _cmark(text)
    if html_text.startswith("<p>") and html_text.endswith("</p>\n") and html_text.count("</p>") == 1:
        return html_text[3:-5]
    return html_text


# --- media ----------------------------------------------------------------------------------------

_IMG_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]+)(")')


def media_references(text: str) -> list[str]:
    """Every image source the renderer produces for this Markdown, decoded to a path: those the
    sanitizer keeps and those it refuses (a URL, an absolute path, `..`), however they were
    written (inline, reference-style, raw HTML). A source refused for its URL scheme before our
    filter sees it (`file:`, `javascript:`) is listed as ""."""
    refused: list[str] = []
    token = _REFUSED_MEDIA.set(refused)
    try:
        html_text = sanitize(_cmark(text))
    finally:
        _REFUSED_MEDIA.reset(token)
    kept = [unquote(html.unescape(m.group(2))) for m in _IMG_SRC.finditer(html_text)]
    without_source = html_text.count("<img") - len(kept) - len(refused)
    return kept + refused + [""] * without_source


_MAX_MEDIA_PATH = 255  # longer names fail on most file systems before any check can run


def media_problem(reference: str, lessons_dir: Path) -> str | None:
    """Why a media reference is refused, or None when it names a file inside `lessons_dir`."""
    if not reference:
        return "an image needs a file in the lessons folder as its source"
    if re.match(r"^[a-z][a-z0-9+.-]*:", reference.strip(), re.IGNORECASE) or reference.strip().startswith("//"):
        return f"media '{reference}' must be a file in the lessons folder, not a URL"
    from .load import FORBIDDEN_CHARACTERS

    if FORBIDDEN_CHARACTERS.search(reference) or "\ufffd" in reference or len(reference) > _MAX_MEDIA_PATH:
        # U+FFFD: the renderer's stand-in for a NUL it was given
        shown = reference[:60].replace("\ufffd", "\x00").encode("unicode_escape").decode("ascii")
        return f"media path '{shown}{'…' * (len(reference) > 60)}' is not a usable file name"
    if not is_local_media(reference):
        return f"media path '{reference}' leaves the lessons folder"
    try:
        target = (lessons_dir / PurePosixPath(reference)).resolve()
        if not target.is_relative_to(lessons_dir.resolve()):
            return f"media path '{reference}' leaves the lessons folder through a link"
        if not target.is_file():
            return f"media file '{reference}' not found in the lessons folder ({lessons_dir.resolve().name}/)"
    except (OSError, RuntimeError, ValueError):
        return f"media path '{reference}' cannot be read"
    return None


def media_problems(text: str, lessons_dir: Path) -> list[str]:
    """Why each image this Markdown renders to is refused (validation reports them)."""
    if "<" not in text and "[" not in text:
        return []  # no link, image or raw HTML: the renderer can make no image
    return [problem for reference in media_references(text) if (problem := media_problem(reference, lessons_dir))]


def inline_images(html_text: str, media_root: Path) -> str:
    """Embed images that name files under `media_root` as data URIs, for views (widgets) that
    cannot load files from the lessons folder. Anything else is left alone: the sanitizer only
    keeps relative paths, and the validator has reported missing ones."""
    root = media_root.resolve()

    def embed(match: re.Match[str]) -> str:
        target = (root / unquote(html.unescape(match.group(2)))).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            return match.group(0)
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        data = base64.b64encode(target.read_bytes()).decode("ascii")
        return f"{match.group(1)}data:{kind};base64,{data}{match.group(3)}"

    return _IMG_SRC.sub(embed, html_text) if "<img" in html_text else html_text
