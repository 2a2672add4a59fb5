"""The item kinds: one module per kind, and this registry of them in teaching order.

A kind module holds everything that kind needs: its model (a msgspec struct), its validation
rules, its Anki note type (fields, templates, sort field) and field builder, its card ordinals
(on the model), its `leaderdeck new` example, and the names of its grading function and quiz
view. To add a kind, write its module, list it here, and add its templates: docs/architecture.md.
"""

from __future__ import annotations

import sys
from typing import Any

from . import choice, cloze, explain, flashcard, match, order, reflection
from .base import ItemBase, Kind, NoteSpec, resolve
from .choice import Choice, Option
from .cloze import Cloze
from .explain import Explain
from .flashcard import Flashcard
from .match import Match, Pair
from .order import Order
from .reflection import Reflection

KINDS: dict[str, Kind[Any]] = {kind.name: kind for kind in (
    flashcard.KIND, cloze.KIND, choice.KIND, match.KIND, order.KIND, explain.KIND, reflection.KIND,
)}
ITEM_KINDS: tuple[str, ...] = tuple(KINDS)

# Spelled out for type checkers; at run time `leaderdeck.model` builds the lesson's item union
# from KINDS, and the conformance test proves the two agree.
Item = Flashcard | Cloze | Choice | Match | Order | Explain | Reflection


def register(kind: Kind[Any]) -> None:
    """Add a kind at run time (tests and experiments; shipped kinds are listed above). It must come
    before `leaderdeck.model` is imported, which builds the lesson's item union from KINDS."""
    global ITEM_KINDS
    if "leaderdeck.model" in sys.modules:
        raise RuntimeError("register kinds before leaderdeck.model is imported")
    KINDS[kind.name] = kind
    ITEM_KINDS = tuple(KINDS)

__all__ = ["ITEM_KINDS", "KINDS", "Choice", "Cloze", "Explain", "Flashcard", "Item", "ItemBase", "Kind", "Match",
           "NoteSpec", "Option", "Order", "Pair", "Reflection", "register", "resolve"]
