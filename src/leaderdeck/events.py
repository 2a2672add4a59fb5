"""What a quiz tells the rest of the system when a learner answers: one `Answer` per card.

The quiz widgets produce these; the progress store records them. Neither knows the other: a
quiz is given a callback (`on_answer`), so the store can change without the widgets changing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import IntEnum

from .errors import LeaderdeckError
from .identity import CardKey


class Rating(IntEnum):
    """Anki's and FSRS's four grades. Auto-graded answers use only AGAIN (wrong) and GOOD (right)."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4


@dataclass(frozen=True)
class Answer:
    card: CardKey
    kind: str  # the item kind: flashcard, cloze, choice, order, reflection
    correct: bool  # for self-graded kinds: any rating but AGAIN
    rating: Rating
    duration_ms: int  # from the item being shown to the answer
    answered_at: datetime  # timezone-aware, UTC
    response: str = ""  # what the learner gave: chosen option ids, typed text, order of steps
    # "I was right": this answer replaces the learner's answer to the same card given at this time,
    # already stored; the store keeps both rows and counts only this one (`ProgressStore.record`).
    replaces: datetime | None = None

    def __post_init__(self) -> None:
        if self.answered_at.tzinfo is None or self.answered_at.utcoffset() != UTC.utcoffset(None):
            raise ValueError("answered_at must be a UTC datetime")
        if self.replaces is not None and not self.replaces <= self.answered_at:
            raise ValueError("an answer can only replace an earlier one")


AnswerHandler = Callable[[Answer], None]


class AnswerRefused(LeaderdeckError):
    """An answer handler will never take this answer, however often it is given again (a
    correction that came too late): the quiz says so and drops it. Any other `LeaderdeckError`
    (a locked store) is passing, and the answer is kept to be saved again."""


def graded(correct: bool) -> Rating:
    """The rating for an automatically graded answer: wrong is AGAIN (never HARD), right is GOOD."""
    return Rating.GOOD if correct else Rating.AGAIN
