"""One study session in a real Anki collection, run as its own process under libfaketime (Anki's
Rust backend reads the system clock, so each simulated day is a process started at a fake time).

    python anki_study_day.py COLLECTION ACTION [ARGUMENT]

ACTION is one of:
  setup HOUR [PACKAGE]  a new collection: FSRS on, load balancing off (see below), the day starting at HOUR,
                        our deck imported without scheduling;
  study DAY             answer every due card of the deck (on day 0 every new one too), ratings
                        fixed by card and day, learning cards up to three times;
  import PACKAGE        a package with progress, scheduling included;
  report                each card's scheduling, and the memory Anki computes from its review
                        log, as JSON on stdout.
Run with ANKI_TEST_MODE=1: Anki then leaves out interval fuzz, which our scheduler does not add;
without it, and with ANKI_STUDY_DAY_LOAD_BALANCE=1 (load balancing on), as learners study.
"""

from __future__ import annotations

import json
import os
import sys
import zlib

import anki.lang
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from anki.config import Config

RATINGS = (3, 3, 1, 3, 2, 4, 3, 3, 1, 3, 3, 2)
DECK = "Test Course"


def setup(col: Collection, hour: str, package: str = "") -> None:
    col.set_config("fsrs", True)
    col.set_config_bool(Config.Bool.LOAD_BALANCER_ENABLED, os.environ.get("ANKI_STUDY_DAY_LOAD_BALANCE") == "1")
    col.set_config("rollover", int(hour))
    if package:
        import_package(col, package, with_scheduling=False)


def import_package(col: Collection, package: str, *, with_scheduling: bool) -> None:
    col.import_anki_package(ImportAnkiPackageRequest(package_path=package, options=ImportAnkiPackageOptions(
        with_scheduling=with_scheduling, with_deck_configs=True)))


def rating(card, day: int, turn: int) -> int:
    seed = zlib.crc32(f"{card.note().guid}#{card.ord}/{day}/{turn}".encode())
    return RATINGS[seed % len(RATINGS)]


def study(col: Collection, day: int) -> None:
    search = f'deck:"{DECK}" (is:due{" OR is:new" if day == 0 else ""})'
    for turn in range(3):
        for card_id in sorted(col.find_cards(search if turn == 0 else f'deck:"{DECK}" is:learn')):
            card = col.get_card(card_id)
            card.start_timer()
            states = col._backend.get_scheduling_states(card.id)
            answer = col.sched.build_answer(card=card, states=states, rating=rating(card, day, turn) - 1)
            col.sched.answer_card(answer)


def report(col: Collection) -> None:
    cards = []
    for card_id in col.find_cards(f'deck:"{DECK}"'):
        card = col.get_card(card_id)
        memory = card.memory_state
        replayed = col.compute_memory_state(card_id) if card.reps else None
        cards.append({"guid": card.note().guid, "ord": card.ord, "type": card.type, "queue": card.queue,
                      "due": card.due, "ivl": card.ivl, "reps": card.reps,
                      "s": memory.stability if memory else None, "d": memory.difficulty if memory else None,
                      "replayed_s": replayed.stability if replayed else None})
    json.dump({"today": col.sched.today, "cards": cards}, sys.stdout)


def main(path: str, action: str, *arguments: str) -> None:
    anki.lang.set_lang("en")
    col = Collection(path)
    try:
        if action == "setup":
            setup(col, *arguments)
        elif action == "study":
            study(col, int(arguments[0]))
        elif action == "import":
            import_package(col, arguments[0], with_scheduling=True)
        else:
            report(col)
    finally:
        col.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
