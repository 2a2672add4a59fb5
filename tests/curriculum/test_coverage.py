"""What `lint` cannot see: the course teaches the ideas of the curriculum review's §1, and the
choice items give away no answer by their shape more often than chance allows.

The coverage list is data: every idea of `../shared/reviews/curriculum-review.md` §1 (A1–N17 for the
sources' articles, X1–X9 for the threads across them) names the items that teach it. An idea a
lesson body mentions but no item tests is not covered; it sits in PENDING with what it waits for,
and the test fails when a PENDING idea gets an item (move it to COVERAGE) or a covered idea loses
its last one.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from leaderdeck.course import load_course
from leaderdeck.markdown import render_plain
from leaderdeck.model import Choice, Course

LESSONS = Path(__file__).resolve().parents[2] / "lessons"

# idea (review §1) → the items that teach it (bare item ids; they are unique across the course)
COVERAGE: dict[str, tuple[str, ...]] = {
    # 000 "The Door Decision" → door-decisions
    "A1 not taking a risk is the risk; no growth in the status quo": ("standing-still",),
    "A2 the stakes: climate risk, a music industry losing revenue": ("door-stakes-match",),
    "A3 risk-taking is a careful process, not an impulse": ("careful-not-impulsive",),
    "A4 one-way door: irreversible, made sparingly": ("define-one-way-door", "one-way-door-rare", "door-traits"),
    "A5 two-way door: reversible, suits speed and experiments": (
        "define-two-way-door", "two-way-door-cloze", "classify-pilot",
    ),
    "A6 new ground: little data, gut instinct raises the risk": ("unfamiliar-ground",),
    "A7 every door is a win because you learn": ("door-always-wins",),
    "A8 the door image: a way through any barrier": ("door-image-barrier",),
    "A9 the team reads structured risk-taking as support": ("backing-ideas",),
    # 000 Hardy → healing-divides
    "B1 'don't talk about it' is poor advice": ("avoidance-advice",),
    "B2 adapt and reflect: listening, triggers, adapting": ("three-mirror-questions", "triggers-flashcard"),
    "B3 active listening → common ground, the brick of bridges": ("listening-to-bridges", "my-divide"),
    "B4 empathy → awareness of your own biases": ("empathy-reveals-bias",),
    "B5 inclusion turns diversity into strength": ("diversity-as-strength",),
    "B6 define and align values and purpose": ("values-purpose-align",),
    "B7 shared goals; agree to disagree": ("rival-factions-purpose", "agree-to-disagree"),
    "B8 be fair: notice favouritism": ("favouritism-cost",),
    "B9 systemic bias; 'the way we've always done it'": ("always-done-it",),
    "B10 not alone: team, family and friends": ("not-alone-flashcard",),
    "B11 a global perspective on stakeholders": ("global-stakeholders",),
    # 000 BCG (Pittman) → changing-workplace
    "C1 BCG tests ideas on itself first": ("bcg-own-laboratory",),
    "C2 leaders are measurably busier; burnout risk": ("burnout-measured",),
    "C3 downtime is critical but vacations are hard to arrange": ("downtime-meantime",),
    "C4 face your emotions": ("buried-emotions", "overloaded-before-launch"),
    "C5 motivation-driven, not command and control": ("disengaged-team", "command-and-control-cost"),
    "C6 agility: new skills, including how you lead": ("agility-horizons",),
    "C7 scan 3, 5 and 10 years ahead": ("agility-horizons",),
    "C8 the typical C-suiter is 6 to 9 months behind (the newsletter's claim)": ("csuite-lag",),
    "C9 listening; the front line spots issues first": ("front-line-first",),
    "C10 compare time listening with time talking": ("talk-listen-audit",),
    "C11 delegate what others do 'nearly as well'": ("nearly-as-well", "delegation-lens-order", "my-priority-list"),
    "C12 habit, not capacity, sets the pace": ("pick-up-pace-flashcard",),
    "C13 give yourself grace": ("grace-after-mistake", "grace-cloze"),
    # 000 Moran → win-win-negotiation
    "D1 the best negotiation rewards all parties": ("cut-throat-results", "define-win-win-outcome"),
    "D2 forego the fear": ("fear-survival-mode", "renewal-pressure", "fear-closes-possibilities"),
    "D3 discipline the mentality; win-win is the hardest": ("better-mentalities", "why-win-win-is-hard"),
    "D4 do your homework, your own side first": ("cross-department-prep", "homework-cloze", "moran-guidelines-match"),
    "D5 common ground: how for similar goals, why for different": (
        "exclusive-contract-demand", "dig-for-common-ground",
    ),
    "D6 the dominant party's scarcity mindset; 'How do we both succeed?'": ("dominant-party",),
    # 000 Moore → future-essentials-innovation
    "E1 lean into tomorrow; stagnation is the bigger risk": ("stagnation-risk", "five-essentials-match"),
    "E2 ethics and trust: two roles; do not rush": ("trust-two-roles", "rushing-ai-feature", "trust-anchor-cloze"),
    "E3 focus and prioritise by fit with goals and ethics": ("prioritise-projects",),
    "E4 leverage partnerships; drop the ego": ("why-partner", "partner-without-ego", "lone-entrepreneurs"),
    "E5 agile and digital; calm reveals opportunities": ("agile-digital-cloze", "calm-after-disruption"),
    "E6 the essentials stem from adaptability, collaboration, ethics": ("three-core-qualities", "which-triad-ethics"),
    # 000 Mastercard → mastercard-innovation-pillars
    "F1 innovation starts with 'What do you need from me?'": ("first-question",),
    "F2 stay ahead even of customers": ("anticipate-needs-order",),
    "F3 watch other signals; the gig economy": ("gig-economy-signal",),
    "F4 skate to where the puck is going": ("puck-meaning",),
    "F5 collaboration seeds innovation; outsiders' perspectives": ("outside-perspectives", "a-ha-outsiders"),
    "F6 the three pillars are the leader's job": (
        "three-pillars-flashcard", "pillars-are-the-leaders-job", "which-triad-curiosity",
    ),
    "F7 the past is no longer prologue": ("past-not-prologue",),
    # 000 Ubalijoro → fourth-industrial-revolution
    "G1 the WEF definition of the 4IR": ("define-fourth-industrial-revolution",),
    "G2 faster than any earlier revolution": ("fourth-revolution-cloze",),
    "G3 emerging economies may be better placed; RTO mandates": ("emerging-economies-advantage", "rto-as-symptom"),
    "G4 ethical responsibility to workers": ("automation-announcement", "ethics-priority-practices"),
    "G5 workers' side: adaptable mindset, upskilling": ("workers-side-cloze",),
    "G6 a growth mindset, or decisions lose relevance": ("unfamiliar-tool", "ceo-replaceable-by-ai"),
    "G7 nobody leads in a vacuum": ("covid-interconnection",),
    "G8 epigenetics (the article's contested claim)": ("epigenetics-cloze",),
    "G9 stress shortens telomeres": ("telomeres-stress", "crunch-pressure"),
    "G10 'not your mother's Wharton MBA'": ("not-wharton-mba",),
    # 000 Bennis → authentic-leadership, five-cs-of-trust
    "H1 Bennis's interest began leading a platoon in WWII": ("bennis-war-experience",),
    "H2 most leadership lists descend from Bennis": ("lists-descend-from-bennis",),
    "H3 Betsy Myers, Bennis's mentee": ("myers-mentee",),
    "H4 adaptive and authentic leadership": ("bennis-two-core-concepts",),
    "H5 a continual journey; curiosity the taproot": (
        "stop-learning-consequence", "adaptive-taproot-cloze", "same-playbook",
    ),
    "H6 trust's C-suite, the pillars of authentic leadership": ("five-cs-match", "five-cs-pillars-of"),
    "H7 passion trickles down": ("passion-effect", "passion-quote-cloze"),
    "H8 managing people is like herding cats": ("herding-cats",),
    "H9 the seven principles as a set": ("principles-multi", "seven-principles-match"),
    "H9a Self-Knowledge": ("self-knowledge-cloze", "seven-principles-match"),
    "H9b Integrity & Character": ("cost-cutting-hypocrisy", "character-walk-the-talk", "seven-principles-match"),
    "H9c Forge a Human Connection": ("caring-principle", "seven-principles-match"),
    "H9d Adapt to Change": ("constancy-vs-adaptation", "seven-principles-match"),
    "H9e Admit Vulnerability": ("missed-forecast", "project-slipping", "seven-principles-match"),
    "H9f Share Your Vision": ("vision-principle", "seven-principles-match"),
    "H9g Foster Talent": ("hoarding-visible-work", "seven-principles-match"),
    "H10 Bennis kept adding to his lists": ("bennis-kept-adding",),
    # 000 pracademics → pracademics
    "I1 definition; static knowledge dates": ("define-pracademic", "static-knowledge-cloze"),
    "I2 leaders' doubled pressure": ("leaders-double-pressure",),
    "I3 collaboration is key": ("collaboration-is-key",),
    "I4 less obvious collaborations, rival firms included": ("collaboration-partners", "rival-initiative"),
    "I5 match theory to needs; no one size fits all": ("trendy-framework", "choose-theory-order", "no-one-size-cloze"),
    "I6 beyond credentials to proof; a theory that changes is a good sign": ("changing-theory", "fieldwork-proof"),
    "I7 stay informed; the ILA conference": ("ila-conference", "comes-down-to-informed"),
    "I8 shape the future instead of cruising into it": ("shape-not-cruise",),
    # 000 Amazon customer-centric innovation → customer-obsession, customer-centric-innovation
    "J1 customer-back thinking": ("define-customer-back",),
    "J2 Amazon as an inherent disrupter": ("why-disrupter",),
    "J3 Madan: technology judged by customers; front-line ideas": (
        "madan-tech-test", "front-line-source", "picker-suggestion",
    ),
    "J4 Rhoads: well-being and safety drive customer care": ("rhoads-link", "safest-workplace", "peak-season-shortcut"),
    "J5 upskilling: Career Choice, the Upskilling Pledge": ("why-upskill", "upskilling-programmes"),
    "J6 Ghani: AI review summaries": ("review-summaries",),
    "J7 personalised buying guides": ("buying-guides",),
    "J8 supply-chain monitoring against out-of-stock": ("out-of-stock",),
    "J9 business customers: AWS Bedrock": ("bedrock-for-business",),
    "J10 it scales down: a solopreneur, Bezos's garage": ("small-firm-working-backwards",),
    # 001 and 002 → customer-obsession, principles-as-a-system
    "K1 principles rooted in timeless fundamentals; culture as strategy": (
        "secret-sauce", "culture-as-strategy", "any-leader",
    ),
    "K2 the sources disagree on the number of principles": ("count-in-001", "count-in-2018", "sources-disagree"),
    "K3 principles the sources only name": ("named-not-defined",),
    "K4 practised day after day": ("day-after-day", "values-poster"),
    "K5 start with the customer; customers, not competitors": (
        "rival-launches-feature", "principle-wording",
    ),
    "K6 a customer can be a shopper, a client or an internal team": ("who-counts-as-customer",),
    "K7 identify your customer": ("work-backwards-own-project",),
    "K8 evaluate every activity": ("activity-questions", "activity-audit"),
    "K9 the approval-flow distraction": ("approval-flow-cost", "stalled-by-signoffs"),
    "K10 refocusing on value galvanises shared purpose": ("refocus-shared-purpose",),
    "L1 principles in hiring and everyday decisions": ("principles-in-hiring", "hiring-loop"),
    "L2 Customer Obsession, the first principle, its wording": ("principle-wording",),
    "L3 Working Backwards, Amazon's mechanism": ("ai-pressure",),
    "L4 the alternative starting points set against customers": ("starting-points-match",),
    "L5 under AI pressure, step back to the outcome": ("ai-pressure", "step-back-order"),
    "L6 AI as a partner: empathy, warmth, agility": ("ai-amplifies",),
    "L7 AI should bring us closer to customers": ("ai-amplifies",),
    # 003 → flywheel-and-mechanisms
    "M1 innovation needs people": ("source-of-innovation",),
    "M2 'Work hard. Have fun. Make history.'": ("work-hard-mantra", "why-have-fun"),
    "M3 history-making examples": ("make-history-examples",),
    "M4 a people strategy designed and redesigned; borrow, not copy": ("copy-amazon-wholesale",),
    "M5 a mechanism turns mindset into routine": ("define-mechanism",),
    "M6 mechanisms span the employee lifecycle": ("lifecycle-order",),
    "M7 work backwards from people's needs": ("people-strategy-working-backwards",),
    "M8 not a perfect fit for every company": ("copy-amazon-wholesale",),
    "M9 the flywheel: hard to start, then momentum": ("define-flywheel", "slow-start-mentoring"),
    "M10 the 2002 letter's paradox": ("flywheel-paradox",),
    "M11 the retail loop": ("retail-flywheel-order",),
    "M12 feeding any part accelerates the wheel": ("retail-or-talent-accelerator",),
    "M13 the 'big deal' quote": ("bezos-big-deal",),
    "M14 the talent flywheel's four accelerators": ("retail-or-talent-accelerator",),
    "M15 employees' superpowers are linked to customer experience": (
        "talent-flywheel-customers", "superpowers-for-customers",
    ),
    "M16 the flywheel separates impact at each stage": ("my-talent-flywheel",),
    "M17 hiring mechanisms against bias": ("interview-bias-mechanisms",),
    "M18 small teams with single-threaded leaders": ("slow-team-structure",),
    "M19 growth mechanisms": ("borrowed-mechanism-steps",),
    "M20 measure the talent strategy": ("borrowed-mechanism-steps",),
    "M21 keep iterating on mechanisms": ("borrowed-mechanism-steps",),
    # 004 → customer-obsession, owner-mindset, judgment-curiosity-talent, principles-as-a-system
    "N1 the 1995 mission": ("mission-1995",),
    "N2 four customer groups": ("customer-groups-multi",),
    "N3 customers are always dissatisfied": ("dissatisfied-customers-cloze",),
    "N4 invent on their behalf": ("dissatisfied-customers-cloze",),
    "N5 missionaries vs mercenaries, and the paradox": ("missionary-mercenary", "missionary-paradox"),
    "N6 personalise the invention": ("personalise-invention",),
    "N7 Ownership": ("ownership-wording", "not-my-team", "quarter-end-cut"),
    "N8 the 'Just Do It' award": ("just-do-it-award-purpose", "mistake-can-win"),
    "N9 Think Big": ("think-small-prophecy", "bold-bet-proposal"),
    "N10 multibillion-dollar failures": ("bold-bet-proposal",),
    "N11 Kozmo → Prime; Fire Phone → Alexa": ("fire-phone-legacy",),
    "N12 CX, long-term thinking and failure are all part of invention": ("failure-part-of-invention",),
    "N13 Are Right a Lot: disconfirm your beliefs": ("right-a-lot-wording", "gut-feeling-launch", "confirm-or-test"),
    "N14 Munger's wasted day": ("munger-wasted-day",),
    "N15 Learn and Be Curious": ("curious-wording", "curiosity-in-action"),
    "N16 Hire and Develop the Best": ("hire-develop-wording", "star-wants-to-move", "coaching-role"),
    "N17 Bezos's hiring questions": ("manhole-question",),
    # threads across the sources
    "X2 Career Choice and upskilling, in two sources": ("career-choice-mechanism",),
    "X4 never stop learning (Amazon and Bennis)": ("curiosity-two-sources",),
    "X9 collaboration (Moore's partnerships, Mastercard's pillar)": ("why-shared",),
    # threads-across-the-sources, the capstone
    "X1 working backwards runs through all five sources": (
        "starting-point-cases", "onboarding-backwards", "working-backwards-thread", "which-thread",
    ),
    "X3 'you are not alone' (Hardy, Ubalijoro)": ("not-alone-two-articles", "not-alone-explain"),
    "X5 risk appetite: doors, Think Big, stagnation": (
        "status-quo-two-voices", "no-exit-contract", "boldness-and-brakes",
    ),
    "X6 trust at three scales": ("trust-scale-moves", "trust-three-scales-explain"),
    "X7 listen to the front line": ("front-line-gives", "clinic-waiting-times"),
    "X8 anticipating needs customers have not voiced": (
        "happy-customers-roadmap", "ask-and-invent", "unvoiced-needs-explain",
    ),
}

# ideas no item tests yet, and what they wait for (the capstone needs the `match` and `explain` kinds)
PENDING: dict[str, str] = {
}


@pytest.fixture(scope="module")
def course() -> Course:
    return load_course(LESSONS)


def _item_ids(course: Course) -> list[str]:
    return [item.id for lesson in course.lessons for item in lesson.items]


def test_the_review_s_ideas_are_listed_once():
    keys = [idea.split()[0] for idea in [*COVERAGE, *PENDING]]
    assert len(keys) == len(set(keys)), "an idea is listed twice"
    assert len(keys) == 161, "review §1: 152 ideas of the sources and 9 threads across them"


def test_every_covered_idea_is_taught_by_an_item(course: Course):
    ids = _item_ids(course)
    assert len(ids) == len(set(ids)), "the coverage list names items by bare id, so ids must be unique"
    present = set(ids)
    lost = {idea: items for idea, items in COVERAGE.items() if not present & set(items)}
    assert lost == {}, "these ideas have lost every item that taught them"
    stale = {idea: [i for i in items if i not in present] for idea, items in COVERAGE.items()}
    assert {idea: gone for idea, gone in stale.items() if gone} == {}, "remove retired items from COVERAGE"


def test_pending_ideas_are_still_pending():
    assert not set(COVERAGE) & set(PENDING)


def _single_answer(course: Course) -> list[Choice]:
    return [item for lesson in course.lessons for item in lesson.items if isinstance(item, Choice) and not item.multi]


def _chance_bound(probabilities: list[float], sds: float = 2.0) -> float:
    """The count a fair course stays under: the expected count plus `sds` standard deviations
    (a sum of independent Bernoulli trials)."""
    mean = sum(probabilities)
    return mean + sds * math.sqrt(sum(p * (1 - p) for p in probabilities))


def test_the_correct_option_is_not_the_longest_more_often_than_chance(course: Course):
    """Length must not give the answer away. In an item with n options a fair author makes the
    correct one the strict longest about 1/n of the time; over the course the count may exceed
    that expectation by at most two standard deviations. (LD101 catches a single correct option
    far longer than its distractors; this catches the habit.)

    The authored position of the correct option is not checked: the Anki deck and the notebook
    quiz both shuffle the options, so the position a learner sees is not the authored one."""
    items = _single_answer(course)
    longest = []
    for item in items:
        lengths = {option.id: len(render_plain(option.text)) for option in item.options}
        right = lengths[item.correct[0]]
        if all(right > length for option_id, length in lengths.items() if option_id != item.correct[0]):
            longest.append(item.id)
    bound = _chance_bound([1 / len(item.options) for item in items])
    assert len(longest) <= bound, (
        f"correct option longest in {len(longest)} of {len(items)} (chance allows {bound:.1f})")


def test_the_correct_option_is_not_the_shortest_more_often_than_chance(course: Course):
    """The reverse habit (trimming the right answer to beat LD101) is as much a cue."""
    items = _single_answer(course)
    shortest = []
    for item in items:
        lengths = {option.id: len(render_plain(option.text)) for option in item.options}
        right = lengths[item.correct[0]]
        if all(right < length for option_id, length in lengths.items() if option_id != item.correct[0]):
            shortest.append(item.id)
    bound = _chance_bound([1 / len(item.options) for item in items])
    assert len(shortest) <= bound, (
        f"correct option shortest in {len(shortest)} of {len(items)} (chance allows {bound:.1f})")


def test_multi_select_items_are_not_mostly_right(course: Course):
    """A 'choose all that apply' where every option but one is right is answered by spotting the
    odd one out (review §3.1); over the course, right options are at most half of all options."""
    multi = [item for lesson in course.lessons for item in lesson.items if isinstance(item, Choice) and item.multi]
    right = sum(len(item.correct) for item in multi)
    total = sum(len(item.options) for item in multi)
    assert right <= total / 2, f"{right} of {total} multi-select options are right"
