"""The `fixture` course builder for the lint tests (see lint_fixture.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lint_fixture import Fixture


@pytest.fixture
def fixture(tmp_path: Path) -> Fixture:
    return Fixture(tmp_path)
