"""Lesson Markdown → sanitized HTML. The only place this happens; notebooks and decks both use it.

Lesson files are untrusted: markdown-it renders CommonMark (with tables and strikethrough), then
nh3 keeps only a small allowlist of tags and attributes, so scripts, event handlers, iframes and
`javascript:` URLs never survive, whatever an author writes.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

import nh3

ALLOWED_TAGS = {
    "p", "br", "hr", "em", "strong", "del", "code", "pre", "kbd", "sub", "sup", "blockquote",
    "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "a", "img",
    "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"style"}, "td": {"style"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}


@lru_cache(maxsize=1)
def _renderer():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True, "typographer": False}).enable(["table", "strikethrough"])


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer",
        filter_style_properties={"text-align"},
    )


# One line with no character Markdown gives a meaning to, and no block marker at its start,
# renders as itself in a paragraph. Most option texts, steps and feedback are like this, and
# skipping the parser for them makes large builds several times faster. A property test holds
# this path equal to the parser's output.
_PLAIN = re.compile(r"[^\\`*_\[\]!<>&~|#\n\r\t\x00-\x1f\x7f]*")
_BLOCK_START = re.compile(r"[-+=]|\d+[.)]")
_OTHER_SPACE = re.compile(r"[^\S ]")  # white space other than the plain space (the parser trims it)


def _is_plain(text: str) -> bool:
    return (_PLAIN.fullmatch(text) is not None and not _BLOCK_START.match(text)
            and not _OTHER_SPACE.search(text))


@lru_cache(maxsize=8192)
def render(text: str) -> str:
    """Markdown → safe HTML block(s)."""
    stripped = text.strip(" ")
    if stripped and _is_plain(stripped):
        return sanitize(f"<p>{html.escape(stripped, quote=False)}</p>")
    return sanitize(_renderer().render(text)).strip()


@lru_cache(maxsize=8192)
def render_inline(text: str) -> str:
    """Markdown → safe HTML without the surrounding paragraph, for options, steps and titles."""
    stripped = text.strip(" ")
    if stripped and _is_plain(stripped):
        return sanitize(html.escape(stripped, quote=False))
    return sanitize(_renderer().renderInline(text)).strip()
