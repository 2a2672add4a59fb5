from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from leaderdeck.course import load_course
from leaderdeck.model import Course

FIXTURE_LESSONS = Path(__file__).parent / "fixtures" / "lessons"
START = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def course() -> Course:
    return load_course(FIXTURE_LESSONS)


class FakeClock:
    """Each reading is 1.5 s after the previous one."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        self.now += timedelta(milliseconds=1500)
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
