"""The `leaderdeck` command: a thin layer over the library.

Each command is a short function that calls the public API and turns `LeaderdeckError` into a
message on stderr and exit code 1. Anything else is a bug and keeps its traceback (exit 3 would
hide where it happened). A reader that stops early (`| head`) ends it quietly with 141.
Imports inside the commands keep `leaderdeck --help` fast.
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import LeaderdeckError, LessonError, printable

if TYPE_CHECKING:
    from .model import Course

Command = Callable[[argparse.Namespace], int]


def main(argv: Sequence[str] | None = None) -> int:
    try:
        code = _main(argv)
        sys.stdout.flush()  # here, not at exit, so a closed reader is caught below
        return code
    except BrokenPipeError:
        # The reader closed early (`leaderdeck stats | head -1`): as Python's docs advise (signal
        # module, "Note on SIGPIPE"), point stdout at devnull so the flush at exit cannot fail again,
        # and exit quietly. 141 (128 + SIGPIPE) is what a shell reports for a command the closed pipe
        # stopped, as 130 is for Ctrl-C; exit 1 would claim a problem the learner must fix.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + 13  # SIGPIPE is 13 on every POSIX system (and missing from Windows' signal module)


def _main(argv: Sequence[str] | None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 0
    try:
        code: int = args.run(args)
        return code
    except LessonError as error:
        files = len({problem.path for problem in error.problems})
        print(error, file=sys.stderr)
        count = len(error.problems)
        print(f"{count} problem{'s' * (count != 1)} in {files} file{'s' * (files != 1)}", file=sys.stderr)
        return 1
    except LeaderdeckError as error:
        print(f"error: {printable(str(error), keep_lines=True)}", file=sys.stderr)
        return 1
    except OSError as error:
        if error.filename is None or error.errno not in _PATH_ERRORS:
            raise  # a bug, or trouble not about a file the user named: the traceback is the report
        print(f"error: {_shown_path(error.filename)}: {error.strerror}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


# What a path the user typed (or a lesson names) can run into; each is a message, not a traceback.
_PATH_ERRORS = {errno.ENAMETOOLONG, errno.ELOOP, errno.EACCES, errno.EPERM, errno.ENOTDIR, errno.ENOENT,
                errno.EISDIR, errno.EROFS, errno.ENOSPC}


def _shown_path(name: object) -> str:
    text = printable(os.fsdecode(name) if isinstance(name, (str, bytes)) else str(name))
    return text if len(text) <= 100 else text[:99] + "…"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="leaderdeck",
        description="Learn leadership with spaced repetition: check lessons, build decks and notebooks.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    check = _command(commands, "check", _check, "validate lesson files and report every problem")
    check.add_argument("paths", nargs="*", type=Path,
                       help="lesson files or a lessons folder (default: the course in ./lessons)")
    check.add_argument("--strict", action="store_true", help="then lint the course: exit 1 on any finding")

    lint = _command(commands, "lint", _lint, "judge items as teaching: named rules, silenced per item with a reason")
    lint.add_argument("paths", nargs="*", type=Path,
                      help="lesson files or a lessons folder (default: the course in ./lessons)")
    lint.add_argument("--sources", type=Path, default=None,
                      help="the sources' folder for the copy rules (default: sources_dir in course.yaml)")

    new = _command(commands, "new", _new, "write a new lesson skeleton with one example of each item kind")
    new.add_argument("title", help='the lesson title, for example "Bias for Action"')
    new.add_argument("--lessons", type=Path, default=None, help="the lessons folder (default: ./lessons)")

    schema = _command(commands, "schema", _schema, "write the JSON Schemas editors use for lesson files")
    schema.add_argument("--check", action="store_true", help="exit 1 if the committed schemas are stale")
    schema.add_argument("--lessons", type=Path, default=None, help="the lessons folder (default: ./lessons)")

    build = _command(commands, "build", _build, "compile the course into decks/ (and notebooks/)")
    build.add_argument("--out", type=Path, default=None, help="write under DIR instead of the project folder")
    build.add_argument("--check", action="store_true",
                       help="exit 1 naming committed files that differ from a fresh build")
    build.add_argument("--allow-schema-change", action="store_true",
                       help="accept a note type change that forks it in learners' Anki collections")
    build.add_argument("--allow-id-change", action="store_true",
                       help="accept renamed lesson or course ids (learners get duplicate notes)")
    build.add_argument("--lessons", type=Path, default=None, help="the lessons folder (default: ./lessons)")

    serve = _command(commands, "serve", _serve, "open the lessons as a web app with only text and quizzes (Voila)")
    serve.add_argument("--port", type=int, default=8866, help="the port to listen on (default: 8866)")
    serve.add_argument("--theme", choices=["light", "dark"], default="light", help="the colour theme")
    serve.add_argument("--no-browser", action="store_true", help="do not open a web browser")
    serve.add_argument("--lessons", type=Path, default=None, help="the lessons folder (default: ./lessons)")

    site = _command(commands, "site", _site, "write the course as a static JupyterLite site that keeps progress")
    site.add_argument("--out", type=Path, default=Path("build/site"), help="the folder to write (default: build/site)")
    site.add_argument("--cache", type=Path, default=Path("build/site-cache"),
                      help="downloads kept for offline rebuilds (default: build/site-cache)")
    site.add_argument("--lessons", type=Path, default=None, help="the lessons folder (default: ./lessons)")

    stats = _command(commands, "stats", _stats, "show where you stand: progress per lesson, reviews due, weak spots")
    stats.add_argument("--lessons", type=Path, default=None, help="the lessons folder (default: ./lessons)")
    stats.add_argument("--store", type=Path, default=None,
                       help="the progress store file (default: $LEADERDECK_HOME/progress.sqlite3)")

    export = _command(commands, "export-anki", _export_anki,
                      "write the deck with your scheduling and review history, for Anki")
    export.add_argument("--out", type=Path, default=None,
                        help="the package to write (default: build/<course>-with-progress.apkg)")
    export.add_argument("--lessons", type=Path, default=None, help="the lessons folder (default: ./lessons)")
    export.add_argument("--store", type=Path, default=None,
                        help="the progress store file (default: $LEADERDECK_HOME/progress.sqlite3)")

    imports = _command(commands, "import-anki", _import_anki,
                       "merge reviews done in Anki (collection, .colpkg or .apkg) into your progress")
    imports.add_argument("path", type=Path, help="collection.anki2, or an exported .colpkg or .apkg")
    imports.add_argument("--lessons", type=Path, default=None, help="the lessons folder (default: ./lessons)")
    imports.add_argument("--store", type=Path, default=None,
                         help="the progress store file (default: $LEADERDECK_HOME/progress.sqlite3)")

    progress = _command(commands, "import-progress", _import_progress,
                        "merge progress downloaded from the browser edition (or another progress store)")
    progress.add_argument("path", type=Path, help="leaderdeck-progress.sqlite3 from the site, or a progress.sqlite3")
    progress.add_argument("--store", type=Path, default=None,
                          help="the progress store file (default: $LEADERDECK_HOME/progress.sqlite3)")
    return parser


def _command(commands: argparse._SubParsersAction[argparse.ArgumentParser], name: str, run: Command,
             help_text: str) -> argparse.ArgumentParser:
    sub = commands.add_parser(name, help=help_text, description=help_text[0].upper() + help_text[1:] + ".")
    sub.set_defaults(run=run)
    return sub


def _version() -> str:
    from . import __version__

    return __version__


def _check(args: argparse.Namespace) -> int:
    from .course import CheckedFiles, check_files_noting, load_course, summary

    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        raise LeaderdeckError("no such file or folder: " + ", ".join(missing))
    folders = [p for p in args.paths if p.is_dir()]
    files = [p for p in args.paths if not p.is_dir()]  # anything else is read as a lesson, or refused
    courses = [load_course(folder) for folder in folders or [None]] if not args.paths or folders else []
    checked = check_files_noting(files) if files else CheckedFiles([], {})
    print(summary([lesson for course in courses for lesson in course.lessons] + checked.lessons))
    # One line per course whose evidence quotes could not be compared with the sources.
    reasons = {course.lessons_dir: course.unverified for course in courses}
    reasons.update({folder.resolve(): reason for folder, reason in checked.unverified.items()})
    for reason in dict.fromkeys(reason for reason in reasons.values() if reason):
        print(f"note: evidence not verified: {printable(reason)}", file=sys.stderr)
    if _release_problems(courses):
        return 1
    return _lint_paths(args.paths, None) if args.strict else 0


def _release_problems(courses: list[Course]) -> bool:
    """Print what `build` would refuse about ids against each course's released lock file
    (`decks/` beside `lessons/`); True when there was any."""
    from .decks import deck_paths
    from .decks.compile import id_problems
    from .decks.lock import read_lock

    found = False
    for course in courses:
        lock_path = course.lessons_dir.parent / deck_paths(course)[1]
        for problem in id_problems(course, read_lock(lock_path)):
            for line in problem.splitlines():
                print(f"error: {printable(line)}", file=sys.stderr)
            found = True
    return found


def _lint(args: argparse.Namespace) -> int:
    return _lint_paths(args.paths, args.sources)


def _lint_paths(paths: list[Path], sources: Path | None) -> int:
    """Lint the course of each path (a lesson file lints its course, and shows that file's findings)."""
    from .course import load_course
    from .lint import lint_course

    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise LeaderdeckError("no such file or folder: " + ", ".join(missing))
    default: set[Path | None] = set() if paths else {None}  # no paths: the default lessons folder
    folders: set[Path | None] = {p.resolve() for p in paths if not p.is_file()} or default
    files = {p.resolve() for p in paths if p.is_file()}
    findings = []
    for folder in folders | {f.parent for f in files if f.parent not in folders}:
        shown = None if folder is None or folder in folders else {f for f in files if f.parent == folder}
        findings += [f for f in lint_course(load_course(folder), sources)
                     if shown is None or f.note or Path(f.path).resolve() in shown]
    for finding in findings:
        print(finding)
    failing = sum(not f.note for f in findings)
    print(f"lint: {failing} finding{'s' * (failing != 1)}" if failing else "lint: ok", file=sys.stderr)
    return 1 if failing else 0


def _new(args: argparse.Namespace) -> int:
    from .scaffold import new_lesson

    path = new_lesson(args.title, args.lessons)
    print(f"wrote {path}: edit it, then run `leaderdeck check`")
    return 0


def _schema(args: argparse.Namespace) -> int:
    from .schema import write_schemas

    changed = write_schemas(args.lessons, check=args.check)
    if args.check and changed:
        print("stale: " + ", ".join(str(p) for p in changed) + " (run `leaderdeck schema`)", file=sys.stderr)
        return 1
    print("schemas up to date" if not changed else "wrote " + ", ".join(str(p) for p in changed))
    return 0


def _build(args: argparse.Namespace) -> int:
    import time

    from .build import BuildOptions, build, stale_files
    from .course import load_course

    course = load_course(args.lessons)
    options = BuildOptions(now=int(time.time()), allow_schema_change=args.allow_schema_change,
                           allow_id_change=args.allow_id_change)
    if args.check:
        stale = stale_files(course, options)
        for path in stale:
            print(f"stale: {path} (run `leaderdeck build`)", file=sys.stderr)
        return 1 if stale else 0
    print("\n".join(build(course, options, args.out)))
    return 0


def _serve(args: argparse.Namespace) -> int:
    from .notebooks.serve import serve

    return serve(args.lessons, port=args.port, open_browser=not args.no_browser, theme=args.theme)


def _site(args: argparse.Namespace) -> int:
    from .course import load_course
    from .site.build import build_site

    print(build_site(load_course(args.lessons), args.out.resolve(), args.cache.resolve()))
    return 0


def _stats(args: argparse.Namespace) -> int:
    from .progress.api import stats
    from .progress.stats import format_dashboard

    print(format_dashboard(stats(args.lessons, store=args.store)))
    return 0


def _export_anki(args: argparse.Namespace) -> int:
    from .exchange import export_anki

    print("\n".join(export_anki(args.lessons, store=args.store, out=args.out).report()))
    return 0


def _import_anki(args: argparse.Namespace) -> int:
    from .exchange import import_anki

    print("\n".join(import_anki(args.path, args.lessons, store=args.store).report()))
    return 0


def _import_progress(args: argparse.Namespace) -> int:
    from .exchange import import_progress

    print("\n".join(import_progress(args.path, store=args.store).report()))
    return 0
