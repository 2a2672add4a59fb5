"""Determinism, the lock file, refused changes, media errors and `leaderdeck build --check`."""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leaderdeck.cli import main
from leaderdeck.course import load_course
from leaderdeck.decks import build_decks, notetypes
from leaderdeck.decks.compile import compile_course
from leaderdeck.decks.fields import shuffled_order
from leaderdeck.decks.lock import Lock, read_lock
from leaderdeck.errors import LeaderdeckError
from leaderdeck.identity import NoteKey, note_guid

from .conftest import T0, build_project, edit, package_of

DAY = 86_400


def lock_of(project):
    return read_lock(project / "decks" / "testcourse.lock.json")


def test_rebuild_without_edits_is_byte_identical(project):
    build_project(project, T0)
    package, lock = package_of(project).read_bytes(), (project / "decks/testcourse.lock.json").read_bytes()
    report = build_project(project, T0 + 30 * DAY)
    assert package_of(project).read_bytes() == package
    assert (project / "decks/testcourse.lock.json").read_bytes() == lock
    assert report == ["decks: up to date (decks/testcourse.apkg, decks/testcourse.lock.json)"]


def test_an_edit_moves_exactly_that_notes_mod(project):
    build_project(project, T0)
    first = lock_of(project)
    edit(project / "lessons/01-first.yaml", "Put the steps in order.", "Order these steps.")
    build_project(project, T0 + DAY)
    second = lock_of(project)
    changed = {key for key in first.notes if first.notes[key] != second.notes[key]}
    assert changed == {"testcourse/first-lesson/steps"}
    assert second.notes["testcourse/first-lesson/steps"].mod == T0 + DAY
    assert second.notes["testcourse/first-lesson/steps"].id == first.notes["testcourse/first-lesson/steps"].id


def test_guid_depends_on_identity_only(project):
    build_project(project, T0)
    before = lock_of(project).notes["testcourse/first-lesson/think"].guid
    edit(project / "lessons/01-first.yaml", "Which door did you walk through", "Which door have you opened")
    build_project(project, T0 + DAY)
    assert lock_of(project).notes["testcourse/first-lesson/think"].guid == before
    assert before == note_guid(NoteKey("testcourse", "first-lesson", "think"))


def test_removed_ids_become_tombstones_and_cannot_come_back(project):
    build_project(project, T0)
    removed_id = lock_of(project).notes["testcourse/second-lesson/last-card"].id
    edit(project / "lessons/02-second.yaml", "  - id: last-card", "  - id: final-card")
    build_project(project, T0 + DAY)
    lock = lock_of(project)
    assert "testcourse/second-lesson/last-card" in lock.tombstones
    assert removed_id not in {entry.id for entry in lock.notes.values()}
    edit(project / "lessons/02-second.yaml", "  - id: final-card", "  - id: last-card")
    with pytest.raises(LeaderdeckError, match="item id 'last-card' belonged to an item removed"):
        build_project(project, T0 + 2 * DAY)


def test_schema_change_is_refused_unless_allowed(project, monkeypatch):
    build_project(project, T0)
    changed = notetypes._type("reflection", 5, ("Prompt", "Model Answer", "Notes"),
                              (("Reflection", "reflection"),), "Prompt")
    monkeypatch.setitem(notetypes.NOTE_TYPES, "reflection", changed)
    with pytest.raises(LeaderdeckError, match=r"note type\(s\) reflection changed.*'\+'.*full sync"):
        build_project(project, T0 + DAY)
    build_project(project, T0 + DAY, allow_schema_change=True)
    assert lock_of(project).note_types["reflection"].schema == changed.schema_fingerprint()


def test_lock_file_round_trips_and_bad_lock_is_an_error(project):
    build_project(project, T0)
    lock = lock_of(project)
    assert Lock.from_json(lock.to_json()) == lock
    (project / "decks/testcourse.lock.json").write_text("{not json")
    with pytest.raises(LeaderdeckError, match="not a valid leaderdeck lock file"):
        build_project(project, T0)


def test_missing_media_is_an_error_with_its_location(project):
    course = load_course(project / "lessons")
    (project / "lessons/media/dot.png").unlink()  # after validation: the compiler checks again
    with pytest.raises(LeaderdeckError, match=r"02-second.yaml:\d+:\d+: media file 'media/dot.png'"):
        compile_course(course, Lock(), T0)


def test_media_names_with_accents_and_spaces_are_packed(project):
    (project / "lessons/media/dot.png").rename(project / "lessons/media/café dot.png")
    for _ in range(2):  # the picture is in a concept and in a question
        edit(project / "lessons/02-second.yaml", "](media/dot.png)", "](<media/café dot.png>)")
    compiled = compile_course(load_course(project / "lessons"), Lock(), T0)
    assert [path.name for path in compiled.contents.media.values()] == ["café dot.png"]


def test_media_outside_lessons_is_refused(project, tmp_path_factory):
    course = load_course(project / "lessons")
    outside = tmp_path_factory.mktemp("outside") / "secret.png"
    outside.write_bytes(b"not for the deck")
    (project / "lessons/media/dot.png").unlink()
    os.symlink(outside, project / "lessons/media/dot.png")
    with pytest.raises(LeaderdeckError, match="media path 'media/dot.png' leaves the lessons folder"):
        compile_course(course, Lock(), T0)


