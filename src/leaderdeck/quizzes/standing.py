"""The quiz's questions to the progress store: where each card stands, what was last written."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..identity import CardKey
from .session import CardStanding

if TYPE_CHECKING:
    from ..progress.store import ProgressStore


class StoreLookup:
    """Reads the shared store at `path` (or the default one); opened on the first question."""

    def __init__(self, path: Path | str | None = None):
        self.path = path

    def _store(self) -> ProgressStore:
        from ..progress.api import shared_store

        return shared_store(self.path)

    def standing(self, cards: Sequence[CardKey]) -> Mapping[CardKey, CardStanding]:
        from ..progress.scheduler import from_ms

        store, found = self._store(), {}
        for card in cards:
            progress = store.card(str(card))
            if progress is not None:
                memory = progress.memory
                last = None if memory.last_review_ms is None else from_ms(memory.last_review_ms)
                found[card] = CardStanding(from_ms(memory.due_ms), last)
        return found

    def last_response(self, card: CardKey) -> str | None:
        texts = [review.response for review in self._store().history(str(card)) if review.response.strip()]
        return texts[-1] if texts else None
