"""`anki: false` (the default for reflections): the item is asked only in the notebook. A note
already published stays with learners, tagged retired, so their history stays; `anki: true`
again brings the same note back."""

from __future__ import annotations

import anki.collection  # noqa: F401  (imported first: anki.scheduler has an import cycle)
from anki.scheduler.v3 import CardAnswer

from leaderdeck.course import load_course
from leaderdeck.decks.lock import read_lock

from .conftest import T0, build_project, edit, import_package, package_of
from .test_updates import DAY, card_for, review, revlog, scheduling

OPT_IN = "    anki: true  # reflections are notebook-only by default; this one is in the deck\n"
THINK = "testcourse/first-lesson/think"


def _notebook_only(project) -> None:
    edit(project / "lessons" / "01-first.yaml", OPT_IN, "")


def test_reflections_default_to_notebook_only(project, anki_collection):
    _notebook_only(project)
    course = load_course(project / "lessons")
    think = next(i for i in course.lessons[0].items if i.id == "think")
    assert think.anki is False and all(i.anki for i in course.lessons[0].items if i.kind != "reflection")
    report = build_project(project, T0)
    assert any("1 item(s) notebook-only" in line for line in report), report
    import_package(anki_collection, package_of(project))
    assert anki_collection.find_notes(f'"Uid:{THINK}"') == []
    assert anki_collection.find_notes('note:"leaderdeck reflection"') == []
    assert THINK not in read_lock(project / "decks" / "testcourse.lock.json").notes
    assert any("notebook-only" in line for line in build_project(project, T0 + DAY))  # said on every build


def test_a_published_item_made_notebook_only_keeps_its_note_and_history(project, anki_collection):
    build_project(project, T0)
    import_package(anki_collection, package_of(project))
    review(anki_collection, card_for(anki_collection, "think"), CardAnswer.GOOD)
    before, history = scheduling(anki_collection, "think"), revlog(anki_collection)
    guid = anki_collection.get_note(card_for(anki_collection, "think").nid).guid

    _notebook_only(project)
    report = build_project(project, T0 + DAY)
    assert any("now notebook-only (anki: false) (think)" in line and "tag:leaderdeck::retired" in line
               for line in report), report
    assert not any("removed" in line for line in report if "first-lesson" in line)
    import_package(anki_collection, package_of(project))
    [retired] = anki_collection.find_notes("tag:leaderdeck::retired")
    card = card_for(anki_collection, "think")
    assert card.nid == retired and scheduling(anki_collection, "think") == before
    assert revlog(anki_collection) == history
    assert read_lock(project / "decks" / "testcourse.lock.json").tombstones[THINK].notebook

    published = package_of(project).read_bytes()
    build_project(project, T0 + 2 * DAY)  # the item is still in the course: its tombstone is no error
    assert package_of(project).read_bytes() == published

    edit(project / "lessons" / "01-first.yaml", "    model_answer: A reversible trial of a new meeting format.\n",
         "    model_answer: A reversible trial of a new meeting format.\n    anki: true\n")
    report = build_project(project, T0 + 3 * DAY)
    assert any("updated" in line and "think" in line for line in report), report
    import_package(anki_collection, package_of(project))
    note = anki_collection.get_note(card_for(anki_collection, "think").nid)
    assert note.guid == guid and "leaderdeck::retired" not in note.tags  # the same note, back
    assert scheduling(anki_collection, "think") == before
    lock = read_lock(project / "decks" / "testcourse.lock.json")
    assert THINK in lock.notes and THINK not in lock.tombstones
