from __future__ import annotations

import shutil
from pathlib import Path

import pytest

HERE = Path(__file__).parent
REPO = HERE.parent.parent


@pytest.fixture
def course_dir(tmp_path: Path) -> Path:
    """A writable copy of the one-lesson fixture course."""
    target = tmp_path / "lessons"
    shutil.copytree(HERE / "fixture", target)
    return target
