"""The quiz view, driven as the browser drives it: `act(action, ...)`, then read its `state`,
the answers given to the handler, and the store."""

from __future__ import annotations

import random
import re
from datetime import timedelta

import pytest

from leaderdeck.events import Rating
from leaderdeck.quizzes import cards, quiz
from leaderdeck.quizzes.session import CardStanding, Session, lesson_steps
from leaderdeck.quizzes.view import QuizView

from .conftest import FIXTURE_LESSONS, START


def text(html: str) -> str:
    inline = re.sub(r"</?(em|strong|code|a)\b[^>]*>", "", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", inline)).strip()


@pytest.fixture
def answers():
    return []


def view_for(course, clock, answers, item_id: str, reverse: bool = False, **kwargs) -> QuizView:
    steps = [s for s in lesson_steps(course, "doors") if s.item.id == item_id and s.reverse == reverse]
    return QuizView(Session(tuple(steps)), answers.append, clock=clock, rng=random.Random(7), **kwargs)


def card(view: QuizView) -> dict:
    return view.widget.state["card"]


def feedback(view: QuizView) -> str:
    state = card(view)
    return text((state["feedback"] or {}).get("html", "")) + " " + state["notice"]


def test_the_view_is_an_anywidget_with_its_module_and_styles(course, clock, answers):
    view = view_for(course, clock, answers, "pick-door")
    assert "export default" in view.widget._esm and ".ld-quiz" in view.widget._css
    data, _ = view._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in data and data["text/plain"].startswith("Quiz: ")


def test_flashcard_reveals_then_self_grades(course, clock, answers):
    view = view_for(course, clock, answers, "define-one-way")
    assert "one-way door" in card(view)["prompt"] and card(view)["answer"] == ""
    view.act("rate", rating=3)  # not before the answer is shown
    assert answers == []
    view.act("reveal")
    assert "A decision you cannot undo." in card(view)["answer"]
    assert card(view)["rating"]["question"] == "How well did you remember?"
    view.act("rate", rating=2)
    assert [(a.rating, a.correct, a.card.ordinal, a.duration_ms) for a in answers] == [(Rating.HARD, True, 0, 1500)]
    assert "Graded Hard" in feedback(view) and card(view)["rating"]["chosen"] == 2
    assert view.widget.state["next_label"] == "See your results"


def test_reverse_flashcard_asks_the_back_and_reveals_the_front(course, clock, answers):
    view = view_for(course, clock, answers, "define-one-way", reverse=True)
    assert "A decision you cannot undo." in card(view)["prompt"]
    view.act("reveal")
    assert "What is a" in card(view)["answer"]
    view.act("rate", rating=1)
    assert answers[0].card.ordinal == 1 and answers[0].rating == Rating.AGAIN and not answers[0].correct


def test_cloze_wrong_shows_the_right_answer_and_is_saved_at_once(course, clock, answers):
    view = view_for(course, clock, answers, "two-way-cloze")
    first, second = card(view)["blanks"]
    assert first["placeholder"] == "how fast" and first["label"] == "Blank 1"
    view.act("check", typed=[" SPEED. ", "trials"])
    assert "✗ Not quite." in feedback(view) and "✓ Blank 1: speed" in feedback(view)
    assert "✗ Blank 2: you wrote trials; the answer is experiments" in feedback(view)
    # saved at once (a kernel that dies now loses nothing); "I was right" may still replace the miss
    assert [(a.card.ordinal, a.correct, a.response) for a in answers] == [(0, True, " SPEED. "), (1, False, "trials")]
    assert card(view)["can_override"]
    view.act("next")
    assert len(answers) == 2


def test_cloze_near_miss_counts_as_right_with_close(course, clock, answers):
    view = view_for(course, clock, answers, "two-way-cloze")
    view.act("check", typed=["speed", "experimentation"])
    assert "≈ Close enough" in feedback(view) and "close: the answer is experiments" in feedback(view)
    assert [(a.correct, a.rating) for a in answers] == [(True, Rating.GOOD)] * 2
    assert [b["mark"] for b in card(view)["blanks"]] == ["right", "close"]


def test_i_was_right_saves_a_correction_that_replaces_the_saved_miss(course, clock, answers):
    view = view_for(course, clock, answers, "two-way-cloze")
    view.act("check", typed=["speed", "tests"])
    view.act("override")
    assert [(a.card.ordinal, a.correct, a.rating, a.response, a.replaces) for a in answers] == [
        (0, True, Rating.GOOD, "speed", None), (1, False, Rating.AGAIN, "tests", None),
        (1, True, Rating.GOOD, "tests", answers[1].answered_at)]
    assert "Counted as right" in feedback(view) and not card(view)["can_override"]
    view.act("next")
    assert len(answers) == 3 and view.session.summary().right == 1


def test_i_was_right_leaves_one_good_review_per_card_in_the_store(course, clock, tmp_path):
    from leaderdeck.progress.store import open_store

    with open_store(tmp_path / "p.sqlite3") as store:
        steps = [s for s in lesson_steps(course, "doors") if s.item.id == "two-way-cloze"]
        view = QuizView(Session(tuple(steps)), store.record, clock=clock, rng=random.Random(7))
        view.act("check", typed=["speed", "tests"])
        view.act("override")
        assert [(r.card[-1], r.rating, r.correct) for r in store.history()] == [("0", 3, True), ("1", 3, True)]
        assert [r.rating for r in store.review_log()] == [3, 3] and store.review_count() == 2
        assert all(c.reps == 1 for c in store.cards())


def test_single_choice_gives_feedback_for_the_chosen_option(course, clock, answers):
    view = view_for(course, clock, answers, "pick-door")
    view.act("check")
    assert "Choose an option first." in feedback(view) and answers == []
    view.act("select", chosen=["one-way"])
    assert card(view)["notice"] == ""  # the hint goes as soon as an option is chosen
    view.act("check")
    assert "✗ Not quite." in feedback(view) and "✗ You chose: The one-way door" in feedback(view)
    assert "That one is permanent." in feedback(view) and "Two-way means reversible." in feedback(view)
    assert "✓ The right answer: The two-way door" in feedback(view)
    assert {o["id"]: o["mark"] for o in card(view)["options"]} == {"one-way": "wrong", "two-way": "missed"}
    assert answers[0].response == "one-way" and answers[0].rating == Rating.AGAIN


def test_right_is_said_once_and_a_miss_never_sits_beside_right(course, clock, answers):
    view = view_for(course, clock, answers, "trial-scenario")
    assert card(view)["scenario"] and "one-month trial" in card(view)["scenario"]
    view.act("check", chosen=["slow"])
    said = feedback(view)
    assert "✗ You missed" not in said and "Right, it is reversible" not in said and "It is reversible." in said
    right = view_for(course, clock, answers, "trial-scenario")
    right.act("check", chosen=["fast"])
    assert feedback(right).count("Right") == 1 and "✓ You chose: Decide fast and try it" in feedback(right)


def test_multi_select_needs_exactly_the_correct_set_and_hints_once(course, clock, answers):
    view = view_for(course, clock, answers, "one-way-traits")
    assert card(view)["multi"] and card(view)["hint"] == "Choose all that apply."
    view.act("check", chosen=["permanent", "quick"])
    said = feedback(view)
    assert "✗ Not quite." in said and "✓ You chose: Permanent" in said
    assert "✗ You chose: Quick experiments" in said and "✓ Also right: Rare" in said
    retry = view_for(course, clock, answers, "one-way-traits")
    retry.act("check", chosen=["rare", "permanent"])
    assert "✓ Right." in feedback(retry) and [a.correct for a in answers] == [False, True]


def test_options_come_in_a_new_order_each_time(course, clock, answers):
    orders = {tuple(o["id"] for o in card(QuizView(Session(tuple(s for s in lesson_steps(course, "doors")
                                                                   if s.item.id == "one-way-traits")),
                                                   answers.append, clock=clock, rng=random.Random(seed)))["options"])
              for seed in range(12)}
    assert len(orders) > 1


def order_texts(view) -> list[str]:
    return [text(row["html"]) for row in card(view)["rows"]]


def test_order_moves_grades_and_a_retry_starts_in_a_new_order(course, clock, answers):
    wanted = ["Classify the door", "Gather data", "Decide"]
    view = view_for(course, clock, answers, "decide-order")
    start = order_texts(view)
    assert start != wanted
    view.act("move", position=0, offset=1)
    assert order_texts(view)[:2] == [start[1], start[0]]
    view.act("move", position=0, offset=-1)  # off the top: nothing happens
    view.act("check")
    if not answers[0].correct:
        assert "✗ Not quite." in feedback(view) and "The right order:" in feedback(view)
    view.act("next")
    view.act("retry") if not answers[0].correct else None
    solved = view_for(course, clock, answers, "decide-order")
    for _ in range(3):
        for position in range(2):
            order = order_texts(solved)
            if wanted.index(order[position]) > wanted.index(order[position + 1]):
                solved.act("move", position=position, offset=1)
    solved.act("check")
    assert "✓ Right." in feedback(solved) and answers[-1].response == "1,2,3"


def test_a_retried_order_item_never_starts_as_it_did(course, clock, answers):
    for seed in range(10):
        view = QuizView(
            Session(tuple(s for s in lesson_steps(course, "doors") if s.item.id == "decide-order")),
            answers.append, clock=clock, rng=random.Random(seed))
        first = order_texts(view)
        view.act("check")
        view.act("next")
        if view.widget.state["summary"]["retry_label"]:
            view.act("retry")
            assert order_texts(view) != first and order_texts(view) != ["Classify the door", "Gather data", "Decide"]


class FakeProgress:
    """The store's answers to the quiz: standings and the last thing written per card."""

    def __init__(self, standing=None, responses=None):
        self.table, self.responses = dict(standing or {}), dict(responses or {})

    def standing(self, cards_):
        return {card: self.table[card] for card in cards_ if card in self.table}

    def last_response(self, card):
        return self.responses.get(card)


def test_reflection_shows_last_times_text_and_asks_how_close_it_came(course, clock, answers):
    step = next(s for s in lesson_steps(course, "doors") if s.item.id == "my-door")
    progress = FakeProgress(responses={step.cards[0]: "Selling <our> warehouse."})
    view = view_for(course, clock, answers, "my-door", progress=progress)
    assert card(view)["previous"] == "Selling &lt;our&gt; warehouse."
    view.act("reveal", text="Moving our data centre.")
    assert "Closing the old office is one-way." in card(view)["answer"]
    assert card(view)["rating"]["question"] == "How close was your answer to the model answer?"
    assert [c["label"] for c in card(view)["rating"]["choices"]] == ["Missed it", "Partly", "Mostly", "Fully"]
    view.act("rate", rating=4)
    assert answers[0].response == "Moving our data centre." and answers[0].rating == Rating.EASY
    assert card(view)["text"] == "Moving our data centre."


def test_next_review_is_shown_after_each_grade(course, clock, answers):
    step = next(s for s in lesson_steps(course, "doors") if s.item.id == "pick-door")
    progress = FakeProgress()
    view = view_for(course, clock, answers, "pick-door", progress=progress)
    progress.table[step.cards[0]] = CardStanding(START + timedelta(days=3, hours=1), START)
    view.act("check", chosen=["two-way"])
    assert view.widget.state["next_review"] == "Next review in 3 days."
    assert view.widget.state["progress"]["text"] == "Question 1 of 1"  # still the card on screen
    assert view.widget.state["summary"] is None


def test_a_rerun_skips_what_was_answered_today_and_starts_with_what_is_due(course, clock, answers):
    steps = lesson_steps(course, "doors", concept="two-way")
    cloze, pick, scenario = steps
    today = START - timedelta(hours=1)
    standing = {card: CardStanding(START + timedelta(days=2), today) for card in cloze.cards}
    standing[scenario.cards[0]] = CardStanding(START - timedelta(minutes=5), START - timedelta(days=3))
    view = QuizView(Session(steps), answers.append, clock=clock, progress=FakeProgress(standing),
                    day_start=lambda now: now.replace(hour=0, minute=0))
    state = view.widget.state
    assert state["resume"] == {"text": "1 answered today · next review in 2 days", "practise": True}
    assert [s.item.id for s in view.session.steps] == ["trial-scenario", "pick-door"]  # due first, then new
    view.act("check", chosen=["fast"])  # the due scenario, answered
    view.act("practise")  # the skipped step, then the one not asked yet; not every step again
    assert [s.item.id for s in view.session.steps] == ["two-way-cloze", "pick-door"]
    assert view.widget.state["resume"] is None and card(view)["kind"] == "cloze"
    view.act("practise")  # offered once
    assert [s.item.id for s in view.session.steps] == ["two-way-cloze", "pick-door"]


def test_a_lesson_quiz_shows_progress_a_summary_and_retries_what_was_missed(clock, answers):
    view = quiz("doors", concept="two-way", on_answer=answers.append, lessons_dir=FIXTURE_LESSONS)
    view.clock = clock
    assert view.widget.state["progress"] == {"current": 1, "total": 3, "text": "Question 1 of 3"}
    view.act("check", typed=["wrong", "wrong"])
    assert view.widget.state["next_label"] == "Next"
    view.act("next")
    assert view.widget.state["progress"]["text"] == "Question 2 of 3"
    view.act("check", chosen=["two-way"])
    view.act("next")
    view.act("check", chosen=["fast"])
    assert view.widget.state["next_label"] == "See your results"
    view.act("next")
    summary = view.widget.state["summary"]
    assert (summary["right"], summary["total"]) == (2, 3)
    assert summary["missed"] == ["Two-way doors invite […] and […]."]
    assert summary["retry_label"] == "Retry missed (1)"
    view.act("retry")
    assert view.widget.state["progress"]["text"] == "Question 1 of 1" and isinstance(view.card, cards.ClozeCard)
    assert len(answers) == 4  # two deletions + two choices


def test_the_quiz_title_does_not_give_a_blank_away(tmp_path, answers):
    import shutil

    shutil.copytree(FIXTURE_LESSONS, tmp_path / "lessons")
    lesson = tmp_path / "lessons" / "01-doors.yaml"
    lesson.write_text(lesson.read_text().replace("title: Two-way doors", "title: Two-way doors invite speed"))
    view = quiz("doors", concept="two-way", on_answer=answers.append, lessons_dir=tmp_path / "lessons")
    assert view.widget.state["title"] == "Two-way doors invite …"


def test_quiz_is_callable_as_leaderdeck_quiz(answers):
    import leaderdeck

    view = leaderdeck.quiz("second", on_answer=answers.append, lessons_dir=FIXTURE_LESSONS)
    assert view.widget.state["progress"]["text"] == "Question 1 of 1"
    assert "application/vnd.jupyter.widget-view+json" in view._repr_mimebundle_()[0]


def test_without_a_handler_answers_go_to_the_progress_store_and_a_rerun_resumes(tmp_path, monkeypatch):
    monkeypatch.setenv("LEADERDECK_HOME", str(tmp_path))
    view = quiz("second", lessons_dir=FIXTURE_LESSONS)
    view.act("reveal")
    view.act("rate", rating=3)
    assert view.widget.state["next_review"].startswith("Next review in ")
    from leaderdeck.progress.api import shared_store

    store = shared_store(tmp_path / "progress.sqlite3")
    (review,) = store.history()
    assert review.card == "fixture/second/idea-card#0" and review.rating == Rating.GOOD
    again = quiz("second", lessons_dir=FIXTURE_LESSONS)
    assert again.widget.state["card"] is None and again.widget.state["resume"]["text"].startswith("1 answered today")


def test_a_quiz_loads_only_its_own_lesson_and_falls_back_to_the_whole_course():
    from leaderdeck.quizzes import cached_course

    assert [lesson.id for lesson in cached_course(FIXTURE_LESSONS, "doors").lessons] == ["doors"]
    assert cached_course(FIXTURE_LESSONS, "doors") is cached_course(FIXTURE_LESSONS, "doors")
    assert [lesson.id for lesson in cached_course(FIXTURE_LESSONS, "nope").lessons] == ["doors", "second"]


def test_lesson_images_are_embedded_in_quiz_widgets(course, clock, answers, tmp_path):
    """A widget cannot load files from lessons/, so an item's image travels inside its HTML."""
    import dataclasses

    pixel = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "door.png").write_bytes(pixel)
    step = next(s for s in lesson_steps(course, "doors") if s.item.kind == "flashcard")
    item = step.item
    with_image = type(item)(**{**{f: getattr(item, f) for f in item.__struct_fields__},
                               "front": "Which door? ![a door](media/door.png) and ![gone](../secret.png)"})
    view = QuizView(Session((dataclasses.replace(step, item=with_image, media_dir=tmp_path),)), answers.append,
                    clock=clock)
    html = card(view)["prompt"]
    assert 'src="data:image/png;base64,iVBORw0KGgo' in html
    assert "secret.png" not in html  # outside the folder: dropped by the sanitizer, reported by the validator


