"""Where the learner stands: pure aggregates over the store's rows, with `now` passed in.

Per lesson: cards new / learning / learned and the average predicted recall now; cards due on
each of the next 14 days; reviews per week; the concepts with the weakest recall. Cards whose
items left the course are not counted (their history stays in the store).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from fsrs import State

from .catalog import Catalog
from .review import day_start
from .scheduler import DAY_MS, Scheduling, from_ms, to_ms

DAYS_AHEAD = 14
WEEKS = 8
WEAKEST = 5


@dataclass(frozen=True)
class LessonStanding:
    lesson: str
    title: str
    new: int
    learning: int
    learned: int
    average_recall: float | None  # over reviewed cards; None when none is reviewed yet


@dataclass(frozen=True)
class ConceptStanding:
    lesson: str
    concept: str
    title: str
    average_recall: float
    cards: int
    lapses: int


@dataclass(frozen=True)
class WeekActivity:
    week_start: date
    reviews: int
    correct: int


@dataclass(frozen=True)
class Dashboard:
    now: datetime
    lessons: tuple[LessonStanding, ...]
    due_by_day: tuple[tuple[date, int], ...]  # today first; today includes everything overdue
    activity: tuple[WeekActivity, ...]  # oldest week first, the last one ends today
    weakest: tuple[ConceptStanding, ...]
    due_now: int
    next_due: datetime | None  # the first card due after now


@dataclass
class _Tally:
    reviewed: int = 0
    learning: int = 0
    recall: float = 0.0
    lapses: int = 0


def activity_window(now: datetime, weeks: int = WEEKS) -> tuple[int, int]:
    """(since_ms, bucket_ms): `weeks` seven-day buckets, the last one ending today."""
    since = day_start(now) - timedelta(days=7 * weeks - 1)
    return to_ms(since), 7 * DAY_MS


def summarize(catalog: Catalog, card_rows: Iterable[tuple], activity_rows: Iterable[tuple],
              now: datetime, scheduling: Scheduling, *, weeks: int = WEEKS) -> Dashboard:
    """The dashboard from `ProgressStore.card_summaries()` and `.activity(*activity_window(now))`."""
    now_ms = to_ms(now)
    day_edges = [to_ms(day_start(now) + timedelta(days=d)) for d in range(1, DAYS_AHEAD + 1)]
    per_day = [0] * DAYS_AHEAD
    lessons: dict[str, _Tally] = defaultdict(_Tally)
    concepts: dict[tuple[str, str], _Tally] = defaultdict(_Tally)
    due_now, next_due = 0, None
    for key, state, stability, last_review, due, lapses in card_rows:
        card = catalog.get(key)
        if card is None:
            continue
        recall = scheduling.recall(stability, last_review, now_ms)
        learning = state != State.Review
        for tally in (lessons[card.lesson], concepts[(card.lesson, card.concept)]):
            tally.reviewed += 1
            tally.learning += learning
            tally.recall += recall
            tally.lapses += lapses
        if due <= now_ms:
            due_now += 1
        elif next_due is None or due < next_due:
            next_due = due
        day = bisect_right(day_edges, due)
        if day < DAYS_AHEAD:
            per_day[day] += 1
    return Dashboard(
        now, _lesson_standings(catalog, lessons),
        tuple((day_start(now).date() + timedelta(days=d), n) for d, n in enumerate(per_day)),
        _weeks(catalog, activity_rows, now, weeks), _weakest(catalog, concepts), due_now,
        None if next_due is None else from_ms(next_due).astimezone(now.tzinfo))


def _lesson_standings(catalog: Catalog, tallies: dict[str, _Tally]) -> tuple[LessonStanding, ...]:
    sizes: dict[str, int] = defaultdict(int)
    for card in catalog.cards:
        sizes[card.lesson] += 1
    standings = []
    for lesson, title in catalog.lesson_titles.items():
        tally = tallies.get(lesson, _Tally())
        recall = tally.recall / tally.reviewed if tally.reviewed else None
        standings.append(LessonStanding(lesson, title, sizes[lesson] - tally.reviewed, tally.learning,
                                        tally.reviewed - tally.learning, recall))
    return tuple(standings)


def _weakest(catalog: Catalog, tallies: dict[tuple[str, str], _Tally]) -> tuple[ConceptStanding, ...]:
    standings = [ConceptStanding(lesson, concept, catalog.concept_titles.get((lesson, concept), concept),
                                 t.recall / t.reviewed, t.reviewed, t.lapses)
                 for (lesson, concept), t in tallies.items()]
    standings.sort(key=lambda c: (c.average_recall, -c.lapses, c.lesson, c.concept))
    return tuple(standings[:WEAKEST])


def _weeks(catalog: Catalog, activity_rows: Iterable[tuple], now: datetime, weeks: int) -> tuple[WeekActivity, ...]:
    reviews, correct = [0] * weeks, [0] * weeks
    for key, bucket, count, right in activity_rows:
        if 0 <= bucket < weeks and key in catalog:
            reviews[bucket] += count
            correct[bucket] += right
    first = day_start(now).date() - timedelta(days=7 * weeks - 1)
    return tuple(WeekActivity(first + timedelta(days=7 * w), reviews[w], correct[w]) for w in range(weeks))


def format_dashboard(board: Dashboard) -> str:
    """The dashboard as plain-text tables for the terminal."""
    parts = [_table(("lesson", "new", "learning", "learned", "recall"),
                    [(s.title, s.new, s.learning, s.learned, _percent(s.average_recall)) for s in board.lessons]),
             _table(("day", "due"), [(_day_label(day, board.now.date()), n) for day, n in board.due_by_day]),
             _table(("week of", "reviews", "correct"),
                    [(f"{w.week_start:%a %d %b}", w.reviews, _percent(w.correct / w.reviews if w.reviews else None))
                     for w in board.activity])]
    if board.weakest:
        parts.append(_table(("weakest concepts", "lesson", "recall", "lapses"),
                            [(c.title, catalog_title(board, c.lesson), _percent(c.average_recall), c.lapses)
                             for c in board.weakest]))
    return "\n\n".join(parts)


def catalog_title(board: Dashboard, lesson: str) -> str:
    return next((s.title for s in board.lessons if s.lesson == lesson), lesson)


def _day_label(day: date, today: date) -> str:
    offset = (day - today).days
    return "today (and overdue)" if offset == 0 else "tomorrow" if offset == 1 else f"{day:%a %d %b}"


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _table(header: tuple[str, ...], rows: list[tuple]) -> str:
    cells = [header, *[tuple(str(c) for c in row) for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]

    def line(row: tuple[str, ...]) -> str:
        first, *rest = row
        return "  ".join([first.ljust(widths[0]), *(c.rjust(w) for c, w in zip(rest, widths[1:], strict=True))])

    return "\n".join([line(header), line(tuple("-" * w for w in widths)), *(line(r) for r in cells[1:])])
