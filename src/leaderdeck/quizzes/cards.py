"""One ipywidgets view per item kind: a thin layer that collects input and shows feedback.

Each view is built for one `Step`, notes when it was shown, and on answering calls
`submit(outcome)` with an `Outcome` from the pure session module. Grading never happens here.
Controls are native (buttons, radio buttons, checkboxes, text boxes), so they are keyboard
reachable, and each has a visible label. Right and wrong are shown with text and ✓/✗, and
colours come only from the CSS classes in `quiz.css` (JupyterLab theme variables).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import ipywidgets as widgets

from ..events import Rating
from ..markdown import inline_images, render, render_inline, render_plain
from ..model import Choice, Cloze, Flashcard, Order, Reflection
from . import grading, session
from .session import Outcome, Step

Clock = Callable[[], datetime]
Submit = Callable[[Outcome], None]
RIGHT, WRONG = "✓", "✗"
FULL_WIDTH = widgets.Layout(width="100%")


def html_block(markup: str, *classes: str, media_dir: Path | None = None) -> widgets.HTML:
    """An HTML widget; lesson images are embedded, since a widget cannot reach files in lessons/."""
    if media_dir is not None:
        markup = inline_images(markup, media_dir)
    block = widgets.HTML(value=markup, layout=FULL_WIDTH)
    for name in classes:
        block.add_class(name)
    return block


def plain(markdown_text: str) -> str:
    """Inline Markdown as plain text, for labels that cannot hold HTML (radio buttons)."""
    return render_plain(markdown_text)


def verdict(correct: bool, right_text: str = "Right.", wrong_text: str = "Not quite.") -> str:
    return f'<strong>{RIGHT} {right_text}</strong>' if correct else f'<strong>{WRONG} {wrong_text}</strong>'


def button(label: str, tooltip: str, *classes: str) -> widgets.Button:
    control = widgets.Button(description=label, tooltip=tooltip, layout=widgets.Layout(width="auto"))
    for name in ("ld-button", *classes):
        control.add_class(name)
    return control


class CardView:
    """Shared frame: the question area, the answer controls, and a feedback area."""

    def __init__(self, step: Step, clock: Clock, submit: Submit):
        self.step, self.clock, self.submit = step, clock, submit
        self.shown_at = clock()
        self.feedback = widgets.VBox(layout=FULL_WIDTH)
        self.feedback.add_class("ld-feedback-area")
        self.widget = widgets.VBox(layout=FULL_WIDTH)
        self.widget.add_class("ld-card")
        self.widget.add_class(f"ld-{step.item.kind}")

    def block(self, markup: str, *classes: str) -> widgets.HTML:
        return html_block(markup, *classes, media_dir=self.step.media_dir)

    def inline(self, markdown_text: str) -> str:
        markup = render_inline(markdown_text)
        return inline_images(markup, self.step.media_dir) if self.step.media_dir else markup

    def show_feedback(self, correct: bool | None, markup: str) -> None:
        state = "ld-neutral" if correct is None else ("ld-right" if correct else "ld-wrong")
        self.feedback.children = (self.block(markup, "ld-feedback", state),)

    def explanation(self) -> str:
        return f'<div class="ld-explanation"><strong>Why:</strong> {render(self.step.item.explanation)}</div>'

    def disable(self, *controls: widgets.Widget) -> None:
        for control in controls:
            control.disabled = True


def rating_buttons(on_rate: Callable[[Rating], None]) -> widgets.HBox:
    hints = {Rating.AGAIN: "I did not remember it", Rating.HARD: "I remembered it with effort",
             Rating.GOOD: "I remembered it", Rating.EASY: "I remembered it at once"}
    buttons = []
    for rating, hint in hints.items():
        control = button(rating.name.title(), f"{rating.name.title()}: {hint}", f"ld-rate-{rating.name.lower()}")
        control.on_click(lambda _, rating=rating: on_rate(rating))
        buttons.append(control)
    row = widgets.HBox([widgets.Label("How well did you remember?"), *buttons])
    row.add_class("ld-rating")
    return row


class SelfGradedView(CardView):
    """Shared by the kinds the learner grades: a reveal button, then Again / Hard / Good / Easy."""

    reveal_label = ("Show answer", "Reveal the answer")
    graded_note = ""

    def __init__(self, step: Step, clock: Clock, submit: Submit):
        super().__init__(step, clock, submit)
        self.reveal_button = button(*self.reveal_label, "ld-primary")
        self.reveal_button.on_click(lambda _: self._reveal())
        self.rating = rating_buttons(self._rate)
        self.answer_area = widgets.VBox()

    def revealed_html(self) -> str:
        raise NotImplementedError

    def answer(self, rating: Rating) -> Outcome:
        raise NotImplementedError

    def _reveal(self) -> None:
        self.disable(self.reveal_button)
        self.answer_area.children = (self.block(self.revealed_html() + self.explanation(), "ld-answer"),
                                     self.rating)

    def _rate(self, rating: Rating) -> None:
        self.disable(*self.rating.children[1:])
        outcome = self.answer(rating)
        self.show_feedback(None, f"Graded <strong>{rating.name.title()}</strong>.{self.graded_note}")
        self.submit(outcome)


class FlashcardView(SelfGradedView):
    """Recall, reveal, then grade yourself. The reverse card asks the back and reveals the front."""

    def __init__(self, step: Step, clock: Clock, submit: Submit):
        super().__init__(step, clock, submit)
        item = step.item
        assert isinstance(item, Flashcard)
        asked, self.hidden = (item.back, item.front) if step.reverse else (item.front, item.back)
        lead = "Recall what this answers:" if step.reverse else "Recall the answer, then reveal it."
        self.widget.children = (self.block(f'<p class="ld-lead">{lead}</p>{render(asked)}', "ld-prompt"),
                                self.reveal_button, self.answer_area, self.feedback)

    def revealed_html(self) -> str:
        return render(self.hidden)

    def answer(self, rating: Rating) -> Outcome:
        return session.answer_flashcard(self.step, rating, self.shown_at, self.clock())


class ReflectionView(SelfGradedView):
    """Write your own answer, compare it with a model answer, then grade yourself."""

    reveal_label = ("Compare with a model answer", "Show a model answer")
    graded_note = " Your answer is kept."

    def __init__(self, step: Step, clock: Clock, submit: Submit):
        super().__init__(step, clock, submit)
        assert isinstance(step.item, Reflection)
        self.text = widgets.Textarea(description="Your answer", placeholder="Write a few sentences…",
                                     layout=widgets.Layout(width="100%", height="7em"),
                                     style={"description_width": "initial"}, continuous_update=False)
        self.widget.children = (self.block(render(step.item.prompt), "ld-prompt"), self.text,
                                self.reveal_button, self.answer_area, self.feedback)

    def revealed_html(self) -> str:
        self.disable(self.text)  # the learner's answer is fixed once the model answer is shown
        return f"<p><strong>A model answer:</strong></p>{render(self.step.item.model_answer)}"

    def answer(self, rating: Rating) -> Outcome:
        return session.answer_reflection(self.step, self.text.value, rating, self.shown_at, self.clock())


class ClozeView(CardView):
    """Type the missing words: one labelled text box per blank, the hint as its placeholder."""

    def __init__(self, step: Step, clock: Clock, submit: Submit):
        super().__init__(step, clock, submit)
        item = step.item
        assert isinstance(item, Cloze)
        self.asked = [b for b in grading.blanks(item) if b.number in step.asked_numbers]
        # continuous_update=False: the value reaches the kernel when the box loses focus, which
        # happens before a click on Check arrives, so a fast "type, then Check" never loses a letter.
        self.boxes = [widgets.Text(description=f"Blank {i}", placeholder=b.hint or "type the missing words",
                                   style={"description_width": "initial"}, continuous_update=False)
                      for i, b in enumerate(self.asked, start=1)]
        self.check_button = button("Check", "Check your answers", "ld-primary")
        self.check_button.on_click(lambda _: self._check())
        self.widget.children = (self.block(render(self._masked_text()), "ld-prompt"),
                                widgets.VBox(self.boxes), self.check_button, self.feedback)

    def _masked_text(self) -> str:
        """The text with each asked blank shown as `[ n ]` and other deletions filled in."""
        counter = iter(range(1, len(self.asked) + 1))

        def mask(match) -> str:
            return f"`[ {next(counter)} ]`" if int(match.group(1)) in self.step.asked_numbers else match.group(2)

        from ..model import CLOZE_PATTERN

        return CLOZE_PATTERN.sub(mask, self.step.item.text)

    def _check(self) -> None:
        typed = [box.value for box in self.boxes]
        outcome = session.answer_cloze(self.step, typed, self.shown_at, self.clock())
        self.disable(self.check_button, *self.boxes)
        lines = []
        for index, (blank, text) in enumerate(zip(self.asked, typed, strict=True), start=1):
            if grading.answers_match(text, blank.answer):
                lines.append(f"<li>{RIGHT} Blank {index}: {render_inline(blank.answer)}</li>")
            else:
                wrote = html.escape(text.strip()) or "nothing"
                lines.append(f"<li>{WRONG} Blank {index}: you wrote <em>{wrote}</em>; "
                             f"the answer is <strong>{render_inline(blank.answer)}</strong></li>")
        details = f"<ul>{''.join(lines)}</ul>" + self.explanation()
        self.show_feedback(outcome.correct, verdict(outcome.correct) + details)
        self.submit(outcome)


class ChoiceView(CardView):
    """One answer (radio buttons) or all that apply (checkboxes); a scenario comes first."""

    def __init__(self, step: Step, clock: Clock, submit: Submit):
        super().__init__(step, clock, submit)
        item = step.item
        assert isinstance(item, Choice)
        self.options = grading.shuffled(item.options, step.rng())
        if item.multi:
            self.checkboxes = [widgets.Checkbox(description=self.inline(o.text), description_allow_html=True,
                                                indent=False, layout=FULL_WIDTH) for o in self.options]
            self.control: widgets.Widget = widgets.VBox(self.checkboxes)
        else:
            self.control = widgets.RadioButtons(options=[(plain(o.text), o.id) for o in self.options],
                                                value=None, description="Your answer",
                                                style={"description_width": "initial"}, layout=FULL_WIDTH)
        self.check_button = button("Check", "Check your answer", "ld-primary")
        self.check_button.on_click(lambda _: self._check())
        parts = []
        if item.scenario:
            parts.append(self.block(f'<p class="ld-lead">Situation</p>{render(item.scenario)}', "ld-scenario"))
        hint = "<p class=\"ld-lead\">Choose all that apply.</p>" if item.multi else ""
        parts.append(self.block(render(item.question) + hint, "ld-prompt"))
        self.widget.children = (*parts, self.control, self.check_button, self.feedback)

    def chosen(self) -> list[str]:
        if isinstance(self.control, widgets.RadioButtons):
            return [] if self.control.value is None else [self.control.value]
        return [o.id for o, box in zip(self.options, self.checkboxes, strict=True) if box.value]

    def _check(self) -> None:
        chosen = self.chosen()
        if not chosen:
            self.show_feedback(None, "Choose an option first.")
            return
        outcome = session.answer_choice(self.step, chosen, self.shown_at, self.clock())
        self.disable(self.check_button, self.control, *getattr(self, "checkboxes", []))
        details = self._option_feedback(chosen) + self.explanation()
        self.show_feedback(outcome.correct, verdict(outcome.correct) + details)
        self.submit(outcome)

    def _option_feedback(self, chosen: list[str]) -> str:
        item = self.step.item
        assert isinstance(item, Choice)
        by_id = {o.id: o for o in item.options}
        lines = [f"<li>{RIGHT if ok else WRONG} You chose: {render_inline(by_id[oid].text)} "
                 f"<div>{render(by_id[oid].feedback)}</div></li>"
                 for oid, ok in grading.option_verdicts(item, chosen).items()]
        lines += [f"<li>{WRONG} You missed: {render_inline(by_id[oid].text)} "
                  f"<div>{render(by_id[oid].feedback)}</div></li>" for oid in grading.missed_options(item, chosen)]
        return f'<ul class="ld-options">{"".join(lines)}</ul>'


class OrderView(CardView):
    """Put steps in order with Up/Down buttons (Tab to a button, Enter or Space to press it)."""

    def __init__(self, step: Step, clock: Clock, submit: Submit):
        super().__init__(step, clock, submit)
        item = step.item
        assert isinstance(item, Order)
        self.arranged = grading.starting_order(len(item.steps), step.rng())
        self.rows = widgets.VBox()
        self.check_button = button("Check", "Check the order", "ld-primary")
        self.check_button.on_click(lambda _: self._check())
        prompt = self.block(render(item.prompt), "ld-prompt")
        self.widget.children = (prompt, self.rows, self.check_button, self.feedback)
        self._draw()

    def move(self, position: int, offset: int) -> None:
        target = position + offset
        if 0 <= target < len(self.arranged) and not self.check_button.disabled:
            order = self.arranged
            order[position], order[target] = order[target], order[position]
            self._draw()

    def _draw(self, marks: list[bool] | None = None) -> None:
        item = self.step.item
        assert isinstance(item, Order)
        rows = []
        for position, index in enumerate(self.arranged):
            mark = "" if marks is None else (f"{RIGHT} " if marks[position] else f"{WRONG} ")
            label = self.block(f"{mark}{position + 1}. {self.inline(item.steps[index])}", "ld-step")
            up = button("↑ Up", f"Move step {position + 1} up", "ld-move")
            down = button("↓ Down", f"Move step {position + 1} down", "ld-move")
            checked = marks is not None
            up.disabled, down.disabled = position == 0 or checked, position == len(self.arranged) - 1 or checked
            up.on_click(lambda _, p=position: self.move(p, -1))
            down.on_click(lambda _, p=position: self.move(p, +1))
            rows.append(widgets.HBox([up, down, label], layout=FULL_WIDTH))
        self.rows.children = tuple(rows)

    def _check(self) -> None:
        item = self.step.item
        assert isinstance(item, Order)
        outcome = session.answer_order(self.step, self.arranged, self.shown_at, self.clock())
        self.disable(self.check_button)
        self._draw(grading.step_verdicts(self.arranged))
        right_order = "" if outcome.correct else "<p>The right order:</p><ol>" + "".join(
            f"<li>{self.inline(text)}</li>" for text in item.steps) + "</ol>"
        self.show_feedback(outcome.correct, verdict(outcome.correct) + right_order + self.explanation())
        self.submit(outcome)


VIEWS: dict[str, type[CardView]] = {
    "flashcard": FlashcardView, "cloze": ClozeView, "choice": ChoiceView,
    "order": OrderView, "reflection": ReflectionView,
}


def card_view(step: Step, clock: Clock, submit: Submit) -> CardView:
    return VIEWS[step.item.kind](step, clock, submit)
