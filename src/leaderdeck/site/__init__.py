"""The browser edition: the course as a static JupyterLite site that keeps progress in the browser.

`build` (authoring side, `leaderdeck site`) compiles the course into `course_file` (typed lessons
plus their HTML, rendered and sanitized here) and writes the site. `browser` runs inside Pyodide:
it keeps the store in IndexedDB and points the quizzes at the compiled course. Nothing on the
runtime side imports YAML, Markdown, schema or sanitizer code.
"""

from __future__ import annotations

from .._lazy import lazy_exports

__getattr__, __all__ = lazy_exports(__name__, {
    "build_site": ".build",
    "compiled_course": ".course_file",
})
