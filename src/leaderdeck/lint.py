"""Stage after validate: `lint` judges a valid course's items as teaching, not as data.

`check` says whether a lesson can be built; `lint` says whether its items test the idea rather
than the wording: the right option is not the longest, a cloze does not give its answer away, a
flashcard holds one fact, the course does not copy its sources. Each rule has an id, a name and a
one-line reason (docs/authoring.md lists them with their fixes). An item silences a rule with
`lint: {ignore: {LD101: "why it does not apply"}}`; a silence without a reason is itself a finding.

The rules read only the typed model's public attributes (and `as_dict` to walk every text
field), so they hold when item kinds move into modules of their own. Positions come from the
lesson file, loaded with positions only for lessons that have findings.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._lint_text import (
    ABSOLUTES,
    FUNCTION_WORDS,
    HEDGES,
    contains_phrase,
    content,
    is_list,
    plain,
    strip_cloze,
    tokens,
    words_in,
)
from .kinds import Explain, Match
from .kinds.base import ItemBase
from .model import Choice, Cloze, Course, Flashcard, Lesson, Order, Reflection, as_dict

ItemPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    catches: str


RULES = {rule.id: rule for rule in (
    Rule("LD001", "silence-without-reason", "a `lint.ignore` entry with an empty reason, or for an unknown rule"),
    Rule("LD101", "correct-longest", "the correct option is over 1.25x the median distractor's length"),
    Rule("LD102", "options-differ-in-form", "only the correct option hedges, or only wrong ones use absolutes"),
    Rule("LD103", "multi-few-wrong", "a multi-select with fewer wrong options than right ones"),
    Rule("LD201", "cloze-answer-cued", "a cloze answer shown elsewhere in its text, its hint or the concept title"),
    Rule("LD202", "cloze-trivial-deletion", "a deletion of function words only, or of fewer than four letters"),
    Rule("LD203", "cloze-many-deletions", "three or more deletions in one cloze"),
    Rule("LD301", "flashcard-back-list", "a flashcard back that is a list"),
    Rule("LD302", "flashcard-back-long", "a flashcard back over 25 words"),
    Rule("LD303", "reverse-not-a-term", "`reverse: true` on a back that is not a term (over 6 words, or a sentence)"),
    Rule("LD401", "order-unsupported",
         "an order item whose evidence quotes no passage giving the sequence, or adds a synthesis"),
    Rule("LD451", "match-answer-cued", "a match pair whose left already holds its right's words"),
    Rule("LD461", "explain-point-long", "a rubric point over 20 words: the learner cannot tick it at a glance"),
    Rule("LD501", "same-fact-twice", "near-identical items in two lessons without `review_of`"),
    Rule("LD502", "review-of-unknown", "`review_of` names no item of an earlier lesson"),
    Rule("LD600", "copy-rules-not-run", "the sources folder is absent, so the copy rules did not run (a note)"),
    Rule("LD601", "copied-run", "8 or more words in a row shared with a source, outside quotation marks"),
    Rule("LD602", "close-paraphrase", "a sentence whose content words mostly come from one source sentence"),
    Rule("LD701", "no-evidence", "an item without `evidence`: no quote backs its answer and no synthesis is declared"),
)}

MAX_BACK_WORDS = 25
MAX_TERM_WORDS = 6
MAX_POINT_WORDS = 20
LENGTH_RATIO = 1.25
COPY_RUN = 8
PARAPHRASE_SHARE = 0.75  # share of a lesson sentence's content words found in one source sentence
PARAPHRASE_MIN_SHARED = 7  # ... and at least this many of them
DUPLICATE_SIMILARITY = 0.4  # Jaccard similarity of two items' content words



@dataclass(frozen=True, order=True)
class Finding:
    """One thing `lint` objects to, located like a `check` problem."""

    path: str
    line: int
    column: int
    key_path: str
    rule: str
    message: str
    note: bool = False  # a note (LD600) informs; it does not make `lint` fail

    @property
    def name(self) -> str:
        return RULES[self.rule].name

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}"
        key = f" {self.key_path}:" if self.key_path else ""
        return f"{where}:{key} [{self.rule} {self.name}] {'note: ' * self.note}{self.message}"


@dataclass(frozen=True)
class _Raw:
    lesson: str
    key_path: ItemPath
    rule: str
    message: str
    note: bool = False


def lint_course(course: Course, sources_dir: Path | None = None) -> list[Finding]:
    """Every finding of every rule on `course`, sorted by file and line; silenced ones left out.

    `sources_dir` holds the source files for the copy rules; by default the course file's
    `sources_dir`, relative to the lessons folder. Without it the copy rules do not run and the
    result holds one note (LD600) saying so."""
    raw: list[_Raw] = []
    for lesson in course.lessons:
        for index, item in enumerate(lesson.items):
            for rule_id, path, message in _item_findings(item, lesson):
                raw.append(_Raw(lesson.id, ("items", index, *path), rule_id, message))
    raw += _duplicates(course)
    raw += _copy_findings(course, sources_dir)
    return _locate(course, _unsilenced(course, raw))


# --- rules on one item -----------------------------------------------------------------------

def _item_findings(item: ItemBase, lesson: Lesson) -> Iterator[tuple[str, ItemPath, str]]:
    for check in _ITEM_RULES.get(type(item), ()):
        yield from check(item, lesson)
    yield from _no_evidence(item, lesson)
    yield from _silences(item)


def _silences(item: ItemBase) -> Iterator[tuple[str, ItemPath, str]]:
    ignore = item.lint.ignore if item.lint else {}
    for rule_id, reason in ignore.items():
        if rule_id not in RULES:
            near = [r for r in RULES if r.lower() == rule_id.lower() or RULES[r].name == rule_id]
            hint = f" (did you mean {near[0]}?)" if near else ""
            yield "LD001", ("lint", "ignore", rule_id), f"unknown rule '{rule_id}'{hint}"
        elif not (reason or "").strip():
            message = f"silences {rule_id} without a reason: say why it does not apply"
            yield "LD001", ("lint", "ignore", rule_id), message


def _correct_longest(item: Choice, lesson: Lesson) -> Iterator[tuple[str, ItemPath, str]]:
    if item.multi or len(item.correct) != 1:
        return
    lengths = {option.id: len(plain(option.text)) for option in item.options}
    wrong = [length for option_id, length in lengths.items() if option_id not in item.correct]
    median = statistics.median(wrong)
    right = lengths[item.correct[0]]
    if wrong and right > LENGTH_RATIO * median:
        at = next(i for i, option in enumerate(item.options) if option.id == item.correct[0])
        yield ("LD101", ("options", at, "text"),
               f"the correct option is {right / median:.2f}x the median distractor ({right} vs {median:g} "
               f"characters; at most {LENGTH_RATIO}x): shorten it or give the distractors the same substance")


def _differ_in_form(item: Choice, lesson: Lesson) -> Iterator[tuple[str, ItemPath, str]]:
    right = [o for o in item.options if o.id in item.correct]
    wrong = [o for o in item.options if o.id not in item.correct]
    hedged_right = [(o, words_in(o.text, HEDGES)) for o in right]
    if any(found for _, found in hedged_right) and not any(words_in(o.text, HEDGES) for o in wrong):
        words = sorted({w for _, found in hedged_right for w in found})
        yield ("LD102", ("correct",),
               f"only the correct option hedges ({', '.join(words)}): hedge a distractor too, or none")
    absolute_wrong = {w for o in wrong for w in words_in(o.text, ABSOLUTES)}
    if absolute_wrong and not any(words_in(o.text, ABSOLUTES) for o in right):
        yield ("LD102", ("options",),
               f"only wrong options use absolutes ({', '.join(sorted(absolute_wrong))}): they mark the distractors")


def _multi_few_wrong(item: Choice, lesson: Lesson) -> Iterator[tuple[str, ItemPath, str]]:
    wrong = len(item.options) - len(item.correct)
    if item.multi and wrong < len(item.correct):
        yield ("LD103", ("options",),
               f"{len(item.correct)} right and {wrong} wrong options: add plausible wrong ones "
               f"(at least as many as right ones) or ask for one answer")


def _cloze_rules(item: Cloze, lesson: Lesson) -> Iterator[tuple[str, ItemPath, str]]:
    deletions = [(answer, hint) for pairs in item.deletions().values() for answer, hint in pairs]
    if len(deletions) >= 3:
        yield ("LD203", ("text",), f"{len(deletions)} deletions in one cloze: each card shows the others; "
               "keep one or two, or split the item")
    for answer, hint in deletions:
        words = tokens(plain(answer))
        letters = sum(ch.isalnum() for ch in plain(answer))
        if not words or all(w in FUNCTION_WORDS for w in words) or letters < 4:
            yield ("LD202", ("text",), f"the deletion '{answer}' is trivial (a function word or under four letters)")
        cue = _cued_by(item, answer, hint, lesson.concept(item.concept).title)
        if cue:
            yield "LD201", ("text",), f"the answer '{answer}' shows in {cue}"


def _cued_by(item: Cloze, answer: str, hint: str | None, title: str) -> str | None:
    target = " ".join(tokens(plain(answer)))
    if not target:
        return None
    others = strip_cloze(item.text, keep=answer)
    where = [("its hint", hint or ""), ("the rest of its text", others), ("the concept title", title)]
    for label, text in where:
        if contains_phrase(text, target):
            return label
    return None


def _flashcard_rules(item: Flashcard, lesson: Lesson) -> Iterator[tuple[str, ItemPath, str]]:
    back = plain(item.back)
    words = len(back.split())
    if is_list(item.back):
        yield "LD301", ("back",), "the back is a list: one fact per card (one card per entry, or a match item)"
    if words > MAX_BACK_WORDS:
        yield "LD302", ("back",), f"the back has {words} words (at most {MAX_BACK_WORDS}): keep one fact"
    if item.reverse and (words > MAX_TERM_WORDS or back.rstrip().endswith(".")):
        yield ("LD303", ("reverse",), "reverse: true, but the back does not read as a term "
               f"(over {MAX_TERM_WORDS} words or a sentence), so the reverse card has no clear answer")


def _order_unsupported(item: Order, lesson: Lesson) -> Iterator[tuple[str, ItemPath, str]]:
    # A synthesis beside the quote says the sequence is partly the course's own.
    if item.evidence is None or not item.evidence.quote or item.evidence.synthesis:
        yield ("LD401", ("steps",), "nothing shows the source states this sequence: quote the passage that "
               "gives it in `evidence` (with no `synthesis`), or use another kind")


def _match_cued(item: Match, lesson: Lesson) -> Iterator[tuple[str, ItemPath, str]]:
    for index, pair in enumerate(item.pairs):
        target = " ".join(tokens(plain(pair.right)))
        if target and contains_phrase(pair.left, target):
            yield ("LD451", ("pairs", index, "left"),
                   f"the left shows its own right '{pair.right}': the pair is answered by reading it")


def _explain_points_long(item: Explain, lesson: Lesson) -> Iterator[tuple[str, ItemPath, str]]:
    for index, point in enumerate(item.rubric):
        words = len(plain(point).split())
        if words > MAX_POINT_WORDS:
            yield ("LD461", ("rubric", index), f"the point has {words} words (at most {MAX_POINT_WORDS}): "
                   "one short claim the learner can tick or not")


def _no_evidence(item: object, lesson: Lesson) -> Iterator[tuple[str, ItemPath, str]]:
    if getattr(item, "evidence", None) is None:
        yield ("LD701", (), "no `evidence`: quote the words of the source that back the answer, "
               "or declare the answer the course's own `synthesis` and say why")


# Each rule takes items of its own kind only, which the table's key guarantees.
_ItemRule = Callable[[Any, Lesson], Iterator[tuple[str, ItemPath, str]]]
_ITEM_RULES: dict[type, tuple[_ItemRule, ...]] = {
    Choice: (_correct_longest, _differ_in_form, _multi_few_wrong),
    Cloze: (_cloze_rules,),
    Flashcard: (_flashcard_rules,),
    Order: (_order_unsupported,),
    Match: (_match_cued,),
    Explain: (_explain_points_long,),
}


# --- rules across lessons --------------------------------------------------------------------

def _fact_text(item: object) -> str:
    match item:
        case Flashcard():
            return f"{item.front} {item.back}"
        case Cloze():
            return strip_cloze(item.text)
        case Choice():
            return " ".join([item.question, *(o.text for o in item.options if o.id in item.correct)])
        case Order():
            return " ".join([item.prompt, *item.steps])
        case Reflection():
            return item.prompt
        case Match():
            return " ".join([item.prompt, *(f"{pair.left} {pair.right}" for pair in item.pairs)])
        case Explain():
            return " ".join([item.prompt, *item.rubric])
    return ""


def _duplicates(course: Course) -> list[_Raw]:
    found: list[_Raw] = []
    known = {f"{lesson.id}/{item.id}": n for n, lesson in enumerate(course.lessons) for item in lesson.items}
    facts = [(n, lesson, index, item, content(_fact_text(item)))
             for n, lesson in enumerate(course.lessons) for index, item in enumerate(lesson.items)]
    holding: dict[str, list[int]] = {}  # content word → facts (by position in `facts`) that hold it
    for position, (n, lesson, index, item, words) in enumerate(facts):
        if item.review_of is not None and known.get(item.review_of, n) >= n:
            found.append(_Raw(lesson.id, ("items", index, "review_of"), "LD502",
                              f"'{item.review_of}' is not an item of an earlier lesson"))
        shared: dict[int, int] = {}
        for word in words:
            for other in holding.setdefault(word, []):
                shared[other] = shared.get(other, 0) + 1
            holding[word].append(position)
        for other, count in shared.items():
            m, other_lesson, _, other_item, other_words = facts[other]
            similarity = count / (len(words) + len(other_words) - count)
            reference = f"{other_lesson.id}/{other_item.id}"
            if m < n and similarity >= DUPLICATE_SIMILARITY and item.review_of != reference:
                found.append(_Raw(lesson.id, ("items", index), "LD501",
                                  f"tests the same fact as {reference} ({similarity:.0%} alike): "
                                  f"add `review_of: {reference}` or test something new"))
    return found


# --- copy rules ------------------------------------------------------------------------------

# An evidence quote is the source's words on purpose (`check` verifies them there).
_SKIPPED_KEYS = frozenset({"id", "kind", "concept", "source", "sources", "correct", "review_of", "lint", "reverse",
                           "multi", "quote", "speaker"})
QUOTATION = re.compile(r'"[^"]*"|“[^”]*”')
# Names and titles ("Jennifer Marriner, EVP of Global Acceptance Solutions") are facts, not prose:
# capitalised words inside a sentence count neither towards a copied run nor towards paraphrase.
_NAME = re.compile(r"(?<=[\w,;:)] )[A-Z][\w’'-]*")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def _copy_findings(course: Course, sources_dir: Path | None) -> list[_Raw]:
    folder = _sources_folder(course, sources_dir)
    files = [folder / s.file for s in course.info.sources] if folder else []
    if folder is None or not all(path.is_file() for path in files):
        shown = folder or "no `sources_dir` in course.yaml"
        first = course.lessons[0].id
        return [_Raw(first, (), "LD600", f"copy rules (LD601, LD602) not run: sources folder not found ({shown})",
                     note=True)]
    index = _SourceIndex([path.read_text(encoding="utf-8") for path in files])
    found = []
    for lesson in course.lessons:
        for key_path, text in _texts(as_dict(lesson), ()):
            found += [_Raw(lesson.id, key_path, rule, message) for rule, message in index.compare(text)]
    return found


def _sources_folder(course: Course, sources_dir: Path | None) -> Path | None:
    if sources_dir is not None:
        return Path(sources_dir)
    if course.info.sources_dir is None:
        return None
    return course.lessons_dir / course.info.sources_dir


def _texts(value: object, key_path: ItemPath) -> Iterator[tuple[ItemPath, str]]:
    if isinstance(value, str):
        yield key_path, value
    elif isinstance(value, dict):
        for key, child in value.items():
            if key not in _SKIPPED_KEYS:
                yield from _texts(child, (*key_path, key))
    elif isinstance(value, list | tuple):
        for index, child in enumerate(value):
            yield from _texts(child, (*key_path, index))


class _SourceIndex:
    """The sources' 8-word runs, and each source sentence's content words with an inverted index."""

    def __init__(self, texts: list[str]):
        self.runs: set[tuple[str, ...]] = set()
        self.sentences: list[frozenset[str]] = []
        self.by_word: dict[str, list[int]] = {}
        for text in texts:
            words = tokens(text)
            self.runs |= {tuple(words[i:i + COPY_RUN]) for i in range(len(words) - COPY_RUN + 1)}
            for sentence in _SENTENCE_END.split(text):
                found = content(sentence)
                if len(found) >= PARAPHRASE_MIN_SHARED:
                    for word in found:
                        self.by_word.setdefault(word, []).append(len(self.sentences))
                    self.sentences.append(found)

    def compare(self, text: str) -> Iterator[tuple[str, str]]:
        if text.count(" ") < PARAPHRASE_MIN_SHARED - 1:
            return  # too few words for either rule: most option texts, titles and hints
        unquoted = _NAME.sub(" | ", QUOTATION.sub(" | ", plain(text)))
        for part in unquoted.split("|"):
            words = tokens(plain(part))
            for i in range(len(words) - COPY_RUN + 1):
                if tuple(words[i:i + COPY_RUN]) in self.runs:
                    run = " ".join(words[i:i + COPY_RUN])
                    yield "LD601", f"copies {COPY_RUN}+ words of a source: '{run} …': write it in your own words"
                    break
        for sentence in _SENTENCE_END.split(unquoted):
            yield from self._paraphrase(sentence)

    def _paraphrase(self, sentence: str) -> Iterator[tuple[str, str]]:
        words = content(sentence, is_plain=True)
        if len(words) < PARAPHRASE_MIN_SHARED:
            return
        counts: dict[int, int] = {}
        for word in words:
            for s in self.by_word.get(word, ()):
                counts[s] = counts.get(s, 0) + 1
        best = max(counts.values(), default=0)
        if best >= PARAPHRASE_MIN_SHARED and best / len(words) >= PARAPHRASE_SHARE:
            start = " ".join(sentence.replace("|", "").split()[:8])
            yield ("LD602", f"close paraphrase: {best} of {len(words)} content words of '{start} …' "
                   "come from one source sentence: restructure it in your own words")


# --- silencing and positions -----------------------------------------------------------------

def _unsilenced(course: Course, raw: list[_Raw]) -> list[_Raw]:
    kept = []
    for finding in raw:
        index = finding.key_path[1] if finding.key_path[:1] == ("items",) else None
        if isinstance(index, int) and finding.rule != "LD001":
            item = course.lesson(finding.lesson).items[index]
            reason = (item.lint.ignore.get(finding.rule) if item.lint else None) or ""
            if reason.strip():
                continue
        kept.append(finding)
    return kept


def _locate(course: Course, raw: list[_Raw]) -> list[Finding]:
    from .course import lesson_files
    from .load import format_key_path, load_yaml

    wanted = {finding.lesson for finding in raw}
    loaded = {}
    for path in lesson_files(course.lessons_dir) if wanted else ():
        match = _LESSON_ID.search(path.read_text(encoding="utf-8"))
        if match and match.group(1) in wanted:
            loaded[match.group(1)] = load_yaml(path)
    findings = []
    for finding in raw:
        file = loaded.get(finding.lesson)
        at = file.where(finding.key_path) if file else None
        findings.append(Finding(file.path if file else finding.lesson, at.line if at else 1, at.column if at else 1,
                                format_key_path(finding.key_path), finding.rule, finding.message, finding.note))
    return sorted(set(findings))


_LESSON_ID = re.compile(r"""^id:[ ]*["']?([a-z0-9-]+)""", re.MULTILINE)


def rules() -> Iterable[Rule]:
    """Every rule, in id order (the documentation lists the same)."""
    return RULES.values()
