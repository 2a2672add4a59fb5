"""One card class per item kind: holds what the learner has given so far, turns their input into
an `Outcome` (grading is in `grading` and `session`), and describes what to show as plain data.

Each kind names its card class and its grading function in the kinds registry (`Kind.view`,
`Kind.grading`); the quiz finds both there (`card_for`, `Card.grade`), so a new kind needs no
table here. No widgets here. The browser view (`quiz.js`) draws `state()` and sends back actions
(`act("check", chosen=[...])`); tests call `act` the same way. Every piece of author text in a
state has passed the one sanitizer (`markdown.render`/`render_inline`); learner text is escaped.
"""

from __future__ import annotations

import html
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from ..events import Rating
from ..kinds import KINDS
from ..kinds.explain import Explain
from ..kinds.match import Match as MatchItem
from ..markdown import inline_images, render, render_inline
from ..model import CLOZE_PATTERN, Choice, Cloze, Flashcard, Order, Reflection
from . import grading, session
from .feedback import CLOSE, RIGHT, WRONG, backing, multi_hint, verdict, without_verdict
from .grading import Match
from .session import Outcome, Step

Clock = Callable[[], datetime]
State = dict[str, Any]


@dataclass
class Context:
    """What a card needs from the quiz around it."""

    clock: Clock
    submit: Callable[[Outcome], None]  # a graded answer, to record
    rng: random.Random = field(default_factory=random.Random)
    amend: Callable[[Outcome], None] | None = None  # replaces the answer just saved ("I was right")
    previous: str | None = None  # the learner's last response to this card (reflections show it)
    last_start: Sequence[int] = ()  # order items: the starting order shown last time


@dataclass(frozen=True)
class RatingChoice:
    rating: Rating
    label: str
    hint: str


RECALL = ("How well did you remember?", (
    RatingChoice(Rating.AGAIN, "Again", "I did not remember it"),
    RatingChoice(Rating.HARD, "Hard", "I remembered it with effort"),
    RatingChoice(Rating.GOOD, "Good", "I remembered it"),
    RatingChoice(Rating.EASY, "Easy", "I remembered it at once")))
# A reflection is not remembered but thought through: the learner rates their answer against the model.
COMPARE = ("How close was your answer to the model answer?", (
    RatingChoice(Rating.AGAIN, "Missed it", "My answer missed the main point"),
    RatingChoice(Rating.HARD, "Partly", "My answer had part of it"),
    RatingChoice(Rating.GOOD, "Mostly", "My answer had the main point"),
    RatingChoice(Rating.EASY, "Fully", "My answer had all of it")))


class Card:
    """Shared by every kind: timing, feedback, and dispatch of actions to `on_<action>` methods."""

    kind: ClassVar[str]
    # True: one step asks every card of an item (a cloze's blanks); else one step per card, an
    # item's later cards (a flashcard's reverse) after every first card of the session.
    one_step: ClassVar[bool] = False
    wants_previous: ClassVar[bool] = False  # show the learner's last response (`Context.previous`)
    start: Sequence[int] = ()  # a starting arrangement to vary next time (`Context.last_start`)

    def __init__(self, step: Step, context: Context):
        self.step, self.context = step, context
        self.shown_at = context.clock()
        self.outcome: Outcome | None = None
        self.feedback: State | None = None  # {"tone": right|wrong|close|neutral, "html": ...}
        self.notice = ""

    def act(self, action: str, **data: Any) -> None:
        handler = getattr(self, f"on_{action}", None)
        if handler is None:
            raise ValueError(f"a {self.kind} card has no action '{action}'")
        handler(**data)

    def state(self) -> State:
        return {"kind": self.kind, "answered": self.outcome is not None, "feedback": self.feedback,
                "notice": self.notice, **self.parts()}

    def parts(self) -> State:
        raise NotImplementedError

    def md(self, markdown_text: str, inline: bool = False) -> str:
        markup = render_inline(markdown_text) if inline else render(markdown_text)
        return inline_images(markup, self.step.media_dir) if self.step.media_dir else markup

    def grade(self, *given: Any) -> Outcome:
        """The learner's answer, graded by the function the kinds registry names for this kind."""
        grader = KINDS[self.step.item.kind].grader()
        return grader(self.step, *given, self.shown_at, self.context.clock())  # type: ignore[no-any-return]

    def explanation(self) -> str:
        return (f'<div class="ld-explanation"><strong>Why:</strong> {self.md(self.step.item.explanation)}</div>'
                + backing(self.step.item.evidence, self.step.source))

    def graded(self, outcome: Outcome, tone: str, headline: str, details: str = "") -> None:
        self.outcome = outcome
        self.feedback = {"tone": tone, "html": f"<p><strong>{headline}</strong></p>{details}{self.explanation()}"}
        self.context.submit(outcome)


