"""Text helpers for `lint`: Markdown and cloze markup reduced to words, and the word lists the rules use."""

from __future__ import annotations

import functools
import re
import statistics


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


HEDGES = frozenset({"often", "usually", "may", "can", "might", "sometimes", "generally", "typically"})
ABSOLUTES = frozenset({"always", "never", "only", "all", "none", "every", "entirely", "nothing"})
FUNCTION_WORDS = _words("""
a an the and or but nor so yet of in on at to for from by with without about as into onto over under
is are was were be been being am do does did has have had not no it its this that these those there
here he she they we you i me him her them us my your our their his what which who whom whose how why
when where if then than too very just also more most less least much many some any each own same
""")
STOPWORDS = FUNCTION_WORDS | _words("""
can could may might must shall should will would one two new get gets got make makes made say says
said like even still ever every all only way ways thing things lot lots out up down off again
""")

_CLOZE = re.compile(r"\{\{c\d+::(.*?)(?:::(.*?))?\}\}", re.DOTALL)
_MARKUP = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|[*_`#>]+")
_WORD = re.compile(r"[a-z0-9]+(?:['’-][a-z0-9]+)*")


def strip_cloze(text: str, keep: str | None = None) -> str:
    """Cloze markup replaced by its answers; with `keep`, that deletion's answer is dropped instead."""
    dropped = False

    def answer(match: re.Match[str]) -> str:
        nonlocal dropped
        if keep is not None and not dropped and match.group(1) == keep:
            dropped = True
            return " | "
        return match[1]

    return _CLOZE.sub(answer, text)


def plain(text: str) -> str:
    """Markdown reduced to its words, well enough to count and compare them."""
    return _MARKUP.sub(lambda m: m.group(1) or " ", strip_cloze(text)).strip()


def tokens(text: str) -> list[str]:
    return _WORD.findall(text.casefold().replace("’", "'"))


@functools.cache
def stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def content(text: str, *, is_plain: bool = False) -> frozenset[str]:
    words = tokens(text if is_plain else plain(text))
    return frozenset(stem(w) for w in words if w not in STOPWORDS and len(w) > 2)


def words_in(text: str, vocabulary: frozenset[str]) -> set[str]:
    return {w for w in tokens(plain(text)) if w in vocabulary}


def contains_phrase(text: str, phrase: str) -> bool:
    return f" {phrase} " in f" {' '.join(tokens(plain(text)))} "


def is_list(text: str) -> bool:
    if re.search(r"^\s*(?:[-*+]|\d+[.)])\s", text, re.MULTILINE):
        return True
    parts = [p for p in re.split(r"[,;]|\band\b|\bor\b", plain(text).rstrip(".")) if p.strip()]
    return len(parts) >= 3 and statistics.mean(len(p.split()) for p in parts) <= 3
