"""The start page's dashboard: readable when empty, in both themes, and pointing at what to study."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

from leaderdeck.progress import api
from leaderdeck.progress.dashboard_view import dashboard_html, due_chart_svg
from leaderdeck.progress.scheduler import from_ms
from leaderdeck.progress.stats import week_edges

from .conftest import T0, answer, days, key, small_catalog


def test_an_empty_store_has_no_negative_axis_and_points_at_lessons_and_the_review(store):
    board = api.dashboard_of(store, small_catalog(), T0)
    chart = due_chart_svg(board)
    numbers = re.findall(r">(-?\d+(?:\.\d+)?)<", chart)
    assert numbers == ["0", "1"]  # the axis: 0 at the bottom, 1 at the top; no bars, no negatives
    page = dashboard_html(board)
    assert '<a href="review.ipynb">today\'s review</a>' in page
    assert '<a href="01-doors.ipynb">Doors</a>' in page and '<a href="02-trust.ipynb">Trust</a>' in page
    assert "✓" not in page


def test_the_chart_is_svg_in_the_themes_colours_not_a_white_picture(store):
    store.record(answer(key("pick"), True, T0))
    chart = due_chart_svg(api.dashboard_of(store, small_catalog(), T0 + days(1)))
    assert chart.count("<svg") == 1 and "<img" not in chart and "background:transparent" in chart
    assert "fill:currentColor" in chart and "var(--jp-brand-color1" in chart
    assert "#fff" not in chart.lower() and "white" not in chart


def test_a_finished_lesson_gets_a_mark(store):
    for item in ("steps", "think"):
        store.record(answer(key(item, 0, "trust"), True, T0))
    page = dashboard_html(api.dashboard_of(store, small_catalog(), T0 + timedelta(hours=1)))
    trust_row = next(row for row in page.split("<tr>") if "02-trust.ipynb" in row)
    assert "✓" in trust_row and "2 of 2 cards" in trust_row
    doors_row = next(row for row in page.split("<tr>") if "01-doors.ipynb" in row)
    assert "✓" not in doors_row and "0 of 5 cards" in doors_row


def test_a_recent_miss_ranks_first_even_when_recall_is_predicted_high(store):
    for item in ("define", "pick"):
        store.record(answer(key(item), True, T0))
    store.record(answer(key("steps", 0, "trust"), False, T0 + timedelta(minutes=5), kind="order"))
    store.record(answer(key("steps", 0, "trust"), True, T0 + timedelta(minutes=6), kind="order"))
    board = api.dashboard_of(store, small_catalog(), T0 + timedelta(hours=2))
    first = board.weakest[0]
    assert (first.lesson, first.concept) == ("trust", "five-cs") and first.missed_at is not None
    page = dashboard_html(board)
    assert "<td>Five C's</td><td>Trust</td><td>missed today</td>" in page
    later = api.dashboard_of(store, small_catalog(), T0 + days(20))
    assert all(c.missed_at is None for c in later.weakest)  # an old miss no longer counts as recent


def test_weeks_are_calendar_weeks_starting_on_monday():
    now = T0.astimezone(ZoneInfo("Europe/Berlin")) + days(3)  # a Thursday
    edges = [from_ms(e).astimezone(now.tzinfo) for e in week_edges(now)]
    assert all(e.weekday() == 0 and (e.hour, e.minute) == (0, 0) for e in edges)
    assert edges[-2] <= now < edges[-1]


def test_weekly_rows_are_labelled_by_their_monday(store):
    store.record(answer(key("pick"), True, T0 + days(2)))
    board = api.dashboard_of(store, small_catalog(), T0 + days(3))
    assert all(w.week_start.weekday() == 0 for w in board.activity)
    assert board.activity[-1].reviews == 1
