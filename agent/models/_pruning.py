"""Old screenshots dropped from a resent conversation in batches, so the cached prefix survives.

A provider's prompt cache matches a request's prefix byte for byte. Dropping the oldest
screenshot on every turn would change the prefix every turn and miss the cache every time.
Instead images are removed only when ``batch`` of them are due: between two prunes, every request
starts with exactly the bytes of the previous one, and after a prune the cache is rebuilt once.
The newest ``keep`` images are always kept; at most ``keep + batch - 1`` are ever present.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["ImagePruner"]

Block = dict[str, Any]


@dataclass
class ImagePruner:
    """Replaces the oldest image blocks of a message list in place, ``batch`` at a time."""

    keep: int | None = 3
    """Newest images always kept; ``None`` keeps every image (no pruning)."""
    batch: int = 5
    """Images removed together, once that many are due."""
    is_image: Callable[[Block], bool] = lambda block: block.get("type") == "image"
    placeholder: Callable[[], Block] = lambda: {"type": "text", "text": "(an older screenshot was removed)"}
    removed: int = 0
    """Images replaced so far; only ever grows, so the pruned prefix never changes back."""

    def __post_init__(self) -> None:
        if self.keep is not None and self.keep < 1:
            raise ValueError(f"keep must be at least 1 or None, got {self.keep}")
        if self.batch < 1:
            raise ValueError(f"batch must be at least 1, got {self.batch}")

    def prune(self, messages: list[dict[str, Any]]) -> int:
        """Replace due images (oldest first); returns how many were replaced now."""
        if self.keep is None:
            return 0
        slots = [(content, i) for message in messages for content, i in _image_slots(message, self.is_image)]
        total = self.removed + len(slots)
        due = max(0, total - self.keep)
        due -= due % self.batch
        now = due - self.removed
        for content, index in slots[:max(0, now)]:
            content[index] = self.placeholder()
        self.removed += max(0, now)
        return max(0, now)


def _image_slots(message: dict[str, Any], is_image: Callable[[Block], bool]) -> list[tuple[list[Block], int]]:
    """(content list, index) of every image in a message, in order, looking into tool results."""
    found: list[tuple[list[Block], int]] = []

    def walk(content: Any) -> None:
        if not isinstance(content, list):
            return
        for index, block in enumerate(content):
            if isinstance(block, dict):
                if is_image(block):
                    found.append((content, index))
                else:
                    walk(block.get("content"))

    walk(message.get("content"))
    return found