def test_a_failed_build_leaves_the_previous_deck(project, monkeypatch):
    build_project(project, T0)
    before = package_of(project).read_bytes()
    edit(project / "lessons/01-first.yaml", "Doors let people through.", "Doors let people pass.")
    from leaderdeck.decks import package

    monkeypatch.setattr(package, "write_collection", lambda path, contents: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        build_decks(load_course(project / "lessons"), project, T0 + DAY)
    assert package_of(project).read_bytes() == before
    assert sorted(p.name for p in (project / "decks").iterdir()) == ["testcourse.apkg", "testcourse.lock.json"]


def test_build_check_names_stale_files(project, capsys):
    lessons = str(project / "lessons")
    assert main(["build", "--lessons", lessons]) == 0
    assert main(["build", "--check", "--lessons", lessons]) == 0
    edit(project / "lessons/02-second.yaml", "Last answer.", "The last answer.")
    capsys.readouterr()
    assert main(["build", "--check", "--lessons", lessons]) == 1
    err = capsys.readouterr().err
    assert "stale: decks/testcourse.apkg" in err and "stale: decks/testcourse.lock.json" in err


def test_build_check_names_leftover_generated_files(project, capsys):
    lessons = str(project / "lessons")
    assert main(["build", "--lessons", lessons]) == 0
    (project / "notebooks/07-deleted-lesson.ipynb").write_text("{}", encoding="utf-8")
    capsys.readouterr()
    assert main(["build", "--check", "--lessons", lessons]) == 1
    assert "stale: notebooks/07-deleted-lesson.ipynb" in capsys.readouterr().err


def test_build_reports_changes_and_import_options(project, capsys):
    assert main(["build", "--lessons", str(project / "lessons")]) == 0
    out = capsys.readouterr().out
    assert "first-lesson: 7 added" in out and 'Update notes: "If newer"' in out
    assert json.loads((project / "decks/testcourse.lock.json").read_text())["version"] == 1


@given(st.integers(min_value=2, max_value=12), st.text(min_size=1, max_size=30))
def test_order_steps_are_a_real_shuffle(count, seed):
    order = shuffled_order(count, seed)
    assert sorted(order) == list(range(count)) and order != list(range(count))
    assert order == shuffled_order(count, seed)
    assert order[0] != 0 and _inversions(order) >= count * (count - 1) / 4  # far from the answer


def test_a_retitled_lesson_keeps_its_deck_and_the_report_says_so(project):
    build_project(project, T0)
    edit(project / "lessons/02-second.yaml", "title: Second lesson", "title: The second lesson")
    report = build_project(project, T0 + DAY)
    assert any("deck 'Test Course::02 Second lesson' keeps its name (not 'Test Course::02 The second lesson')"
               in line for line in report)
    assert lock_of(project).decks["second-lesson"] == "Test Course::02 Second lesson"


def test_a_renamed_lesson_id_is_refused_unless_allowed(project):
    build_project(project, T0)
    edit(project / "lessons/02-second.yaml", "id: second-lesson", "id: lesson-two")
    edit(project / "lessons/course.yaml", "- second-lesson", "- lesson-two")
    with pytest.raises(LeaderdeckError, match=r"ids look renamed \('testcourse/second-lesson' → "
                                              r"'testcourse/lesson-two'\).*duplicate note"):
        build_project(project, T0 + 10)
    report = "\n".join(build_project(project, T0 + 10, allow_id_change=True))
    assert "lesson-two: 2 added" in report and "second-lesson: 2 removed" in report


def test_a_card_that_disappears_is_reported(project):
    build_project(project, T0)
    edit(project / "lessons/01-first.yaml", "    reverse: true\n", "")
    edit(project / "lessons/01-first.yaml", "and {{c2::experiments}}", "and experiments")
    report = "\n".join(build_project(project, T0 + 10))
    assert "warning: first-lesson: reverse-card card 2, two-gaps card 2 no longer exist" in report
    assert "Tools → Empty Cards" in report


def test_reusing_a_removed_id_says_how_to_undo_an_unreleased_removal(project):
    build_project(project, T0)
    lesson = project / "lessons/01-first.yaml"
    original = lesson.read_text(encoding="utf-8")
    edit(lesson, "  - id: think", "  - id: think-again")
    build_project(project, T0 + 10)
    lesson.write_text(original, encoding="utf-8")
    with pytest.raises(LeaderdeckError, match=r"item id 'think' belonged to an item removed(.|\n)*git checkout"):
        build_project(project, T0 + 20)


def _inversions(order: list[int]) -> int:
    """Kendall tau distance from the correct order: pairs of steps shown swapped."""
    return sum(a > b for i, a in enumerate(order) for b in order[i + 1:])


def test_check_refuses_what_the_build_would_refuse_about_ids(project, capsys):
    """`leaderdeck check` reads the released lock beside `lessons/`: a reused id of a removed item
    and a renamed lesson id fail `check` (exit 1), not only the later build."""
    from leaderdeck.cli import main

    build_project(project, T0)
    edit(project / "lessons/02-second.yaml", "  - id: last-card", "  - id: final-card")
    build_project(project, T0 + DAY)
    assert main(["check", str(project / "lessons")]) == 0
    edit(project / "lessons/02-second.yaml", "  - id: final-card", "  - id: last-card")
    assert main(["check", str(project / "lessons")]) == 1
    assert "error: lesson 'second-lesson': item id 'last-card' belonged to an item removed" in capsys.readouterr().err
    edit(project / "lessons/02-second.yaml", "  - id: last-card", "  - id: final-card")
    edit(project / "lessons/02-second.yaml", "id: second-lesson", "id: lesson-two")
    edit(project / "lessons/course.yaml", "- second-lesson", "- lesson-two")
    assert main(["check", str(project / "lessons")]) == 1
    assert "error: ids look renamed ('testcourse/second-lesson' → 'testcourse/lesson-two')" in capsys.readouterr().err
