"""Batch pruning of old screenshots: the newest are kept, the rest go in batches, never back."""

from __future__ import annotations

import copy

import pytest

from agent.models._pruning import ImagePruner


def user(n: int) -> dict:
    return {"role": "user", "content": [{"type": "tool_result", "tool_use_id": f"t{n}",
                                         "content": [{"type": "image", "n": n}]}]}


def kept(messages: list[dict]) -> list[int]:
    return [b["n"] for m in messages for r in m["content"] for b in r["content"] if b["type"] == "image"]


def test_the_newest_are_kept_and_the_oldest_go_in_batches() -> None:
    pruner = ImagePruner(keep=2, batch=3)
    messages: list[dict] = []
    seen = []
    for n in range(10):
        messages.append(user(n))
        pruner.prune(messages)
        seen.append(kept(messages))
    assert [len(s) for s in seen] == [1, 2, 3, 4, 2, 3, 4, 2, 3, 4]
    assert seen[4] == [3, 4] and seen[9] == [6, 7, 8, 9]
    assert pruner.removed == 6


def test_between_prunes_the_old_messages_do_not_change() -> None:
    pruner = ImagePruner(keep=2, batch=3)
    messages: list[dict] = []
    for n in range(5):
        messages.append(user(n))
        pruner.prune(messages)
    before = copy.deepcopy(messages)
    messages.append(user(5))
    assert pruner.prune(messages) == 0
    assert messages[:5] == before


def test_pruned_images_become_a_text_placeholder() -> None:
    messages = [user(0), user(1)]
    ImagePruner(keep=1, batch=1).prune(messages)
    assert messages[0]["content"][0]["content"] == [{"type": "text", "text": "(an older screenshot was removed)"}]


def test_keep_none_disables_pruning_and_bad_settings_are_refused() -> None:
    messages = [user(n) for n in range(20)]
    assert ImagePruner(keep=None).prune(messages) == 0 and len(kept(messages)) == 20
    with pytest.raises(ValueError):
        ImagePruner(keep=0)
    with pytest.raises(ValueError):
        ImagePruner(batch=0)
