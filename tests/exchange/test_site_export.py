"""`export-anki` in the browser: the deck compiled at site build time, shipped, decoded and written
with the learner's progress gives the very package `leaderdeck export-anki` writes, and Anki
imports it with every studied card scheduled."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from leaderdeck.course import load_course
from leaderdeck.exchange.export import export_with_progress
from leaderdeck.site import deck_file
from leaderdeck.site.course_file import ENV_VAR

from .conftest import BUILT
from .test_export import STUDIED, study

AUTHORING = ("yaml", "cmarkgfm", "jsonschema_rs", "nh3", "nbformat", "matplotlib", "zstandard")


def test_the_shipped_deck_gives_the_desktops_package_byte_for_byte(project, course, store, monkeypatch):
    now = datetime.now(UTC)
    study(store, now)
    desktop = project / "build" / "desktop.apkg"
    export_with_progress(course, store, desktop, BUILT, 0)
    shipped = project / "site" / deck_file.FILE_NAME
    shipped.parent.mkdir()
    shipped.write_bytes(deck_file.encode(course, BUILT))
    monkeypatch.setenv(ENV_VAR, str(shipped.with_name("course.msgpack")))
    name, data = deck_file.personal_package(deck_file.shipped_deck(), store, now)
    assert name == "testcourse-with-progress.apkg"
    assert data == desktop.read_bytes()


# Run where importing any authoring package fails, as in Pyodide: decode the shipped deck, write the package.
RUNTIME_SCRIPT = f"""
import sys
for name in {AUTHORING!r}:
    sys.modules[name] = None
from datetime import UTC, datetime
from leaderdeck.progress.store import open_store
from leaderdeck.site.deck_file import personal_package, shipped_deck
with open_store(sys.argv[1]) as store:
    name, data = personal_package(shipped_deck(), store, datetime.now(UTC))
open(sys.argv[2], "wb").write(data)
print(name)
"""


def test_the_package_is_written_without_the_authoring_set_and_anki_schedules_it(project, course, store,
                                                                                  new_collection, tmp_path):
    from leaderdeck.decks.compile import note_guid
    from leaderdeck.identity import CardKey

    from .conftest import anki_card, import_package

    study(store, datetime.now(UTC))
    shipped = tmp_path / "site" / deck_file.FILE_NAME
    shipped.parent.mkdir()
    shipped.write_bytes(deck_file.encode(load_course(project / "lessons"), BUILT))
    out = tmp_path / "from-the-browser.apkg"
    env = {**os.environ, ENV_VAR: str(shipped.with_name("course.msgpack")),
           "PYTHONPATH": str(Path(deck_file.__file__).parents[2])}
    done = subprocess.run([sys.executable, "-c", RUNTIME_SCRIPT, str(store.path), str(out)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    collection = new_collection()
    import_package(collection, out, with_scheduling=True)
    for key in STUDIED:
        card_key = CardKey.parse(key)
        card = anki_card(collection, note_guid(card_key.note), card_key.ordinal)
        assert card.reps == store.card(key).reps > 0, key
