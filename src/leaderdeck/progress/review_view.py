"""Today's review as a widget: a status line over the lessons' own quiz widget.

Answers go to the store as they are given. If one cannot be stored (a locked or damaged store),
the quiz keeps it, shows why and offers to save it again (see `QuizView`).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime
from typing import Any

import ipywidgets as widgets

from ..errors import LeaderdeckError
from ..events import Answer
from ..identity import CardKey
from ..model import Course
from ..quizzes.cards import html_block
from ..quizzes.session import Session, card_steps
from ..quizzes.view import QuizView
from .catalog import Catalog
from .review import review_status, todays_queue
from .scheduler import to_ms
from .store import ProgressStore


class ReviewView:
    """Displays as its widget; `status` holds the line of text shown above the quiz."""

    def __init__(self, course: Course, catalog: Catalog, store: ProgressStore, *, new_per_day: int,
                 clock: Callable[[], datetime]):
        self.store, self.catalog, self.clock = store, catalog, clock
        self.queue = todays_queue(store, catalog, clock(), new_per_day=new_per_day)
        self.answered: set[str] = set()  # cards answered at least once (retries do not count twice)
        self.status_line = html_block("", "ld-review-status")
        self.quiz: QuizView | None = None
        parts: list[widgets.Widget] = [self.status_line]
        if self.queue:
            steps = card_steps(course, [CardKey.parse(q.card.key) for q in self.queue])
            self.quiz = QuizView(Session(steps), self._record, title="Today's review")
            parts.append(self.quiz.widget)
        self.widget = widgets.VBox(parts)
        self._show_status()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:  # ipywidgets' bundle (it ships no types)
        return self.widget._repr_mimebundle_(**kwargs)

    @property
    def status(self) -> str:
        now = self.clock()
        try:
            next_due = self.store.next_due(to_ms(now), present=self.catalog)
        except LeaderdeckError:
            next_due = None  # the quiz shows what is wrong with the store; the count still helps
        moment = None if next_due is None else datetime.fromtimestamp(next_due / 1000, now.tzinfo)
        new = sum(q.is_new for q in self.queue)
        return review_status(len(self.queue), new, len(self.answered), moment, now)

    def _record(self, answer: Answer) -> None:
        """Store one answer. A `LeaderdeckError` reaches the quiz, which keeps the answer."""
        self.answered.add(str(answer.card))
        try:
            self.store.record(answer)
        finally:
            self._show_status()

    def _show_status(self) -> None:
        self.status_line.value = f"<p><strong>{html.escape(self.status)}</strong></p>"