class FlakyStore:
    """An answer handler that refuses (as a locked store does) until it is opened again."""

    def __init__(self):
        self.saved, self.locked = [], True

    def __call__(self, answer):
        if self.locked:
            from leaderdeck.errors import LeaderdeckError

            raise LeaderdeckError("progress.sqlite3 is locked by pid 4242 (another notebook)")
        self.saved.append(answer)


def test_an_answer_the_store_refuses_is_kept_shown_and_saved_again(course, clock):
    store = FlakyStore()
    steps = [s for s in lesson_steps(course, "doors") if s.item.kind == "cloze"]
    view = QuizView(Session(tuple(steps)), store, clock=clock)
    view.act("check", typed=["speed", "speed"])
    save = view.widget.state["save"]["text"]  # a miss is saved at once, so refused at once
    view.act("next")
    assert "2 answers not saved yet" in save and "pid 4242" in save
    store.locked = False
    view.act("save")
    assert [str(a.card) for a in store.saved] == [str(k) for k in steps[0].cards]
    assert view.widget.state["save"] is None


def test_a_correction_the_store_refuses_for_good_is_dropped_with_the_reason(course, clock, tmp_path):
    """"I was right" more than 30 minutes after the miss (the learner came back later) cannot
    replace it: the quiz says so, offers no "Save again" that could only fail again, and the
    answers after it are saved as usual, not held up behind it."""
    from leaderdeck.errors import LeaderdeckError
    from leaderdeck.progress.store import open_store

    with open_store(tmp_path / "p.sqlite3") as store:
        locked = [False]

        def record(answer):
            if locked[0]:
                raise LeaderdeckError("progress.sqlite3 is locked by pid 4242 (another notebook)")
            store.record(answer)

        steps = [s for s in lesson_steps(course, "doors") if s.item.kind == "cloze"][:1] + [
            s for s in lesson_steps(course, "doors") if s.item.kind == "flashcard" and not s.reverse][:1]
        view = QuizView(Session(tuple(steps)), record, clock=clock, rng=random.Random(7))
        view.act("check", typed=["speed", "speed"])  # the second blank missed: saved at once
        clock.now += timedelta(minutes=31)
        locked[0] = True  # kept while the store is locked, refused for good once it is not
        view.act("override")
        assert view.widget.state["save"]["retry"] and "1 answer not saved yet" in view.widget.state["save"]["text"]
        locked[0] = False
        view.act("save")
        save = view.widget.state["save"]
        assert "saving again cannot help" in save["text"] and "more than 30 minutes" in save["text"]
        assert not save["retry"] and view.unsaved == []
        view.act("save")  # nothing left to save: the same message, no error, no loop
        assert view.widget.state["save"] == save
        assert [(r.card[-1], r.rating) for r in store.history()] == [("0", 3), ("1", 1)]  # the miss stays
        view.act("next")
        view.act("reveal")
        view.act("rate", rating=3)
        assert len(store.history()) == 3 and view.widget.state["save"] is None


