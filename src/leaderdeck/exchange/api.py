"""The outer layer of the exchange with Anki and the site: reads the clock, the time zone and the course.

`export_anki()` writes the course's deck carrying the learner's progress; `import_anki(path)`
merges the reviews done in Anki back into the progress store; `import_progress(path)` merges
another progress store (the site's download). They are what the CLI calls.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

from ..course import load_course
from ..progress.api import learner_days, local_zone
from ..progress.scheduler import Scheduling
from ..progress.store import open_store
from .anki_read import open_collection
from .anki_settings import saved_settings, settings_of
from .export import ExportSummary, default_export_path, export_with_progress
from .merge import ImportSummary, course_cards, merge
from .progress_file import ProgressSummary, merge_progress, open_progress_file


def export_anki(lessons_dir: Path | str | None = None, *, store: Path | str | None = None,
                out: Path | str | None = None) -> ExportSummary:
    """Write the course's Anki package with your scheduling and review history (default:
    `build/<course>-with-progress.apkg` beside `lessons/`)."""
    course = load_course(Path(lessons_dir) if lessons_dir is not None else None)
    target = Path(out) if out is not None else default_export_path(course)
    if target.is_dir():  # a folder: the usual file name inside it
        target = target / default_export_path(course).name
    offset = datetime.now(local_zone()).utcoffset()  # the zone the store's days use: UTC when TZ is unusable
    with open_store(store) as progress:
        return export_with_progress(course, progress, target, int(time.time()),
                                    int(offset.total_seconds()) if offset else 0)


def import_anki(path: Path | str, lessons_dir: Path | str | None = None, *,
                store: Path | str | None = None) -> ImportSummary:
    """Merge the reviews of this course's cards from an Anki collection, .colpkg or .apkg."""
    course = load_course(Path(lessons_dir) if lessons_dir is not None else None)
    with open_collection(Path(path)) as collection:
        cards = course_cards(collection, course)  # a bad file stops here: the store is not opened
        settings = settings_of(collection, course.info.deck)  # replayed as that Anki schedules
        with open_store(store, days=learner_days(settings.rollover_hour), parameters=settings.parameters,
                        desired_retention=settings.desired_retention) as progress:
            with progress.merging():  # stopped halfway, the message says what was merged
                summary = merge(collection, cards, progress, int(time.time() * 1000))
                progress.save_settings(saved_settings(settings))  # notebook reviews schedule as Anki does
            return summary


def import_progress(path: Path | str, *, store: Path | str | None = None) -> ProgressSummary:
    """Merge the reviews of another progress store (the site's download, or a store from another
    computer) into yours, each review once and with its origin. The file is checked whole first:
    a bad one leaves your store as it was."""
    with open_progress_file(Path(path)) as source, open_store(store) as progress:
        fsrs = progress.scheduling  # FSRS as import-anki saved it; days in the learner's time zone
        days = learner_days(saved=progress.saved_settings().get("rollover_hour"))
        progress.scheduling = Scheduling(fsrs.desired_retention, days, fsrs.parameters)
        with progress.merging():  # stopped halfway, the message says what was merged
            return merge_progress(source, progress, int(time.time() * 1000))
