"""Course → notebooks: one per lesson (`NN-<lesson-id>.ipynb`) and the start page.

A lesson notebook alternates each concept (a Markdown cell, readable without a kernel) with a
one-line quiz cell on that concept, so the learner practises retrieval right after reading.
The code cells only ever call the public API; all behaviour lives in the package.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..files import write_if_changed
from ..markdown import markdown_text, render_text
from ..model import Course, Lesson
from .cells import NotebookNode, code, lesson_markdown, markdown, notebook, to_text
from .cells import cell_id as cid

NOTEBOOKS_DIR = "notebooks"
START_PAGE = "00-start-here.ipynb"
REVIEW_PAGE = "review.ipynb"
_LESSON_NOTEBOOK = re.compile(r"^\d\d-[a-z0-9-]+\.ipynb$")


def _text(plain: str) -> str:
    """Plain authored text (a title) as Markdown that shows exactly it: sanitized, no syntax."""
    return markdown_text(plain)


def lesson_file_name(course: Course, lesson: Lesson) -> str:
    """`NN-<lesson-id>.ipynb`, numbered by the lesson's place in the course's teaching order."""
    return numbered_file_name([item.id for item in course.lessons].index(lesson.id), lesson.id)


def numbered_file_name(position: int, lesson_id: str) -> str:
    """The notebook of the lesson at `position` (from 0) in the course: one rule for every link."""
    return f"{position + 1:02d}-{lesson_id}.ipynb"


# Words for JupyterLab only: the app (Voila) hides this class, so its learners never read about
# cells and key presses (see serve.py's template).
def _lab_only(text: str) -> str:
    return f'<span class="ld-lab-only">{text}</span>'


def lesson_notebook(course: Course, lesson: Lesson) -> NotebookNode:
    cells = [markdown("intro", _lesson_intro(course, lesson))]
    quizzed = {item.concept for item in lesson.items}
    for concept in lesson.concepts:
        cells.append(markdown(cid("concept", concept.id),
                              f"## {_text(concept.title)}\n\n{lesson_markdown(concept.body)}"
                              + _connections(course, concept.see_also)))
        if concept.id in quizzed:
            call = f"quiz({json.dumps(lesson.id)}, concept={json.dumps(concept.id)})"
            cells.append(code(cid("quiz", concept.id), f"from leaderdeck import quiz\n{call}"))
    cells.append(markdown("next", _lesson_outro(course, lesson)))
    return notebook(cells)


def _connections(course: Course, see_also: tuple[str, ...]) -> str:
    """"Connects to lesson NN: <title>" for each concept of another lesson this one links to."""
    lines = []
    for reference in see_also:
        lesson_id, _, concept_id = reference.partition("/")  # a concept reference, not an identity key
        lesson = course.lesson(lesson_id)
        number = [item.id for item in course.lessons].index(lesson_id) + 1
        title = _text(lesson.concept(concept_id).title)
        lines.append(f"- Connects to lesson {number:02d}: [{_text(lesson.title)}]({lesson_file_name(course, lesson)})"
                     f" · {title}")
    return "\n\n" + "\n".join(lines) if lines else ""


def _navigation(course: Course, lesson: Lesson) -> str:
    """Previous lesson · contents · next lesson, as one line of links."""
    position = list(course.lessons).index(lesson)
    links = []
    if position > 0:
        before = course.lessons[position - 1]
        links.append(f"← Previous: [{_text(before.title)}]({lesson_file_name(course, before)})")
    links.append(f"[Contents]({START_PAGE})")
    if position + 1 < len(course.lessons):
        after = course.lessons[position + 1]
        links.append(f"Next: [{_text(after.title)}]({lesson_file_name(course, after)}) →")
    return f"Lesson {position + 1} of {len(course.lessons)} · " + " · ".join(links)


def _lesson_intro(course: Course, lesson: Lesson) -> str:
    sources = "; ".join(_text(course.source_title(name)) for name in lesson.sources)
    return (f"{_navigation(course, lesson)}\n\n# {_text(lesson.title)}\n\n{lesson_markdown(lesson.summary)}\n\n"
            f"*Drawn from: {sources}.*\n\n"
            "Read each concept, then answer the quiz under it. Your answers are saved and scheduled for "
            "review. " + _lab_only("In JupyterLab, start each quiz by running its cell: **Shift+Enter**, "
                                   "or **Run → Run All Cells**."))


def _lesson_outro(course: Course, lesson: Lesson) -> str:
    position = list(course.lessons).index(lesson)
    onward = ("" if position + 1 < len(course.lessons) else "This is the last lesson of the course. ")
    return (f"## What next\n\n{onward}Questions you missed come back in "
            f"[today's review]({REVIEW_PAGE}), and the same cards are in the Anki deck in `decks/`.\n\n"
            f"{_navigation(course, lesson)}")


def start_notebook(course: Course) -> NotebookNode:
    cells = [
        markdown("intro", f"# {_text(course.info.title)}\n\n{lesson_markdown(course.info.description)}"),
        markdown("where-you-stand", "## Your lessons\n\nYour progress in each lesson, with a ✓ on those you "
                                    f"have finished, and what is due in [today's review]({REVIEW_PAGE})."),
        code("dashboard", "from leaderdeck import dashboard\ndashboard()"),
        markdown("lessons", _contents(course)),
        markdown("how-to", _HOW_TO + _lab_only(_LAB_HOW_TO)),
        markdown("decks", _DECKS.format(course_id=course.id, deck=_text(course.info.deck))),
    ]
    return notebook(cells)


def _contents(course: Course) -> str:
    """The lessons as plain links, for a notebook read before it runs; the app shows the
    dashboard's list, with progress, instead."""
    items = "".join(f'<li><a href="{lesson_file_name(course, lesson)}">{render_text(lesson.title)}</a></li>'
                    for lesson in course.lessons)
    return f'<div class="ld-lab-only"><h2>All lessons</h2><ol class="ld-contents">{items}</ol></div>'


