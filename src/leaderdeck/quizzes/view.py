"""The quiz as a widget: progress, the current card, a summary and retries, drawn by `quiz.js`.

`QuizView` is the outer layer: it reads the clock, holds a pure `Session` (replaced with each
outcome), asks the progress store where the learner stands, and hands every `Answer` to
`on_answer`. The browser side (`QuizWidget`, an anywidget: one ES module and its CSS) draws
`state` and sends the learner's input back as actions; it computes nothing.

Answers are saved when given, a missed one too: "I was right" afterwards saves a correction that
replaces it (`Answer.replaces`), so the store counts one review per card and a kernel that dies
in between loses nothing the learner was shown as answered. If the handler
cannot take an answer (a locked or damaged store raises `LeaderdeckError`), the answer is kept,
the reason is shown with "Save again", and the quiz goes on: no answer is dropped silently. An
answer the handler will never take (`AnswerRefused`: "I was right" more than 30 minutes after the
answer) is dropped with the reason shown, so it neither loops under "Save again" nor holds up the
answers after it.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from typing import Any, Protocol

from ..errors import LeaderdeckError
from ..events import Answer, AnswerHandler, AnswerRefused
from ..identity import CardKey
from ..markdown import render_inline
from ..model import CLOZE_PATTERN, Item
from .cards import Card, Clock, Context, State, card_class, card_for
from .feedback import answered_today, describe_next_review
from .grading import plain_text
from .session import CardStanding, Outcome, Session, Step, replacements, resume


class ProgressLookup(Protocol):
    """What the quiz asks the progress store (see `leaderdeck.quizzes.standing`)."""

    def standing(self, cards: Sequence[CardKey]) -> Mapping[CardKey, CardStanding]: ...

    def last_response(self, card: CardKey) -> str | None: ...


def utc_now() -> datetime:
    return datetime.now(UTC)


def local_day_start(now: datetime) -> datetime:
    """Midnight of the learner's day (the machine's time zone)."""
    return now.astimezone().replace(hour=0, minute=0, second=0, microsecond=0)


@cache
def asset(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def stylesheet() -> str:
    return asset("quiz.css")


@cache
def widget_class() -> type:
    """The anywidget class, made on first use so `import leaderdeck` stays free of it."""
    import anywidget
    import traitlets

    class QuizWidget(anywidget.AnyWidget):
        _esm = asset("quiz.js")
        _css = asset("quiz.css")
        state = traitlets.Dict().tag(sync=True)

    return QuizWidget


QUIZ_ACTIONS = ("next", "retry", "practise", "save")


class QuizView:
    """Displays as its widget (`display(view)` or as a cell's last value).

    `act(action, **data)` is the one way in, for the browser and for tests alike."""

    def __init__(self, session: Session, on_answer: AnswerHandler, *, title: str = "", clock: Clock = utc_now,
                 rng: random.Random | None = None, progress: ProgressLookup | None = None,
                 day_start: Callable[[datetime], datetime] = local_day_start):
        self.on_answer, self.clock, self.progress = on_answer, clock, progress
        self.rng = rng if rng is not None else random.Random()
        self.title = title
        self.all_steps = session.steps
        self.unsaved: list[Answer] = []
        self.save_problem = ""  # why the kept answers are not saved yet
        self.refused = ""  # why an answer was dropped, shown until the next answer is saved
        self.next_review = ""
        self.starts: dict[Any, list[int]] = {}
        self.card: Card | None = None
        self.shown = 0  # cards shown so far: the browser keeps a draft answer per card
        self.resumed = ""
        self.skipped: tuple[Step, ...] = ()  # answered today, so not asked; "Practise again" offers them
        self.widget = widget_class()()
        self.widget.add_class("ld-quiz-widget")
        self.widget.on_msg(self._on_message)
        self.session = self._resumed(session, day_start)
        self._show_current()

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        bundle = self.widget._repr_mimebundle_(**kwargs)
        data, metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
        data["text/plain"] = f"Quiz: {plain_text(self.title) or 'questions'} ({len(self.all_steps)} to answer)"
        return data, metadata

    # --- input ---------------------------------------------------------------------------------

    def _on_message(self, _widget: Any, content: dict[str, Any], _buffers: Any) -> None:
        data = dict(content)
        self.act(str(data.pop("action", "")), **data)

    def act(self, action: str, **data: Any) -> None:
        if action in QUIZ_ACTIONS:
            getattr(self, action)()
        elif self.card is not None:
            self.card.act(action, **data)
        self._publish()

    def next(self) -> None:
        if self.card is not None and self.card.outcome is not None:
            self._show_current()

    def retry(self) -> None:
        if self.session.finished and self.session.summary().missed:
            self.session = self.session.retry_missed()
            self._show_current()

    def practise(self) -> None:
        """Ask the steps skipped as answered today, then those this session has not asked yet."""
        if not self.skipped:
            return
        skipped, self.skipped, self.resumed = self.skipped, (), ""
        self.session = Session((*skipped, *self.session.steps[self.session.position:]))
        self._show_current()

    def save(self) -> None:
        self._deliver()

    # --- answers -------------------------------------------------------------------------------

    def _answered(self, outcome: Outcome) -> None:
        self.session = self.session.record(outcome)
        self._save(outcome.answers)

    def _amend(self, outcome: Outcome) -> None:
        amended = self.session.amend_last(outcome)
        self._save(replacements(outcome))
        if not self.refused:  # refused for good: the session counts what the store counts
            self.session = amended

    def _save(self, answers: Sequence[Answer]) -> None:
        self.unsaved += answers
        self.refused = ""
        if self._deliver() and not self.refused:  # a refused answer schedules nothing
            self.next_review = self._next_review([answer.card for answer in answers])

    def _deliver(self) -> bool:
        """Hand every kept answer to `on_answer`, oldest first; stop at the first passing refusal.
        An answer refused for good is dropped, and the learner told why."""
        try:
            while self.unsaved:
                try:
                    self.on_answer(self.unsaved[0])
                except AnswerRefused as error:
                    self.refused = f"Not saved, and saving again cannot help: {error}."
                self.unsaved.pop(0)
        except LeaderdeckError as error:
            count = len(self.unsaved)
            self.save_problem = f"{count} answer{'s' * (count != 1)} not saved yet (kept until saved): {error}"
            return False
        self.save_problem = ""
        return True

    def _next_review(self, cards: Sequence[CardKey]) -> str:
        if self.progress is None:
            return ""
        try:
            dues = [s.due for s in self.progress.standing(cards).values()]
        except LeaderdeckError:
            return ""
        return describe_next_review(min(dues), self.clock()) + "." if dues else ""

    # --- what to show --------------------------------------------------------------------------

    def _resumed(self, session: Session, day_start: Callable[[datetime], datetime]) -> Session:
        """Start where the learner stands: what is due first, skipping what was answered today."""
        if self.progress is None or session.outcomes:
            return session
        try:
            standing = self.progress.standing([card for step in session.steps for card in step.cards])
        except LeaderdeckError:
            return session  # the first answer will show what is wrong with the store
        now = self.clock()
        asked, done = resume(session.steps, standing, day_start(now), now)
        self.skipped = done
        if done:
            dues = [standing[card].due for step in done for card in step.cards]
            self.resumed = answered_today(len(done), min(dues), now)
        return Session(asked)

    def _show_current(self) -> None:
        self.next_review = ""
        self.shown += 1
        step = self.session.current
        self.card = None if step is None else card_for(step, self._context(step))
        if self.card is not None and self.card.start:
            self.starts[self.card.step.note] = list(self.card.start)
        self._publish()

    def _context(self, step: Step) -> Context:
        previous = None
        if self.progress is not None and card_class(step.item.kind).wants_previous:
            try:
                previous = self.progress.last_response(step.cards[0])
            except LeaderdeckError:
                previous = None
        return Context(self.clock, self._answered, self.rng, amend=self._amend,
                       previous=previous, last_start=self.starts.get(step.note, ()))

    def state(self) -> State:
        card, total = self.card, len(self.session.steps)
        progress = None
        if card is not None:  # the card on screen: once answered, the session is already one further
            current = self.session.position + (0 if card.outcome is not None else 1)
            progress = {"current": current, "total": total, "text": f"Question {current} of {total}"}
        return {"title": render_inline(self.title) if self.title else "", "progress": progress,
                "origin": card.step.origin if card is not None else "",
                "card": {**card.state(), "key": self.shown} if card is not None else None,
                "next_label": self._next_label(), "next_review": self.next_review,
                "summary": self._summary() if card is None and total else None,
                "resume": {"text": self.resumed, "practise": True} if self.resumed else None,
                "save": self._save_state()}

    def _save_state(self) -> State | None:
        """What the learner must know about saving: answers kept ("Save again") or dropped."""
        text = " ".join(t for t in (self.refused, self.save_problem) if t)
        return {"text": text, "retry": bool(self.unsaved)} if text else None

    def _next_label(self) -> str | None:
        if self.card is None or self.card.outcome is None:
            return None
        return "See your results" if self.session.finished else "Next"

    def _summary(self) -> State:
        summary = self.session.summary()
        return {"right": summary.right, "total": summary.total,
                "missed": [describe(step.item) for step in summary.missed],
                "retry_label": f"Retry missed ({len(summary.missed)})" if summary.missed else None}

    def _publish(self) -> None:
        self.widget.state = self.state()


def describe(item: Item) -> str:
    """A short plain-text reminder of a question, for the list of missed ones."""
    text = next(getattr(item, f) for f in ("front", "question", "prompt", "text") if hasattr(item, f))
    words = plain_text(CLOZE_PATTERN.sub("[…]", " ".join(text.split())))
    return words if len(words) < 120 else words[:117] + "…"
