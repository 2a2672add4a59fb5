"""Images must be files in the lessons folder, judged by what the renderer produces, not the text."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from leaderdeck.cli import main
from leaderdeck.markdown import media_problems, media_references, render

HOSTILE = Path(__file__).parent / "fixtures" / "lessons"

REMOTE_OR_OUTSIDE = [
    "![pic][r]\n\n[r]: https://evil.example/x.png",
    "![pic][r]\n\n[r]: /etc/hostname",
    "![pic][r]\n\n[r]: ../outside.png",
    "![pic](../outside.png)",
    "![pic](//evil.example/x.png)",
    "![pic](media/../../outside.png)",
    "![pic](%2e%2e/outside.png)",
    "![pic](media%2f..%2f..%2foutside.png)",
    "![pic](<..\\outside.png>)",
    '<img data-src="media/ok.png" src="https://evil.example/x.png">',
    '<img src="https://evil.example/x.png" alt="media/ok.png">',
    "<IMG SRC='file:///etc/passwd'>",
    '<img src=" https://evil.example/x.png">',
    '<img src="java\tscript:alert(1)">',
    "![pic](media/ok.png)![two][r]\n\n[r]: C:/Windows/x.png",
]


@pytest.mark.parametrize("text", REMOTE_OR_OUTSIDE)
def test_remote_and_outside_images_are_problems_and_never_rendered(text: str):
    assert media_problems(text, HOSTILE), text
    html = render(text)
    assert "evil" not in html and "outside" not in html and "etc/" not in html and "script" not in html, html


def test_the_problem_names_the_reference_the_renderer_produced():
    [problem] = media_problems("![pic][r]\n\n[r]: https://evil.example/x.png", HOSTILE)
    assert problem == "media 'https://evil.example/x.png' must be a file in the lessons folder, not a URL"
    [problem] = media_problems("![pic][r]\n\n[r]: ../outside.png", HOSTILE)
    assert problem == "media path '../outside.png' leaves the lessons folder"


def test_local_images_pass_in_every_spelling():
    for text in ("![a](media/ok.png)", "![a][r]\n\n[r]: media/ok.png", '<img src="media/ok.png" alt="a">',
                 "![a](<media/ok.png>)", "![a](media/%6Fk.png)"):
        assert media_problems(text, HOSTILE) == [], text
        assert media_references(text) in (["media/ok.png"], ["media/ok.png"]), text


def test_a_symlink_out_of_the_folder_is_a_problem(tmp_path: Path):
    lessons = tmp_path / "lessons"
    (lessons / "media").mkdir(parents=True)
    (tmp_path / "secret.png").write_bytes(b"x")
    (lessons / "media" / "link.png").symlink_to(tmp_path / "secret.png")
    assert media_problems("![a](media/link.png)", lessons) == [
        "media path 'media/link.png' leaves the lessons folder through a link"]


@pytest.mark.parametrize("text", REMOTE_OR_OUTSIDE[:3] + REMOTE_OR_OUTSIDE[9:10])
def test_check_refuses_them(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str):
    shutil.copytree(HOSTILE, tmp_path / "lessons")
    lesson = tmp_path / "lessons" / "01-hostile.yaml"
    source = lesson.read_text(encoding="utf-8")
    indented = text.replace("\n", "\n      ")
    lesson.write_text(source.replace("    body: |\n      Active tags:",
                                     f"    body: |\n      {indented}\n\n      Active tags:", 1), encoding="utf-8")
    assert main(["check", str(tmp_path / "lessons")]) == 1
    assert "concepts[0].body: media" in capsys.readouterr().err
