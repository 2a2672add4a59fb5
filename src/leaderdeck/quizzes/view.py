"""The quiz as a widget: progress ("4 of 12"), the current card, a summary, and a retry button.

`QuizView` holds a pure `Session` and replaces it with each outcome; every `Answer` goes to the
`on_answer` handler as soon as it is given. If the handler cannot take it (a locked or damaged
progress store raises `LeaderdeckError`), the answer is kept, the reason is shown with a "Save
again" button, and the quiz goes on: no answer is dropped silently. It is the only place the real
clock is read.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from functools import cache
from importlib import resources

import ipywidgets as widgets

from ..errors import LeaderdeckError
from ..events import Answer, AnswerHandler
from ..markdown import render_inline
from ..model import CLOZE_PATTERN
from .cards import FULL_WIDTH, RIGHT, WRONG, CardView, Clock, button, card_view, html_block, plain
from .session import Outcome, Session


def utc_now() -> datetime:
    return datetime.now(UTC)


@cache
def stylesheet() -> str:
    return resources.files(__package__).joinpath("quiz.css").read_text(encoding="utf-8")


class QuizView:
    """Displays as its widget (`display(view)` or as a cell's last value)."""

    def __init__(self, session: Session, on_answer: AnswerHandler, *, title: str = "",
                 clock: Clock = utc_now):
        self.session, self.on_answer, self.clock = session, on_answer, clock
        self.progress = widgets.Label(layout=widgets.Layout(width="auto"))
        self.progress.add_class("ld-progress")
        self.body = widgets.VBox(layout=FULL_WIDTH)
        self.next_button = button("Next", "Go to the next question", "ld-primary")
        self.next_button.on_click(lambda _: self._show_current())
        self.next_button.layout.display = "none"
        self.retry_button = button("Retry missed", "Ask again the questions you missed", "ld-primary")
        self.retry_button.on_click(lambda _: self.retry_missed())
        self.unsaved: list[Answer] = []
        self.save_problem = html_block("", "ld-feedback", "ld-wrong")
        self.save_button = button("Save again", "Try again to save the answers that were not saved", "ld-primary")
        self.save_button.on_click(lambda _: self._deliver())
        self.save_area = widgets.VBox(layout=FULL_WIDTH)
        header = [html_block(f"<style>{stylesheet()}</style>", "ld-style")]
        header += [html_block(f'<p class="ld-title">Quiz: {render_inline(title)}</p>')] if title else []
        self.widget = widgets.VBox([*header, self.progress, self.save_area, self.body], layout=FULL_WIDTH)
        self.widget.add_class("ld-quiz")
        self.card: CardView | None = None
        self._show_current()

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def _show_current(self) -> None:
        step = self.session.current
        if step is None:
            self._show_summary()
            return
        self.progress.value = f"Question {self.session.progress}"
        self.card = card_view(step, self.clock, self._answered)
        self.next_button.layout.display = "none"
        self.body.children = (self.card.widget, self.next_button)

    def _answered(self, outcome: Outcome) -> None:
        self.session = self.session.record(outcome)
        self.unsaved += outcome.answers
        self._deliver()
        last = self.session.finished
        self.next_button.description = "See your results" if last else "Next"
        self.next_button.layout.display = None

    def _deliver(self) -> None:
        """Hand every kept answer to `on_answer`, oldest first; stop at the first refusal."""
        try:
            while self.unsaved:
                self.on_answer(self.unsaved[0])
                self.unsaved.pop(0)
        except LeaderdeckError as error:
            count = len(self.unsaved)
            self.save_problem.value = (f"<p><strong>{WRONG} {count} answer{'s' * (count != 1)} not saved "
                                       f"yet</strong> (kept until saved): {html.escape(str(error))}</p>")
            self.save_area.children = (self.save_problem, self.save_button)
        else:
            self.save_area.children = ()

    def _show_summary(self) -> None:
        summary = self.session.summary()
        self.card = None
        self.progress.value = f"Done: {summary}"
        missed = "".join(f"<li>{WRONG} {self._describe(step.item)}</li>" for step in summary.missed)
        text = (f"<p><strong>{RIGHT if not summary.missed else ''} You got {summary.right} of {summary.total} "
                f"right.</strong></p>")
        text += f"<p>To practise again:</p><ul>{missed}</ul>" if missed else "<p>Nothing to retry. Well done.</p>"
        self.retry_button.description = f"Retry missed ({len(summary.missed)})"
        controls = (self.retry_button,) if summary.missed else ()
        self.body.children = (html_block(text, "ld-summary"), *controls)

    @staticmethod
    def _describe(item) -> str:
        """A short plain-text reminder of a question, for the list of missed ones."""
        text = next(getattr(item, f) for f in ("front", "question", "prompt", "text") if hasattr(item, f))
        words = plain(CLOZE_PATTERN.sub("[…]", " ".join(text.split())))
        return html.escape(words if len(words) < 120 else words[:117] + "…")

    def retry_missed(self) -> None:
        if not self.session.finished:
            return  # a second click on "Retry missed": the retry is already under way
        self.session = self.session.retry_missed()
        self._show_current()
