"""The cards a course offers today, in teaching order: what the queue and dashboard range over.

The store keeps every card ever reviewed; the catalog says which of them are still in the course.
A card whose item was removed keeps its history but is left out of queues and statistics, and
comes back, with its history, as soon as an item with the same id returns.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property

from ..identity import card_key_text, item_key_text
from ..model import Course


@dataclass(frozen=True)
class CatalogCard:
    key: str  # str(CardKey): course/lesson/item#ordinal
    lesson: str
    concept: str
    kind: str


@dataclass(frozen=True)
class Catalog:
    cards: tuple[CatalogCard, ...]  # in teaching order: lessons in course order, items as authored
    lesson_titles: dict[str, str] = field(default_factory=dict)  # lesson id → title, in course order
    concept_titles: dict[tuple[str, str], str] = field(default_factory=dict)  # (lesson, concept) → title

    by_key: dict[str, CatalogCard] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_key", {card.key: card for card in self.cards})

    def __contains__(self, key: object) -> bool:
        return key in self.by_key

    def __len__(self) -> int:
        return len(self.cards)

    def get(self, key: str) -> CatalogCard | None:
        return self.by_key.get(key)

    @cached_property
    def fingerprint(self) -> str:
        """Changes whenever a card is added, removed, or moves to another lesson or concept."""
        text = "\n".join(f"{c.key}\t{c.lesson}\t{c.concept}" for c in self.cards)
        return hashlib.sha256(text.encode()).hexdigest()

    @property
    def keys(self) -> list[str]:
        return [card.key for card in self.cards]


def catalog_of(course: Course) -> Catalog:
    """Every card of every lesson, keyed exactly as the Anki deck keys them."""
    cards = [CatalogCard(card_key_text(item_key_text(course.id, lesson.id, item.id, item.moved_from), ordinal),
                         lesson.id, item.concept, item.kind)
             for lesson in course.lessons for item in lesson.items for ordinal in item.card_ordinals()]
    return Catalog(tuple(cards), {lesson.id: lesson.title for lesson in course.lessons},
                   {(lesson.id, c.id): c.title for lesson in course.lessons for c in lesson.concepts})
