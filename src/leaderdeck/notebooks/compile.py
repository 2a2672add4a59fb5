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
from ..markdown import markdown_text
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
    number = [item.id for item in course.lessons].index(lesson.id) + 1
    return f"{number:02d}-{lesson.id}.ipynb"


def lesson_notebook(course: Course, lesson: Lesson) -> NotebookNode:
    cells = [markdown("intro", _lesson_intro(course, lesson)), code("setup", "import leaderdeck")]
    quizzed = {item.concept for item in lesson.items}
    for concept in lesson.concepts:
        cells.append(markdown(cid("concept", concept.id),
                              f"## {_text(concept.title)}\n\n{lesson_markdown(concept.body)}"))
        if concept.id in quizzed:
            call = f"leaderdeck.quiz({json.dumps(lesson.id)}, concept={json.dumps(concept.id)})"
            cells.append(code(cid("quiz", concept.id), call))
    cells.append(markdown("next", _lesson_outro(course, lesson)))
    return notebook(cells)


def _lesson_intro(course: Course, lesson: Lesson) -> str:
    sources = "; ".join(_text(course.source_title(name)) for name in lesson.sources)
    return (f"# {_text(lesson.title)}\n\n{lesson_markdown(lesson.summary)}\n\n"
            f"*Drawn from: {sources}.*\n\n"
            "Read each concept, then answer the quiz under it (in JupyterLab, run its cell first: "
            "**Shift+Enter**, or **Run → Run All Cells**). Your answers are saved and scheduled for review. "
            f"[Back to the start page]({START_PAGE}).")


def _lesson_outro(course: Course, lesson: Lesson) -> str:
    position = list(course.lessons).index(lesson)
    following = course.lessons[position + 1] if position + 1 < len(course.lessons) else None
    onward = (f"Next lesson: [{_text(following.title)}]({lesson_file_name(course, following)})."
              if following else "This is the last lesson of the course.")
    return (f"## What next\n\n{onward} Questions you missed come back for review on the "
            f"[start page]({START_PAGE}), and the same cards are in the Anki deck in `decks/`.")


def start_notebook(course: Course) -> NotebookNode:
    lessons = "\n".join(f"{n}. [{_text(lesson.title)}]({lesson_file_name(course, lesson)})"
                        for n, lesson in enumerate(course.lessons, start=1))
    cells = [
        markdown("intro", f"# {_text(course.info.title)}\n\n{lesson_markdown(course.info.description)}"),
        markdown("lessons", f"## Lessons\n\n{lessons}"),
        markdown("how-to", _HOW_TO),
        markdown("decks", _DECKS.format(course_id=course.id, deck=_text(course.info.deck))),
        markdown("where-you-stand", "## Where you stand\n\nRun the cell below to see your progress "
                                    f"across lessons and what is due for review, then open "
                                    f"[today's review]({REVIEW_PAGE})."),
        code("setup", "import leaderdeck"),
        code("dashboard", "leaderdeck.dashboard()"),
    ]
    return notebook(cells)


def review_notebook(course: Course) -> NotebookNode:
    """Today's review across all lessons (cells owned by the progress engineer, issue 5)."""
    cells = [
        markdown("intro", f"# Today's review\n\nEverything due now across all lessons of "
                          f"*{_text(course.info.title)}*, most overdue first, plus a few new cards a day "
                          f"in lesson order. Run the cell below; run it again later for what has come due. "
                          f"[Back to the start page]({START_PAGE})."),
        code("setup", "import leaderdeck"),
        code("review", "leaderdeck.review()"),
    ]
    return notebook(cells)


_HOW_TO = """## How to use these notebooks

- Open a lesson above. Each concept is a short text followed by a quiz cell: run it with
  **Shift+Enter** (or **Run → Run All Cells**) and answer with the mouse or the keyboard
  (**Tab** moves between controls, **Enter** or **Space** presses a button).
- Flashcards and reflections are graded by you (**Again**, **Hard**, **Good**, **Easy**);
  the other questions are checked for you. Each quiz ends with a summary and a button to
  retry what you missed.
- Every answer is saved to your progress store, which schedules when each card comes back.
- Prefer to see no code at all? Run `leaderdeck serve` (or `make serve`) for the same
  lessons as a web app."""

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


