"""Feedback wording, as pure functions: what the quiz says after an answer, never saying one
thing and its opposite ("✗ You missed: …" above the author's "Right. …")."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ..markdown import render_inline

if TYPE_CHECKING:
    from ..kinds.base import Evidence

RIGHT, WRONG, CLOSE = "✓", "✗", "≈"

# An author's option feedback often opens with its own verdict ("Right, it is reversible.",
# "No. That one is permanent."). The quiz already shows the verdict with ✓/✗, so the author's is
# dropped: shown again it repeats ("✓ Right." then "Right. …") or, beside a missed option,
# contradicts the ✗.
_LEADING_VERDICT = re.compile(
    r"^\s*(?:right|correct|yes|exactly|indeed|true|no|nope|wrong|incorrect|not quite|false)"
    r"\s*(?:[.,!:;]|\s[—–-])\s*(?=\S)", re.IGNORECASE)


def without_verdict(feedback: str) -> str:
    """Option feedback without a leading verdict word, its first letter capitalised."""
    rest = _LEADING_VERDICT.sub("", feedback, count=1)
    if rest == feedback:
        return feedback
    return rest[:1].upper() + rest[1:]


_ALL_THAT_APPLY = re.compile(r"all that apply|select all|choose all|pick all|every (?:one|option) that", re.I)


def multi_hint(question: str) -> str | None:
    """"Choose all that apply." unless the author's question already says so."""
    return None if _ALL_THAT_APPLY.search(question) else "Choose all that apply."


def verdict(correct: bool) -> tuple[str, str]:
    """(tone, text) of the headline after a graded answer."""
    return ("right", f"{RIGHT} Right.") if correct else ("wrong", f"{WRONG} Not quite.")


def describe_next_review(due: datetime, now: datetime) -> str:
    """"Next review in 3 days", "… later today", "… tomorrow": whole days on the learner's calendar."""
    wait = due - now
    if wait <= timedelta(0):
        return "Due again now"
    days = (due.astimezone(now.tzinfo).date() - now.date()).days
    if days == 0:
        minutes = max(1, round(wait / timedelta(minutes=1)))
        return f"Next review in {minutes} minute{'s' * (minutes != 1)}" if minutes < 60 else "Next review later today"
    return "Next review tomorrow" if days == 1 else f"Next review in {days} days"


def answered_today(count: int, next_due: datetime | None, now: datetime) -> str:
    """The line over a quiz whose cards were all answered already: "3 answered today · next review in 2 days"."""
    when = "" if next_due is None else " · " + describe_next_review(next_due, now).replace("Next", "next", 1)
    return f"{count} answered today{when}"


def backing(evidence: Evidence | None, source_title: str) -> str:
    """What backs the answer, shown under the explanation: the source's quoted words and who said
    them, or why the answer is the course's own synthesis, and the source by its title (a file name
    means nothing to a learner). Each text through the one sanitizer's recorded functions."""
    parts = []
    if evidence is not None and evidence.quote:
        speaker = f'<p class="ld-speaker">— {render_inline(evidence.speaker)}</p>' if evidence.speaker else ""
        parts.append(f'<blockquote class="ld-quote"><p>“{render_inline(evidence.quote)}”</p>{speaker}</blockquote>')
    if evidence is not None and evidence.synthesis:
        parts.append(f'<p class="ld-synthesis">The course\'s own synthesis: {render_inline(evidence.synthesis)}</p>')
    if source_title:
        parts.append(f'<p class="ld-source">Source: <cite>{render_inline(source_title)}</cite></p>')
    return f'<div class="ld-evidence">{"".join(parts)}</div>' if parts else ""
