"""Deck compiler: build time and package size against bare genanki, peak memory, no-op rebuild.

A synthetic course (every item kind, 100 items per lesson) is generated in a temporary folder.
genanki, the baseline, writes the very same notes (our rendered fields, our GUIDs) in the same
run; our figure is the whole build: loading and validating YAML, rendering, the lock, deflate.
The two alternate, and the ratio is the median of side-by-side pairs (see `paired_seconds`).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .harness import ROOT, Row, leaderdeck_command, paired_seconds, process_seconds

ITEMS_PER_LESSON = 100
NOW = 1_750_000_000


def rows(quick: bool) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="leaderdeck-bench-") as folder:
        root = Path(folder)
        small = write_course(root / "small", 2_000 if quick else 10_000)
        result = _build_rows(small, repeat=3 if quick else 7)
        large = write_course(root / "large", 10_000 if quick else 50_000)
        result.append(_memory_row(large, 10_000 if quick else 50_000))
        result.append(_noop_row(root / "shipped", repeat=5 if quick else 9))
    return result


def _build_rows(project: Path, repeat: int) -> list[Row]:
    from leaderdeck.course import load_course
    from leaderdeck.decks import build_decks

    items = _count_items(project)
    out = project / "out"
    course = load_course(project / "lessons")

    def compile_and_write() -> None:
        shutil.rmtree(out, ignore_errors=True)
        build_decks(course, out, NOW)

    notes = _compiled_notes(project)
    genanki_file = project / "genanki.apkg"

    def genanki_write() -> None:
        _write_with_genanki(notes, genanki_file)

    whole = paired_seconds(lambda: (load_course(project / "lessons"), compile_and_write()), genanki_write, repeat)
    decks_only = paired_seconds(compile_and_write, genanki_write, repeat)
    baseline = f"genanki same notes {whole.baseline_seconds:.2f} s"
    size = (out / "decks" / "bench.apkg").stat().st_size
    size_ratio = size / genanki_file.stat().st_size
    return [
        Row(f"deck build {items:,} items (load + validate + compile + write)", whole.seconds, "s", "≤ 2.5x genanki",
            whole.ratio <= 2.5, baseline=baseline, ratio=whole.ratio),
        Row("  of which compile + write (no YAML load)", decks_only.seconds, "s", "(breakdown)", True,
            baseline=f"genanki same notes {decks_only.baseline_seconds:.2f} s", ratio=decks_only.ratio),
        Row(f"package size, {items:,} items", size / 1e6, "MB", "≤ 0.3x genanki", size_ratio <= 0.3,
            baseline=f"genanki {genanki_file.stat().st_size / 1e6:.1f} MB", ratio=size_ratio),
    ]


def _memory_row(project: Path, items: int) -> Row:
    """Peak RSS of a fresh process that loads and builds the course (ru_maxrss is in KiB on Linux)."""
    script = ("import resource, sys; from pathlib import Path;"
              "from leaderdeck.decks import build_decks; from leaderdeck.course import load_course;"
              "p = Path(sys.argv[1]); build_decks(load_course(p / 'lessons'), p / 'out', 1750000000);"
              "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    output = subprocess.run([sys.executable, "-c", script, str(project)], check=True,
                            capture_output=True, text=True).stdout
    megabytes = int(output.split()[-1]) / 1024
    return Row(f"peak memory, build {items:,} items", megabytes, "MB", "< 250 MB", megabytes < 250)


def _noop_row(project: Path, repeat: int) -> Row:
    shutil.copytree(ROOT / "lessons", project / "lessons")
    if (ROOT / "decks").is_dir():
        shutil.copytree(ROOT / "decks", project / "decks")
    command = leaderdeck_command("build", "--lessons", str(project / "lessons"))
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)  # make it a no-op from here on
    seconds = process_seconds(command, repeat=repeat, cwd=project)
    return Row("no-op rebuild, shipped course (whole process)", seconds * 1000, "ms", "< 500 ms", seconds < 0.5)


def _compiled_notes(project: Path) -> list[tuple]:
    from leaderdeck.course import load_course
    from leaderdeck.decks.compile import compile_course
    from leaderdeck.decks.lock import Lock

    compiled = compile_course(load_course(project / "lessons"), Lock(), NOW)
    by_note = {}
    for card in compiled.contents.cards:
        by_note.setdefault(card.nid, card.did)
    return [(n.mid, n.guid, n.fields, n.tags, by_note[n.id]) for n in compiled.contents.notes]


def _write_with_genanki(notes: list[tuple], path: Path) -> None:
    import genanki

    from leaderdeck.decks.notetypes import MODEL_CLOZE, NOTE_TYPES, stylesheet, template_html

    models = {nt.id: genanki.Model(
        nt.id, nt.name, fields=[{"name": name} for name in nt.field_names],
        templates=[dict(zip(("name", "qfmt", "afmt"), (t.name, *template_html(t)), strict=True))
                   for t in nt.templates],
        css=stylesheet(), model_type=genanki.Model.CLOZE if nt.model_type == MODEL_CLOZE else genanki.Model.FRONT_BACK)
        for nt in NOTE_TYPES.values()}
    decks: dict[int, genanki.Deck] = {}
    for mid, guid, fields, tags, deck_id in notes:
        deck = decks.setdefault(deck_id, genanki.Deck(deck_id, f"Bench::{deck_id}"))
        deck.add_note(genanki.Note(model=models[mid], fields=list(fields), tags=list(tags), guid=guid))
    genanki.Package(list(decks.values())).write_to_file(str(path), timestamp=time.time())


def _count_items(project: Path) -> int:
    return sum(text.count("\n  - id: item-") for text in
               (p.read_text() for p in (project / "lessons").glob("l*.yaml")))


def write_course(project: Path, items: int) -> Path:
    """A valid course of `items` items, cycling through every item kind."""
    lessons = project / "lessons"
    lessons.mkdir(parents=True)
    count = (items + ITEMS_PER_LESSON - 1) // ITEMS_PER_LESSON
    ids = [f"lesson-{n:04d}" for n in range(count)]
    (lessons / "course.yaml").write_text(
        "id: bench\ntitle: Benchmark course\ndeck: Bench\ndescription: A synthetic course.\n"
        "sources:\n  - file: bench.txt\n    title: Bench source\nlessons:\n"
        + "".join(f"  - {i}\n" for i in ids))
    for number, lesson_id in enumerate(ids):
        first = number * ITEMS_PER_LESSON
        body = "".join(_item(n) for n in range(first, min(first + ITEMS_PER_LESSON, items)))
        (lessons / f"l{number:04d}.yaml").write_text(
            f"id: {lesson_id}\ntitle: Lesson {number}\nsummary: Summary of lesson **{number}**.\n"
            "sources: [bench.txt]\nconcepts:\n  - id: idea\n    title: An idea\n    body: The idea.\n"
            "items:\n" + body)
    return project


def _item(n: int) -> str:
    head = (f"  - id: item-{n}\n    concept: idea\n    source: bench.txt\n"
            f"    explanation: Item {n} is right because *reasons* number {n}.\n")
    kind = n % 5
    if kind == 0:
        reverse = str(n % 2 == 0).lower()
        return head + (f"    kind: flashcard\n    front: Question **{n}**?\n    back: Answer {n}.\n"
                       f"    reverse: {reverse}\n")
    if kind == 1:
        return head + f"    kind: cloze\n    text: Fact {n} is {{{{c1::alpha {n}}}}} and {{{{c2::beta}}}}.\n"
    if kind == 2:
        options = "".join(f"      - id: o{k}\n        text: Option {k} of {n}\n        feedback: Because {k}.\n"
                          for k in range(4))
        return head + (f"    kind: choice\n    scenario: Situation {n}.\n    question: Which one for {n}?\n"
                       f"    options:\n{options}    correct: [o1]\n")
    if kind == 3:
        return head + f"    kind: order\n    prompt: Order {n}.\n    steps: [First {n}, Second {n}, Third {n}]\n"
    return head + f"    kind: reflection\n    prompt: Reflect on {n}.\n    model_answer: A model answer {n}.\n"
