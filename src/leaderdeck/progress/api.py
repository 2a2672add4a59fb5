"""The outer layer: reads the clock, the environment and the course, then calls the pure core.

These are the functions the notebooks and the `leaderdeck` command use:
`default_answer_handler()`, `review()`, `dashboard()` and `stats()`.
"""

from __future__ import annotations

import os
import sys
import threading
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import LeaderdeckError
from ..events import Answer, AnswerHandler
from .catalog import Catalog, catalog_of
from .scheduler import ROLLOVER_HOUR, Scheduling, StudyDays, to_ms
from .stats import MISS_WINDOW, Dashboard, ProgressRows, day_edges, summarize, week_edges
from .store import ProgressStore, StoreError, default_store_path, open_store

if TYPE_CHECKING:  # the views import ipywidgets: only a notebook needs them
    from ..model import Course
    from .dashboard_view import DashboardView
    from .review_view import ReviewView

_shared: dict[Path, ProgressStore] = {}
_shared_lock = threading.Lock()
_zone_warned = False


def local_now() -> datetime:
    """Now in the learner's time zone, with its rules (not a fixed offset), so days, the daily new
    limit and the 14-day chart follow their clock across daylight-saving changes."""
    return datetime.now(local_zone())


def local_zone() -> tzinfo:
    """The learner's zone; UTC, with one warning line per process, when it is not a zone name
    (`TZ=UTC-14`, a POSIX rule string, a misspelling) that tzlocal and zoneinfo can use."""
    from tzlocal import get_localzone

    global _zone_warned
    try:
        return get_localzone()
    except (LookupError, ValueError, OSError) as error:  # ZoneInfoNotFoundError is a KeyError
        if not _zone_warned:
            _zone_warned = True
            named = os.environ.get("TZ") or str(error).split(chr(10))[0]
            print(f"warning: the time zone {named!r} is not a zone name leaderdeck can use "
                  "(like Europe/Berlin); counting days in UTC.", file=sys.stderr)
        return UTC


def learner_days(rollover_hour: int | None = None, saved: int | None = None) -> StudyDays:
    """The learner's study days: their time zone, and a new day from `rollover_hour`, else
    `$LEADERDECK_ROLLOVER_HOUR`, else the hour `import-anki` `saved` from their collection, else
    4 am (Anki's "next day starts at")."""
    if rollover_hour is None:
        text = os.environ.get("LEADERDECK_ROLLOVER_HOUR", "").strip()
        try:
            rollover_hour = int(text) if text else saved if saved is not None else ROLLOVER_HOUR
        except ValueError:
            raise LeaderdeckError(f"LEADERDECK_ROLLOVER_HOUR is {text!r}: set it to the hour a new day "
                                  "starts at, a whole number from 0 to 23 (Anki's default is 4)") from None
    return StudyDays(local_zone(), rollover_hour)


def shared_store(path: Path | str | None = None) -> ProgressStore:
    """One open store per file per process, reused by every quiz and review in a notebook."""
    wanted = Path(path).expanduser() if path is not None else default_store_path()
    try:
        resolved = wanted.resolve()
    except (OSError, RuntimeError) as error:  # a link that leads back to itself (RuntimeError before 3.13)
        why = getattr(error, "strerror", None) or "too many levels of symbolic links"
        raise StoreError(f"cannot open the progress store {wanted}: {why}") from error
    with _shared_lock:
        if resolved not in _shared:
            store = open_store(resolved)  # FSRS parameters and retention as import-anki saved them
            fsrs = store.scheduling
            days = learner_days(saved=store.saved_settings().get("rollover_hour"))
            store.scheduling = Scheduling(fsrs.desired_retention, days, fsrs.parameters)
            _shared[resolved] = store
        return _shared[resolved]


def default_answer_handler(path: Path | str | None = None) -> AnswerHandler:
    """Records each answer into the progress store at `path`, `$LEADERDECK_HOME`, or the
    platform's user data folder (resolved now, opened on the first answer). A review that
    cannot be stored raises `LeaderdeckError` saying why and what to do: never dropped silently."""
    target = Path(path) if path is not None else default_store_path()

    def record(answer: Answer) -> None:
        shared_store(target).record(answer)

    return record


def load_catalog(lessons_dir: Path | str | None = None) -> tuple[Course, Catalog]:
    from ..site.course_file import compiled_course

    if lessons_dir is None and (compiled := compiled_course()) is not None:
        return compiled, catalog_of(compiled)
    from ..course import load_course

    course = load_course(Path(lessons_dir) if lessons_dir is not None else None)
    return course, catalog_of(course)


def stats(lessons_dir: Path | str | None = None, *, store: Path | str | None = None,
          now: datetime | None = None) -> Dashboard:
    """Where the learner stands now: per-lesson progress, due days ahead, activity, weak spots."""
    _, catalog = load_catalog(lessons_dir)
    progress = shared_store(store)
    return dashboard_of(progress, catalog, now or local_now())


def dashboard_of(progress: ProgressStore, catalog: Catalog, now: datetime) -> Dashboard:
    return summarize(catalog, gather(progress, catalog, now), now)


def gather(progress: ProgressStore, catalog: Catalog, now: datetime) -> ProgressRows:
    """The store's aggregates for the dashboard: a handful of indexed queries, no per-card rows."""
    progress.use_catalog(catalog)
    now_ms = to_ms(now)
    return ProgressRows(progress.standings(now_ms), progress.due_before(day_edges(now)[-1]),
                        progress.activity(week_edges(now), progress.hidden_cards()),
                        progress.next_due(now_ms, catalog), recent_misses(progress, now))


def recent_misses(progress: ProgressStore, now: datetime) -> tuple[tuple[str, int], ...]:
    """(card, when) of each review graded Again within the dashboard's window."""
    return tuple(progress.misses_since(to_ms(now - MISS_WINDOW)))


def dashboard(lessons_dir: Path | str | None = None, *, store: Path | str | None = None) -> DashboardView:
    """For the start page: tables of where the learner stands and a chart of the next 14 days."""
    from .dashboard_view import DashboardView

    return DashboardView(stats(lessons_dir, store=store))


def review(lessons_dir: Path | str | None = None, *, store: Path | str | None = None,
           new_per_day: int | None = None) -> ReviewView:
    """Today's review: every card due now across all lessons, in the lessons' quiz widgets."""
    from .review import NEW_PER_DAY
    from .review_view import ReviewView

    course, catalog = load_catalog(lessons_dir)
    limit = NEW_PER_DAY if new_per_day is None else new_per_day
    return ReviewView(course, catalog, shared_store(store), new_per_day=limit, clock=local_now)
