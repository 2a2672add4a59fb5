"""Fixtures shared across test folders."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Any]:
    """One Playwright for the whole session: its sync API runs an event loop while it is open, so
    a second one started beside it (tests/browser's browser and tests/site's profiles) fails."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver
