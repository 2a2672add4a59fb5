"""Feedback wording (defect 5): the verdict is said once and never beside its opposite."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from leaderdeck.quizzes import feedback as f


@pytest.mark.parametrize("written, shown", [
    ("Right. Reversible choices deserve speed.", "Reversible choices deserve speed."),
    ("Right, it is reversible.", "It is reversible."),
    ("No, that one is permanent.", "That one is permanent."),
    ("Correct! Well spotted.", "Well spotted."),
    ("Not quite: it can be undone.", "It can be undone."),
    ("Rightly so, it is cheap.", "Rightly so, it is cheap."),
    ("Yes.", "Yes."),
    ("Nobody can undo it.", "Nobody can undo it."),
])
def test_an_options_own_verdict_is_dropped(written, shown):
    assert f.without_verdict(written) == shown


def test_choose_all_that_apply_is_said_once():
    assert f.multi_hint("Which describe one-way doors?") == "Choose all that apply."
    assert f.multi_hint("Which describe one-way doors? Choose all that apply.") is None


def test_next_review_in_days():
    now = datetime(2025, 3, 1, 9, tzinfo=UTC)
    assert f.describe_next_review(now + timedelta(days=3, hours=2), now) == "Next review in 3 days"
    assert f.describe_next_review(now + timedelta(days=1), now) == "Next review tomorrow"
    assert f.describe_next_review(now + timedelta(minutes=10), now) == "Next review in 10 minutes"
    assert f.answered_today(3, now + timedelta(days=2), now) == "3 answered today · next review in 2 days"