class SelfGradedCard(Card):
    """Reveal, then rate yourself."""

    scale = RECALL

    def __init__(self, step: Step, context: Context):
        super().__init__(step, context)
        self.revealed = False

    def on_reveal(self) -> None:
        self.revealed = True

    def on_rate(self, rating: int) -> None:
        if not self.revealed or self.outcome is not None:
            return
        choice = next(c for c in self.scale[1] if c.rating == Rating(rating))
        outcome = self.answer(Rating(rating))
        self.outcome = outcome
        self.feedback = {"tone": "neutral", "html": f"<p>Graded <strong>{choice.label}</strong>.</p>"}
        self.context.submit(outcome)

    def answer(self, rating: Rating) -> Outcome:
        raise NotImplementedError

    def rating_parts(self) -> State:
        chosen = None if self.outcome is None else self.outcome.answers[0].rating
        return {"question": self.scale[0], "chosen": chosen,
                "choices": [{"value": int(c.rating), "label": c.label, "hint": c.hint} for c in self.scale[1]]}


class FlashcardCard(SelfGradedCard):
    """Recall, reveal, grade yourself. The reverse card asks the back and reveals the front."""

    kind = "flashcard"

    def parts(self) -> State:
        item = self.step.item
        assert isinstance(item, Flashcard)
        asked, hidden = (item.back, item.front) if self.step.reverse else (item.front, item.back)
        lead = "Recall what this answers:" if self.step.reverse else "Recall the answer, then reveal it."
        return {"lead": lead, "prompt": self.md(asked), "revealed": self.revealed,
                "answer": self.md(hidden) + self.explanation() if self.revealed else "",
                "reveal_label": "Show answer", "rating": self.rating_parts()}

    def answer(self, rating: Rating) -> Outcome:
        return self.grade(rating)


class ReflectionCard(SelfGradedCard):
    """Write an answer, compare it with a model answer, rate how close it came. What the learner
    wrote last time is shown again when the item comes back."""

    kind = "reflection"
    scale = COMPARE
    wants_previous = True

    def __init__(self, step: Step, context: Context):
        super().__init__(step, context)
        self.text = ""

    def on_reveal(self, text: str = "") -> None:
        self.text = text
        self.revealed = True

    def parts(self) -> State:
        item = self.step.item
        assert isinstance(item, Reflection)
        previous = self.context.previous
        model = f"<p><strong>A model answer:</strong></p>{self.md(item.model_answer)}{self.explanation()}"
        return {"prompt": self.md(item.prompt), "text": self.text, "revealed": self.revealed,
                "previous": html.escape(previous) if previous else "",
                "answer": model if self.revealed else "", "reveal_label": "Compare with a model answer",
                "rating": self.rating_parts()}

    def answer(self, rating: Rating) -> Outcome:
        return self.grade(self.text, rating)


