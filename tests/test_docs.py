"""The README stays true: it starts with the two commands, and documents every CLI command."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from leaderdeck.cli import _parser

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands() -> list[str]:
    subparsers = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    return sorted(subparsers.choices)


def test_readme_starts_with_make_lab_and_make_test():
    first_block = re.search(r"```bash\n(.*?)```", README, re.DOTALL).group(1)
    assert [line.split()[:2] for line in first_block.splitlines()] == [["make", "lab"], ["make", "test"]]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^lab:", makefile, re.MULTILINE) and re.search(r"^test:", makefile, re.MULTILINE)


def test_every_command_is_in_the_readme_table():
    documented = set(re.findall(r"^\| `leaderdeck ([a-z-]+)", README, re.MULTILINE))
    assert documented == set(_commands())


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
