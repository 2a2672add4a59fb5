"""Lesson Markdown → sanitized HTML. The only place this happens; notebooks and decks both use it.

Lesson files are untrusted: markdown-it renders CommonMark (with tables and strikethrough), then
nh3 keeps only a small allowlist of tags and attributes, so scripts, event handlers, iframes and
`javascript:` URLs never survive, whatever an author writes.
"""

from __future__ import annotations

import base64
import mimetypes
import re
from functools import lru_cache
from pathlib import Path

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


# Lines with no character Markdown gives a meaning to, no block marker at their start and no
# blank line between them render as themselves in one paragraph. Most option texts, steps and
# feedback are like this, and skipping the parser for them makes large builds several times
# faster. A property test holds this path equal to the parser's output.
_PLAIN_LINE = re.compile(r"[^\\`*_\[\]!<>&~|#\x00-\x1f\x7f]*")
_BLOCK_START = re.compile(r"[-+=]|\d+[.)]")
_OTHER_SPACE = re.compile(r"[^\S \n]")  # white space but space and newline (the parser treats it specially)


def _plain_body(text: str) -> str | None:
    """The text without its trailing newlines, if the fast path applies to it; else None."""
    body = text.rstrip("\n")
    if not body or _OTHER_SPACE.search(body) or body[0] in " \n" or body[-1] == " ":
        return None
    for line in body.split("\n"):
        if (not line or line != line.strip(" ") or _PLAIN_LINE.fullmatch(line) is None
                or _BLOCK_START.match(line)):
            return None
    return body


@lru_cache(maxsize=8192)
def render(text: str) -> str:
    """Markdown → safe HTML block(s)."""
    body = _plain_body(text)
    if body is not None:
        return f"<p>{body}</p>"  # nothing to escape or sanitize: the fast path excludes & < >
    return sanitize(_renderer().render(text)).strip()


@lru_cache(maxsize=8192)
def render_inline(text: str) -> str:
    """Markdown → safe HTML without the surrounding paragraph, for options, steps and titles."""
    body = _plain_body(text)
    if body is not None:
        return body
    return sanitize(_renderer().renderInline(text)).strip()


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
