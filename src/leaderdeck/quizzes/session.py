"""A quiz session as pure values: the steps to ask, the answers so far, progress and summary.

A *step* is one question shown to the learner. It usually asks one card; a kind whose card class
says `one_step` (cloze) asks every card of an item at once (one text box per blank) and yields
one `Answer` per card. Otherwise an item's later cards (a reversed flashcard's back → front card,
ordinal 1) are steps of their own, asked after all the first steps of the session, so the
learner is not shown the answer a moment earlier. Each kind's card class is found through the
kinds registry, so no kind is named here but in its own grading function.

Every function takes `now` from the caller; nothing here reads the clock or global randomness.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from ..errors import LeaderdeckError
from ..events import Answer, Rating, graded
from ..identity import CardKey, NoteKey, item_key, item_key_text
from ..kinds.explain import Explain
from ..kinds.match import Match
from ..model import Choice, Cloze, Course, Item, Lesson, Order
from . import grading


@dataclass(frozen=True)
class Step:
    note: NoteKey
    item: Item
    ordinals: tuple[int, ...]  # the cards this step asks; a flashcard's reverse card is (1,)
    media_dir: Path | None = None  # the lessons folder, where the item's images live
    origin: str = ""  # in a review across lessons: the title of the lesson the card comes from
    source: str = ""  # the title of the item's source (never its file name), shown with its evidence

    @property
    def cards(self) -> tuple[CardKey, ...]:
        return tuple(CardKey(self.note, ordinal) for ordinal in self.ordinals)

    @property
    def reverse(self) -> bool:
        """A later card of an item asked one card per step (a flashcard's back → front card)."""
        return self.ordinals[0] > 0 and not _one_step(self.item)

    @property
    def asked_numbers(self) -> tuple[int, ...]:
        """For a cloze step: the deletion numbers the learner types (others are shown filled in)."""
        return tuple(ordinal + 1 for ordinal in self.ordinals)


@dataclass(frozen=True)
class Outcome:
    step: Step
    correct: bool
    answers: tuple[Answer, ...]


def lesson_steps(course: Course, lesson_id: str, concept: str | None = None) -> tuple[Step, ...]:
    """Every card of a lesson (or of one concept in it), forward steps first, then reverse ones."""
    lesson = find_lesson(course, lesson_id)
    items = [item for item in lesson.items if concept is None or item.concept == concept]
    if concept is not None and not items:
        known = sorted({item.concept for item in lesson.items})
        raise LeaderdeckError(f"lesson '{lesson_id}' has no quiz items for concept '{concept}'"
                              + _did_you_mean(concept, known))
    forward, reverse = [], []
    for item in items:
        note, ordinals = item_key(course.id, lesson.id, item.id, item.moved_from), item.card_ordinals()
        step = Step(note, item, ordinals, course.lessons_dir, source=course.source_title(item.source))
        if _one_step(item):
            forward.append(step)
            continue
        forward.append(replace(step, ordinals=ordinals[:1]))
        reverse += [replace(step, ordinals=(ordinal,)) for ordinal in ordinals[1:]]
    return tuple(forward + reverse)


def _one_step(item: Item) -> bool:
    """Whether the kind's card class asks all of an item's cards in one step (kinds registry)."""
    from ..kinds import KINDS

    return bool(getattr(KINDS[item.kind].view_class(), "one_step", False))


def card_steps(course: Course, cards: Sequence[CardKey]) -> tuple[Step, ...]:
    """One step per card, in the given order: for reviewing due cards across lessons."""
    steps = []
    homes = _items_by_key(course)
    for card in cards:
        found = homes.get(str(card.note))
        if found is None:  # not in the course: name the lesson or item the key points at
            _find_item(find_lesson(course, card.note.lesson), card.note.item)
            raise LeaderdeckError(f"no item has the key '{card.note}'")
        lesson, item = found
        if card.ordinal not in item.card_ordinals():
            raise LeaderdeckError(f"item '{card.note.item}' has no card {card.ordinal}")
        steps.append(Step(card.note, item, (card.ordinal,), course.lessons_dir, origin=lesson.title,
                          source=course.source_title(item.source)))
    return tuple(steps)


def _items_by_key(course: Course) -> dict[str, tuple[Lesson, Item]]:
    """Note key text → the lesson an item is in now, and the item (a moved item's key names the
    lesson it was first published in, `moved_from`)."""
    return {item_key_text(course.id, lesson.id, item.id, item.moved_from): (lesson, item)
            for lesson in course.lessons for item in lesson.items}


def find_lesson(course: Course, lesson_id: str) -> Lesson:
    ids = [lesson.id for lesson in course.lessons]
    if lesson_id not in ids:
        raise LeaderdeckError(f"no lesson '{lesson_id}' in the course" + _did_you_mean(lesson_id, ids))
    return course.lesson(lesson_id)


def _find_item(lesson: Lesson, item_id: str) -> Item:
    item = next((item for item in lesson.items if item.id == item_id), None)
    if item is None:
        ids = [item.id for item in lesson.items]
        raise LeaderdeckError(f"lesson '{lesson.id}' has no item '{item_id}'" + _did_you_mean(item_id, ids))
    return item


def _did_you_mean(word: str, choices: Sequence[str]) -> str:
    from ..validate import did_you_mean

    return did_you_mean(word, choices)


# --- answering: one function per kind, each returns an Outcome ---------------------------------


def _answer(step: Step, ordinal: int, correct: bool, rating: Rating, shown_at: datetime,
            now: datetime, response: str) -> Answer:
    duration_ms = max(0, round((now - shown_at).total_seconds() * 1000))
    return Answer(CardKey(step.note, ordinal), step.item.kind, correct, rating, duration_ms, now, response)


def answer_flashcard(step: Step, rating: Rating, shown_at: datetime, now: datetime) -> Outcome:
    correct = rating != Rating.AGAIN
    return Outcome(step, correct, (_answer(step, step.ordinals[0], correct, rating, shown_at, now, ""),))


def answer_reflection(step: Step, text: str, rating: Rating, shown_at: datetime, now: datetime) -> Outcome:
    """Self-graded after comparing with the model answer; the learner's own text is kept."""
    correct = rating != Rating.AGAIN
    return Outcome(step, correct, (_answer(step, 0, correct, rating, shown_at, now, text),))


def answer_choice(step: Step, chosen: Sequence[str], shown_at: datetime, now: datetime) -> Outcome:
    assert isinstance(step.item, Choice)
    correct = grading.grade_choice(step.item, chosen)
    response = ",".join(o.id for o in step.item.options if o.id in chosen)
    return Outcome(step, correct, (_answer(step, 0, correct, graded(correct), shown_at, now, response),))


def answer_order(step: Step, arranged: Sequence[int], shown_at: datetime, now: datetime) -> Outcome:
    """`arranged`: authored step indices (0-based) in the learner's order."""
    assert isinstance(step.item, Order)
    correct = grading.grade_order(step.item, arranged)
    response = ",".join(str(index + 1) for index in arranged)
    return Outcome(step, correct, (_answer(step, 0, correct, graded(correct), shown_at, now, response),))


def answer_cloze(step: Step, typed: Sequence[str], shown_at: datetime, now: datetime) -> Outcome:
    """`typed`: one text per asked blank, in reading order. One Answer per asked deletion number."""
    item = step.item
    assert isinstance(item, Cloze)
    asked = [blank for blank in grading.blanks(item) if blank.number in step.asked_numbers]
    verdicts = grading.grade_blanks(item, asked, typed)
    answers = []
    for offset, number in enumerate(step.asked_numbers):
        correct = verdicts[number]
        response = " | ".join(text for blank, text in zip(asked, typed, strict=True) if blank.number == number)
        # A review is identified by its millisecond (as in Anki's revlog, whose ids must be
        # unique): the cards of one cloze answer are stamped a millisecond apart.
        at = now + timedelta(milliseconds=offset)
        answers.append(_answer(step, number - 1, correct, graded(correct), shown_at, at, response))
    return Outcome(step, all(a.correct for a in answers), tuple(answers))


def answer_match(step: Step, chosen: Sequence[str | None], shown_at: datetime, now: datetime) -> Outcome:
    """`chosen`: for each asked pair (`step.ordinals`, pair indices), the right the learner matched
    it with, or None. One Answer per pair, a millisecond apart (as a cloze's)."""
    item = step.item
    assert isinstance(item, Match)
    verdicts = grading.grade_match(item, step.ordinals, chosen)
    answers = tuple(_answer(step, index, verdicts[index], graded(verdicts[index]), shown_at,
                            now + timedelta(milliseconds=offset), right or "")
                    for offset, (index, right) in enumerate(zip(step.ordinals, chosen, strict=True)))
    return Outcome(step, all(a.correct for a in answers), answers)


def answer_explain(step: Step, text: str, ticked: Sequence[int], shown_at: datetime, now: datetime) -> Outcome:
    """`ticked`: the rubric points (0-based) the learner's explanation made; the rating is their
    share (`grading.explain_rating`). The response keeps the text and the points hit."""
    item = step.item
    assert isinstance(item, Explain)
    hit = sorted({index for index in ticked if 0 <= index < len(item.rubric)})
    rating = grading.explain_rating(len(hit), len(item.rubric))
    points = ",".join(str(index + 1) for index in hit)
    response = f"{text.strip()}\n[rubric: {points or 'none'} of {len(item.rubric)}]"
    correct = rating != Rating.AGAIN
    return Outcome(step, correct, (_answer(step, 0, correct, rating, shown_at, now, response),))


def override(outcome: Outcome, now: datetime) -> Outcome:
    """"I was right": every missed card of a cloze answer becomes a pass (Good), with the same text.

    The miss was saved when given (an acknowledged answer is never kept in memory only), so each
    corrected answer is given `now` and `replaces` the miss: the store keeps one review per card,
    never Again followed by Good (`ProgressStore.record`). Cards answered right are unchanged."""
    answers = tuple(a if a.correct else replace(a, correct=True, rating=Rating.GOOD, replaces=a.answered_at,
                                                answered_at=max(now, a.answered_at) + timedelta(milliseconds=offset))
                    for offset, a in enumerate(outcome.answers))
    return replace(outcome, correct=True, answers=answers)


def replacements(outcome: Outcome) -> tuple[Answer, ...]:
    """The answers of an overridden outcome that replace stored ones (what to save)."""
    return tuple(answer for answer in outcome.answers if answer.replaces is not None)


# --- resuming: where the learner stands ------------------------------------------------------


@dataclass(frozen=True)
class CardStanding:
    """What the progress store knows of one card: when it is due and when it was last reviewed."""

    due: datetime
    last_review: datetime | None


def resume(steps: Sequence[Step], standing: Mapping[CardKey, CardStanding],
           day_start: datetime, now: datetime) -> tuple[tuple[Step, ...], tuple[Step, ...]]:
    """(steps to ask, steps done today). A step is done when each of its cards was reviewed since
    `day_start` and none is due at `now`. Steps with a due card come first, then new ones."""
    def done(step: Step) -> bool:
        known = [standing.get(card) for card in step.cards]
        return all(s is not None and s.last_review is not None and s.last_review >= day_start and s.due > now
                   for s in known)

    def due(step: Step) -> bool:
        return any((s := standing.get(card)) is not None and s.due <= now for card in step.cards)

    asked = [step for step in steps if not done(step)]
    return tuple(sorted(asked, key=lambda step: not due(step))), tuple(s for s in steps if done(s))


# --- the session -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    right: int
    total: int
    missed: tuple[Step, ...]

    def __str__(self) -> str:
        missed = f"; {len(self.missed)} to retry" if self.missed else ""
        return f"{self.right} of {self.total} right{missed}"


@dataclass(frozen=True)
class Session:
    steps: tuple[Step, ...]
    outcomes: tuple[Outcome, ...] = ()

    @property
    def position(self) -> int:
        return len(self.outcomes)

    @property
    def finished(self) -> bool:
        return self.position >= len(self.steps)

    @property
    def current(self) -> Step | None:
        return None if self.finished else self.steps[self.position]

    @property
    def progress(self) -> str:
        """"4 of 12": the step being asked (or the last one, once finished) of all steps."""
        return f"{min(self.position + 1, len(self.steps))} of {len(self.steps)}"

    def record(self, outcome: Outcome) -> Session:
        if outcome.step != self.current:
            raise ValueError("an outcome must answer the current step")
        return replace(self, outcomes=(*self.outcomes, outcome))

    def amend_last(self, outcome: Outcome) -> Session:
        """Replace the last outcome (an overridden grade) with one for the same step."""
        if not self.outcomes or self.outcomes[-1].step != outcome.step:
            raise ValueError("only the last answer can be amended")
        return replace(self, outcomes=(*self.outcomes[:-1], outcome))

    def summary(self) -> Summary:
        missed = tuple(_only_missed(outcome) for outcome in self.outcomes if not outcome.correct)
        return Summary(len(self.outcomes) - len(missed), len(self.outcomes), missed)

    def retry_missed(self) -> Session:
        """A new session asking only the steps answered wrongly (or graded Again)."""
        return Session(self.summary().missed)


def _only_missed(outcome: Outcome) -> Step:
    """The step to ask again: for a cloze, only the blanks that were wrong (asking a right one
    again would record a second review of a card just answered)."""
    wrong = tuple(answer.card.ordinal for answer in outcome.answers if not answer.correct)
    if not wrong or wrong == outcome.step.ordinals:
        return outcome.step
    return replace(outcome.step, ordinals=wrong)
