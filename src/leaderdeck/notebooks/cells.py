"""Deterministic notebook building blocks: cells with stable ids, no outputs, no timestamps.

Every notebook the project writes goes through `notebook()` and `to_text()`, which validate
with nbformat as they build, so a bad notebook fails the build and never reaches a learner.
"""

from __future__ import annotations

import hashlib
import re

import nbformat
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from ..markdown import render

_MAX_ID = 64  # nbformat's limit for cell ids
_IMAGE_SRC = re.compile(r'(<img\b[^>]*\bsrc=")(?![a-z]+:|/)([^"]*)"')

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
LANGUAGE_INFO = {"name": "python"}


def cell_id(prefix: str, slug: str = "") -> str:
    """A stable cell id from authored ids; long ones keep a readable head and a short hash."""
    full = f"{prefix}-{slug}" if slug else prefix
    if len(full) <= _MAX_ID:
        return full
    digest = hashlib.sha256(full.encode()).hexdigest()[:8]
    return f"{full[:_MAX_ID - 9]}-{digest}"


def markdown(cell: str, source: str) -> NotebookNode:
    return new_markdown_cell(source.strip(), id=cell)


def code(cell: str, source: str) -> NotebookNode:
    code_cell = new_code_cell(source.strip(), id=cell)
    code_cell.metadata = {}
    return code_cell


def notebook(cells: list[NotebookNode]) -> NotebookNode:
    book = new_notebook(cells=cells, metadata={"kernelspec": KERNELSPEC, "language_info": LANGUAGE_INFO})
    nbformat.validate(book)
    return book


def to_text(book: NotebookNode) -> str:
    """The file's exact bytes (as text): validated, sorted keys, one trailing newline."""
    return nbformat.writes(book, version=4) + "\n"


def lesson_markdown(text: str, media_prefix: str = "../lessons/") -> str:
    """Author Markdown for a cell: kept verbatim when safe, else our sanitized HTML.

    Verbatim Markdown reads best on a code host and in diffs. It is kept only when it has no raw
    HTML and no links or images (whose targets a notebook viewer would resolve differently);
    anything else is replaced by `leaderdeck.markdown.render`'s sanitized HTML, with image
    paths made relative to the notebooks folder.
    """
    if _is_plain_markdown(text):
        return text.strip()
    return _IMAGE_SRC.sub(lambda m: f'{m.group(1)}{media_prefix}{m.group(2)}"', render(text))


def _is_plain_markdown(text: str) -> bool:
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    risky = {"html_block", "html_inline", "link_open", "image"}
    for token in parser.parse(text):
        if token.type in risky or any(child.type in risky for child in token.children or []):
            return False
    return True
