"""Where the learner stands: pure aggregates over the store's rows, with `now` passed in.

Per lesson: cards new / learning / learned and the average predicted recall now; cards due on
each of the next 14 days; reviews per calendar week (Monday first); the concepts to revisit: those
missed in the last two weeks (most recent first), then those with the weakest recall. Cards whose
items left the course are not counted (their history stays in the store).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .catalog import Catalog
from .review import day_start
from .scheduler import from_ms, to_ms

DAYS_AHEAD = 14
WEEKS = 8
WEAKEST = 5
MISS_WINDOW = timedelta(days=14)  # a miss this recent puts its concept on the list to revisit
REVISIT_BELOW = 0.9  # predicted recall under which a concept is worth revisiting without a miss


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
    missed_at: datetime | None = None  # the latest miss within MISS_WINDOW


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
    activity: tuple[WeekActivity, ...]  # calendar weeks, oldest first; the last one holds today
    weakest: tuple[ConceptStanding, ...]
    due_now: int
    next_due: datetime | None  # the first card due after now


_Standing = tuple[str, str, int, int, float, int]


@dataclass(frozen=True)
class ProgressRows:
    """What the store reports for the dashboard (see `api.gather`), already limited to the catalog."""

    standings: list[_Standing]  # lesson, concept, reviewed, learning, recall sum, lapses
    due_soon: list[int]  # due times before the end of the 14-day window, overdue included
    activity: list[tuple[int, int]]  # (reviews, correct) per week of `week_edges`
    next_due: int | None  # the first due time after now
    misses: tuple[tuple[str, int], ...] = ()  # (card key, when) for each Again within MISS_WINDOW


def day_edges(now: datetime, days: int = DAYS_AHEAD) -> list[int]:
    """The starts of the local days after today, up to the end of the window (DST-correct)."""
    return [to_ms(day_start(now) + timedelta(days=d)) for d in range(1, days + 1)]


def week_edges(now: datetime, weeks: int = WEEKS) -> list[int]:
    """The starts of `weeks` calendar weeks (Monday first), the last one holding today, and the
    end of that week (DST-correct: each edge is a local midnight)."""
    monday = day_start(now).date() - timedelta(days=day_start(now).weekday() + 7 * (weeks - 1))
    return [to_ms(_midnight(monday + timedelta(days=7 * w), now)) for w in range(weeks + 1)]


def _midnight(day: date, now: datetime) -> datetime:
    return day_start(datetime(day.year, day.month, day.day, 12, tzinfo=now.tzinfo))


def summarize(catalog: Catalog, rows: ProgressRows, now: datetime) -> Dashboard:
    now_ms, edges = to_ms(now), day_edges(now)
    per_day = [0] * DAYS_AHEAD
    for due in rows.due_soon:
        per_day[bisect_right(edges, due)] += 1
    first_week = from_ms(week_edges(now, len(rows.activity))[0]).astimezone(now.tzinfo).date()
    return Dashboard(
        now, _lesson_standings(catalog, rows.standings),
        tuple((day_start(now).date() + timedelta(days=d), n) for d, n in enumerate(per_day)),
        tuple(WeekActivity(first_week + timedelta(days=7 * w), n, right)
              for w, (n, right) in enumerate(rows.activity)),
        _to_revisit(catalog, rows.standings, rows.misses, now), sum(due <= now_ms for due in rows.due_soon),
        None if rows.next_due is None else from_ms(rows.next_due).astimezone(now.tzinfo))


def _lesson_standings(catalog: Catalog, standings: list[_Standing]) -> tuple[LessonStanding, ...]:
    sizes: dict[str, int] = defaultdict(int)
    for card in catalog.cards:
        sizes[card.lesson] += 1
    reviewed: dict[str, tuple[int, int, float]] = {}
    for lesson, _, count, learning, recall, _ in standings:
        so_far = reviewed.get(lesson, (0, 0, 0.0))
        reviewed[lesson] = (so_far[0] + count, so_far[1] + learning, so_far[2] + recall)
    result = []
    for lesson, title in catalog.lesson_titles.items():
        count, learning, recall = reviewed.get(lesson, (0, 0, 0.0))
        result.append(LessonStanding(lesson, title, sizes[lesson] - count, learning, count - learning,
                                     recall / count if count else None))
    return tuple(result)


def _to_revisit(catalog: Catalog, standings: list[_Standing], misses: tuple[tuple[str, int], ...],
                now: datetime) -> tuple[ConceptStanding, ...]:
    """Concepts missed lately (latest first), then those whose recall has slipped (weakest first):
    a miss counts even when the scheduler, after one review, still predicts recall."""
    where = {card.key: (card.lesson, card.concept) for card in catalog.cards}
    missed: dict[tuple[str, str], int] = {}
    for key, at in misses:
        if key in where and at >= to_ms(now - MISS_WINDOW):
            missed[where[key]] = max(at, missed.get(where[key], at))
    concepts = [ConceptStanding(lesson, concept, catalog.concept_titles.get((lesson, concept), concept),
                                recall / count, count, lapses,
                                None if (lesson, concept) not in missed
                                else from_ms(missed[lesson, concept]).astimezone(now.tzinfo))
                for lesson, concept, count, _, recall, lapses in standings if count]
    concepts = [c for c in concepts if c.missed_at or c.average_recall < REVISIT_BELOW]
    concepts.sort(key=lambda c: (c.missed_at is None, -(c.missed_at or now).timestamp(), c.average_recall,
                                 -c.lapses, c.lesson, c.concept))
    return tuple(concepts[:WEAKEST])


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


def _table(header: tuple[str, ...], rows: list[tuple[object, ...]]) -> str:
    cells = [header, *[tuple(str(c) for c in row) for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]

    def line(row: tuple[str, ...]) -> str:
        first, *rest = row
        return "  ".join([first.ljust(widths[0]), *(c.rjust(w) for c, w in zip(rest, widths[1:], strict=True))])

    return "\n".join([line(header), line(tuple("-" * w for w in widths)), *(line(r) for r in cells[1:])])