def test_a_correction_refused_at_once_is_not_counted_as_right(course, clock, answers, tmp_path):
    from leaderdeck.progress.store import open_store

    with open_store(tmp_path / "p.sqlite3") as store:
        steps = [s for s in lesson_steps(course, "doors") if s.item.id == "two-way-cloze"]
        view = QuizView(Session(tuple(steps)), store.record, clock=clock, rng=random.Random(7))
        view.act("check", typed=["speed", "tests"])
        clock.now += timedelta(minutes=31)
        view.act("override")
        assert "more than 30 minutes" in view.widget.state["save"]["text"] and not view.widget.state["save"]["retry"]
        assert view.session.summary().right == 0 and view.unsaved == []


def test_an_answer_in_a_read_only_copy_is_said_to_be_lost_not_kept(course, clock, tmp_path):
    """The site's second tab: its store is a read-only copy for as long as the page is open, so
    an answer there is not kept for a "Save again" that cannot work, and no review is promised."""
    from leaderdeck.progress.store import open_store
    from leaderdeck.quizzes.standing import StoreLookup
    from leaderdeck.site.exchange import read_only_copy

    open_store(tmp_path / "writer.sqlite3").close()
    copy = read_only_copy(tmp_path / "writer.sqlite3", tmp_path / "copy", "this page is read-only; reload it")
    with open_store(copy) as shown:
        steps = tuple(s for s in lesson_steps(course, "doors") if s.item.kind == "flashcard")[:1]
        view = QuizView(Session(steps), shown.record, progress=StoreLookup(copy), clock=clock)
        view.act("reveal")
        view.act("rate", rating=3)
        save = view.widget.state["save"]
        assert save == {"text": "Not saved, and saving again cannot help: this page is read-only; reload it.",
                        "retry": False}
        assert view.unsaved == [] and view.widget.state["next_review"] == ""