class ClozeCard(Card):
    """Type the missing words; near misses count ("Close: the answer is …"); after a miss the
    learner may say "I was right", which replaces the saved miss with a pass."""

    kind = "cloze"
    one_step = True

    def __init__(self, step: Step, context: Context):
        super().__init__(step, context)
        item = step.item
        assert isinstance(item, Cloze)
        self.asked = [b for b in grading.blanks(item) if b.number in step.asked_numbers]
        self.typed = [""] * len(self.asked)
        self.matches: list[Match] = []
        self.overridden = False

    def on_check(self, typed: Sequence[str]) -> None:
        if self.outcome is not None:
            return
        self.typed = list(typed)
        self.matches = grading.blank_matches(self.step.item, self.asked, self.typed)  # type: ignore[arg-type]
        outcome = self.grade(self.typed)
        self.graded(outcome, *self._headline(outcome.correct), self._lines())

    def on_override(self) -> None:
        if self.outcome is None or self.outcome.correct or self.context.amend is None:
            return
        self.outcome, self.overridden = session.override(self.outcome, self.context.clock()), True
        self._describe(True)
        self.context.amend(self.outcome)

    def _describe(self, correct: bool) -> None:
        tone, headline = self._headline(correct)
        if self.overridden:
            tone, headline = "right", f"{RIGHT} Counted as right, as you said."
        self.feedback = {"tone": tone, "html": f"<p><strong>{headline}</strong></p>{self._lines()}{self.explanation()}"}

    def _headline(self, correct: bool) -> tuple[str, str]:
        if correct and Match.CLOSE in self.matches:
            return "close", f"{CLOSE} Close enough: counted as right."
        return verdict(correct)

    def _lines(self) -> str:
        lines = []
        for index, (blank, text, match) in enumerate(zip(self.asked, self.typed, self.matches, strict=True), 1):
            answer = render_inline(blank.answer)
            if match is Match.RIGHT:
                lines.append(f"<li>{RIGHT} Blank {index}: {answer}</li>")
            elif match is Match.CLOSE:
                lines.append(f"<li>{CLOSE} Blank {index}: close: the answer is <strong>{answer}</strong> "
                             f"(you wrote <em>{html.escape(text.strip())}</em>)</li>")
            else:
                wrote = html.escape(text.strip()) or "nothing"
                lines.append(f"<li>{WRONG} Blank {index}: you wrote <em>{wrote}</em>; "
                             f"the answer is <strong>{answer}</strong></li>")
        return f"<ul>{''.join(lines)}</ul>"

    def masked_text(self) -> str:
        """The text with each asked blank shown as `[ n ]` and other deletions filled in."""
        counter = iter(range(1, len(self.asked) + 1))

        def mask(match: re.Match[str]) -> str:
            return f"`[ {next(counter)} ]`" if int(match.group(1)) in self.step.asked_numbers else match.group(2)

        return CLOZE_PATTERN.sub(mask, self.step.item.text)  # type: ignore[union-attr]

    def parts(self) -> State:
        marks: list[str | None] = [m.value for m in self.matches] or [None] * len(self.asked)
        rows = enumerate(zip(self.asked, self.typed, marks, strict=True), 1)
        blanks = [{"label": f"Blank {i}", "placeholder": b.hint or "type the missing words", "value": text,
                   "mark": mark} for i, (b, text, mark) in rows]
        can_override = (self.outcome is not None and not self.outcome.correct and self.context.amend is not None)
        return {"prompt": self.md(self.masked_text()), "blanks": blanks, "can_override": can_override}


