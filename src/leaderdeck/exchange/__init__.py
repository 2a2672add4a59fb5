"""One memory across notebook and Anki: progress carried both ways.

`export_anki` writes the course's deck with the learner's scheduling and review history (Anki:
File → Import, "Import any learning progress" on); `import_anki` reads reviews done in Anki (a
collection, a `.colpkg`, or an `.apkg` exported with scheduling, legacy or current format) into
the progress store. Cards are matched by note GUID and card ordinal. `import_progress` merges
another progress store (the browser edition's download). Names load lazily.
"""

from __future__ import annotations

from .._lazy import lazy_exports

__getattr__, __all__ = lazy_exports(__name__, {
    "export_anki": ".api",
    "import_anki": ".api",
    "import_progress": ".api",
    "AnkiFileError": ".anki_read",
})