def test_a_damaged_default_store_is_reported_in_the_quiz(tmp_path, monkeypatch):
    monkeypatch.setenv("LEADERDECK_HOME", str(tmp_path))
    (tmp_path / "progress.sqlite3").write_text("my shopping list\n")
    view = quiz("second", lessons_dir=FIXTURE_LESSONS)
    view.act("reveal")
    view.act("rate", rating=3)
    assert "not saved yet" in view.widget.state["save"]["text"]
    assert "progress.sqlite3" in view.widget.state["save"]["text"]
    assert view.widget.state["next_label"]
    assert (tmp_path / "progress.sqlite3").read_text() == "my shopping list\n"  # never overwritten


def test_a_second_click_on_retry_keeps_the_retry(course, clock, answers):
    steps = tuple(s for s in lesson_steps(course, "doors") if s.item.kind == "flashcard")
    view = QuizView(Session(steps), answers.append, clock=clock)
    for _ in steps:
        view.act("reveal")
        view.act("rate", rating=1)  # Again: missed
        view.act("next")
    assert view.card is None and len(view.session.summary().missed) == len(steps)
    view.act("retry")
    view.act("retry")
    assert view.card is not None and view.session.progress == f"1 of {len(steps)}"


def test_every_kind_provides_a_card_class_through_the_registry():
    from leaderdeck.kinds import KINDS

    kinds = set(KINDS)
    assert all(issubclass(cards.card_class(kind), cards.Card) and cards.card_class(kind).kind == kind
               for kind in kinds)
    from pathlib import Path

    source = (Path(cards.__file__).parent / "quiz.js").read_text(encoding="utf-8")
    assert all(f"function {kind}(card, ctx)" in source for kind in kinds)


