"""The committed generated files match a fresh build, so CI catches drift (`leaderdeck build --check`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from leaderdeck.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_committed_decks_and_notebooks_match_a_fresh_build(monkeypatch: pytest.MonkeyPatch, capsys):
    monkeypatch.chdir(ROOT)
    assert main(["build", "--check"]) == 0, capsys.readouterr().err


def test_committed_schemas_match_the_model(monkeypatch: pytest.MonkeyPatch, capsys):
    monkeypatch.chdir(ROOT)
    assert main(["schema", "--check"]) == 0, capsys.readouterr().err