class ChoiceCard(Card):
    """One answer (a radio group) or all that apply (checkboxes); a scenario comes first. The
    options come in a new order each time the card is shown."""

    kind = "choice"

    def __init__(self, step: Step, context: Context):
        super().__init__(step, context)
        item = step.item
        assert isinstance(item, Choice)
        self.item = item
        self.options = grading.shuffled(item.options, context.rng)
        self.selected: list[str] = []

    def on_select(self, chosen: Sequence[str]) -> None:
        if self.outcome is None:
            known = {o.id for o in self.options}
            self.selected = [o for o in chosen if o in known][: None if self.item.multi else 1]
            self.notice = ""  # "Choose an option first." is answered by choosing

    def on_check(self, chosen: Sequence[str] | None = None) -> None:
        if chosen is not None:
            self.on_select(chosen)
        if self.outcome is not None:
            return
        if not self.selected:
            self.notice = "Choose an option first."
            return
        self.outcome = self.grade(self.selected)
        self.graded(self.outcome, *verdict(self.outcome.correct), self._option_feedback())

    def mark(self, option_id: str) -> str | None:
        if self.outcome is None:
            return None
        if option_id in self.selected:
            return "right" if option_id in self.item.correct else "wrong"
        return "missed" if option_id in self.item.correct else None

    def _option_feedback(self) -> str:
        label = {"right": f"{RIGHT} You chose:", "wrong": f"{WRONG} You chose:",
                 "missed": f"{RIGHT} {'Also right' if self.item.multi else 'The right answer'}:"}
        lines = [f'<li class="ld-{mark}">{label[mark]} {self.md(o.text, inline=True)}'
                 f"<div>{self.md(without_verdict(o.feedback))}</div></li>"
                 for o in self.options if (mark := self.mark(o.id))]
        return f'<ul class="ld-options">{"".join(lines)}</ul>'

    def parts(self) -> State:
        item = self.item
        options = [{"id": o.id, "html": self.md(o.text, inline=True), "selected": o.id in self.selected,
                    "mark": self.mark(o.id)} for o in self.options]
        return {"scenario": self.md(item.scenario) if item.scenario else "", "question": self.md(item.question),
                "hint": multi_hint(item.question) if item.multi else None, "multi": item.multi, "options": options}


class OrderCard(Card):
    """Put steps in order; each move is an action, so focus can follow the moved step."""

    kind = "order"

    def __init__(self, step: Step, context: Context):
        super().__init__(step, context)
        item = step.item
        assert isinstance(item, Order)
        self.item = item
        self.start = grading.starting_order(len(item.steps), context.rng, context.last_start)
        self.arranged = list(self.start)

    def on_move(self, position: int, offset: int) -> None:
        target = position + offset
        if self.outcome is None and 0 <= position < len(self.arranged) and 0 <= target < len(self.arranged):
            order = self.arranged
            order[position], order[target] = order[target], order[position]

    def on_check(self) -> None:
        if self.outcome is not None:
            return
        outcome = self.grade(self.arranged)
        right_order = "" if outcome.correct else "<p>The right order:</p><ol>" + "".join(
            f"<li>{self.md(text, inline=True)}</li>" for text in self.item.steps) + "</ol>"
        self.graded(outcome, *verdict(outcome.correct), right_order)

    def parts(self) -> State:
        marks = grading.step_verdicts(self.arranged) if self.outcome is not None else None
        rows = [{"step": index, "html": self.md(self.item.steps[index], inline=True),
                 "mark": None if marks is None else ("right" if marks[position] else "wrong")}
                for position, index in enumerate(self.arranged)]
        return {"prompt": self.md(self.item.prompt), "rows": rows}