class ShoutingChoiceCard(cards.ChoiceCard):
    """A card class the registry names instead of the shipped one."""

    def parts(self):
        return {**super().parts(), "question": "<p>WHICH DOOR?</p>"}


def shouting_grader(step, chosen, shown_at, now):
    from leaderdeck.quizzes import session

    return session.answer_choice(step, [o.id for o in step.item.options if o.id not in chosen][:1], shown_at, now)


def test_the_quiz_finds_each_kinds_view_and_grading_in_the_registry(course, clock, answers, monkeypatch):
    from dataclasses import replace

    from leaderdeck.kinds import KINDS

    monkeypatch.setitem(KINDS, "choice", replace(
        KINDS["choice"], view=f"{__name__}:ShoutingChoiceCard", grading=f"{__name__}:shouting_grader"))
    view = view_for(course, clock, answers, "pick-door")
    assert card(view)["question"] == "<p>WHICH DOOR?</p>"
    view.act("check", chosen=["one-way"])
    assert answers[0].response != "one-way"  # graded by the function the registry names


def test_the_explanation_shows_the_evidence_and_the_sources_title_never_its_file(course, clock, answers):
    from dataclasses import replace

    import msgspec

    from leaderdeck.kinds.base import Evidence

    quoted = Evidence(quote='Most decisions are <script>x()</script>two-way doors & *reversible*',
                      speaker='Jeff <img src=x onerror="alert(1)">Bezos')
    steps = [s for s in lesson_steps(course, "doors") if s.item.id == "pick-door"]
    steps = [replace(s, item=msgspec.structs.replace(s.item, evidence=quoted)) for s in steps]
    view = QuizView(Session(tuple(steps)), answers.append, clock=clock, rng=random.Random(7))
    view.act("check", chosen=["two-way"])
    html = card(view)["feedback"]["html"]
    assert "Source: <cite>A test source</cite>" in html and "source.txt" not in html
    evidence = html[html.index('<div class="ld-evidence">'):]
    assert "<script" not in evidence and "onerror" not in evidence and "— Jeff " in evidence  # sanitized
    assert "“Most decisions are two-way doors &amp; <em>reversible</em>”" in html
    assert text(html).endswith("Source: A test source")
    synthesis = Evidence(synthesis="Several chapters, put together.")
    steps = [replace(s, item=msgspec.structs.replace(s.item, evidence=synthesis)) for s in steps]
    view = QuizView(Session(tuple(steps)), answers.append, clock=clock, rng=random.Random(7))
    view.act("check", chosen=["one-way"])
    assert "The course's own synthesis: Several chapters, put together." in text(card(view)["feedback"]["html"])
