"""Mutation fuzzing of `leaderdeck check` and `build` with the shipped lessons as seeds.

    python tests/lessons/fuzz_lessons.py [--count N] [--start SEED] [--jobs J] [--truncations]
                                         [--keep DIR] [--operator NAME]

Each mutant is one shipped lesson changed by one operator (deleting, duplicating or retyping keys,
dates, huge numbers, deep nesting, anchors, tags, control and bidi characters raw and escaped,
cloze edge cases, media paths, evidence quotes, review_of and lint fields, unicode ids, odd file
types), alone in a course of its own. `check` and then `build` run on it in a subprocess with a
timeout. The contract:

- each exits 0, or 1 with its messages as `file:line:col: ...` (never a traceback, a signal or a hang);
- whatever `build` refuses, `check` refuses first (and what `check` refuses, `build` refuses too).

`--truncations` also cuts a small lesson at every byte. A mutant is fixed by its seed: rerun one
with `--start SEED --count 1 --keep DIR` to see its files. `tests/lessons/test_fuzz.py` runs a
small sample of the same mutants in CI.
"""

from __future__ import annotations

import argparse
import copy
import datetime
import os
import random
import re
import subprocess
import sys
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "lessons"
LESSONS = sorted(p for p in SHIPPED.glob("*.yaml") if p.name != "course.yaml")
TIMEOUT_S = 30.0
# A message is placed (`file:line:col: key: text`), or is the count after them, or an `error:` or
# `note:` line of the command itself.
_MESSAGE = re.compile(r"^(.+:\d+:\d+: .*|\d+ problems? in \d+ files?|error: .+|note: .+)$")


@dataclass(frozen=True)
class Mutant:
    seed: int
    operator: str
    lesson_id: str  # the id the course file lists
    text: bytes  # the lesson file (or the course file, for the `course` operator)
    special: str = ""  # what the lesson file is instead of a file: fifo, dir, dotfile, symlink:TARGET
    course_text: bytes | None = None  # a mutated course file


@dataclass
class Outcome:
    mutant: Mutant
    check: int | str  # exit code, or "hang"
    build: int | str
    failures: list[str] = field(default_factory=list)


# --- operators: (random, lesson data, lesson text) → new lesson text --------------------------

Data = dict[str, Any]


def _paths(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*path, index))


