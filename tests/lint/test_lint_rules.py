"""Each lint rule on a fixture course that breaks it, and on one that does not (issue 15)."""

from __future__ import annotations

import pytest
from lint_fixture import item

from leaderdeck.lint import RULES


def choice(options: list[tuple[str, str]], correct: list[str], multi: bool = False) -> str:
    lines = ["question: Which is right?", "options:"]
    for option_id, text in options:
        lines += [f"  - id: {option_id}", f'    text: "{text}"', "    feedback: Why this option is right or wrong."]
    lines.append(f"correct: [{', '.join(correct)}]")
    if multi:
        lines.append("multi: true")
    return item("choice", "\n".join(lines))


def cloze(text: str) -> str:
    return item("cloze", f'text: "{text}"')


def flashcard(back: str, reverse: bool = False) -> str:
    return item("flashcard", f'front: "What is it?"\nback: "{back}"' + ("\nreverse: true" if reverse else ""))


ORDER = item("order", "prompt: Put these in order.\nsteps:\n  - First step\n  - Second step")

CASES = {
    "LD101": (
        choice([("a", "A long answer that carries every qualifier the writer could think of"),
                ("b", "A short guess"), ("c", "Another short one")], ["a"]),
        choice([("a", "Start from the customer's need"), ("b", "Start from the rival's launch"),
                ("c", "Start from the budget you have")], ["a"]),
    ),
    "LD102": (
        choice([("a", "It can help teams learn"), ("b", "It helps teams learn"), ("c", "It slows teams down")], ["a"]),
        choice([("a", "It can help teams learn"), ("b", "It may slow teams down"), ("c", "It hides the risk")], ["a"]),
    ),
    "LD103": (
        choice([("a", "Shoppers"), ("b", "Sellers"), ("c", "Rivals")], ["a", "b"], multi=True),
        choice([("a", "Shoppers"), ("b", "Sellers"), ("c", "Rivals"), ("d", "Regulators")], ["a", "b"], multi=True),
    ),
    "LD201": (
        cloze("Speed matters: two-way doors invite {{c1::speed}} and experiments."),
        cloze("Two-way doors invite {{c1::speed}} and experiments."),
    ),
    "LD202": (
        cloze("Ask {{c1::why}} the other side wants it."),
        cloze("Ask the other side for their {{c1::motives}} first."),
    ),
    "LD203": (
        cloze("Prices {{c1::fall}}, visits {{c2::rise}}, volume {{c3::grows}}."),
        cloze("Lower prices bring more {{c1::visits}}, and visits bring {{c2::volume}}."),
    ),
    "LD301": (
        flashcard("Shoppers, sellers, creators and developers."),
        flashcard("Whether the decision can be undone"),
    ),
    "LD302": (
        flashcard(" ".join(["word"] * 26)),
        flashcard(" ".join(["word"] * 25)),
    ),
    "LD303": (
        flashcard("It is reversible.", reverse=True),
        flashcard("A two-way door", reverse=True),
    ),
    "LD401": (
        ORDER,
        item("order", "prompt: Put these in order.\nsteps:\n  - First step\n  - Second step",
             evidence='  evidence: {quote: "best negotiations reward every party"}\n'),
    ),
    "LD451": (
        item("match", "prompt: Which door?\npairs:\n  - left: A two-way door decision\n    right: Two-way door\n"
                      "  - left: Selling the company\n    right: One-way door"),
        item("match", "prompt: Which door?\npairs:\n  - left: A month's trial\n    right: Two-way door\n"
                      "  - left: Selling the company\n    right: One-way door"),
    ),
    "LD461": (
        item("explain", "prompt: Explain doors.\nrubric:\n  - " + " ".join(["word"] * 21) + "\n  - It names both."),
        item("explain", "prompt: Explain doors.\nrubric:\n  - " + " ".join(["word"] * 20) + "\n  - It names both."),
    ),
    "LD701": (
        item("flashcard", 'front: "What is it?"\nback: "A two-way door"', evidence=None),
        flashcard("A two-way door"),
    ),
}


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule_fires_on_its_fixture(fixture, rule: str):
    bad, _ = CASES[rule]
    assert rule in fixture.rules(bad)


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule_is_quiet_on_a_good_item(fixture, rule: str):
    _, good = CASES[rule]
    assert rule not in fixture.rules(good)


def test_cloze_answer_cued_by_its_hint_or_the_concept_title(fixture):
    assert "LD201" in fixture.rules(cloze("Doors invite {{c1::experiments::try experiments}}."))
    assert "LD201" in fixture.rules(cloze("Two-way doors invite {{c1::speed}}."), title="Doors invite speed")


def test_function_word_deletions_are_trivial(fixture):
    assert "LD202" in fixture.rules(cloze("Decide {{c1::without the}} data."))


