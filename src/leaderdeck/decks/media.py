"""Images referenced from lessons, packed under content-hashed names.

The validator already refuses bad media paths (and the sanitizer drops any image source that is not
a relative path), but the compiler does not trust that: it checks every `<img src>` in the rendered
HTML again, symlinks included, so a missing file or a path that leaves `lessons/`
is an error with its location, never a broken card. A content hash in the name means an edited
image reaches learners (Anki never replaces a media file whose name it already has).
"""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from ..errors import LeaderdeckError, display_path
from ..markdown import media_problem

_IMG_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]*)(")')


class MediaPacker:
    """Collects the files cards reference; `packed` maps hashed name → file path."""

    def __init__(self, lessons_dir: Path):
        self.lessons_dir = lessons_dir
        self.packed: dict[str, Path] = {}
        self._names: dict[str, str] = {}

    def rewrite(self, field_html: str, where: str) -> str:
        """Replace each image reference by its hashed media name; `where` locates errors."""
        if "<img" not in field_html:
            return field_html
        # cmark percent-encodes link targets (café.png → caf%C3%A9.png): decode to the file name
        return _IMG_SRC.sub(lambda m: m.group(1) + self._name(unquote(html.unescape(m.group(2))), where)
                            + m.group(3), field_html)

    def _name(self, reference: str, where: str) -> str:
        if reference not in self._names:
            problem = media_problem(reference, self.lessons_dir)
            if problem:
                raise LeaderdeckError(f"{_locate(self.lessons_dir, reference) or where}: {problem}")
            path = self.lessons_dir / PurePosixPath(reference)
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
            name = f"leaderdeck-{digest}{path.suffix.lower()}"
            self.packed[name] = path
            self._names[reference] = name
        return self._names[reference]


def _locate(lessons_dir: Path, reference: str) -> str | None:
    """file:line:col of the first lesson file that mentions `reference`, for the error message."""
    for path in sorted(lessons_dir.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        offset = text.find(reference)
        if offset >= 0:
            line = text.count("\n", 0, offset) + 1
            column = offset - (text.rfind("\n", 0, offset) + 1) + 1
            return f"{display_path(path)}:{line}:{column}"
    return None