def _get(node: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        node = node[step]
    return node


def _set(data: Data, path: tuple[Any, ...], value: Any) -> None:
    _get(data, path[:-1])[path[-1]] = value


def _dump(data: Any, rng: random.Random) -> str:
    style = rng.choice([{}, {"default_flow_style": True}, {"default_style": '"'}, {"allow_unicode": True}])
    return yaml.safe_dump(data, sort_keys=False, width=rng.choice([80, 10_000]), **style)


def _strings(data: Data) -> list[tuple[Any, ...]]:
    return [p for p in _paths(data) if p and isinstance(_get(data, p), str)]


def delete_key(rng: random.Random, data: Data, text: str) -> str:
    path = rng.choice([p for p in _paths(data) if p and isinstance(p[-1], str)])
    del _get(data, path[:-1])[path[-1]]
    return _dump(data, rng)


RETYPES: list[Any] = [[], {}, [1, 2], {"a": 1}, 0, -1, 10**30, -(10**30), True, None, 1.5, float("inf"),
                      "", " ", "x" * 100_000, datetime.date(2024, 1, 1),
                      datetime.datetime(2001, 12, 14, 21, 59, 43), b"\x00\xff", [[[[]]]], {"kind": "cloze"}]


def retype(rng: random.Random, data: Data, text: str) -> str:
    path = rng.choice([p for p in _paths(data) if p])
    _set(data, path, copy.deepcopy(rng.choice(RETYPES)))
    return _dump(data, rng)


_SCALAR_LINE = re.compile(r"^(\s*(?:- )?[\w-]+:) (\S.*)$", re.MULTILINE)
RAW_VALUES = [
    "2024-01-01", "2001-12-14t21:59:43.10-05:00", "!!timestamp 2024-01-01", "!!binary aGVsbG8=", "1e400",
    "-.inf", ".nan", "0x7fffffffffffffffffff", "99999999999999999999999", "-99999999999999999999", "0o777",
    "1_000", "~", "null", "yes", "!!set {a, b}", "!!omap [a: 1]", "!!python/object:os.system x", "!custom x",
    "!!str 1", '!!int "x"', "!!float x", "&a x", "*a", "[*a]", "{<<: *a}", "&a [*a]", '"\\x1f"', '"\\e[31mred"',
    '"\\a"', '"\\u202e"', '"\\x85"', '"\\u2028"', '"\\0"', '"\\uFEFF"', '"\\t    <script>x</script>"',
    '"\\x7f"', '"\\U0001F600"', '"\\ud800"', "'''", '"\\', "[", "{", "}", "- a", "? a", ": a", "|", ">-", "|+",
    "| \n  x", "@x", "`x`", "%YAML 1.1", "--- x", "... x", "'a' 'b'", '"a" # b', "a: b: c", "{a: 1, a: 2}",
    "[a, [b, [c, [d]]]]", "!!map {}", "!!seq []", "!!null x", "!!bool maybe",
    '!!bool ""', '!!int ""', '!!int "_"', '!!float "-"', "0", "-0", "1.0", "+1",
    "[{{c1::a}}]", '"{{c1::a}}"', "x" * 5000, " ".join(["w"] * 3000),
]


def raw_value(rng: random.Random, data: Data, text: str) -> str:
    lines = list(_SCALAR_LINE.finditer(text))
    line = rng.choice(lines)
    return text[:line.start(2)] + rng.choice(RAW_VALUES) + text[line.end(2):]


def duplicate_key(rng: random.Random, data: Data, text: str) -> str:
    line = rng.choice(list(_SCALAR_LINE.finditer(text)))
    copied = line.group(0).replace("- ", "  ", 1) if rng.random() < 0.7 else line.group(0)
    return text[:line.end()] + "\n" + copied + text[line.end():]


def deep_nesting(rng: random.Random, data: Data, text: str) -> str:
    depth = rng.choice([49, 50, 51, 100, 500, 1000, 5000, 20000])
    shape = rng.choice(["flow-list", "flow-map", "block", "whole"])
    if shape == "whole":
        return "- " * depth + "x"
    if shape == "block":
        nested = "".join("\n" + "  " * (i + 2) + "- " for i in range(min(depth, 400))) + "x"
    elif shape == "flow-list":
        nested = "[" * depth + "x" + "]" * depth
    else:
        nested = "{a: " * depth + "x" + "}" * depth
    line = rng.choice(list(_SCALAR_LINE.finditer(text)))
    return text[:line.start(2)] + nested + text[line.end(2):]


def anchors(rng: random.Random, data: Data, text: str) -> str:
    lines = list(_SCALAR_LINE.finditer(text))
    first, second = sorted(rng.sample(lines, 2), key=lambda m: m.start())
    kind = rng.choice(["alias", "merge", "laughs", "anchor-only", "undefined"])
    if kind == "laughs":
        bomb = "".join(f"\nl{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 9))
        return "l0: &l0 [lol]" + bomb + "\n" + text
    if kind == "merge":
        return text + "\nbase: &b {x: 1}\nextra:\n  <<: *b\n"
    value = "*missing" if kind == "undefined" else "*a"
    text = text[:second.start(2)] + (value if kind != "anchor-only" else "&z " + second.group(2)) + text[second.end(2):]
    return text[:first.start(2)] + "&a " + first.group(2) + text[first.end(2):]


CONTROLS = [chr(c) for c in (*range(0, 9), 11, 12, *range(14, 32), 0x7f, 0x80, 0x85, 0x9b, 0x9f)] + [
    "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
    "\u2069", "\u2028", "\u2029", "\ufeff", "\ufffe", "\ufffd", "\r", "\r\n", "\t"]


def control_raw(rng: random.Random, data: Data, text: str) -> str:
    line = rng.choice(list(_SCALAR_LINE.finditer(text)))
    at = rng.randint(line.start(2), line.end(2))
    return text[:at] + rng.choice(CONTROLS) + text[at:]


def control_escaped(rng: random.Random, data: Data, text: str) -> str:
    path = rng.choice(_strings(data))
    value = _get(data, path)
    at = rng.randint(0, len(value))
    _set(data, path, value[:at] + rng.choice(CONTROLS) + value[at:])
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=False, default_style=rng.choice([None, '"']))


CLOZES = [
    "{{c0::x}} and {{c1::y}}", "{{c1::}}", "{{c1::{{c2::x}}}}", "{{c1::x", "{{c1::x}}}}", "{{c1:x}}",
    "{{c99999999999999999999999::b}}", "{{c\u0661::x}}", "{{c\uff11::x}}", "{{c\u0967::x}}", "{{C1::x}}",
    "{{c1::a::}}", "{{c1::a::b::c}}", "[{{c1::a}}](https://e.com)", "[a](https://e.com/{{c1::a}})",
    '[a](https://e.com "{{c1::t}}")', "![{{c1::a}}](media/x.png)", "`{{c1::code}}`", "<!-- {{c1::x}} -->",
    " ".join(f"{{{{c{i}::w}}}}" for i in range(1, 1002)), "{{c1::x}} {{c3::y}}", "{{c-1::x}}", "{{c1.5::x}}",
    "{{c1::\u202ex}}", "{{c1::<script>x</script>}}", "{{c1::x\n\ny}}", "{{c1::}} {{c1::}}", "{{c01::x}}",
    "{{c1::[sound:x.mp3]}}", "{{c1::x}}" * 3, "{{c1::" * 300 + "x" + "}}" * 300,
]


def cloze(rng: random.Random, data: Data, text: str) -> str:
    items = [i for i in data.get("items", []) if isinstance(i, dict) and i.get("kind") == "cloze"] \
        or [i for i in data.get("items", []) if isinstance(i, dict)]
    item = rng.choice(items)
    item["kind"], item["text"] = "cloze", rng.choice(CLOZES)
    return _dump(data, rng)


MEDIA = [
    "![x](media/\0.png)", "![x](media/" + "a" * 5000 + ".png)", "![x](../outside.png)", "![x](/etc/hostname)",
    "![x](https://example.com/x.png)", "![pic][r]\n\n[r]: https://example.com/x.png", "![pic][r]\n\n[r]: /etc/hostname",
    "![pic][r]\n\n[r]: ../outside.png", '<img data-src="media/ok.png" src="https://e.com/x.png">',
    "![x](data:image/png;base64,AAAA)", "![x](file:///etc/passwd)", "![x](media/%2e%2e/x.png)",
    "![x](media/x.png \"t\")", "![x](<media/a b.png>)", "![x](media\\..\\x.png)", "![x](//e.com/x.png)",
    "![x](media/)", "![x]()", "![x](#)", "![x](media/x.png?y=1)", "![x](MEDIA/X.PNG)", "![x](media/\u202ex.png)",
    "[sound:x.mp3]", "[anki:tts]x[/anki:tts]", "[latex]x[/latex]", "<script>alert(1)</script>",
    "    <script>alert('x')</script>\n\nSummary.", "\t<b>x</b>", "<a href=\"javascript:alert(1)\">x</a>",
]


def media(rng: random.Random, data: Data, text: str) -> str:
    paths = [p for p in _strings(data) if p[-1] in ("summary", "body", "front", "back", "explanation", "text",
                                                     "prompt", "description", "title")]
    path = rng.choice(paths)
    _set(data, path, rng.choice(MEDIA) if rng.random() < 0.7 else _get(data, path) + "\n\n" + rng.choice(MEDIA))
    return _dump(data, rng)


def evidence(rng: random.Random, data: Data, text: str) -> str:
    items = [i for i in data.get("items", []) if isinstance(i, dict)]
    item = rng.choice(items)
    quote = item.get("evidence", {}).get("quote", "") if isinstance(item.get("evidence"), dict) else ""
    choices: list[Any] = [
        {"quote": ""}, {"quote": " "}, {"quote": "x" * 200_000}, {"quote": unicodedata.normalize("NFD", quote)},
        {"quote": unicodedata.normalize("NFKD", quote)}, {"quote": quote.upper()}, {"quote": "…"}, {"quote": "..."},
        {"quote": "\u0301"}, {"quote": quote + "\x1f"}, {"quote": quote.replace(" ", "\u00a0")},
        {"quote": "a … b … c … " * 1000}, {"quote": 1}, {"quote": None}, {"synthesis": ""}, {"speaker": "x"},
        {"quote": quote, "speaker": ""}, [], "quote", {}, None, {"quote": quote, "extra": 1},
        {"quote": "\ufeff" + quote}, {"quote": quote[::-1]}, {"quote": "é"}, {"quote": "e\u0301"},
    ]
    item["evidence"] = rng.choice(choices)
    return _dump(data, rng)


def review_and_lint(rng: random.Random, data: Data, text: str) -> str:
    items = [i for i in data.get("items", []) if isinstance(i, dict)]
    item = rng.choice(items)
    other = rng.choice(items).get("id", "x")
    if rng.random() < 0.5:
        item["review_of"] = rng.choice([item.get("id"), other, "nope", "other-lesson/item", 1, [], "", None,
                                        ["a", "b"], {"a": 1}, "x" * 5000, "Door-Decisions"])
    else:
        item["lint"] = rng.choice([{"ignore": {"LD101": ""}}, {"ignore": {"NOPE": "x"}}, [], {"ignore": []},
                                   {"ignore": {"LD001": None}}, {"ignore": None}, "x", {"other": 1},
                                   {"ignore": {"ld101": "y"}}, {"ignore": {1: "x"}}, {"ignore": {"LD101": "\x1b"}}])
    return _dump(data, rng)


IDS = ["dóor", "d\u0301oor", "\ufb00", "ａｂｃ", "x" * 300, "\u0661\u0662", "a b", "A", "-a", "a--b", "\U0001F642",
       "\u202eabc", "İ", "ß", "a/b", "a#b", "", "0", "a\x00", "con", ".", "..", "door-decisions", "a.b", "é" * 64]


def unicode_id(rng: random.Random, data: Data, text: str) -> str:
    paths = [p for p in _paths(data) if p and p[-1] in ("id", "concept", "source")]
    _set(data, rng.choice(paths), rng.choice(IDS))
    return _dump(data, rng)


def encoding(rng: random.Random, data: Data, text: str) -> bytes:  # type: ignore[return]
    raw = text.encode("utf-8")
    at = rng.randint(0, len(raw))
    return rng.choice([
        b"\xef\xbb\xbf" + raw, text.encode("utf-16"), raw[:at] + b"\xff" + raw[at:], raw[:at] + b"\x00" + raw[at:],
        raw.replace(b"\n", b"\r\n"), raw.replace(b"\n", b"\r"), raw.replace(b"  ", b"\t", 1),
        raw[:at] + b"\xc3" + raw[at:], raw + b"\n---\nid: again\n", b"%YAML 1.1\n---\n" + raw, b"", b" ", b"\n" * 5000,
        raw[:at] + "\u2028".encode() + raw[at:], text.encode("latin-1", errors="replace"),
    ])


def truncate(rng: random.Random, data: Data, text: str) -> bytes:  # type: ignore[return]
    raw = text.encode("utf-8")
    return raw[:rng.randint(0, len(raw))]


def splice(rng: random.Random, data: Data, text: str) -> str:
    """Several text operators in a row."""
    for _ in range(rng.randint(2, 4)):
        operator = rng.choice([raw_value, duplicate_key, control_raw, anchors, deep_nesting])
        try:
            text = operator(rng, data, text)
        except (ValueError, IndexError):  # the text no longer has lines of the shape wanted
            break
    return text


SPECIALS = ["fifo", "dir", "dotfile", "symlink:/dev/zero", "symlink:/dev/null", "symlink:dangling", "symlink:loop",
            "symlink:.", "symlink:/etc/passwd", "symlink:course.yaml", "symlink:/proc/self/fd/0"]


OPERATORS: dict[str, Callable[[random.Random, Data, str], str | bytes]] = {
    f.__name__: f for f in (delete_key, retype, raw_value, duplicate_key, deep_nesting, anchors, control_raw,
                            control_escaped, cloze, media, evidence, review_and_lint, unicode_id, encoding,
                            truncate, splice)
}
ALL_OPERATORS = [*OPERATORS, "special", "course"]


def mutant(seed: int, operator: str | None = None) -> Mutant:
    """The mutant of `seed` (with `operator`, that operator's)."""
    rng = random.Random(seed)
    path = rng.choice(LESSONS)
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    lesson_id = data["id"]
    name = operator or rng.choice(ALL_OPERATORS)
    if name == "special":
        return Mutant(seed, name, lesson_id, text.encode(), special=rng.choice(SPECIALS))
    if name == "course":
        course_data = _course_data(lesson_id)
        which = rng.choice(["raw_value", "retype", "delete_key", "control_raw", "duplicate_key", "unicode_id"])
        mutated = OPERATORS[which](rng, course_data, yaml.safe_dump(course_data, sort_keys=False))
        return Mutant(seed, f"course/{which}", lesson_id, text.encode(),
                      course_text=mutated if isinstance(mutated, bytes) else mutated.encode("utf-8", "surrogatepass"))
    result = OPERATORS[name](rng, data, text)
    raw = result if isinstance(result, bytes) else result.encode("utf-8", "surrogatepass")
    return Mutant(seed, name, lesson_id, raw)


def _course_data(lesson_id: str) -> Data:
    data: Data = yaml.safe_load((SHIPPED / "course.yaml").read_text(encoding="utf-8"))
    data["lessons"] = [lesson_id]
    sources = (SHIPPED / str(data.get("sources_dir", ""))).resolve()
    if sources.is_dir():
        data["sources_dir"] = str(sources)
    else:
        data.pop("sources_dir", None)
    return data


def small_lesson() -> str:
    """A small valid lesson (for truncation at every byte): the first concept and two items of lesson 01."""
    data = yaml.safe_load(LESSONS[0].read_text(encoding="utf-8"))
    concept = data["concepts"][0]
    items = [i for i in data["items"] if i.get("concept") == concept["id"]][:2]
    data.update(concepts=[concept], items=items)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


# --- running ----------------------------------------------------------------------------------

def write(m: Mutant, work: Path) -> Path:
    lessons = work / "lessons"
    lessons.mkdir(parents=True)
    course = m.course_text or yaml.safe_dump(_course_data(m.lesson_id), sort_keys=False).encode()
    (lessons / "course.yaml").write_bytes(course)
    target = lessons / ("01-lesson.yaml" if m.special != "dotfile" else ".01-lesson.yaml")
    if m.special == "fifo":
        os.mkfifo(target)
    elif m.special == "dir":
        target.mkdir()
    elif m.special.startswith("symlink:"):
        link = m.special.removeprefix("symlink:")
        target.symlink_to({"dangling": "nowhere.yaml", "loop": target.name}.get(link, link))
    else:
        target.write_bytes(m.text)
    return lessons


def _run(args: list[str], cwd: Path) -> tuple[int | str, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "LEADERDECK_HOME": str(cwd / "home"),
           "PYTHONFAULTHANDLER": "1"}
    try:
        done = subprocess.run([sys.executable, "-m", "leaderdeck", *args], cwd=cwd, env=env, capture_output=True,
                              text=True, errors="replace", timeout=TIMEOUT_S, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return "hang", ""
    return done.returncode, done.stderr


def run(m: Mutant, work: Path) -> Outcome:
    lessons = write(m, work)
    check, check_err = _run(["check", str(lessons)], work)
    build, build_err = _run(["build", "--lessons", str(lessons), "--out", str(work / "out")], work)
    outcome = Outcome(m, check, build)
    for command, code, err in (("check", check, check_err), ("build", build, build_err)):
        if code not in (0, 1):
            outcome.failures.append(f"{command}: {'hang' if code == 'hang' else f'exit {code}'}: {_last(err)}")
        elif "Traceback" in err:
            outcome.failures.append(f"{command}: traceback: {_last(err)}")
        elif code == 1 and (bad := [line for line in err.splitlines() if line and not _MESSAGE.match(line)]):
            outcome.failures.append(f"{command}: unplaced message: {bad[0][:200]}")
    if check == 0 and build == 1:
        outcome.failures.append(f"build refused what check passed: {_last(build_err)}")
    if check == 1 and build == 0:
        outcome.failures.append(f"build accepted what check refused: {_last(check_err)}")
    return outcome


def _last(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    return lines[-1][:200] if lines else ""


def campaign(mutants: list[Mutant], jobs: int, keep: Path | None) -> list[Outcome]:
    def one(m: Mutant) -> Outcome:
        if keep is not None:
            return run(m, keep / f"{m.seed}-{m.operator.replace('/', '-')}")
        with tempfile.TemporaryDirectory(prefix="ld-fuzz-") as work:
            return run(m, Path(work))

    with ThreadPoolExecutor(jobs) as pool:
        return list(pool.map(one, mutants))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--start", type=int, default=0, help="the first seed")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--operator", choices=ALL_OPERATORS, default=None)
    parser.add_argument("--truncations", action="store_true", help="also cut a small lesson at every byte")
    parser.add_argument("--keep", type=Path, default=None, help="keep each mutant's folder under DIR")
    args = parser.parse_args(argv)
    mutants = [mutant(seed, args.operator) for seed in range(args.start, args.start + args.count)]
    if args.truncations:
        raw = small_lesson().encode()
        lesson_id = yaml.safe_load(raw)["id"]
        mutants += [Mutant(-1 - cut, "truncate-every-byte", lesson_id, raw[:cut]) for cut in range(len(raw) + 1)]
    outcomes = campaign(mutants, args.jobs, args.keep)
    failed = [o for o in outcomes if o.failures]
    by_operator = Counter(m.operator.split("/")[0] for m in mutants)
    passed = Counter(o.mutant.operator.split("/")[0] for o in outcomes if o.check == 0)
    print(f"{len(mutants)} mutants: check passed {sum(passed.values())}, refused "
          f"{sum(o.check == 1 for o in outcomes)}; {len(failed)} broke the contract")
    for name, count in sorted(by_operator.items()):
        print(f"  {name:22} {count:5} mutants, {passed[name]:4} passed check")
    causes = Counter(failure.split(": ", 2)[-1][:120] for o in failed for failure in o.failures)
    for cause, count in causes.most_common():
        print(f"  {count:4} × {cause}")
    for o in failed:
        print(f"seed {o.mutant.seed} ({o.mutant.operator}): " + " | ".join(o.failures))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