def review_notebook(course: Course) -> NotebookNode:
    """Today's review across all lessons (cells owned by the progress engineer, issue 5)."""
    cells = [
        markdown("intro", f"[Contents]({START_PAGE})\n\n# Today's review\n\nEverything due now across all "
                          f"lessons of *{_text(course.info.title)}*, most overdue first, plus a few new cards "
                          "a day in lesson order. Come back later for what has come due since. "
                          + _lab_only("In JupyterLab, run the cell below (**Shift+Enter**), and again later.")),
        code("review", "from leaderdeck import review\nreview()"),
    ]
    return notebook(cells)


_HOW_TO = """## How it works

- Open a lesson. Each concept is a short text followed by a quiz; answer with the mouse or the
  keyboard (**Tab** moves between controls, **Enter** or **Space** presses a button).
- Flashcards and reflections are graded by you (**Again**, **Hard**, **Good**, **Easy**);
  the other questions are checked for you. Each quiz ends with a summary and a button to
  retry what you missed.
- Every answer is saved to your progress store, which schedules when each card comes back.

"""

_LAB_HOW_TO = ("In JupyterLab, start a quiz by running its cell with **Shift+Enter** (or **Run → Run All "
               "Cells**). Prefer to see no code at all? Run `leaderdeck serve` (or `make serve`) for the same "
               "lessons as a web app.")
_DECKS = """## Anki decks

The same questions are in an Anki deck, `decks/{course_id}.apkg` (deck **{deck}**). In Anki,
choose **File → Import** and pick the file. Importing a newer version later updates your cards
and keeps their review history.

One memory in both places: `leaderdeck export-anki` writes the deck with the progress you made
here (import it with **Import any learning progress** on), and `leaderdeck import-anki FILE`
brings reviews you did in Anki back into this schedule."""


def course_notebooks(course: Course) -> dict[str, str]:
    """File name → exact file text for every notebook the course compiles to."""
    books = {START_PAGE: start_notebook(course), REVIEW_PAGE: review_notebook(course)}
    books |= {lesson_file_name(course, lesson): lesson_notebook(course, lesson) for lesson in course.lessons}
    return {name: to_text(book) for name, book in books.items()}


def write_notebooks(course: Course, out_root: Path) -> tuple[tuple[Path, ...], list[str]]:
    """Write every notebook under `out_root/notebooks/`, removing lesson notebooks of removed
    lessons. Returns (the files this step owns, report lines)."""
    folder = out_root / NOTEBOOKS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    books = course_notebooks(course)
    report = [f"wrote {NOTEBOOKS_DIR}/{name}" for name, text in books.items() if write_if_changed(folder / name, text)]
    for stale in sorted(folder.glob("*.ipynb")):
        if _LESSON_NOTEBOOK.match(stale.name) and stale.name not in books:
            stale.unlink()
            report.append(f"removed {NOTEBOOKS_DIR}/{stale.name} (its lesson is gone)")
    files = tuple(Path(NOTEBOOKS_DIR, name) for name in books)
    return files, report or [f"{NOTEBOOKS_DIR}/: {len(books)} notebooks up to date"]


