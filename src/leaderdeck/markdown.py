"""Lesson Markdown → sanitized HTML. The only place this happens; notebooks and decks both use it.

Lesson files are untrusted: markdown-it renders CommonMark (with tables and strikethrough), then
nh3 keeps only a small allowlist of tags and attributes, so scripts, event handlers, iframes and
`javascript:` URLs never survive, whatever an author writes.
"""

from __future__ import annotations

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


def render(text: str) -> str:
    """Markdown → safe HTML block(s)."""
    return sanitize(_renderer().render(text)).strip()


def render_inline(text: str) -> str:
    """Markdown → safe HTML without the surrounding paragraph, for options, steps and titles."""
    return sanitize(_renderer().renderInline(text)).strip()
