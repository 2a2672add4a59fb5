from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

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


def execute_all(books: list[tuple[nbformat.NotebookNode, Path]], at_once: int = 3) -> list[nbformat.NotebookNode]:
    """Each notebook (book, working folder) in a fresh kernel of its own, a few at a time: kernel
    start-up is mostly waiting, so this takes about half the time of one after another on two
    cores. The loop runs in a thread of its own: the browser tests' Playwright session keeps an
    event loop running in this one."""
    slots = asyncio.Semaphore(at_once)

    async def one(book: nbformat.NotebookNode, folder: Path) -> nbformat.NotebookNode:
        async with slots:
            await NotebookClient(book, timeout=120, kernel_name="python3",
                                 resources={"metadata": {"path": str(folder)}}).async_execute()
        return book

    async def every() -> list[nbformat.NotebookNode]:
        return await asyncio.gather(*(one(book, folder) for book, folder in books))

    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, every()).result()
