"""Writing generated files: atomically, and only when their bytes change.

An unchanged file keeps its timestamp (so editors and `make` see no change), and a build that
fails half-way never leaves a half-written file: text goes to a temporary file, then is renamed.
"""

from __future__ import annotations

from pathlib import Path

from .errors import LeaderdeckError


def write_if_changed(path: Path, text: str) -> bool:
    """Write `text` to `path` unless it already holds exactly that; True when it wrote."""
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(path)
    except OSError as error:
        raise LeaderdeckError(f"cannot write {path}: {error.strerror or error}") from error
    return True