def test_a_markdown_list_back_is_a_list(fixture):
    back = item("flashcard", 'front: "Which groups?"\nback: |\n  - Shoppers\n  - Sellers')
    assert "LD301" in fixture.rules(back)


def test_a_long_reverse_term_is_not_a_term(fixture):
    assert "LD303" in fixture.rules(flashcard("one two three four five six seven", reverse=True))


def test_only_wrong_options_with_absolutes(fixture):
    bad = choice([("a", "Listen to the team"), ("b", "Never ask the team"), ("c", "Ask the board")], ["a"])
    assert "LD102" in fixture.rules(bad)


def test_a_silence_with_a_reason_hides_the_finding_and_one_without_is_a_finding(fixture):
    silenced = ORDER + '  lint:\n    ignore:\n      LD401: "the source states the order"\n'
    assert fixture.rules(silenced) == []
    for reason in ('""', '" "', ""):
        bare = ORDER + f"  lint:\n    ignore:\n      LD401: {reason}\n"
        assert sorted(fixture.rules(bare)) == ["LD001", "LD401"]


def test_an_unknown_rule_in_ignore_is_a_finding(fixture):
    unknown = ORDER + '  lint:\n    ignore:\n      order-unsupported: "a name, not an id"\n'
    findings = fixture.lint(unknown)
    assert sorted(f.rule for f in findings) == ["LD001", "LD401"]
    assert any("did you mean LD401?" in f.message for f in findings)


FACT = flashcard("Whether the decision can be undone later")


def test_same_fact_in_two_lessons(fixture):
    findings = fixture.lint(FACT, FACT)
    assert [f.rule for f in findings] == ["LD501"]
    assert "l1/i" in findings[0].message and findings[0].path.endswith("l2.yaml")


def test_review_of_accepts_the_repeat(fixture):
    assert fixture.rules(FACT, FACT + "  review_of: l1/i\n") == []
    assert fixture.rules(FACT, flashcard("It is reversible and cheap to undo")) == []


def test_review_of_must_name_an_earlier_item(fixture):
    assert fixture.rules(FACT + "  review_of: l2/i\n", flashcard("Something else entirely here")) == ["LD502"]


COPIED = "A cut-throat win tends to be short-lived and often pyrrhic"


def test_copied_run_outside_quotation_marks(fixture):
    findings = fixture.lint(flashcard(f"{COPIED}."))
    assert "LD601" in [f.rule for f in findings]
    assert fixture.rules(flashcard(f"\\\"{COPIED}\\\", says the source.")) == []


def test_copied_run_is_measured_with_cloze_markup_stripped(fixture):
    assert "LD601" in fixture.rules(cloze("A cut-throat win tends to be {{c1::short-lived}} and often pyrrhic."))


def test_close_paraphrase(fixture):
    paraphrase = "Over the long run the best negotiations reward each party sitting at the table."
    assert "LD602" in fixture.rules(flashcard(paraphrase))
    assert fixture.rules(flashcard("Good deals leave both sides better off for years.")) == []


def test_without_sources_the_copy_rules_say_they_did_not_run(fixture):
    findings = fixture.lint(flashcard(f"{COPIED}."), sources=None)
    assert [(f.rule, f.note) for f in findings] == [("LD600", True)]
    assert "not run" in str(findings[0])


def test_findings_say_where_like_check(fixture):
    (finding,) = fixture.lint(ORDER)
    path, line, column, rest = str(finding).split(":", 3)
    assert path.endswith("l1.yaml") and int(line) > 1 and int(column) >= 1
    assert rest.startswith(" items[0].steps: [LD401 order-unsupported] ")


def test_every_rule_is_tested_and_documented():
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[2] / "docs" / "authoring.md").read_text(encoding="utf-8")
    for rule in RULES.values():
        assert f"| {rule.id} | `{rule.name}` |" in docs, rule.id


def test_an_order_item_silenced_by_a_reason_still_passes(fixture):
    silenced = ORDER + '  lint:\n    ignore:\n      LD401: "the source numbers these steps"\n'
    assert fixture.rules(silenced) == []


def test_evidence_quotes_are_not_copying(fixture):
    quoted = item("flashcard", 'front: "What do good deals do?"\nback: "Reward every party"',
                  evidence=f'  evidence: {{quote: "{COPIED}"}}\n')
    assert fixture.rules(quoted) == []


def test_an_order_quote_beside_a_synthesis_does_not_satisfy_ld401(fixture):
    partly = item("order", "prompt: Put these in order.\nsteps:\n  - First step\n  - Second step",
                  evidence='  evidence: {quote: "best negotiations reward every party", synthesis: "order is ours"}\n')
    assert fixture.rules(partly) == ["LD401"]
