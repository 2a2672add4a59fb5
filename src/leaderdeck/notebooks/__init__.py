"""The notebook compiler: a course → `notebooks/00-start-here.ipynb` and one notebook per lesson.

`cells` holds the deterministic building blocks (also for other generated notebooks, such as
the review notebook); `compile` lays out the course.
"""

from __future__ import annotations

from .cells import cell_id, code, markdown, notebook, to_text
from .compile import (
                      NOTEBOOKS_DIR,
                      START_PAGE,
                      course_notebooks,
                      lesson_file_name,
                      lesson_notebook,
                      start_notebook,
                      write_notebooks,
)

__all__ = ["NOTEBOOKS_DIR", "START_PAGE", "cell_id", "code", "course_notebooks", "lesson_file_name",
           "lesson_notebook", "markdown", "notebook", "start_notebook", "to_text", "write_notebooks"]