class MatchCard(Card):
    """Match each left (a term, a case) with one of the rights, each from a list of them all (a
    select per row: keyboard and screen readers know it); graded and explained pair by pair. A
    review of one pair's card asks only that row."""

    kind = "match"
    one_step = True  # every pair of the item in one step, one Answer per pair

    def __init__(self, step: Step, context: Context):
        super().__init__(step, context)
        item = step.item
        assert isinstance(item, MatchItem)
        self.item = item
        self.rights = grading.shuffled(item.rights(), context.rng)  # a new order each time it is shown
        self.chosen: list[str | None] = [None] * len(step.ordinals)
        self.verdicts: dict[int, bool] = {}

    def on_check(self, chosen: Sequence[int | None]) -> None:
        """`chosen`: per asked row, the index of the right in the shown list, or None."""
        if self.outcome is not None:
            return
        picked = [self.rights[c] if c is not None and 0 <= c < len(self.rights) else None for c in chosen]
        if len(picked) != len(self.chosen) or None in picked:
            self.chosen = (picked + self.chosen)[:len(self.chosen)]
            self.notice = "Choose a match for every row first."
            return
        self.chosen, self.notice = picked, ""
        outcome = session.answer_match(self.step, picked, self.shown_at, self.context.clock())
        self.verdicts = {answer.card.ordinal: answer.correct for answer in outcome.answers}
        self.graded(outcome, *verdict(outcome.correct), self._lines())

    def _lines(self) -> str:
        lines = []
        for index, right in zip(self.step.ordinals, self.chosen, strict=True):
            pair = self.item.pairs[index]
            left = self.md(pair.left, inline=True)
            if self.verdicts[index]:
                lines.append(f"<li>{RIGHT} {left} → {self.md(pair.right, inline=True)}</li>")
            else:
                lines.append(f"<li>{WRONG} {left}: you chose <em>{self.md(right or '', inline=True)}</em>; "
                             f"it matches <strong>{self.md(pair.right, inline=True)}</strong></li>")
        return f"<ul>{''.join(lines)}</ul>"

    def parts(self) -> State:
        position = {right: number for number, right in enumerate(self.rights)}
        rows = [{"left": self.md(self.item.pairs[index].left, inline=True),
                 "value": None if right is None else position[right],
                 "mark": None if index not in self.verdicts else ("right" if self.verdicts[index] else "wrong")}
                for index, right in zip(self.step.ordinals, self.chosen, strict=True)]
        return {"prompt": self.md(self.item.prompt), "rows": rows,
                "rights": [self.md(right, inline=True) for right in self.rights]}


class ExplainCard(Card):
    """Explain it back: write an explanation, then tick the rubric points it made. The grade is
    the share of points hit (`grading.explain_rating`), which the learner sees before moving on."""

    kind = "explain"

    def __init__(self, step: Step, context: Context):
        super().__init__(step, context)
        item = step.item
        assert isinstance(item, Explain)
        self.item = item
        self.text = ""
        self.revealed = False
        self.ticked: list[int] = []

    def on_reveal(self, text: str = "") -> None:
        if self.outcome is None:
            self.text, self.revealed = text, True

    def on_grade(self, ticked: Sequence[int]) -> None:
        if not self.revealed or self.outcome is not None:
            return
        self.ticked = sorted({i for i in ticked if 0 <= i < len(self.item.rubric)})
        outcome = session.answer_explain(self.step, self.text, self.ticked, self.shown_at, self.context.clock())
        rating = outcome.answers[0].rating
        hit, total = len(self.ticked), len(self.item.rubric)
        label = {Rating.GOOD: "Good", Rating.HARD: "Hard", Rating.AGAIN: "Again"}[rating]
        tone = {Rating.GOOD: "right", Rating.HARD: "close", Rating.AGAIN: "wrong"}[rating]
        self.graded(outcome, tone, f"{hit} of {total} points: graded {label}.")

    def parts(self) -> State:
        points = [{"html": self.md(point, inline=True), "ticked": index in self.ticked}
                  for index, point in enumerate(self.item.rubric)]
        return {"prompt": self.md(self.item.prompt), "text": self.text, "revealed": self.revealed,
                "points": points if self.revealed else [], "question": "Which points did your explanation make?",
                "reveal_label": "Check against the rubric"}


def card_class(kind: str) -> type[Card]:
    """The card class the kinds registry names for `kind`."""
    return KINDS[kind].view_class()  # type: ignore[no-any-return]


def card_for(step: Step, context: Context) -> Card:
    return card_class(step.item.kind)(step, context)


def html_block(markup: str, *classes: str) -> Any:  # an ipywidgets.HTML (the package ships no types)
    """An ipywidgets HTML block, for views placed around a quiz (the review's status line)."""
    import ipywidgets as widgets

    block = widgets.HTML(value=markup, layout=widgets.Layout(width="100%"))
    for name in classes:
        block.add_class(name)
    return block
