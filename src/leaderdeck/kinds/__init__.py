"""The item kinds: one module per kind, and this registry of them in teaching order.

A kind module holds everything that kind needs: its model (a msgspec struct), its validation
rules, its Anki note type (fields, templates, sort field) and field builder, its card ordinals
(on the model), its `leaderdeck new` example, and the names of its grading function and quiz
view. To add a kind, write its module, list it here, and add its templates: docs/architecture.md.
"""

from __future__ import annotations

from typing import Any

from . import choice, cloze, flashcard, order, reflection
from .base import ItemBase, Kind, NoteSpec, resolve
from .choice import Choice, Option
from .cloze import Cloze
from .flashcard import Flashcard
from .order import Order
from .reflection import Reflection

KINDS: dict[str, Kind[Any]] = {kind.name: kind for kind in (
    flashcard.KIND, cloze.KIND, choice.KIND, order.KIND, reflection.KIND,
)}
ITEM_KINDS: tuple[str, ...] = tuple(KINDS)

# Spelled out for type checkers; the conformance test proves it lists exactly KINDS' models.
Item = Flashcard | Cloze | Choice | Order | Reflection

__all__ = ["ITEM_KINDS", "KINDS", "Choice", "Cloze", "Flashcard", "Item", "ItemBase", "Kind", "NoteSpec",
           "Option", "Order", "Reflection", "resolve"]
