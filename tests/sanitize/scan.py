"""Find active content in built outputs: tags that run or load something, event handlers,
script URLs, remote or out-of-folder media, styles, and Anki's own markup."""

from __future__ import annotations

import re
from html.parser import HTMLParser

ACTIVE_TAGS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "style", "link", "meta",
               "base", "svg", "math", "form", "input", "button", "textarea", "select", "video", "audio",
               "source", "track", "template", "portal", "noscript"}
URL_ATTRIBUTES = {"src", "srcset", "href", "data", "poster", "background", "action", "formaction", "xlink:href",
                  "cite", "longdesc", "ping", "lowsrc", "dynsrc", "manifest", "codebase", "archive"}
ANKI_MARKUP = re.compile(r"\[(?:sound:|/?anki:|/?latex\]|/?\$\$?\])", re.IGNORECASE)
# The same, read from the raw text (in case a parser and a browser disagree): an active tag, or
# inside any tag a handler or a script URL. Text that shows these (escaped, `&lt;`) is inert.
TEXT_PATTERNS = re.compile(r"<\s*/?\s*(?:" + "|".join(sorted(ACTIVE_TAGS)) + r")\b"
                           r"|<[^>]*(?:\son[a-z]+\s*=|javascript:|vbscript:|srcdoc|data:text/html|expression\()",
                           re.IGNORECASE)
_ID = re.compile(r'\s(?:id="|href="#)[^"<>]*"')
_SAFE_STYLE = re.compile(r"^text-align:\s*(left|right|center)$")
_LOCAL = re.compile(r"^(?![a-z][a-z0-9+.-]*:|/|\\)(?!.*(?:^|/)\.\.(?:/|$))[^\\:]*$", re.IGNORECASE)


class _Finder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ACTIVE_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on") or name == "srcdoc":
                self.found.append(f"{tag} {name}=")
            elif name == "style" and not _SAFE_STYLE.match(value.strip().rstrip(";")):
                self.found.append(f"{tag} style={value!r}")
            elif name in URL_ATTRIBUTES:
                self._url(tag, name, value)

    handle_startendtag = handle_starttag

    def _url(self, tag: str, name: str, value: str) -> None:
        url = re.sub(r"[\x00-\x20]", "", value).lower()
        if url.startswith(("javascript:", "vbscript:", "data:text")):
            self.found.append(f"{tag} {name}={value!r}")
        elif tag == "img" and name == "src" and url.startswith("data:image/png;base64,"):
            return  # a lesson image the widgets embed
        elif tag != "a" and not _LOCAL.match(value.removeprefix("../lessons/")):  # notebooks sit beside lessons/
            self.found.append(f"{tag} {name}={value!r} (not a file in the lessons folder)")


def active_content(html: str, *, anki: bool = False) -> list[str]:
    """What in this HTML could run, load or restyle, and (`anki`) what Anki would read as markup."""
    finder = _Finder()
    finder.feed(html)
    finder.close()
    without_ids = _ID.sub("", html)  # a heading's id and anchor repeat its text
    found = finder.found + [f"raw {m.group(0)!r}" for m in TEXT_PATTERNS.finditer(without_ids)]
    return found + [f"Anki markup {m.group(0)!r}" for m in ANKI_MARKUP.finditer(html) if anki]
